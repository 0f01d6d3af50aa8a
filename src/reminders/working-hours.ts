/**
 * Working hours (工作时间): the supervision loop's clock for follow-ups such as "re-notify after 4 working hours".
 * Pure: nothing reads the wall clock, the calendar is passed in.
 *
 * Working time is the policy's periods of the day (default 08:30–12:00 and 14:30–17:30), in the policy's time zone
 * (default Asia/Shanghai), on the working days of the calendar (statutory holidays off, 调休 makeup days on).
 *
 * Conventions:
 * - A period counts from its start to its end, both included as instants: 12:00 is still inside the morning, and
 *   `addWorkingHours` may end exactly on a period's end (4 working hours from 08:00 is 12:00, not 14:30).
 * - Hours are counted in whole minutes (rounded to the nearest minute); seconds in the starting instant are kept.
 * - 0 hours from an instant inside working time is that instant; from outside it, the next period's start.
 * So `addWorkingHours(a, h1 + h2)` is `addWorkingHours(addWorkingHours(a, h1), h2)`, and
 * `workingHoursBetween(a, addWorkingHours(a, h))` is `h`.
 */
import { addDays, dayOf, zonedInstant } from "../core/time.js";
import type { WorkingCalendar } from "./working-calendar.js";

/** One period of a working day, in minutes from local midnight: 08:30–12:00 is `{ start: 510, end: 720 }`. */
export interface WorkingPeriod {
  start: number;
  end: number;
}

/** Working hours as the functions below need them: the day's periods, in order, and the zone they are written in. */
export interface WorkingHours {
  periods: readonly WorkingPeriod[];
  timezone: string;
}

/** The default periods of a working day, as written in the reminder policy. */
export const DEFAULT_WORKING_HOURS: readonly string[] = Object.freeze(["08:30-12:00", "14:30-17:30"]);

/** More than this is refused: no follow-up waits years, and the day-by-day walk must stay short. */
export const MAX_WORKING_HOURS = 100_000;

/** No real run of days off comes near this; it only stops a calendar without working days from looping forever. */
const MAX_DAYS_OFF_IN_A_ROW = 366;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const SHANGHAI = "Asia/Shanghai";
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;
const SHANGHAI_FIXED_SINCE = Date.UTC(1992, 0, 1);
const PERIOD_PATTERN = /^\s*(\d{1,2}):(\d{2})\s*[-–~～]\s*(\d{1,2}):(\d{2})\s*$/;
const EXAMPLE = `write each period as "HH:MM-HH:MM", e.g. ["08:30-12:00", "14:30-17:30"]`;

/** A problem with one period of the list, with its index, or with the whole list (index null). */
export interface WorkingHoursProblem {
  index: number | null;
  message: string;
}

/**
 * Parse the policy's periods: `parseWorkingPeriods(["08:30-12:00", "14:30-17:30"])` →
 * `{ periods: [{ start: 510, end: 720 }, { start: 870, end: 1050 }] }`. Each period must be HH:MM-HH:MM within one
 * day (00:00–23:59), start before it ends, and come after the previous one without overlapping it; the list must not
 * be empty. Otherwise every problem is returned and no periods.
 */
export function parseWorkingPeriods(list: readonly string[]): { periods: WorkingPeriod[] } | { problems: WorkingHoursProblem[] } {
  if (list.length === 0) return { problems: [{ index: null, message: `at least one period is needed; ${EXAMPLE}` }] };
  const problems: WorkingHoursProblem[] = [];
  const periods: WorkingPeriod[] = [];
  let previous: { text: string; end: number } | null = null;
  list.forEach((text, index) => {
    const m = PERIOD_PATTERN.exec(text);
    const start = m ? minutesOf(m[1]!, m[2]!) : null;
    const end = m ? minutesOf(m[3]!, m[4]!) : null;
    if (start === null || end === null) {
      problems.push({ index, message: `"${text}" is not a period of the day (00:00 to 23:59); ${EXAMPLE}` });
      return;
    }
    if (start >= end) {
      problems.push({ index, message: `"${text}" does not end after it starts; ${EXAMPLE}` });
      return;
    }
    if (previous && start < previous.end)
      problems.push({ index, message: `"${text}" overlaps or comes before "${previous.text}"; list the periods in order of the day, without overlap` });
    previous = { text, end };
    periods.push({ start, end });
  });
  return problems.length > 0 ? { problems } : { periods };
}

function minutesOf(hh: string, mm: string): number | null {
  const h = Number(hh);
  const m = Number(mm);
  return h <= 23 && m <= 59 ? h * 60 + m : null;
}

