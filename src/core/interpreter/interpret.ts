import { accessOf, type AnyCommand, type CommandCues } from "../command.js";
import { ASKS } from "../command-cues.js";
import type { Confidence, Interpretation, UpdateSegment } from "./interpretation.js";
import { extractPercent, extractPercents, NUMBER, taskNumber } from "../grammar.js";
import type { SubjectIndex } from "./subject-index.js";
import { normalise } from "./normalise.js";
import type { Lexicon } from "./lexicon.js";
import { aggregateOf, RHETORICAL, TO_THE_ROOM, yesOrNo, dueUntil, leaderQuestion, pastYear, type Sender, taskQuestion, toPerson } from "./questions.js";
import { findTaskRefs, type TaskRef } from "./task-refs.js";
import { readNumerals } from "./numeral-readings.js";
import { completesAfterComma, inlineItemEnd, isNilReport, itemHeadStart, LEADING_INLINE_HEAD, runOnHead } from "./segment-heads.js";
import { askInstead } from "./ask-instead.js";
import { correctedFigure, rejectedFigure } from "./correction.js";
import {
  DEMANDED_DONE,
  forwardedReport,
  hideForecasts,
  hideLike,
  hideMoney,
  hideSharing,
  onlyHidden,
  othersDigest,
  othersDoIt,
  othersFigures,
  plansHeading,
  routineWork,
  WHERE_IT_IS,
  withoutDemands,
} from "./not-progress.js";
import { listedSubjects } from "./list-subjects.js";
import { partDelivered } from "./part-delivered.js";
import { defersToRecord, draftForReview, explainsMeaning, hideNotReported, withoutTargetNouns } from "./not-a-report.js";
import { followUpTask, NOT_A_REPORT, rankReplyTasks, replyTask, TO_SOMEONE } from "./reply-context.js";
import { asksCompletion, completionOfSubject, completionWord, listItemSpan, onlyPlans, progressWord, SUPPOSED, subjectsOfReport } from "./progress-figures.js";
import {
  ABOUT_CHAT_OR_FILES,
  alternation,
  DEMAND_OR_GOAL,
  DONE_MARKS,
  FUTURE_MARKS,
  LIST_FILLER,
  NOT_DONE,
  QUESTION_WORDS,
  UPDATE_LABEL,
  UPDATE_LEAD,
  REQUEST_MARKS,
  WAITING_MARKS,
  STATUS_FILLER,
  STATUS_FILLER_IN_QUESTION,
  WEAK_DONE_MARKS,
} from "./vocabulary.js";

export type { Confidence, Interpretation, UpdateSegment } from "./interpretation.js";

/** What the interpreter needs to know besides the text. */
export interface InterpretContext {
  commands: readonly AnyCommand[];
  /** Known units: names and aliases (directory and plan). */
  units: readonly { name: string; aliases: readonly string[] }[];
  /** Titles and descriptions of the current plan's tasks, for messages that name no number. */
  subjects?: SubjectIndex | null;
  /** Names that address the bot at the start of a message; `督办` always does. */
  botNames?: readonly string[];
  /** The sender's units in the directory: a tie-breaker between two readings of a Chinese numeral. */
  senderUnits?: readonly string[];
  /** Short names derived from the plan and the directory (src/core/interpreter/lexicon.ts). */
  lexicon?: Lexicon | null;
  /** Who writes, where: one of the signals of a question (issue 25). */
  sender?: Sender;
  /** The message is a Matrix reply to one of the bot's own messages, about these tasks (reply-context.ts). */
  replyTo?: { tasks: readonly number[]; confirmed?: { task: number; text: string } };
  /** Today (YYYY-MM-DD, the bot's time zone): a deadline in a year already over is overdue (`2023年底到期的`). */
  today?: string;
}

const compiled = new Map<string, RegExp>();
/** A regex compiled once per source: the cue tables do not change while the bot runs. */
function cached(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(source, flags);
    compiled.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}
const alt = (words: readonly string[], flags = "i") => cached(alternation(words), flags);

const SEPARATOR = /^[\s:：,，.。;；、\-—~～》>】\]]*/u;
const PUNCT_OR_SYMBOL = /[\p{P}\p{S}\p{Z}\s\d]/gu;

function removeWords(text: string, words: readonly string[]): string {
  if (words.length === 0) return text;
  return text.replace(cached(alternation(words), "giu"), " ");
}

/** What is left of `text` once known words, punctuation, emoji and digits are taken out. */
function residual(text: string, words: readonly string[], keepCounts = false): string {
  // In a list query a number is a count of days ("30天内") or a date, never a task: "一共25项任务" is a statement.
  const t = keepCounts ? text.replace(/\d+\s*(?=天|日|月|号|年|项任务)/g, " ").replace(/\d+/g, "Ⅹ") : text;
  return removeWords(t, words)
    .replace(PUNCT_OR_SYMBOL, "")
    .replace(/[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}]|\u{FE0F}/gu, "");
}

function cutRefs(text: string, refs: readonly TaskRef[]): string {
  let out = "";
  let at = 0;
  for (const r of refs) {
    out += `${text.slice(at, r.start)} `;
    at = r.end;
  }
  return out + text.slice(at);
}

function uniq(numbers: number[]): number[] {
  return [...new Set(numbers)];
}

/** Words that say no report is made now: `这个月先不报了`, `暂不报送`, `无需重复报`, `还没核对…核对完再正式报`. */
const NOT_REPORTING =
  /(?:先|暂|暂时|这次|本次|这个月|本月|这周|本周)(?:就)?不(?:报|报送|上报)了?|不用报|无需(?:重复)?报|不再报|(?:还没|尚未|未经|没有)(?:核对|核实|审核)[^。\n]{0,40}?(?:再|后)(?:正式)?(?:报|上报|报送)/u;
/** A first line that heads a summary of supervision, not of work done: `科技办6月督办情况`, `督办通报`. */
const SUPERVISION_HEADING = /^[^\n]{0,20}?(督办情况|督办通报|催办情况|督查通报|督办通知)[^\n]*\n/u;

/**
 * A fact of a task asked in a reply to the bot about it: what was reported (`之前报过哪些`), its deadline (`截止时间是哪天`),
 * who leads it (`牵头的除了警保还有谁`).
 */
const REPLY_FACT = new RegExp(
  [
    "报过|报了哪些|进展记录|历史|截止|时限|期限|到期|哪天|几号|何时|(?:牵头|负责)[^,，。;；?？]{0,10}谁|谁(?:牵头|负责)|(?:牵头|责任|负责)单位(?:是|有)?(?:哪|谁|什么)",
    "第几条|前面(?:的|几条)|之前(?:的|几条)|(?:牵头|负责)的?吗|(?:怎么|为什么|为啥|咋)(?:会|又)?(?:提醒|催|发|派)到|(?:报|交|报送|上报)了?(?:没|吗)",
    "(?:报|交)没(?:报|交)",
    // The figure on record (`我们这个现在系统里记的多少了`, `现在算几成了`).
    "(?:(?:记|录|算|显示|登记)(?:的|了|上|成)?(?:是)?(?:多少|几成|百分之几)|(?:系统|台账|督办)里[^,，。;；?？]{0,8}(?:多少|几成|百分之几|进度))(?:了|呢|啊|呀)?\\s*[?？]?\\s*$",
  ].join("|"),
  "u",
);

/** A request to the bot in a reply that is not phrased as a question: `把这个任务的进展记录都列出来`. */
const REPLY_REQUEST = /列出|列一下|看看|看一下|给我看|调出/u;
/** Between a command's verb and its task: `撤回刚才任务6那条`. */
const EARLIER = "(?:(?:刚才|刚刚|上面|前面|之前)\\s*的?\\s*)?";
/** After the task of a command: `撤回刚才任务6那条 报错了`. */
const THAT_ONE = "(?:\\s*的?\\s*(?:那一?条|这一?条)(?:进展)?)?";
/** Before a command's verb after its task: `任务3先暂停提醒`. */
const FOR_NOW = "(?:(?:先|暂时|暂且|就)\\s*)?";
/** The same from the office, which may also say it may be done: `任务1可以办结了`. */
const OFFICE_MODAL = "(?:(?:先|暂时|暂且|就|可以|能|准予|同意|予以)\\s*)?";
/** Words around a command named with no task, left out before its `bare` phrases are matched: `提醒先停一下` → `提醒停`. */
const BARE_FILLER = /一下|所有的?|全部的?|先|都|暂时|统一|的/gu;
/** Then the kind of reminder: `恢复任务督办提醒` → `恢复提醒`. */
const BARE_KIND = /任务(?=督办|催办|提醒)|督办(?=提醒)/gu;
/** Consent to close denied or told of (`暂不同意办结`, `不予办结`, `局长已同意办结`): talk, whoever says it. */
const CONSENT_TOLD = /(?:不|未|没|已|已经)\s*(?:同意|准予|予以|批准)\s*(?:办结|销号)|不予\s*(?:办结|销号)/u;
/** Consent to close (`同意办结`): in a reply to the bot, talk unless it is the office's (the complete command's own forms). */
const CONSENT = /(?:同意|准予|予以|批准)\s*(?:办结|销号)/u;

