import type { AnyCommand } from "../command.js";
import type { Sender } from "./questions.js";
import type { SubjectIndex } from "./subject-index.js";
import type { Interpretation } from "./interpretation.js";
import { findTaskRefs } from "./task-refs.js";
import { looseTask } from "./loose-task.js";

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
}

/** At most this many tasks are offered. */
const MAX_GUESSES = 3;

/** `askInstead(interpret("督办 任务6 材料", ctx), ctx)` → status of task 6, `likely`, asked first (`args.ask`). */
export function askInstead(i: Interpretation, ctx: GuessContext): Interpretation {
  if (i.command !== null && i.confidence !== "unlikely") return i;
  if (!(i.addressed || ctx.sender?.direct || ctx.sender?.addressed)) return i;
  if (i.cues.some((c) => ON_PURPOSE.test(c))) return i;
  const status = ctx.commands.find((c) => c.cues.kind === "task-query" && c.cues.words.length === 0);
  if (!status || !ctx.subjects) return i;
  const low = i.text.toLowerCase();
  const refs = findTaskRefs(low);
  // A task by its number alone (`6号那个`, `第六项`): only read where the bot is addressed (loose-task.ts).
  const loose = refs.length === 0 ? looseTask(low) : null;
  const named = refs.length > 0 ? refs.flatMap((r) => r.numbers) : loose !== null ? [loose] : [];
  const numbers = [...new Set(named)].filter((n): n is number => n !== null && ctx.subjects?.title(n) != null).slice(0, MAX_GUESSES);
  if (numbers.length === 0) return i;
  const form = refs.length > 0 ? refs.map((r) => r.form).join("+") : "N号";
  const candidates = numbers.map((n) => ({ number: n, title: ctx.subjects!.title(n)!, score: 0, shared: [form] }));
  return {
    ...i,
    command: status.name,
    kind: status.cues.kind,
    confidence: "likely",
    args: { numbers, candidates, ask: true },
    tasks: numbers,
    percent: null,
    cues: [...i.cues, `ask-instead:${form}→${numbers.join(",")}`],
  };
}
