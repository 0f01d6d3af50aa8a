import type { AnyCommand } from "../command.js";
import type { Sender } from "./questions.js";
import type { SubjectIndex, SubjectMatch } from "./subject-index.js";
import type { Interpretation } from "./interpretation.js";
import { findTaskRefs } from "./task-refs.js";
import { looseTasks } from "./loose-task.js";
import { classifyIntent } from "./intent-classifier.js";
import { callsOff } from "./not-a-report.js";

/**
 * The second stage of the fallback (issue 25, "Ask instead of giving up", after Rasa's TwoStageFallback): a message
 * addressed to the bot that names a task but says too little to read (`督办 任务6 材料`, `6号那个` in a direct chat)
 * is asked about, `您是想查看任务6（…）的进度吗？回复“是”`, instead of getting "没看懂". The question is the status
 * command's, kept as its asker's pending question, so 是, 👍 or a number answers it. It never records anything, and
 * chatter in a group room (not addressed to the bot) is left alone.
 */

/** None given on purpose: an empty message, a quote passed on, "先不报了", the office's summary of its supervision, a report forwarded. */
const ON_PURPOSE = /^(?:empty|quote-passed-on|not-reporting:|supervision-summary:|forwarded:)/u;

/** What the guess needs of the interpret context: the commands, the plan's tasks, who writes where. */
interface GuessContext {
  commands: readonly AnyCommand[];
  subjects?: SubjectIndex | null;
  sender?: Sender;
  units?: readonly { name: string; aliases: readonly string[] }[];
  /** The message is a Matrix reply to one of the bot's own messages, about these tasks. */
  replyTo?: { tasks: readonly number[] };
}

/** At most this many tasks are offered. */
const MAX_GUESSES = 3;

/** The learned signal routes a message only at this probability or above (chosen by cross-validation: scripts/train-intents.ts). */
export const CLASSIFIER_THRESHOLD = 0.96;

/** `askInstead(interpret("督办 任务6 材料", ctx), ctx)` → status of task 6, `likely`, asked first (`args.ask`). */
export function askInstead(i: Interpretation, ctx: GuessContext): Interpretation {
  if (i.command !== null && i.confidence !== "unlikely") return i;
  const replyToBot = (ctx.replyTo?.tasks.length ?? 0) > 0;
  if (!(i.addressed || ctx.sender?.direct || ctx.sender?.addressed || replyToBot)) return i;
  if (i.cues.some((c) => ON_PURPOSE.test(c))) return i;
  const status = ctx.commands.find((c) => c.cues.kind === "task-query" && c.cues.words.length === 0);
  if (!status || !ctx.subjects) return i;
  const low = i.text.toLowerCase();
  const refs = findTaskRefs(low);
  // A task by its number alone (`6号那个`, `第六项`): only read where the bot is addressed (loose-task.ts).
  const loose = refs.length === 0 ? looseTasks(low) : [];
  const named = refs.length > 0 ? refs.flatMap((r) => r.numbers) : loose;
  const numbers = [...new Set(named)].filter((n): n is number => n !== null && ctx.subjects?.title(n) != null).slice(0, MAX_GUESSES);
  // The learned signal is read first: a withdrawal or a pause that names its task (`撤回撤回 任务6 手滑了`) must not be
  // answered with task 6's status.
  const learned = learnedSignal(i, ctx, numbers, replyToBot);
  if (learned.command === null && !learned.learned?.used && numbers.length === 0) return subjectAlone(learned, ctx, status) ?? learned;
  if (learned.command !== null || learned.learned?.used || numbers.length === 0) return learned;
  if (!(i.addressed || ctx.sender?.direct || ctx.sender?.addressed)) return learned;
  // `任务13先不用查了`: a query called off asks nothing, so no status is offered (not-a-report.ts).
  const off = callsOff(low);
  if (off) return { ...learned, cues: [...learned.cues, `called-off:${off}`] };
  const form = refs.length > 0 ? refs.map((r) => r.form).join("+") : "N号";
  // Several numbers alone, asked about, in a direct chat (`9号和13号呢`): a follow-up about those tasks, all answered.
  if (refs.length === 0 && numbers.length > 1 && ctx.sender?.direct && /[呢吗么]|怎么样|咋样/u.test(low))
    return {
      ...learned,
      command: status.name,
      kind: status.cues.kind,
      confidence: "certain",
      args: { numbers },
      tasks: numbers,
      percent: null,
      cues: [...i.cues, `several-asked:${numbers.join(",")}`],
    };
  const candidates = numbers.map((n) => ({ number: n, title: ctx.subjects!.title(n)!, score: 0, shared: [form] }));
  return askStatus({ ...learned, cues: i.cues }, status, candidates, `ask-instead:${form}→${numbers.join(",")}`);
}

/** A subject and nothing else, short: `一网通办`, `实验室呢`, `视综平台？`. */
const SUBJECT_ALONE = /^[\p{Script=Han}A-Za-z]{2,8}(?:呢|的呢|吗)?$/u;

/**
 * A task's subject typed alone in a direct chat (`一网通办`): the writer wants to know how it stands; the bot asks with its
 * best guesses (`您是想查看：任务15（…）的进度吗？`) rather than answer "没看懂". Never in a group room.
 */