/** The heading of a list of work to do: `本周任务：`, `下周工作安排：`, `近期重点工作：`. */
const TODO_HEADING =
  /^\s*(?:本周|这周|下周|本月|这个月|下月|下个月|近期|今年|明天|今天)?\s*(?:的)?\s*(?:重点|主要)?\s*(?:任务|工作安排|工作计划|计划|安排|待办|要做的|工作要点)\s*[:：]\s*\n/u;

/** After a quote, words that pass it on: to a colleague by name (`@刘洋`), or to everyone (`转发各位知悉`). */
const PASS_ON = /^\s*(?:@|转发|转给|转各位|请各位|各位|知悉)/u;

const isQuestion = (text: string) => alt(QUESTION_WORDS).test(text) || /(?:没有?|了没|未)\s*$/.test(text);
/** Asking how a task stands, whatever else the message says: `任务6进度怎么样了，局长下午要听汇报`. */
const STATUS_ASK =
  /(?:进展|进度|情况|状态)\s*(?:怎么样|咋样|如何|怎样|到哪|多少)|怎么样了?|咋样了?|如何了|什么情况|啥情况|啥进度|什么进度|到哪一?步|完成(?:了|得)?多少|status of|how is|how's/i;

/** What makes a list asked for, not only named: `我们单位的任务`, `咱们室有啥`, `我们队负责哪些`, `my tasks`. */
const ASKS_A_LIST = /任务|工作|事项|哪|什么|啥|几|多少|清单|列表|负责|牵头|看看|查|列|[?？吗呢]|\b(?:mine|my|our)\b/iu;

/** A question beyond doubt: a question mark or a closing particle (`吗`, `呢`, `么`, `没`). */
const isPlainQuestion = (text: string) => /[?？]|[吗呢么嘛]\s*[~～…!！.。]*\s*$|(?:了没|没有|没)\s*[?？]?\s*$/.test(text);

/**
 * Turn one chat message into a scored intent. Pure: the same text and context always give the
 * same answer, so `npx duban explain` shows exactly what the bot would do.
 * `interpret("6号任务进展：已推荐3名民警参加评选，完成40%", ctx)` → {command: "update", tasks: [6], percent: 40, confidence: "certain"}.
 */
export function interpret(raw: string, ctx: InterpretContext): Interpretation {
  // Addressed to the bot, naming a task, but unread: asked about instead of "没看懂" (ask-instead.ts).
  return askInstead(read(raw, ctx), ctx);
}

