import type { SubjectIndex } from "./subject-index.js";
import { findTaskRefs, type TaskRef } from "./task-refs.js";
import { normalise } from "./normalise.js";

/*
 * A Matrix reply to one of the bot's own messages (issue 25, "Replies to the bot"): the reminder, status answer or
 * confirmation it answers says which tasks it is about, so `设备已全部到货，进度六成` in reply to task 12's reminder is
 * about task 12 although it names none. Pure functions; the transport passes the bot's message text (Inbound.replyTo).
 */

/** The tasks a message of the bot's names, in order: `【督办提醒】…⏎🔴 任务1 …⏎🔴 任务2 …` → [1, 2]. */
export function tasksOfBotMessage(text: string): number[] {
  const out: number[] = [];
  for (const ref of findTaskRefs(normalise(text).text.toLowerCase())) for (const n of ref.numbers) if (!out.includes(n)) out.push(n);
  return out;
}

/** Talk to a colleague in a reply (`@叶主任 这两项您看怎么回`, `@刘洋 任务1…`): the reply is not for the bot. */
const TO_SOMEONE = /@(?!督办)[^\s@]/u;

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
  // `这两项都已经完成了`, `两个都弄完了` in reply to a reminder of two tasks: every task of it.
  const all = BOTH.exec(low);
  if (all && (tasks.length === 2 || !/两|二/u.test(all[0])))
    return { ref: { numbers: [...tasks], start: 0, end: 0, form: `回复→任务${tasks.join("、")}` }, cue: `reply-to:all(${all[0]})→${tasks.join(",")}` };
  const named = (subjects?.match(low, { minScore: 0 }) ?? []).filter((c) => tasks.includes(c.number));
  if (named.length === 1 || (named.length > 1 && named[0]!.score > named[1]!.score)) return ref(named[0]!.number, `subject(${named[0]!.shared.join("+")})`);
  return null;
}

/** Every task of the bot's message: `两个都`, `这两项都`, `这几项全部`. */
const BOTH = /(?:这|那)?(?:两|二|几|三|四)\s*(?:个|项|件)(?:任务|工作)?\s*(?:都|全|均)/u;

/** `那13呢`, `还有15号呢` in reply to the bot: the same question about another task. */
const FOLLOW_UP = /^(?:那|那么|还有|再看看?)?\s*(?:任务)?\s*(\d{1,3})\s*(?:号|项)?\s*(?:呢|的呢|怎么样|咋样)\s*[?？]?$/u;

/** The task of a short follow-up question in reply to the bot, or null. */
export function followUpTask(low: string): number | null {
  const m = FOLLOW_UP.exec(low.trim());
  return m ? Number(m[1]) : null;
}