function subjectAlone(i: Interpretation, ctx: GuessContext, status: AnyCommand): Interpretation | null {
  if (!ctx.sender?.direct || !ctx.subjects) return null;
  const core = i.text.replace(/[\s\p{P}\p{S}]/gu, "");
  if (!SUBJECT_ALONE.test(core)) return null;
  const found = ctx.subjects.match(core).filter((c) => c.score >= 5);
  if (found.length === 0) return null;
  const candidates = found.slice(0, MAX_GUESSES);
  const numbers = candidates.map((c) => c.number);
  return askStatus(i, status, candidates, `subject-alone:${numbers.join(",")}`);
}

/** The status question asked back with its guesses (`您是想查看：任务N（…）的进度吗？`), kept as the asker's pending question. */
function askStatus(i: Interpretation, status: AnyCommand, candidates: SubjectMatch[], cue: string): Interpretation {
  const numbers = candidates.map((c) => c.number);
  return {
    ...i,
    command: status.name,
    kind: status.cues.kind,
    confidence: "likely",
    args: { numbers, candidates, ask: true },
    tasks: numbers,
    percent: null,
    cues: [...i.cues, cue],
  };
}

/** Queries that change nothing and need no argument: run on the classifier's word where it is sure. */
const READ_ONLY = new Set(["overview", "overdue", "due-soon", "unreported", "help", "reminders-preview", "mine"]);
/** A command's verb told as done (`我撤回了`, `已经暂停了`, `办结了吧`), not asked for. */
const TOLD_AS_DONE = /(?:撤回|撤销|删除|删掉|暂停|停掉|停了|恢复|办结|申请)(?:了|过了)|已(?:经)?(?:撤回|撤销|暂停|恢复|办结|申请)/u;
/** Commands that change something: never run on the classifier's word; the exact command to send is offered. */
const CHANGES = new Set(["retract", "pause-reminders", "resume-reminders", "request-completion", "complete"]);

/**
 * The learned signal (intent-classifier.ts) on a message the rules left unread, addressed to the bot or replying to
 * it: a read-only query it is sure of is answered (history and unit only where the task or unit is written); a command
 * that changes something is never run, the bot offers the exact command to send (`要撤回请发送：撤回 任务6`); an update is
 * never recorded on its word. Below the threshold, or reading chatter or an update, the interpretation is unchanged
 * but for what explain shows.
 */
function learnedSignal(i: Interpretation, ctx: GuessContext, numbers: number[], replyToBot: boolean): Interpretation {
  if (!i.text.trim()) return i;
  const top = classifyIntent(i.text).slice(0, 3);
  const best = top[0]!;
  const shown = top.map((s) => ({ intent: s.intent, p: Math.round(s.p * 1000) / 1000 }));
  const signal = (used: "answered" | "suggested" | null, suggest?: { intent: string; numbers: number[] }) => ({
    top: shown,
    threshold: CLASSIFIER_THRESHOLD,
    used,
    ...(suggest ? { suggest } : {}),
  });
  const keep = (): Interpretation => ({ ...i, learned: signal(null) });
  if (best.p < CLASSIFIER_THRESHOLD || best.intent === "none" || best.intent === "update") return keep();
  const tasks = numbers.length ? numbers : [...(ctx.replyTo?.tasks ?? [])].slice(0, 1);
  const cue = `learned:${best.intent}@${best.p.toFixed(2)}`;
  const suggested = (): Interpretation => ({ ...i, learned: signal("suggested", { intent: best.intent, numbers: tasks }), cues: [...i.cues, cue] });
  // A step told as taken (`刚才那条我撤回了，发错群了`, `提醒已经暂停了`) is news, not an order: nothing to offer.
  // A pause or a resume names the reminders (`提醒`, `催`): `暂停一下，等领导来了再开` pauses a meeting.
  const offTopic = (best.intent === "pause-reminders" || best.intent === "resume-reminders") && !/提醒|催|督办|推送|通知/u.test(i.text);
  if (CHANGES.has(best.intent)) return TOLD_AS_DONE.test(i.text) || offTopic ? keep() : suggested();
  const cmd = ctx.commands.find((c) => c.name === best.intent);
  if (!cmd) return keep();
  const run = (args: Interpretation["args"], onTasks: number[] = []): Interpretation => ({
    ...i,
    command: cmd.name,
    kind: cmd.cues.kind,
    confidence: "likely",
    args,
    tasks: onTasks,
    percent: null,
    cues: [...i.cues, cue],
    learned: signal("answered"),
  });
  if (READ_ONLY.has(best.intent)) return run({});
  if (best.intent === "history") return tasks.length ? run({ numbers: tasks }, tasks) : suggested();
  if (best.intent === "status") return numbers.length ? keep() : tasks.length && replyToBot ? run({ numbers: tasks }, tasks) : suggested();
  if (best.intent === "unit") {
    const low = i.text.toLowerCase();
    const unit = (ctx.units ?? []).find((u) => [u.name, ...u.aliases].some((n) => n.length >= 2 && low.includes(n.toLowerCase())));
    return unit ? run({ name: unit.name, explicit: true }) : suggested();
  }
  return keep();
}