function read(raw: string, ctx: InterpretContext): Interpretation {
  const cues: string[] = [];
  // Quotes left out, NFKC, traditional → simplified, `T6` → `任务6`, keywords typed as homophones (normalise.ts).
  const { text: nfkc, origin, steps, quoted } = normalise(raw);
  if (steps.length > 0) cues.push(...steps.map((s) => `normalised:${s}`));
  const names = alternation(["督办", "督办机器人", ...(ctx.botNames ?? [])]);
  const address = cached(`^\\s*@?(?:${names})(?:\\s*[:：,，]\\s*|\\s+|$)|^\\s*@(?:${names})`, "iu").exec(nfkc);
  if (address) cues.push(`addressed:${address[0].trim()}`);
  const skip = address ? address[0].length : 0;
  const lead = nfkc.slice(skip).length - nfkc.slice(skip).trimStart().length;
  const trailing = cached(`\\s*@(?:${names})\\s*$`, "iu").exec(nfkc.slice(skip + lead));
  if (trailing) cues.push(`addressed:${trailing[0].trim()}`);
  const text = nfkc.slice(skip + lead, trailing ? skip + lead + trailing.index : undefined).trimEnd();
  const low = text.toLowerCase();
  /** The message as written between two offsets of `text`. */
  const written = (from: number, to: number) => raw.slice(origin[skip + lead + from], origin[skip + lead + to]);
  const none = (why?: string): Interpretation => ({
    command: null,
    kind: null,
    confidence: "unlikely",
    addressed: address !== null || trailing !== null,
    text,
    args: {},
    tasks: [],
    percent: null,
    cues: why ? [...cues, why] : cues,
  });
  const found = (
    cmd: AnyCommand,
    args: Interpretation["args"],
    confidence: Confidence = "certain",
    extra: { tasks?: number[]; percent?: number | null } = {},
  ): Interpretation => ({
    command: cmd.name,
    kind: cmd.cues.kind,
    confidence,
    addressed: address !== null || trailing !== null,
    text,
    args,
    tasks: extra.tasks ?? args.numbers ?? [],
    percent: extra.percent ?? null,
    cues,
  });
  if (!low) return none("empty");
  // Quoting a message (often the bot's own reminder) to pass it on to a colleague, `> 【督办提醒】…⏎@刘洋 这个你跟一下`, is
  // neither an update nor a command, whatever task numbers the instruction names.
  if (quoted > 0 && !address && !trailing && PASS_ON.test(text)) return none("quote-passed-on");
  const byKind = <K extends CommandCues["kind"]>(kind: K) =>
    ctx.commands.filter((c): c is AnyCommand & { cues: Extract<CommandCues, { kind: K }> } => c.cues.kind === kind);

  // 0. Directives, which name no task: `绑定 @zhang:bureau.local 刑侦大队`, `绑定本群 刑侦大队`.
  for (const cmd of byKind("directive")) {
    const m = cached(`^(${alternation(cmd.cues.prefixes)})(?=[\\s:：@\\d]|$)[\\s:：]*([\\s\\S]*)$`, "iu").exec(text);
    if (m && (!cmd.cues.rest || cmd.cues.rest.test(m[2]!.trim()))) {
      cues.push(`directive:${cmd.name}`);
      return found(cmd, { verb: m[1]!, rest: m[2]!.trim() });
    }
  }

  // 1. Instructions with a fixed syntax: `暂停提醒 6 原因`, `恢复提醒 6`, `办结 6`, `任务6办结`, `暂停任务7、9的提醒`.
  const list = `(?<list>${NUMBER}(?:\\s*(?:[、,，/&]|和|及|与|and)\\s*(?:任务)?\\s*${NUMBER})*)`;
  // An emoji may stand where the punctuation would: `T1申请办结🙏 文件都在共享盘里了`.
  const reason = "(?:$|[\\s:：,，。;；!！\\p{Extended_Pictographic}\\u{FE0F}]+([\\s\\S]*)$)";
  const task = "(?:任务|tasks?|第)";
  const ordinal = "(?:号任务|号|项任务|项)?";
  // The office's own word for a step it takes: `T1 可以办结了` closes task 1 (from an officer it reports 100%, and is matched
  // here only to see whether it asks: `T6 可以办结了，谁批的`).
  const modal = `(?<modal>${OFFICE_MODAL})`;
  let asked: { command: string; numbers: number[]; outright: boolean } | null = null;
  for (const cmd of byKind("task-command")) {
    if (asked) break;
    const { prefixes, suffixes = [], around = [] } = cmd.cues;
    const forms = [
      `^(?<verb>${alternation(prefixes)})\\s*${EARLIER}${task}?\\s*#?\\s*${list}\\s*${ordinal}${THAT_ONE}${reason}`,
      ...(suffixes.length
        ? [
            `^${task}\\s*#?\\s*${list}\\s*${ordinal}\\s*的?\\s*${modal}(?<already>(?:已经|已)\\s*)?(?<verb>${alternation(suffixes)})(?<tail>(?:了|吧|啦)*)${reason}`,
          ]
        : []),
      ...around.map(
        ([before, after]) =>
          `^${alternation([before])}\\s*${task}?\\s*#?\\s*${list}\\s*${ordinal}\\s*的?\\s*${alternation([after])}(?<tail>(?:吧|了|啊)*)${reason}`,
      ),
    ];
    for (const form of forms) {
      const m = cached(form, "iu").exec(text);
      const numbers = m ? uniq([...m.groups!.list!.matchAll(cached(NUMBER, "gu"))].map((x) => taskNumber(x[0])).filter((n): n is number => n !== null)) : [];
      if (m && numbers.length > 0) {
        // A question is never an order (issue 25): `任务6办结了，为什么` tells a fact and asks about it, `申请办结 8 什么时候审核`
        // asks. Nothing is done; the message is read on as a question about the task. A command that only shows records
        // (审计, 佐证) answers a question put to it outright (`审计 6 谁改的`), but not a fact told about the task (`任务8审计了，…`).
        const after = (m[m.length - 1] ?? "").trim();
        const toldFact = /了/u.test(m.groups?.tail ?? "");
        // `任务8已经申请办结了` tells what was done, and `任务6可以办结了` from an officer reports work done: never the command.
        const onlyTold = m.groups?.already !== undefined || (!ctx.sender?.admin && !cached(`^${FOR_NOW}$`, "u").test(m.groups?.modal ?? ""));
        const mayAsk = cmd.cues.reasonMayAsk?.test(`${m.groups?.verb ?? ""} ${after}`) === true;
        if (!mayAsk && ASKS.test(after) && (toldFact || onlyTold || accessOf(cmd) === "change")) {
          // Written as an order (not told as a fact), the answer says that nothing was done and how to do it.
          asked = { command: cmd.name, numbers, outright: !toldFact && !onlyTold };
          break;
        }
        // Not asked: read on (a fact, or a report), as before.
        if (onlyTold) continue;
        cues.push(`command:${cmd.name}`);
        return found(cmd, { numbers, reason: after, ...(m.groups?.verb ? { verb: m.groups.verb } : {}) });
      }
    }
  }

  if (asked) cues.push(`asks-about:${asked.command}`);

  // 1b. A command said in other words, the whole message (`刚才所报第二十二项进度有误，请予撤回`, `撤回上一条`, in reply to
  // the bot's confirmation `撤回，这条发错群了`): the forms are the command's own (its cues' `whole`).
  const said = asked ? null : wholeCommand(low, byKind("task-command"), ctx.replyTo?.tasks ?? [], ctx.subjects, ctx.sender?.admin === true);
  if (said) {
    cues.push(`whole:${said.cmd.name}${said.from ? `(${said.from})` : ""}`);
    // In reply to the bot's confirmation of one update, the withdrawal is of that update (its text as stored).
    const confirmed = ctx.replyTo?.confirmed;
    const quote = confirmed && said.numbers.length === 1 && said.numbers[0] === confirmed.task ? { quote: confirmed.text } : {};
    return found(said.cmd, { numbers: said.numbers, reason: said.reason ?? written(0, text.length).trim(), words: true, ...quote });
  }
  // Talk of consenting to close that is no order of the office's (`暂不同意办结`, `局长已同意办结`, `同意办结` from an officer)
  // reports no progress.
  const consent = CONSENT_TOLD.exec(low) ?? (ctx.replyTo ? CONSENT.exec(low) : null);
  if (consent && !asked && !isQuestion(low) && !extractPercent(text)) return none(`consent-talk:${consent[0]}`);
  // A figure corrected in reply to the bot's confirmation (`不是80，是85，上一条数字写错了`, `打错了 是45`): the right figure
  // recorded on the task confirmed.
  // With its one task named (`T6 打错了 是40 不是4`), the same correction is of that task.
  const named = ctx.replyTo?.confirmed || asked ? null : oneTaskNamed(low);
  const fixed = asked ? null : ctx.replyTo?.confirmed ? correctedFigure(low) : named ? correctedFigure(named.rest) : null;
  const correctedTask = ctx.replyTo?.confirmed?.task ?? named?.task;
  // The number rejected must be the figure, not the task (`任务6 不对 是13 不是6`, `打错了 是23 不是24` under task 24's
  // confirmation correct the task number).
  const rejected = fixed ? rejectedFigure(ctx.replyTo?.confirmed ? low : (named?.rest ?? low)) : null;
  const wrongNumber = rejected !== null && rejected === correctedTask;
  if (wrongNumber) cues.push(`correction-of-a-number:${rejected}`);
  const updateCmd = byKind("update")[0];
  if (fixed && !wrongNumber && correctedTask !== undefined && updateCmd) {
    cues.push(`correction:${correctedTask}→${fixed.value}%`);
    const body = written(0, text.length).trim();
    return found(updateCmd, { segments: [{ numbers: [correctedTask], body, percent: fixed.value, percentRaw: fixed.raw }] }, "certain", {
      tasks: [correctedTask],
      percent: fixed.value,
    });
  }

  const numerals = readNumerals(low, findTaskRefs(low), ctx.subjects, cues, ctx.senderUnits);
  let refs = numerals.refs;
  // A question put to a command by its number alone (`办结 6 为什么`): about that task all the same.
  const statusQuery = byKind("task-query").find((c) => c.cues.words.length === 0);
  const heldBack = asked?.outright ? { asked: asked.command } : {};
  if (asked && refs.length === 0 && statusQuery) return found(statusQuery, { numbers: asked.numbers, ...heldBack });
  const question = asked !== null || isQuestion(low.replace(/[?？]\s*$/, "?"));
  if (question) cues.push("question");
  const unitWords = ctx.units.flatMap((u) => [u.name, ...u.aliases]);

  // A reply to the bot's reminder, status answer or confirmation that names no task is about the task of that message
  // (`设备已全部到货，进度六成` in reply to task 12's reminder), or, of several, the one whose subject it names.
  const replyTasks = ctx.replyTo?.tasks ?? [];
  // A question about a unit or about many tasks (`指挥中心其他任务怎么样`, `还有哪些单位没报？`) is not about the task replied to.
  const deictic = /这个任务|这项|这条|该任务|此项|这个(?!月|周|季|星期|礼拜)/u.test(low);
  // Who leads the task replied to (`牵头的除了警保还有谁？`) or what was reported on it (`之前报过哪些？`) is about it.
  const aboutIt = REPLY_FACT.test(low) && !/任务|哪些单位|哪几个单位|其他|其它|别的/u.test(low);
  // ... nor is one about the bot itself (`下一次提醒会发给谁？`, `这个怎么报`).
  const aboutBot = question && !deictic && ["help", "reminders-preview"].includes(aggregateOf(low) ?? "");
  const wider = aboutBot || (question && !deictic && !aboutIt && (alt(unitWords).test(low) || /哪些|哪几|其他|其它|别的|所有|全部|几个|几项|单位/u.test(low)));
  let fromReply = false;
  /** The reply is about one task beyond doubt: the bot's message had one, or the reply heads a clause with its number. */
  let oneTaskReplied = false;
  if (refs.length === 0 && replyTasks.length > 0 && !wider) {
    const status = byKind("task-query").find((c) => c.cues.words.length === 0);
    const follow = followUpTask(low);
    if (status && follow !== null) {
      cues.push(`reply-follow-up:${follow}`);
      return found(status, { numbers: [follow] });
    }
    const chosen = replyTask(low, replyTasks, ctx.subjects);
    if (chosen) {
      cues.push(chosen.cue);
      refs = [chosen.ref];
      fromReply = true;
      oneTaskReplied = replyTasks.length === 1 || chosen.cue.startsWith("reply-to:numbered-clause");
      // Acknowledgements, instructions, demands and hearsay in a reply report nothing, whatever 已 or figure they hold.
      const notReport = NOT_A_REPORT.exec(withoutTargetNouns(low));
      if (notReport) return none(`reply-not-a-report:${notReport[0]}`);
      // A rhetorical complaint about the answer replied to (`怎么一条进展都没有？`): the answer already says it.
      const complaint = question ? RHETORICAL.exec(low) : null;
      if (complaint) return none(`rhetorical:${complaint[0]}`);
    } else {
      // Several tasks and none named: a report of work done is asked about, with the reminder's tasks as the guesses.
      const update = byKind("update")[0];
      const pct = extractPercent(text);
      const done = doneWork(low) ?? completionWord(low) ?? progressWord(low) ?? (pct ? `${pct.value}%` : null);
      if (update && done && !question && !TO_SOMEONE.test(low) && !NOT_A_REPORT.test(low) && !FUTURE_MARKS.test(low)) {
        cues.push(`reply-to:several→${replyTasks.join(",")}`, `done:${done}`);
        const ranked = rankReplyTasks(low, replyTasks, ctx.subjects);
        const candidates = ranked.slice(0, 3).map((n) => ({ number: n, title: ctx.subjects?.title(n) ?? "", score: 0, shared: [] }));
        const body = written(0, text.length).trim();
        return found(update, { segments: [{ numbers: [ranked[0]!], body, percent: pct?.value ?? null, percentRaw: pct?.raw ?? null }], candidates }, "likely", {
          tasks: candidates.map((c) => c.number),
          percent: pct?.value ?? null,
        });
      }
    }
  }

  if (refs.length > 0) {
    const numbers = uniq(refs.flatMap((r) => r.numbers));
    cues.push(...refs.map((r) => `task:${r.form}→${r.numbers.join(",")}`));
    const rest = cutRefs(low, refs);
    const explicitLabel =
      (refs[0]!.start <= 6 && UPDATE_LABEL.test(low.slice(refs[0]!.end))) || /^\s*(?:update|进展|报送进展)\s*(?:task\s*)?#?\s*\d/i.test(low);

    // 2. A question about one task: `任务6目前啥进度？`, `任务6历史`, `谁牵头任务12`. A reply that names no task asks
    // about the task replied to only when it is a question: `👍`, `本期无新进展` are not.
    // Put to a colleague by name (`@孙磊 任务9进展怎么样了，回我一下`), a question is the colleague's to answer.
    // Naming the bot too (`@孙磊 @督办 任务9进展怎么样`, the transport takes the bot's mention out) asks the bot as well.
    const forPerson = !address && !trailing && !ctx.sender?.direct && !ctx.sender?.addressed && toPerson(low);
    if (forPerson) cues.push(`to-person:${forPerson}`);
    if ((!explicitLabel || question) && (!fromReply || question) && !forPerson) {
      for (const cmd of byKind("task-query")) {
        if (cmd.cues.words.length === 0) continue;
        const hit = alt(cmd.cues.words).exec(rest);
        // `任务11报了吗` asks whether, which the status answers, not what (questions.ts, YES_OR_NO).
        if (hit && yesOrNo(rest.slice(hit.index + hit[0].length))) continue;
        if (hit && residual(rest, [...cmd.cues.words, ...STATUS_FILLER, ...LIST_FILLER, ...unitWords]).length === 0) {
          cues.push(`${cmd.name}:${hit[0]}`);
          return found(cmd, { numbers });
        }
      }
      const status = byKind("task-query").find((c) => c.cues.words.length === 0);
      const filler = [...STATUS_FILLER, ...unitWords, ...(question ? STATUS_FILLER_IN_QUESTION : [])];
      const left = residual(rest, filler);
      const statesFigure = extractPercent(text) !== null && !isPlainQuestion(low);
      const asks = question ? (STATUS_ASK.exec(low) ?? asksCompletion(low)) : null;
      // A question about a command (`任务6办结了，60%怎么就办结了`) is answered with the status whatever figure it holds.
      if (status && (asked || (!statesFigure && (left.length === 0 || (question && (address !== null || trailing !== null)) || asks)))) {
        cues.push(left.length === 0 ? "only-status-words" : asks ? `asks:${asks[0]}` : asked ? "asks-about-command" : "addressed-question");
        return found(status, { numbers, ...heldBack });
      }
    }
    // Not covered by cues and filler, but asked all the same: `麻烦帮我查一下任务20现在到什么程度了，谢谢`, `那任务7呢？`.
    if (!explicitLabel && (!fromReply || question || REPLY_REQUEST.test(low)) && !forPerson) {
      // A reply to the bot that asks a fact of its task (`截止时间是哪天`, `之前报过哪些`) is addressed to the bot.
      const asksFact = fromReply && question && REPLY_FACT.test(low);
      if (asksFact) cues.push(`reply-asks:${REPLY_FACT.exec(low)![0]}`);
      const sender = { ...ctx.sender, addressed: ctx.sender?.addressed || address !== null || trailing !== null || asksFact };
      // `截至目前` dates the question (`请将第十八项任务截至目前的推进情况报我`); it states no work done.
      // Nor does the state asked for (`近期推进情况`, `完成情况`).
      const asked = taskQuestion(low, rest, byKind("task-query"), sender, doneWork(low.replace(AS_OF, " ").replace(STATE_ASKED, " ")) !== null);
      if (asked) {
        cues.push(...asked.cues);
        return found(asked.command, { numbers });
      }
    }
    const update = byKind("update")[0];
    if (!update) return none();
    // Saying one is not reporting (`上个月报的任务14是30%，这个月先不报了`), or the office's summary of its own
    // supervision (`科技办6月督办情况⏎1.任务1、任务2已逾期…`), reports no progress.
    const declines = NOT_REPORTING.exec(low);
    if (declines) return none(`not-reporting:${declines[0]}`);
    const heading = SUPERVISION_HEADING.exec(low);
    if (heading && refs[0]!.start >= heading[0].length) return none(`supervision-summary:${heading[1]}`);
    // A report of another unit forwarded or quoted (`转发刑侦周报：…`, `各单位进展汇总（摘自督办系统）`) is not ours to record.
    const forwarded = forwardedReport(low) ?? othersFigures(low);
    if (forwarded) return none(`forwarded:${forwarded}`);
    // An explanation of what a goal means (`特此说明：任务二十五中“…”是指…`), a draft sent for review (`本周周报我先发您过目`),
    // a hand-made recap that defers to the system (`…有出入的以督办系统记录为准`): its numbers and figures report nothing.
    const notReport = explicitLabel ? null : notAReport(low);
    if (notReport) return none(`not-a-report:${notReport}`);
    // A plan of work to come (`国保大队下周计划⏎1. 任务16：…`), another unit said to do the work (`主要是网安在弄`), a
    // completion urged (`任务25年底前要基本完成`): no report, whatever 完成 or figure the lines hold.
    const plans = explicitLabel ? null : plansHeading(low);
    if (plans) return none(`plans-heading:${plans}`);
    // An errand or a question put to a colleague (`仁务18 示范点牌子要做多大尺寸啊 有人知道不`) reports nothing it does not state.
    if (forPerson && !explicitLabel && !extractPercent(text) && (!doneWork(low) || TO_THE_ROOM.test(low))) return none(`to-person:${forPerson}`);
    const notOurs = explicitLabel ? null : othersDoIt(low);
    if (notOurs && !extractPercent(text) && !doneWork(low)) return none(`others-do-it:${notOurs}`);
    if (!explicitLabel && !extractPercent(text) && DEMANDED_DONE.test(low) && !doneWork(withoutDemands(low))) return none("demanded");
    // Figures of two units or more, each with its task (`科技办汇总：刑侦 任务6 60%；警保 任务12 55%`): a digest of others'.
    const digest = othersDigest(low, refs, unitAliasMap(ctx));
    if (digest) return none(`forwarded:units(${digest.join("+")})`);
    // A word like 查询 or 看看 inside an update ("已开通…查询功能，进度七成") does not make it a question.
    const updateQuestion = question && (isPlainQuestion(low) || (!doneWork(low) && !extractPercent(text)));
    const heads = headRefs(low, refs);
    if (heads.length < refs.length)
      cues.push(
        `body-numbers:${refs
          .filter((r) => !heads.includes(r))
          .flatMap((r) => r.numbers)
          .join(",")}`,
      );
    const subjects = ctx.subjects;
    // Work done is read without forecasts (`预计下周能到60%`) and without a file shared for people to act on.
    // Nor is a figure of money (`采购经费仅拨付百分之三十`) a figure of the work.
    // ... nor inside a name or a goal in quotes (`“2024年底前基本完成”是指…`).
    // Nor a figure the sender disowns (`65%是上月数字`) or will check before reporting (`重新核一下再报`, `招标完了再报`).
    const evidenceLow = hideQuoted(hideNotReported(hideSharing(hideMoney(hideForecasts(low)), REQUEST_MARKS.test(low))));
    const read = interpretUpdate(low, text, heads, {
      evidence: { low: evidenceLow, text: hideLike(text, evidenceLow) },
      ...(subjects ? { titleWord: (n: number, w: string) => subjects.titleWord(n, w) } : {}),
      question: updateQuestion,
      explicitLabel,
      cues,
      written,
      found: (args, conf, extra) => found(update, args, conf, extra),
      none,
    });
    // A task known only from the message replied to is recorded at once with a figure, a completion, a word of progress
    // (`进度六成`, `可以算完成了`, `过半`), or work plainly done (`设备已全部到货`) in reply to a message about that one
    // task (or with its number: `21号已经上线了`); a weaker sign (`场地定了`), or a task chosen by its subject among several replied to, is asked about first.
    if (
      fromReply &&
      read.command === update.name &&
      read.confidence === "certain" &&
      !extractPercent(text) &&
      !completionWord(low) &&
      !progressWord(low) &&
      !(oneTaskReplied && partDelivered(evidenceLow)) &&
      !(oneTaskReplied && plainlyDone(evidenceLow))
    ) {
      cues.push("reply-to:ask-first");
      return { ...read, confidence: "likely" };
    }
    // `第一个任务` said aloud is often the day's first errand (`今天第一个任务已经完成了`): recorded at once only when the
    // task's own subject stands beside it (`第二十一个任务那个智能运维平台上线了`), else asked about.
    const spokenOnly = heads.filter((r) => r.form === "第N个任务").flatMap((r) => r.numbers);
    if (read.command === update.name && read.confidence === "certain" && spokenOnly.length > 0) {
      const named = new Set((ctx.subjects?.match(low, { minScore: 3, ratio: 0, max: 25 }) ?? []).map((c) => c.number));
      if (!spokenOnly.every((n) => named.has(n))) {
        cues.push(`spoken-number-without-subject:${spokenOnly.join(",")}`);
        return { ...read, confidence: "likely" };
      }
    }
    // `任务十一台…` read as 11 or as 10 and neither task's subject in the message: ask which.
    return numerals.ask && read.command === update.name
      ? { ...read, confidence: "likely", args: { ...read.args, candidates: numerals.ask }, tasks: numerals.ask.map((c) => c.number) }
      : read;
  }

  // 2b. An instruction named with no task, from the office, or from a leader to the bot: `这周局里集中整训，提醒先停一下`,
  // `提醒恢复吧`, `最近别催了，…`. Its handler asks which tasks (or tells a leader who may); nothing changes until they are named.
  // A leader's word too (`最近别催了，…7月15号以后再说`), said to the bot: the handler tells who may pause.
  const toBot = ctx.sender?.direct === true || ctx.sender?.addressed === true || address !== null || trailing !== null;
  if ((ctx.sender?.admin || (ctx.sender?.leader && toBot)) && !question) {
    const bare = low.replace(BARE_FILLER, "").replace(BARE_KIND, "");
    let best: { cmd: AnyCommand; at: number; word: string } | null = null;
    for (const cmd of byKind("task-command")) {
      if (!cmd.cues.bare?.length) continue;
      // The phrase ends a clause: `提醒停一下吧`, not `提醒停车的事`.
      // Or is sent no more, or again: `提醒暂停发送`, `提醒恢复正常推送`.
      const m = cached(`(?:${alternation(cmd.cues.bare)})(?=(?:正常)?(?:发送|推送)?(?:$|[^\\p{Script=Han}]|[吧了啊呀嘛]))`, "iu").exec(bare);
      if (m && (!best || m.index < best.at)) best = { cmd, at: m.index, word: m[0] };
    }
    // `别催了` in a room is talk among people, even the office's; said to the bot it is an order.
    if (best && (toBot || !/催/u.test(best.word))) {
      cues.push(`${best.cmd.name}:bare:${best.word}`);
      const rest = text
        .split(/[\s,，。;；!！]+/u)
        .filter((c) => c && !/提醒|催办|^(?:吧|了|啊)$/u.test(c))
        .join("，");
      return found(best.cmd, { numbers: [], reason: rest });
    }
  }

  // 3. A list: `看看逾期的`, `有哪些快到期的任务`, `我们单位的任务`, `总览`.
  for (const cmd of byKind("list-query")) {
    const hit = alt(cmd.cues.words).exec(low);
    // `我们都报了`, `我这边有` in a group room say something of the sender's unit; they ask nothing.
    if (cmd.name === "mine" && !ctx.sender?.direct && !address && !trailing && !ASKS_A_LIST.test(low)) continue;
    if (hit && residual(low, [...cmd.cues.words, ...LIST_FILLER], true).length === 0) {
      cues.push(`${cmd.name}:${hit[0]}`);
      // Due at the end of a year already over: those tasks are overdue.
      const past = cmd.name === "due-soon" ? pastYear(low, ctx.today) : null;
      const overdue = past ? byKind("list-query").find((c) => c.name === "overdue") : undefined;
      if (overdue) {
        cues.push(`past-year:${past}`);
        return found(overdue, {});
      }
      const until = cmd.name === "due-soon" ? dueUntil(low) : undefined;
      return found(cmd, until ? { until } : {});
    }
  }
  // 4. A unit's tasks: `刑侦大队负责哪些任务`, `unit 刑侦大队`.
  for (const cmd of byKind("unit-query")) {
    const explicit = cached(`^(?:${alternation(cmd.cues.explicit)})\\s+(.{1,40})$`, "iu").exec(text);
    if (explicit) {
      cues.push(`${cmd.name}:explicit`);
      return found(cmd, { name: explicit[1]!.trim(), explicit: true });
    }
    const unit = unitWords.length ? alt(unitWords).exec(low) : null;
    const word = alt(cmd.cues.words).exec(low);
    if (unit && word && residual(low, [...unitWords, ...cmd.cues.words, ...LIST_FILLER], true).length === 0) {
      cues.push(`${cmd.name}:${unit[0]}+${word[0]}`);
      return found(cmd, { name: unit[0], explicit: false });
    }
    // "X的任务" with a name we do not know: answered only when addressed, so chatter stays chatter.
    const implied = /^(.{2,20}?)\s*(?:的|牵头的|负责的)?任务(?:清单|列表)?$/.exec(low);
    const addressed = address !== null || trailing !== null;
    if (
      implied &&
      (addressed || !question) &&
      !/^(?:我|我们|本单位|我单位|主要|重点|今天|今日|明天|本周|这周|本月|这个月|手头|手上|新|老|其他|别的|所有|全部)/.test(implied[1]!)
    ) {
      cues.push(`${cmd.name}:implied`);
      return { ...found(cmd, { name: implied[1]!.trim(), explicit: false }), confidence: addressed ? "certain" : "likely" };
    }
  }

  // 4b. A leader's question by evidence: a subject (`无人机管控那块怎么样了`), a unit's nickname, an aggregate.
  const leader = leaderQuestion(low, { ...ctx, sender: { ...ctx.sender, addressed: ctx.sender?.addressed || address !== null || trailing !== null } }, byKind);
  if (leader) {
    cues.push(...leader.cues);
    return found(leader.command, leader.args, leader.confidence);
  }

  // 5. An update that names its task only by subject: `数字工匠评选材料已报市局`. Always asked about.
  const update = byKind("update")[0];
  // A forwarded notice ("市局通报：全市…联网率达到95%") reports on others, not on our tasks.
  const notice =
    /^[【[]?(?:通报|通知|转发|转|公告|提醒|温馨提示|fyi|fw|fwd)[】\]]?\s*[:：]|^(?:市局|省厅|县局|上级)\s*(?:通报|通知)/i.test(low) ||
    forwardedReport(low) !== null ||
    othersFigures(low) !== null;
  // A question about a task named by its subject: `数字工匠那个任务现在啥情况？`, `等保那项现在完成多少了`.
  const status = byKind("task-query").find((c) => c.cues.words.length === 0);
  const asks = STATUS_ASK.exec(low) ?? (isPlainQuestion(low) && /进展|进度|情况|谁牵头|谁负责/.exec(low));
  if (status && ctx.subjects && asks && /任务|那项|这项|那个|这个|工作/.test(low)) {
    const candidates = ctx.subjects.match(low);
    if (candidates.length > 0) {
      cues.push(`asks:${asks[0]}`, ...candidates.map((c) => `subject:${c.number}(${c.shared.join("+")}) ${c.score}`));
      return found(status, { numbers: candidates.map((c) => c.number), candidates }, "likely");
    }
  }
  // A list headed as work to do (`本周任务：⏎1.迎接市局检查⏎2.完成…测评`) plans; it reports nothing done.
  const todo = TODO_HEADING.exec(low) ?? plansHeading(low) ?? (DEMANDED_DONE.test(low) && !doneWork(withoutDemands(low)) ? ["demanded"] : null);
  if (todo) cues.push(`todo-list:${typeof todo === "string" ? todo : todo[0].trim()}`);
  if (update && ctx.subjects && !question && !notice && !todo && !REQUEST_MARKS.test(low) && !notAReport(low)) {
    // A figure or a word like 过半 is a report too: `工作室挂牌那件事，进度七成了` (issue 25).
    // A demand or a goal (`省厅要求2024年底前…完成率100%`) states no progress.
    // In a list (`警保室本周：⏎1. 完成工资发放…⏎4. 下周盘点单警装备库存`) only the lines that report work done are read, and
    // 截至目前 alone is a date, not work done (`截至目前，市局尚未下发…通知`).
    // A figure of money (`预算只剩40%了`), a figure disowned or a report put off (`招标完了再报`) is no report either.
    const quiet = hideNotReported(hideMoney(low));
    // A weekly list of items headed by subjects (`1. 无人机管控：…⏎2. 户政窗口“一窗通办”改造完成`): each item's task is
    // among the guesses, in the list's order, with the figure of the first one's own line (list-subjects.ts).
    const listed = listedSubjects(
      quiet,
      ctx.subjects,
      (item) => {
        const ev = hideForecasts(item).replace(AS_OF, " ");
        return !FUTURE_MARKS.test(ev) && (doneWork(ev) ?? WEAK_DONE_MARKS.exec(ev)?.[0] ?? progressWord(ev) ?? extractPercent(ev)) !== null;
      },
      (item, m) => routineWork(item) !== null && !m.shared.some((w) => w.length >= 4),
    );
    if (listed) {
      const first = listed[0]!;
      const pct = extractPercent(hideLike(text, quiet).slice(first.start, first.start + first.item.length));
      const candidates = listed.map((l) => l.match);
      cues.push(...listed.map((l) => `listed-subject:${l.match.number}(${l.match.shared.join("+")})`));
      return found(
        update,
        {
          segments: [{ numbers: [first.match.number], body: written(0, text.length).trim(), percent: pct?.value ?? null, percentRaw: pct?.raw ?? null }],
          candidates,
        },
        "likely",
        { tasks: candidates.map((c) => c.number), percent: pct?.value ?? null },
      );
    }
    const reported = reportedPart(quiet);
    const figure = DEMAND_OR_AFTER.test(reported) ? null : extractPercent(hideLike(text, hideForecasts(quiet)));
    const asOf = reported.replace(AS_OF, " ");
    const done = doneWork(asOf) ?? WEAK_DONE_MARKS.exec(asOf)?.[0] ?? progressWord(asOf) ?? (figure ? `${figure.value}%` : null);
    // "已经安排下周组织数字工匠评选" is a plan, not an update: only 已…完成-style words outweigh talk of the future.
    // A forecast after the work done (`…已报市局，预计下周出结果`) does not make it a plan.
    if (done && !(FUTURE_MARKS.test(hideForecasts(low)) && !/^(?:已|已经)?完成|结业|完工|竣工/.test(done))) {
      const candidates = subjectsOfReport(reported, ctx.subjects, figure !== null);
      // Routine police work (`安全生产检查发现隐患3处`) matched on common words only (安全, 隐患) is no task's report.
      const routine = routineWork(reported);
      if (routine && !candidates.some((c) => c.shared.some((w) => w.length >= 4))) return none(`routine-work:${routine}`);
      if (candidates.length > 0) {
        cues.push(`done:${done}`, ...candidates.map((c) => `subject:${c.number}(${c.shared.join("+")}) ${c.score}`));
        const pct = extractPercent(text);
        const body = written(0, text.length).trim();
        // Voice input says the number bare and then the subject (`二十三 就是智能感知那个 这周又装了三十个点位`): the number and
        // the subject agree on one task, and the report is recorded on it at once.
        const spoken = spokenNumberOf(low, candidates[0]!.number);
        if (spoken) cues.push(`number+subject:${spoken}→${candidates[0]!.number}`);
        return found(
          update,
          {
            segments: [{ numbers: [candidates[0]!.number], body, percent: pct?.value ?? null, percentRaw: pct?.raw ?? null }],
            ...(spoken ? {} : { candidates }),
          },
          spoken ? "certain" : "likely",
          { tasks: spoken ? [candidates[0]!.number] : candidates.map((c) => c.number), percent: pct?.value ?? null },
        );
      }
    }
  }
  return none();
}

