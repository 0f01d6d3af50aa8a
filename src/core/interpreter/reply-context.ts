import type { SubjectIndex } from "./subject-index.js";
import { findTaskRefs, type TaskRef } from "./task-refs.js";
import { normalise } from "./normalise.js";
import { looseTask } from "./loose-task.js";
import { DEMAND_OR_GOAL, DONE_MARKS } from "./vocabulary.js";
import { extractPercent, taskNumber } from "../grammar.js";

/*
 * A Matrix reply to one of the bot's own messages (issue 25, "Replies to the bot"): the reminder, status answer or
 * confirmation it answers says which tasks it is about, so `设备已全部到货，进度六成` in reply to task 12's reminder is
 * about task 12 although it names none. Pure functions; the transport passes the bot's message text (Inbound.replyTo).
 */

/**
 * The bot's messages that are about tasks, by their first line: a reminder or notice (`【督办提醒】…`, `[duban reminder]`),
 * a status answer (`任务6：…`, `Task 6: …`) or a confirmation (`已记录任务6…`, `Recorded for task 6…`). Help, 没看懂 and
 * their example sentences (`任务6进展:完成初审 60%`) are about no task.
 */
const ABOUT_TASKS = /^\s*(?:[【[]|(?:任务|task\s*)\d+\s*[：:]|已记录任务|recorded for task)/iu;

/** The tasks a message of the bot's names, in order: `【督办提醒】…⏎🔴 任务1 …⏎🔴 任务2 …` → [1, 2]. */
export function tasksOfBotMessage(text: string): number[] {
  if (!ABOUT_TASKS.test(text)) return [];
  const out: number[] = [];
  for (const ref of findTaskRefs(normalise(text).text.toLowerCase())) for (const n of ref.numbers) if (!out.includes(n)) out.push(n);
  return out;
}

/** The bot's confirmation of one update, zh or en: `已记录任务6（…）的第2条进展，进度40%：推荐3名民警`. */
const CONFIRMATION = /^(?:已记录任务(\d+)（.*）的第\d+条进展(?:，进度\d+%)?：|recorded for task (\d+) .*\(update #\d+\): )(.*)$/iu;

/**
 * The update a confirmation of the bot's is about, or null when it confirms none or several: its task and its text as
 * stored. `confirmedUpdate("已记录任务6（培育“公安数字工匠”）的第2条进展，进度40%：推荐3名民警")` → `{ task: 6, text: "推荐3名民警" }`.
 */
export function confirmedUpdate(text: string): { task: number; text: string } | null {
  const lines = text.split("\n").filter((l) => CONFIRMATION.test(l));
  if (lines.length !== 1 || !text.startsWith(lines[0]!)) return null;
  const m = CONFIRMATION.exec(lines[0]!)!;
  return { task: Number(m[1] ?? m[2]), text: m[3]!.trim() };
}

/** Talk to a colleague in a reply (`@叶主任 这两项您看怎么回`, `@刘洋 任务1…`): the reply is not for the bot. */
export const TO_SOMEONE = /@[^\s@]/u;

/**
 * What in a reply to the bot reports nothing, although it may say 已 or give a figure: an acknowledgement (`已阅`,
 * `已转发给相关民警`), an instruction to a colleague (`小王你抓紧报一下`), a demand or a goal (`局长要求年底完成80%`),
 * hearsay (`刑侦那边说他们完成了80%`), a figure disowned (`上次报的60%是错的`) or one still to be chosen (`按60%报吧`).
 */
export const NOT_A_REPORT = new RegExp(
  [
    "^(?:好的|好|收到|已收到|已阅|阅|已知悉|知悉|明白|了解|谢谢)[\\s,，.。!！~～]*(?:好的|收到|谢谢|马上落实|马上办)?[\\s,，.。!！~～]*$",
    "^(?:已转发|已转办|已经?报过|已经?跟)|转发给|已通知|已提醒|报过了",
    "你把|你们把|你抓紧|你们抓紧|抓紧报|报一下|报上来|跟一下|跟进一下",
    `${DEMAND_OR_GOAL}|那边说|他们说|听说|是错的|按\\s*\\d+\\s*%?\\s*报`,
  ].join("|"),
  "u",
);

export interface ReplyTask {
  /** The task the reply is about. */
  ref: TaskRef;
  /** How it was chosen, for `explain`. */
  cue: string;
}

/**
 * The task a reply that names none is about: the only task of the bot's message, or of several the one whose subject
 * the reply names (`第2项管理办法初稿…` → 2 of [1, 2]). Null when the reply talks to someone else, or when several
 * tasks stay possible (then the caller may ask among `tasks`). The reference has no extent in the text (start = end = 0).
 */
export function replyTask(low: string, tasks: readonly number[], subjects: SubjectIndex | null | undefined): ReplyTask | null {
  if (tasks.length === 0 || TO_SOMEONE.test(low)) return null;
  const ref = (n: number, cue: string): ReplyTask => ({ ref: { numbers: [n], start: 0, end: 0, form: `回复→任务${n}` }, cue: `reply-to:${cue}→${n}` });
  if (tasks.length === 1) return ref(tasks[0]!, "only-task");
  // `这两项都已经完成了`, `两个都弄完了` in reply to a reminder of two tasks: every task of it, when the count is theirs.
  const all = BOTH.exec(low);
  const count = all ? (COUNTS[all[3]!] ?? (all[2] ? tasks.length : 0)) : 0;
  if (all && !all[1] && count === tasks.length)
    return { ref: { numbers: [...tasks], start: 0, end: 0, form: `回复→任务${tasks.join("、")}` }, cue: `reply-to:all(${all[0]})→${tasks.join(",")}` };
  // `20、21还没动静，22已经完成省市平台对接了`: the one task of the message whose bare number heads a clause of work done.
  const numbered = numberedClause(low, tasks);
  if (numbered !== null) return ref(numbered, "numbered-clause");
  const named = (subjects?.match(low, { minScore: 3, ratio: 0, max: 25 }) ?? []).filter((c) => tasks.includes(c.number));
  if (named.length === 1 || (named.length > 1 && named[0]!.score > named[1]!.score)) return ref(named[0]!.number, `subject(${named[0]!.shared.join("+")})`);
  return null;
}

/** A bare number at the head of a clause (`22已经完成…`, `第二项 已印发`), not a count, a date or a percent (`3个`, `6月`, `20%`). */
const CLAUSE_HEAD_NUMBER =
  /^\s*(?:第\s*)?(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:号|项)?(?![\d.%．]|\s*(?:个|台|套|名|人|家|项|件|天|日|号|月|年|次|万|元|米|处|所|条|份|批|场|起|分|小时|周|成|点))/u;

/**
 * The one task of the bot's message that the reply reports on by its bare number, or null: each clause headed by such a
 * number is read, and only those that tell work done or a figure count (`20、21还没动静，22已经完成…，进度90%` → 22).
 */
function numberedClause(low: string, tasks: readonly number[]): number | null {
  const hits = new Set<number>();
  for (const clause of low.split(/[,，。;；\n]/u)) {
    const m = CLAUSE_HEAD_NUMBER.exec(clause);
    const n = m ? taskNumber(m[1]!) : null;
    if (n === null || !tasks.includes(n)) continue;
    const rest = clause.slice(m![0].length);
    if (/^\s*[、,，和及与]/u.test(rest) || NOT_DONE_YET.test(rest)) continue;
    if (DONE_MARKS.test(rest) || extractPercent(rest) !== null) hits.add(n);
  }
  return hits.size === 1 ? [...hits][0]! : null;
}
/** A clause that says nothing was done: `还没动静`, `尚未启动`. */
const NOT_DONE_YET = /还没|尚未|没有?(?:动静|进展|开始|启动)|未(?:开始|启动)/u;

/** Every task of the bot's message: `两个都`, `这两项都`, `这几项全部`; `其中三个都` is some of them. */
const BOTH = /(其中)?(这|那)?(两|二|俩|三|四|五|几)\s*(?:个|项|件)(?:任务|工作)?\s*(?:都|全|均)/u;
const COUNTS: Record<string, number> = { 两: 2, 二: 2, 俩: 2, 三: 3, 四: 4, 五: 5 };

/** The tasks of the bot's message ranked by how much of their subject the reply shares, best first (the guesses to offer). */
export function rankReplyTasks(low: string, tasks: readonly number[], subjects: SubjectIndex | null | undefined): number[] {
  const scores = new Map((subjects?.match(low, { minScore: 0, ratio: 0, max: 25, minPairs: 1 }) ?? []).map((c) => [c.number, c.score]));
  return [...tasks].sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0));
}

/** The task of a short follow-up question in reply to the bot (`那13呢`, `还有15号呢`), or null: the same question about another task. */
export function followUpTask(low: string): number | null {
  return looseTask(low, { asking: true });
}
