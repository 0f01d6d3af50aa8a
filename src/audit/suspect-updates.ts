/**
 * Updates that may have been stored on the wrong task (issue 22): before the interpreter was fixed, a task number
 * written in the body of an update (`任务6进展：配合任务7完成`, `任务6：第3项工作已完成`) was read as one more task, and
 * the one chat message was stored as an update on each (event ids `E`, `E#2`, `E#3`…, see commands/update.ts).
 */
import { chineseNumber } from "../core/grammar.js";
import type { UpdateRecord } from "../core/model.js";

/** A live update that shares its chat event with an update on another task, on a task its text names only in the body. */
export interface SuspectUpdate {
  update: UpdateRecord;
  /** Its task's number. */
  task: number;
  /** Its number in the task's history (`第3条`): from the oldest, retracted ones counted. */
  ordinal: number;
  /** The chat event it came from (`E`), and the task of that event's first update (the one named first). */
  eventId: string;
  firstTask: number;
}

/**
 * The task numbers a body names: digits standing alone (not inside a longer number, a decimal or a percentage), and
 * Chinese numerals written as a task or item (`第三项`, `任务七`, `七号`). `numbersInBody("配合任务7完成，完成40%")` → {7}.
 */
export function numbersInBody(text: string): Set<number> {
  const out = new Set<number>();
  for (const m of text.matchAll(/(?<![\d.])(\d{1,4})(?![\d.]|\s*(?:%|％|个百分点))/g)) out.add(Number(m[1]));
  for (const m of text.matchAll(/(?:第|任务)\s*([零〇一二两三四五六七八九十百]+)|([零〇一二两三四五六七八九十百]+)\s*(?:号|项)/g)) {
    const n = chineseNumber(m[1] ?? m[2]!);
    if (n !== null) out.add(n);
  }
  return out;
}

/**
 * The suspects among a plan's updates (oldest first, as HistoryRepository.updates gives them), given each task's number.
 * The rule, kept simple: in a chat event whose updates landed on two or more tasks, an update is suspect when
 * - it is not the event's first update (the first is the task named first, at the head of the message), and
 * - its own text, the body the bot stored, names its task's number (so that number stood in the body, not in the
 *   head: a head reference such as `任务6、7进展：…` or `；任务7进展：…` is never part of the stored body), and
 * - that text does not also name the first update's task: `任务17、18 17完成80% 18完成60%` gives each task its own
 *   figure in a body naming both, and is left out.
 * Retracted updates are not listed (they count for the numbering and for telling which tasks the event reached).
 */
export function suspectUpdates(updates: readonly UpdateRecord[], taskNumber: (taskId: number) => number | undefined): SuspectUpdate[] {
  const ordinals = new Map<number, number>();
  const ordinalOf = new Map<number, number>();
  for (const u of updates) {
    const n = (ordinals.get(u.taskId) ?? 0) + 1;
    ordinals.set(u.taskId, n);
    ordinalOf.set(u.id, n);
  }
  const events = new Map<string, { part: number; update: UpdateRecord }[]>();
  for (const u of updates) {
    if (!u.eventId) continue;
    const m = /^(.*)#(\d+)$/.exec(u.eventId);
    const [base, part] = m ? [m[1]!, Number(m[2])] : [u.eventId, 1];
    events.set(base, [...(events.get(base) ?? []), { part, update: u }]);
  }
  const out: SuspectUpdate[] = [];
  for (const [eventId, parts] of events) {
    if (new Set(parts.map((p) => p.update.taskId)).size < 2) continue;
    parts.sort((a, b) => a.part - b.part);
    const first = parts[0]!;
    if (first.part !== 1) continue;
    const firstTask = taskNumber(first.update.taskId);
    if (firstTask === undefined) continue;
    for (const { update } of parts.slice(1)) {
      const task = taskNumber(update.taskId);
      if (task === undefined || update.retractedAt || update.taskId === first.update.taskId) continue;
      const named = numbersInBody(update.text);
      if (named.has(task) && !named.has(firstTask)) out.push({ update, task, ordinal: ordinalOf.get(update.id)!, eventId, firstTask });
    }
  }
  return out.sort((a, b) => a.update.createdAt.getTime() - b.update.createdAt.getTime() || a.update.id - b.update.id);
}