/** Why a message with numbers and figures reports nothing (not-a-report.ts), or null. */
function notAReport(low: string): string | null {
  return explainsMeaning(low) ?? draftForReview(low) ?? defersToRecord(low);
}

/** A number standing alone as a word (`嗯那个 二十三 就是…`, `23，就是…`): spoken, it names a task. */
const BARE_NUMBER = new RegExp(
  String.raw`(?<=^|[\s,，。、:：])(?:第\s*)?(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:号|项)?(?=$|[\s,，。、:：]|就是|那个|这个)` +
    String.raw`(?!\s*(?:个|台|套|名|人|家|项|件|天|日|号|月|年|次|万|元|米|处|所|条|份|批|场|起|分|小时|周|成|点|路|%))`,
  "gu",
);

/** The bare number in `low` that is task `n`, as written, or null. */
function spokenNumberOf(low: string, n: number): string | null {
  for (const m of low.matchAll(BARE_NUMBER)) if (taskNumber(m[1]!) === n) return m[0].trim();
  return null;
}

/** The one task a message names, and the message without it: `oneTaskNamed("任务6 打错了 是40")` → `{ task: 6, rest: "  打错了 是40" }`. */
function oneTaskNamed(low: string): { task: number; rest: string } | null {
  const refs = findTaskRefs(low);
  if (refs.length !== 1 || refs[0]!.numbers.length !== 1) return null;
  return { task: refs[0]!.numbers[0]!, rest: cutRefs(low, refs) };
}