/** The working hours of a reminder policy (its `workingHours` and `timezone`); throws RangeError if they are invalid. */
export function workingHoursOf(policy: { workingHours: readonly string[]; timezone: string }): WorkingHours {
  const parsed = parseWorkingPeriods(policy.workingHours);
  if ("problems" in parsed) throw new RangeError(`invalid working hours: ${parsed.problems.map((p) => p.message).join("; ")}`);
  return { periods: parsed.periods, timezone: policy.timezone };
}

/** The instant `minutes` after local midnight of `day` in `tz`. */
function instantAt(day: string, minutes: number, tz: string): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  // Shanghai has kept UTC+8 without summer time since 1992 (as in core/time.ts): plain arithmetic.
  if (tz === SHANGHAI && midnightUtc >= SHANGHAI_FIXED_SINCE) return midnightUtc + minutes * MINUTE_MS - SHANGHAI_OFFSET_MS;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return zonedInstant(day, `${hh}:${mm}`, tz).getTime();
}

/** Whether `at` lies within a period of a working day, its start and end included. */
export function isWorkingTime(at: Date, wh: WorkingHours, calendar: WorkingCalendar): boolean {
  const t = at.getTime();
  const day = dayOf(at, wh.timezone);
  if (!calendar.isWorkday(day)) return false;
  return wh.periods.some((p) => instantAt(day, p.start, wh.timezone) <= t && t <= instantAt(day, p.end, wh.timezone));
}

function requireHours(hours: number): number {
  if (!Number.isFinite(hours) || hours < 0 || hours > MAX_WORKING_HOURS)
    throw new RangeError(`working hours must be a finite number from 0 to ${MAX_WORKING_HOURS}, got ${hours}`);
  return Math.round(hours * 60) * MINUTE_MS;
}

function requireInstant(at: Date, what: string): number {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError(`${what} must be a valid instant`);
  return t;
}

/**
 * The instant `hours` working hours after `from`: `addWorkingHours(new Date("2024-02-09T16:30:00+08:00"), 4, wh, calendar)`
 * → 2024-02-18T11:30:00+08:00 (Friday 16:30, one hour to 17:30, then the Spring Festival, then three hours on the
 * Sunday 补班). Throws RangeError for negative, non-finite or absurd (> 100,000) hours.
 */
export function addWorkingHours(from: Date, hours: number, wh: WorkingHours, calendar: WorkingCalendar): Date {
  let remaining = requireHours(hours);
  const t0 = requireInstant(from, "from");
  if (wh.periods.length === 0) throw new RangeError("working hours have no period");
  let daysOff = 0;
  for (let day = dayOf(from, wh.timezone); ; day = addDays(day, 1)) {
    if (!calendar.isWorkday(day)) {
      if (++daysOff > MAX_DAYS_OFF_IN_A_ROW) throw new Error(`no working day within ${MAX_DAYS_OFF_IN_A_ROW} days after ${day}`);
      continue;
    }
    daysOff = 0;
    for (const p of wh.periods) {
      const start = instantAt(day, p.start, wh.timezone);
      const end = instantAt(day, p.end, wh.timezone);
      if (t0 > end) continue;
      const cursor = Math.max(t0, start);
      if (remaining <= end - cursor) return new Date(cursor + remaining);
      remaining -= end - cursor;
    }
  }
}

/**
 * Working hours from `a` to `b`, negative when `b` is before `a`; exact (not rounded to minutes):
 * `workingHoursBetween(new Date("2024-06-03T11:00:00+08:00"), new Date("2024-06-03T15:30:00+08:00"), wh, calendar)` → 2.
 * Shows how far a follow-up is overdue ("已超时 N 个工作小时").
 */
export function workingHoursBetween(a: Date, b: Date, wh: WorkingHours, calendar: WorkingCalendar): number {
  const ta = requireInstant(a, "a");
  const tb = requireInstant(b, "b");
  if (tb < ta) return -workingHoursBetween(b, a, wh, calendar);
  let total = 0;
  const last = dayOf(b, wh.timezone);
  for (let day = dayOf(a, wh.timezone); day <= last; day = addDays(day, 1)) {
    if (!calendar.isWorkday(day)) continue;
    for (const p of wh.periods) {
      const start = Math.max(ta, instantAt(day, p.start, wh.timezone));
      const end = Math.min(tb, instantAt(day, p.end, wh.timezone));
      if (end > start) total += end - start;
    }
  }
  return total / HOUR_MS;
}
