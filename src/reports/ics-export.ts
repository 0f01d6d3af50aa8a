/**
 * The calendar export (.ics): one all-day event per dated task deadline and one per target with a due date,
 * for a calendar app to subscribe to.
 *
 * UIDs are derived from the task number and the target id (`task-6-deadline@duban`, `target-3@duban`), so
 * each export describes the same events and a subscribed calendar updates them in place instead of adding
 * copies. No SEQUENCE is set: with a stable UID, subscribing clients replace the event on refresh.
 */
import { createEvents, type DateArray, type EventAttributes } from "ics";
import { addDays } from "../core/time.js";
import { LIGHT_LABELS, type ExportModel, type ReportTarget, type ReportTask } from "./types.js";

export const taskEventUid = (taskNumber: number): string => `task-${taskNumber}-deadline@duban`;
export const targetEventUid = (targetId: number): string => `target-${targetId}@duban`;

/** "2024-12-31" → [2024, 12, 31]. */
function dateArray(day: string, what: string): DateArray {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  // The library writes any numbers it is given (20240230 included), so check the day exists.
  const t = Date.parse(`${day}T00:00:00Z`);
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) throw new Error(`${what}: "${day}" is not a YYYY-MM-DD date`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * The library turns LF and CRLF in text into "\n" but leaves a lone CR raw, which would break the line
 * structure; make every line break a LF first.
 */
const text = (s: string): string => s.replace(/\r\n?/g, "\n");

/** An all-day event on `day`: DTSTART;VALUE=DATE is the day, DTEND (exclusive) the next one. */
function allDay(day: string, what: string): Pick<EventAttributes, "start"> & { end: DateArray } {
  return { start: dateArray(day, what), end: dateArray(addDays(day, 1), what) };
}

function taskEvent(task: ReportTask): EventAttributes {
  const date = task.deadline.date as string;
  const kind = task.deadline.kind === "date+ongoing" ? "节点" : "截止";
  const done = task.light === "done" ? "（已办结）" : "";
  const lines = [
    `牵头单位：${task.leadUnits.join("、") || "—"}`,
    task.responsibleUnits.length ? `责任单位：${task.responsibleUnits.join("、")}` : null,
    `完成时限：${task.deadline.text}`,
    task.originalDeadline ? `原定时限：${task.originalDeadline.text}` : null,
    `状态：${LIGHT_LABELS[task.light]}${task.progress !== null && task.light !== "done" ? `，进度${task.progress}%` : ""}`,
  ];
  return {
    uid: taskEventUid(task.number),
    title: text(`任务${task.number}${kind}：${task.title}${done}`),
    description: text(lines.filter((l): l is string => l !== null).join("\n")),
    ...allDay(date, `task ${task.number}`),
    // A deadline marks a day; it does not make anyone busy.
    transp: "TRANSPARENT",
    busyStatus: "FREE",
  };
}

function targetEvent(t: ReportTarget): EventAttributes {
  const state = t.met ? "（已完成）" : "";
  const lines = [`指标：${t.name}`, `目标：${t.count}${t.unit}，当前：${t.current}${t.unit}`, t.met ? "已完成" : t.behind ? "进度滞后" : null];
  return {
    uid: targetEventUid(t.id),
    title: text(`任务${t.taskNumber}指标：${t.name} ${t.current}/${t.count}${state}`),
    description: text(lines.filter((l): l is string => l !== null).join("\n")),
    ...allDay(t.due as string, `target ${t.id}`),
    transp: "TRANSPARENT",
    busyStatus: "FREE",
  };
}

/**
 * Fold content lines at 75 octets (RFC 5545 §3.1) with CRLF + space, never inside a character.
 * The ics library folds at 75 *characters* (code points) with CRLF + tab, so a line of Chinese (3 octets a
 * character in UTF-8) could run to 225 octets; the output is unfolded and folded again here.
 */
export function foldIcs(ics: string): string {
  const unfolded = ics.replace(/\r\n[ \t]/g, "");
  const out: string[] = [];
  for (const line of unfolded.split("\r\n")) {
    if (Buffer.byteLength(line, "utf8") <= 75) {
      out.push(line);
      continue;
    }
    const parts: string[] = [];
    let part = "";
    let octets = 0;
    let limit = 75; // the continuation lines' leading space counts towards their 75
    for (const ch of line) {
      const n = Buffer.byteLength(ch, "utf8");
      if (octets + n > limit) {
        parts.push(part);
        part = "";
        octets = 0;
        limit = 74;
      }
      part += ch;
      octets += n;
    }
    parts.push(part);
    out.push(parts.join("\r\n "));
  }
  return out.join("\r\n");
}

/** The plan's dated deadlines and due targets as an iCalendar file. */
export function renderIcs(model: ExportModel, opts: { calendarName?: string } = {}): string {
  const events: EventAttributes[] = [
    ...model.tasks
      .filter((t) => t.deadline.date !== null)
      .sort((a, b) => a.number - b.number)
      .map(taskEvent),
    ...model.targets
      .filter((t) => t.due !== null)
      .sort((a, b) => a.taskNumber - b.taskNumber || a.id - b.id)
      .map(targetEvent),
  ];
  // DTSTAMP is the export's moment (`at`), not the wall clock, so the same record exports to the same file.
  // The library reads `timestamp` on each event although its typings leave it out.
  const stamped = events.map((e) => ({ ...e, timestamp: Date.parse(model.at) }) as unknown as EventAttributes);
  const { error, value } = createEvents(stamped, {
    productId: "duban",
    calName: text(opts.calendarName ?? model.plan.title).replace(/\n/g, " "),
  });
  if (error || value === null) throw new Error(`calendar export failed: ${error?.message ?? "no output"}`);
  return foldIcs(value);
}