/** A numbered item of a list, even one run on a line with single blanks: `… 2.新增… 3.任务15…`. */
const ITEM_MARK = /(?:^|\n|[;；:：,，。]|\s)\s*\d{1,2}\s*[.、．)）](?!\d)/gu;

/** The list item a task reference stands in, or null when it stands in no numbered list. */
function listItemOf(low: string, ref: TaskRef): string | null {
  let start = -1;
  let end = low.length;
  for (const m of low.matchAll(ITEM_MARK)) {
    if (m.index! + m[0].length <= ref.start) start = m.index! + m[0].length;
    else if (m.index! >= ref.end) {
      end = m.index!;
      break;
    }
  }
  return start === -1 ? null : low.slice(start, end);
}

type TaskCommand = AnyCommand & { cues: Extract<CommandCues, { kind: "task-command" }> };

/**
 * A task command said in other words, the whole message, by one of its `whole` forms (the retract command's
 * `撤回上一条`, `所报数字有误，此条请先予撤回`): its tasks are those the message names, else the number the form captures as
 * `task` (`不是6`), else the one task of the bot's message replied to, else none (the handler then finds the sender's own).
 * A form with a `task` group never takes the message's references: they name the right task (`这条是任务7的，不是6`).
 */
function wholeCommand(
  low: string,
  cmds: readonly TaskCommand[],
  replyTasks: readonly number[],
  subjects: SubjectIndex | null | undefined,
  admin: boolean,
): { cmd: TaskCommand; numbers: number[]; from: string; reason: string | null } | null {
  const refs = findTaskRefs(low);
  let masked = "";
  let at = 0;
  for (const r of refs) {
    masked += `${low.slice(at, r.start)}#`;
    at = r.end;
  }
  masked = (masked + low.slice(at)).trim();
  for (const cmd of cmds)
    for (const form of cmd.cues.wholeBy === "admin" && !admin ? [] : (cmd.cues.whole ?? [])) {
      const m = form.exec(masked);
      if (!m) continue;
      const reason = m.groups?.reason?.trim() ?? null;
      const captured = m.groups?.task ? taskNumber(m.groups.task) : null;
      if (captured !== null) return { cmd, numbers: [captured], from: "named", reason };
      // A form's `right` group is where the record belongs (`刚才那条是23的，撤回`): the task replied to is the one meant.
      if (refs.length > 0 && !form.source.includes("?<task>") && m.groups?.right === undefined)
        return { cmd, numbers: uniq(refs.flatMap((r) => r.numbers)), from: "", reason };
      // The task replied to: the only one, every one (`这两项都…`), or the one whose subject the message names (reply-context.ts).
      const replied = replyTask(low, replyTasks, subjects);
      if (replied) return { cmd, numbers: replied.ref.numbers, from: replied.cue, reason };
      if (cmd.cues.wholeWithoutTask?.test(masked)) return { cmd, numbers: [], from: "latest", reason };
    }
  return null;
}

/** Every unit name and alias the interpreter knows, listed and derived, to its unit. */
function unitAliasMap(ctx: InterpretContext): ReadonlyMap<string, string> {
  const out = new Map<string, string>(ctx.lexicon?.units ?? []);
  for (const u of ctx.units) for (const a of [u.name, ...u.aliases]) out.set(a, u.name);
  return out;
}

/** A demand or a goal (vocabulary.ts), or a figure only bounded (`以上`, `之前`): no figure of progress. */
const DEMAND_OR_AFTER = new RegExp(`${DEMAND_OR_GOAL}|以前|之前|以上`, "u");

/**
 * A demand, a goal or what someone said (`局长说`, `要完成`, `要求`): a figure in such a message is not work done. A goal
 * reached is not one (`完成年度目标的八成`, `目标提前实现`), nor what is hard to say (`具体几成说不好`).
 */
const DEMANDED = new RegExp(
  `${DEMAND_OR_GOAL.replace("目标", "(?<!重点|打击|管控|监控|侦查)目标(?!的|提前|已|全部|均已|都已|实现|完成|达成|人|对象|车辆)")}|说(?!明|不好|不准|不清|不定|实话)|要(?:完成|达到|做到)`,
  "u",
);
/** A name or a title in quotes (`“2024年底前基本完成”的目标`): the words inside it demand nothing. */
const QUOTED_NAME = /“[^”\n]{0,40}”|"[^"\n]{0,40}"/gu;
/** `low` with each name in quotes hidden (same length, as not-progress.ts hides): its words report no work done. */
function hideQuoted(low: string): string {
  return low.includes("“") || low.includes('"') ? low.replace(QUOTED_NAME, (q) => "\uE000".repeat(q.length)) : low;
}

/** The state of a task named as a thing to be told, not work done: `近期推进情况`, `最新进展情况`, `完成情况`. */
const STATE_ASKED = /(?:近期|目前|最新|当前|现在)?(?:的)?(?:推进|进展|完成|落实|建设)(?:情况|程度)/gu;

/** A date of the report, not work done: `截至目前`, `截止到现在`. */
const AS_OF = /(?:截至|截止)(?:到)?(?:目前|现在|今天|当前|本周|本月|[^,，。;；\n]{0,8}?(?:底|日|号))?/gu;

/**
 * The lines of a list that report work done, or the whole text when it is no list: the heading, routine lines and
 * lines that plan (`4. 下周盘点单警装备库存`) are left out, so a subject they merely mention names no task. A line
 * headed by its topic (`1. 数字工匠：我队推荐的2名民警进入市局复审`) reports on that topic and is kept.
 */
function reportedPart(low: string): string {
  const items = low.split(/\n|(?<=[\s:：;；。])(?=\d{1,2}\s*[.、．)）](?!\d))/u).filter((l) => l.trim() !== "");
  if (items.length < 2) return low;
  return items
    .filter((item) => {
      const ev = hideForecasts(item);
      if (/[:：]\s*$/u.test(item) || FUTURE_MARKS.test(ev)) return false;
      if (/^\s*(?:\d{1,2}\s*[.、．)）]\s*)?[^\s:：,，。]{2,8}[:：]\s*\S/u.test(item)) return true;
      return doneWork(ev.replace(AS_OF, " ")) !== null || progressWord(ev) !== null || extractPercent(ev) !== null;
    })
    .join("\n");
}

/** The word that shows work was done, or null: `doneWork("已完成初审")` → "已". Completions that are demands or plans do not count. */
function doneWork(text: string): string | null {
  const cleaned = text.replace(NOT_DONE, " ");
  const m = DONE_MARKS.exec(cleaned);
  return m ? m[0] : null;
}

interface UpdateHelpers {
  /** The text where work done is read: forecasts and shared files hidden (not-progress.ts), same offsets. */
  evidence: { low: string; text: string };
  /** Whether a word names the task by its title (SubjectIndex.titleWord). */
  titleWord?: (number: number, word: string) => boolean;
  question: boolean;
  explicitLabel: boolean;
  cues: string[];
  written(from: number, to: number): string;
  found(args: Interpretation["args"], confidence: Confidence, extra: { tasks?: number[]; percent?: number | null }): Interpretation;
  none(why?: string): Interpretation;
}

/** Where the body of an update starts in its segment: after its leading task references and their label, else 0. */
function bodyStart(segment: string, refs: readonly TaskRef[], offset: number): number {
  const first = refs[0];
  if (!first) return 0;
  const lead = segment.slice(0, first.start - offset);
  if (
    lead
      .replace(LEADING_MARKER, "")
      .replace(LEADING_INLINE_HEAD, "")
      .replace(UPDATE_LEAD, "")
      .replace(/[\s【[]/g, "") !== ""
  )
    return 0;
  let at = first.end - offset;
  // `1号任务和2号任务均已完成`: the head names both.
  for (const r of refs.slice(1)) if (r.start - offset >= at && JOINED.test(segment.slice(at, r.start - offset))) at = r.end - offset;
  const skip = (re: RegExp) => {
    const m = re.exec(segment.slice(at));
    if (m) at += m[0].length;
  };
  skip(/^\s*[】\]]/);
  skip(UPDATE_LABEL);
  skip(/^\s*(?:的)?\s*(?:最新)?\s*(?:进展|进度|情况|工作进展|推进情况)(?=\s*[:：,，\s]|\s*(?:已|本周|目前|截至))/);
  skip(SEPARATOR);
  return at;
}

/**
 * What may stand between the end of a clause and a task reference that starts a segment: a line break, `；`, `。` or a
 * comma, then a list marker (`2.`, `一、`, `（二）`, `- `; NFKC makes `②` a bare `2`) and a lead word (`另外`).
 */
const LIST_MARKER = "(?:\\d{1,2}\\s*[.、)）]?\\s*|[一二三四五六七八九十]+\\s*[、.．]\\s*|[(（]\\s*[一二三四五六七八九十\\d]+\\s*[)）]\\s*|[-•·*]\\s*)?";
const SEGMENT_LEAD = new RegExp(`(?:[;；。,，\\n]|\\s{2,})\\s*${LIST_MARKER}(?:报告|关于|另外|另)?\\s*[【[]?\\s*$`, "u");
/** The list marker before a segment's head reference: `2. `, `（二）`. */
const LEADING_MARKER = new RegExp(`^[\\s;；。,，]*${LIST_MARKER}`, "u");
/**
 * Where a segment headed by `r` starts, or -1 when `r` is in the body of the segment before. A line break, `；` or a
 * list marker starts one; after `。`, a comma or a wide space the reference must also be labelled (`，任务7：…`,
 * `。任务7进展：…`), so that `已报送。任务12的材料下周报` and `配合任务12推进` stay in task 6's body.
 */
function segmentStart(low: string, r: TaskRef): number {
  // `1.任务20完成 2.任务21 65%`, `一是任务8… 二是任务14…`, `2. 科技兴警示范点（任务18）：…` (segment-heads.ts).
  const item = itemHeadStart(low, r);
  if (item !== -1) return item;
  const lead = SEGMENT_LEAD.exec(low.slice(0, r.start));
  if (!lead) return NAMES_A_TASK.has(r.form) && runOnHead(low, r) ? r.start : -1;
  const boundary = /^(?:[;；。,，\n]|\s{2,})/u.exec(lead[0])![0];
  const marked = lead[0].slice(boundary.length).replace(/[\s【[]/gu, "") !== "";
  const weak = !marked && !/[;；\n]/u.test(boundary);
  if (weak && !/^\s*[:：]/.test(low.slice(r.end)) && !UPDATE_LABEL.test(low.slice(r.end)) && !(NAMES_A_TASK.has(r.form) && completesAfterComma(low, r)))
    return -1;
  return lead.index + 1;
}

/**
 * The forms that say "task" (`任务7`, `7号任务`), unlike `编号7`, `#7`, `【7】` or `第7项` (often an item of a list of
 * indicators): only these head a segment by what their clause says.
 */
const NAMES_A_TASK = new Set(["任务N", "N号任务", "N、N个任务", "任务N到M"]);

/** Just before a word of progress, what makes it a forecast: `下周会有进展`, `预计下月过半`. */
const FUTURE_BEFORE =
  /(?:(?<![开例大党委])会(?!议)|(?<!即)将|(?<![智功性技效体职])能|可(?!能)|(?<![重需主纪摘概提简])要|预计|争取|力争|希望|有望|估计|下周|下个?月|月底|年底)[^,，。;；\n]{0,3}$/u;

/** A word of progress not forecast: `都过半了 下周再细报` → 过半; `下周会有进展` → null. */
function progressBeforePlans(low: string): string | null {
  const p = progressWord(low);
  return p && !FUTURE_BEFORE.test(low.slice(0, low.indexOf(p))) ? p : null;
}

/**
 * Work plainly done, enough to record a reply on the task replied to without asking: a done word other than a bare
 * 已 (`已部署完毕`, `新增联网点位120个`), or goods arrived (`设备已全部到货`). `已安排专人跟进`, `厂家已经联系上了` and
 * `领导已经批示了` say 已 of something else than the work, and are asked about.
 */
/** 已 before a verb of the work itself: `申报材料已报市局`, `联席会议6月18日已召开`, `推荐人选…已经…通过`. */
const WORK_TOLD_DONE = /已经?(?:报|上报|报送|召开|印发|出台|建成|部署|安装|上线|通过|组建|成立|挂牌|验收|培训|配发|完成|开展|组织|签订|签|到位)/u;

function plainlyDone(low: string): boolean {
  return doneWork(low.replace(/已经?/gu, (m) => " ".repeat(m.length))) !== null || ARRIVED.test(low) || WORK_TOLD_DONE.test(low);
}

/** Work done in a segment's body: a done word, goods arrived, or a word of progress not forecast. */
function doneOrProgress(body: string): string | null {
  const low = body.toLowerCase();
  return doneWork(low) ?? ARRIVED.exec(body)?.[0] ?? progressBeforePlans(low);
}

/** Goods arrived, which is work done even beside a plan for the rest: `新型装备到货三成，剩余下周到货`; `下周到货` is not. */
const ARRIVED = /(?<!下周|下个?月|明天|后天|月底|将|才|要|会|待|未|没)(?:到货|已到|到了|运抵)/u;

/** Between two references of one head: `任务6、任务7`, `1号任务和2号任务`, `T21 T22` (a blank alone). */
const JOINED = /^\s*(?:[、,，/&]|和|及|与|以及|跟|and)\s*$|^\s+$/i;

/**
 * The task references that head a segment; the others are numbers in a segment's body and name no task
 * (`任务6进展：配合任务12推进` is about task 6 only). The first reference heads the message, with any joined to it
 * (`1号任务和2号任务`); a later one heads a segment of its own only where segmentStart says so: at the start of a line,
 * after `；` or a list marker (`2.`, `（二）`, `②`), or labelled after `。` or a comma. `headRefs("任务6：完成编号3的调试；任务7：…")` → the references to 6 and 7.
 */
function headRefs(low: string, refs: readonly TaskRef[]): TaskRef[] {
  const heads: TaskRef[] = [];
  for (const [i, r] of refs.entries()) {
    const last = heads[heads.length - 1];
    if (!last || (last === refs[i - 1] && JOINED.test(low.slice(last.end, r.start))) || segmentStart(low, r) !== -1) heads.push(r);
  }
  return heads;
}

/**
 * Split `任务6：…；任务7：…` into one segment per clause that starts with a task reference (`refs` are the heads).
 * In a report of several lines with several segments, a segment ends with its line, and a line that starts with no
 * task reference ("三、其他：…", "下周继续推进") is context for no task; a segment whose line holds only its head
 * (`任务6：` then the lines of its body) runs on to the next segment.
 */
function segmentsOf(text: string, low: string, refs: readonly TaskRef[]): { start: number; end: number; refs: TaskRef[] }[] {
  // Lines before the first one that starts with a task reference ("本周进展：") are context for no task.
  const first = refs[0] ? SEGMENT_LEAD.exec(low.slice(0, refs[0].start)) : null;
  const item = refs[0] ? itemHeadStart(low, refs[0]) : -1;
  const starts: number[] = [item !== -1 ? item : first && low[first.index] === "\n" ? first.index + 1 : 0];
  for (const r of refs.slice(1)) {
    const start = segmentStart(low, r);
    if (start !== -1) starts.push(start);
  }
  const segs = starts.map((s, i) => {
    const next = starts[i + 1] ?? text.length;
    const own = refs.filter((r) => r.start >= s && r.start < next);
    // One task in a pasted list (`1.…\n2.任务15 …四成\n3.…98%`): its item only, so no other item's figure reaches it.
    const item = starts.length === 1 && own[0] ? listItemSpan(low, own[0]) : null;
    if (item) return { start: item.start, end: item.end, refs: own };
    // An item numbered inline (`…：1.任务20完成 2.任务21 65%`, `一是任务8… 二是…`) ends at the next head of its kind.
    const inline = own[0] ? itemHeadStart(low, own[0]) : -1;
    const inlineEnd = inline !== -1 ? inlineItemEnd(low, inline, own[own.length - 1]!.end) : null;
    if (inline !== -1) return { start: inline, end: Math.min(inlineEnd ?? next, next), refs: own };
    let end = next;
    const lineEnd = own[0] && starts.length > 1 ? text.indexOf("\n", own[0].end) : -1;
    if (lineEnd !== -1 && lineEnd < next && text.slice(own[0]!.end, lineEnd).replace(SEPARATOR, "").replace(UPDATE_LABEL, "").trim() !== "") end = lineEnd;
    return { start: s, end, refs: own };
  });
  // A clause without a task of its own belongs to the one before it.
  return segs.filter((s) => s.refs.length > 0);
}

function interpretUpdate(low: string, text: string, refs: readonly TaskRef[], h: UpdateHelpers): Interpretation {
  const { cues } = h;
  const atStart =
    refs[0]!.start <= 12 &&
    low
      .slice(0, refs[0]!.start)
      .replace(UPDATE_LEAD, "")
      .replace(/[\s【[]/g, "") === "";
  const ev = h.evidence;
  if (ev.low !== low) cues.push("hidden:forecast-or-shared-file");
  const done = doneWork(ev.low) ?? completionWord(ev.low);
  const pct = extractPercent(ev.text);
  // A part of the goods delivered (`智能头盔到了三成`) is progress with no figure (part-delivered.ts).
  const progress = progressWord(ev.low) ?? partDelivered(ev.low);
  const future = FUTURE_MARKS.exec(low);
  const request = REQUEST_MARKS.exec(low);
  if (done) cues.push(`done:${done}`);
  if (pct) cues.push(`percent:${pct.value}`);
  if (future) cues.push(`future:${future[0]}`);
  if (request) cues.push(`request:${request[0]}`);
  if (h.explicitLabel) cues.push("label");

  // One task named inside a list of other work (`1.完成驾驶人考试… 2.… 3.任务15相关材料下周报科技办`): its own item says
  // whether it reports, not the other items' 完成.
  const item = refs.length === 1 && !atStart && !h.explicitLabel ? listItemOf(low, refs[0]!) : null;
  const figureIn = (t: string) => extractPercent(t) !== null || /百分之|[一二三四五六七八九十两几]\s*成|过半/u.test(t);
  if (item !== null && onlyPlans(item, figureIn(item), doneWork(item), FUTURE_MARKS)) return h.none(`plans-only:${refs[0]!.numbers.join(",")}`);

  // Nothing but a forecast after the task (`任务12 目标是年底前全覆盖`, `任务19 年内能完成`): no report.
  if (!h.explicitLabel && onlyHidden(ev.low.slice(refs[refs.length - 1]!.end))) return h.none("forecast-only");

  let confidence: Confidence;
  if (h.question && !h.explicitLabel) return h.none("question-not-about-status");
  if (h.explicitLabel) confidence = "certain";
  else if (request && !/已/.test(done ?? "")) return h.none();
  else if (!pct && SUPPOSED.test(low)) return h.none(`supposed:${SUPPOSED.exec(low)![0]}`);
  else if (done || pct) confidence = "certain";
  else if (progress && !FUTURE_BEFORE.test(ev.low.slice(0, ev.low.indexOf(progress)))) {
    // `任务8 过半`, `任务6有进展`: a report with no figure, even with a plan added on (`有进展了下周联调`, `都过半了 下周再细报`).
    confidence = "certain";
    cues.push(`progress-word:${progress}`);
  }
  // What is still to come of a part delivered (`设备到了三成，剩下的下个月才到`) leaves the part a report.
  else if (future && !partDelivered(ev.low)) return h.none();
  // A word of progress forecast (`希望年底基本完成`, `年底前能基本完成`) reports nothing.
  else if (progress) return h.none(`forecast-progress:${progress}`);
  else if (ABOUT_CHAT_OR_FILES.test(low)) return h.none(`about-chat-or-files:${ABOUT_CHAT_OR_FILES.exec(low)![0]}`);
  else if (WEAK_DONE_MARKS.test(low)) {
    confidence = "likely";
    cues.push(`weak-done:${WEAK_DONE_MARKS.exec(low)![0]}`);
  } else if (
    atStart &&
    // `#12 的发票找到了`, `#6 报名表在我桌上`: a thing of the task's, or where it is, not a report on it.
    !/^\s*的/.test(low.slice(refs[0]!.end)) &&
    !WHERE_IT_IS.test(low) &&
    (/^\s*(?:[:：,，\-—]|\s)/.test(low.slice(refs[0]!.end)) || /[\s】\]]$/.test(low.slice(refs[0]!.start, refs[0]!.end))) &&
    low.slice(refs[0]!.end).replace(SEPARATOR, "").length >= 4 &&
    !/\.(?:docx?|xlsx?|pdf|pptx?|wps|zip|rar|jpg|png)\b/.test(low)
  ) {
    confidence = "likely";
    cues.push("task-first-no-progress-cue");
  } else return h.none();

  // A demand, a goal or hearsay (`局长说任务6要完成三分之二`, `任务6 要完成60%`): asked first, never recorded at once.
  // Hearsay only before the work it reports: `…整体算一半吧，然后周队说下个月再看` reports first, then tells what was said.
  const demandedAt =
    confidence === "certain" && !h.explicitLabel && (pct || done) ? DEMANDED.exec(ev.low.replace(QUOTED_NAME, (q) => " ".repeat(q.length))) : null;
  const before = demandedAt ? ev.low.slice(0, demandedAt.index) : "";
  const toldAfter = demandedAt?.[0] === "说" && (extractPercent(before) !== null || (doneWork(before) ?? completionWord(before)) !== null);
  const demanded = toldAfter ? null : demandedAt;
  if (demanded) {
    confidence = "likely";
    cues.push(`demand-or-hearsay:${demanded[0]}`);
  }

  const spans = segmentsOf(text, low, refs);
  // One item of a pasted list (`交警大队6月月报：1.… 3.任务15相关材料下周报科技办`): the rest of the message is no task's.
  const oneItem = spans.length === 1 && (spans[0]!.start > 0 || text.slice(spans[0]!.end).trim() !== "");
  const segs: UpdateSegment[] = spans.map((s) => {
    const seg = text.slice(s.start, s.end).replace(/[;；。,，\s]+$/, "");
    const from = s.start + bodyStart(seg, s.refs, s.start);
    const body = h.written(from, s.start + seg.length).trim();
    // The figure is read from the normalised text (`進度過半`, voice input's `进展60`); the body is kept as written.
    const p = extractPercent(ev.text.slice(from, s.start + seg.length));
    // `任务4已经完成了`, `可以算完成了`: a clerk writes 100; only the review (办结审核) closes the task.
    const tail = ev.low.slice(s.refs[s.refs.length - 1]!.end, s.start + seg.length);
    const numbers = uniq(s.refs.flatMap((r) => r.numbers));
    // ... or of the task by a word of its title (`tsk19 网络改造弄完了`, task 19 完善公安网络体系), one task named.
    const titled = numbers.length === 1 && h.titleWord ? completionOfSubject(tail, (w) => h.titleWord!(numbers[0]!, w)) : null;
    const completed = p ? null : (completionWord(tail) ?? titled);
    if (completed) cues.push(`completed:${completed}`);
    return {
      numbers,
      body,
      percent: p?.value ?? (completed ? 100 : null),
      percentRaw: p?.raw ?? (completed ? "100" : null),
    };
  });
  // A line that only plans (`1.任务17材料下周报送`) or waits (`；任务6还在等市局通知`) is not an update, even when another
  // line of the message is.
  const planned = segs.filter(
    (s) =>
      onlyPlans(s.body, s.percent !== null, doneOrProgress(s.body), FUTURE_MARKS) ||
      onlyPlans(s.body, s.percent !== null, doneOrProgress(s.body), WAITING_MARKS),
  );
  // Every line that names a task only plans (`3.任务15相关材料下周报科技办` under other lines of routine work): no update.
  const plansOnly = (s: UpdateSegment) =>
    onlyPlans(s.body, s.percent !== null || figureIn(s.body), doneWork(s.body.toLowerCase()) ?? progressBeforePlans(s.body.toLowerCase()), FUTURE_MARKS);
  if (segs.length > 0 && segs.every(plansOnly) && !h.explicitLabel) return h.none(`plans-only:${segs.flatMap((s) => s.numbers).join(",")}`);
  // A line that reports nothing (`1. 任务13 进展：无`) is not an update either.
  const nil = segs.filter((s) => !planned.includes(s) && s.percent === null && isNilReport(s.body));
  if (nil.length > 0) cues.push(`nothing-to-report:${nil.flatMap((s) => s.numbers).join(",")}`);
  planned.push(...nil);
  if (planned.length > 0 && planned.length < segs.length) {
    cues.push(`plans-only:${planned.flatMap((s) => s.numbers).join(",")}`);
    segs.splice(0, segs.length, ...segs.filter((s) => !planned.includes(s)));
  } else if (planned.length > 0 && planned.length === segs.length && (segs.length > 1 || nil.length > 0 || oneItem)) return h.none("plans-only");
  // "任务17、18 … 17完成80% 18完成60%", "分别完成50%、70%": as many figures as tasks go to them in order.
  const split = segs.flatMap((s) => {
    const figures = s.numbers.length > 1 ? extractPercents(s.body) : [];
    return figures.length === s.numbers.length
      ? s.numbers.map((n, i) => ({ ...s, numbers: [n], percent: figures[i]!.value, percentRaw: figures[i]!.raw }))
      : [s];
  });
  if (split.length > segs.length) cues.push("percent-per-task");
  segs.splice(0, segs.length, ...split);
  if (segs.length > 1) cues.push(`segments:${segs.length}`);
  // One clause naming several tasks ("任务6、7进展…"): the same body for each.
  const tasks = uniq(segs.flatMap((s) => s.numbers));
  return h.found({ segments: segs }, confidence, { tasks, percent: segs[0]?.percent ?? null });
}
