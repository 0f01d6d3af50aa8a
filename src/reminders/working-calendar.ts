/**
 * Chinese working days (工作日) for reminders.
 *
 * Days are Asia/Shanghai calendar days written "YYYY-MM-DD". Nothing here reads the wall clock.
 *
 * The data comes from `chinese-days` (pinned): statutory holidays (法定节假日) are days off and
 * 调休 makeup days (补班, e.g. Sunday 2024-02-04) are working days. We use its `isWorkday`, never
 * `isInLieu` (that marks a 调休 rest day, not a 补班 workday).
 *
 * A year that is not in the package's data (it is added each November after the State Council
 * notice) silently falls back to Monday–Friday there. `hasDataFor(year)` detects that so the
 * caller can warn an administrator; `isWorkday` then keeps the Monday–Friday fallback.
 */
import { createRequire } from "node:module";
// chinese-days ships CommonJS (UMD) whose named exports Node cannot detect from ESM: use the default
// export, which is module.exports under Node and the same functions object under Vite/vitest.
import chineseDays from "chinese-days";

export interface WorkingCalendar {
  /** A working day: Monday–Friday unless a statutory holiday, plus 调休 makeup days (补班). */
  isWorkday(day: string): boolean;
  /** Whether the holiday data covers `year`; without it `isWorkday` is plain Monday–Friday. */
  hasDataFor(year: number): boolean;
  /** The last working day strictly before `day`. */
  previousWorkday(day: string): string;
  /** The first working day strictly after `day`. */
  nextWorkday(day: string): string;
  /** `day` if it is a working day, else the last working day before it. */
  workdayOnOrBefore(day: string): string;
  /** `day` if it is a working day, else the first working day after it. */
  workdayOnOrAfter(day: string): string;
}

const MS_PER_DAY = 86_400_000;
/** No real run of days off comes near this; it only stops a broken `isWorkday` from looping forever. */
const MAX_DAYS_OFF_IN_A_ROW = 366;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a "YYYY-MM-DD" day, or NaN when it is not a real calendar day. */
export function dayNumber(day: string): number {
  const m = DAY_PATTERN.exec(day);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const n = ms / MS_PER_DAY;
  // Reject 2024-02-30 and the like: Date.UTC would roll it over into March.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return Number.NaN;
  return n;
}

/** The "YYYY-MM-DD" day for a day number (days since 1970-01-01). */
export function dayFromNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day number of a "YYYY-MM-DD" day; throws RangeError when it is not one. */
export function requireDayNumber(day: string, what = "day"): number {
  const n = dayNumber(day);
  if (Number.isNaN(n)) throw new RangeError(`${what} must be a calendar day YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return n;
}

/**
 * Builds the stepping functions (previous/next/on-or-before/on-or-after) around any `isWorkday`.
 * Useful for fakes in tests: `workingCalendarFrom((day) => day !== "2024-06-03")`.
 */
export function workingCalendarFrom(isWorkday: (day: string) => boolean, hasDataFor: (year: number) => boolean = () => true): WorkingCalendar {
  const step = (day: string, direction: 1 | -1, includeStart: boolean): string => {
    let n = requireDayNumber(day);
    if (includeStart && isWorkday(day)) return day;
    for (let i = 0; i < MAX_DAYS_OFF_IN_A_ROW; i++) {
      n += direction;
      const candidate = dayFromNumber(n);
      if (isWorkday(candidate)) return candidate;
    }
    throw new Error(`no working day within ${MAX_DAYS_OFF_IN_A_ROW} days ${direction > 0 ? "after" : "before"} ${day}`);
  };
  return {
    isWorkday,
    hasDataFor,
    previousWorkday: (day) => step(day, -1, false),
    nextWorkday: (day) => step(day, 1, false),
    workdayOnOrBefore: (day) => step(day, -1, true),
    workdayOnOrAfter: (day) => step(day, 1, true),
  };
}

/**
 * What the calendar needs from the holiday data: the chinese-days working-day rule, and whether a
 * day is listed in its statutory-holiday map.
 */
interface HolidaySource {
  isWorkday(day: string): boolean;
  isListedHoliday(day: string): boolean;
}

/** A Date at local noon of `day`; chinese-days reads its argument in the process time zone. */
function localNoon(day: string): Date {
  return new Date(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), 12, 0, 0, 0);
}

/** The package's own functions, which hold its data in private maps built at import time. */
const packageSource: HolidaySource = {
  isWorkday: (day) => chineseDays.isWorkday(localNoon(day)),
  isListedHoliday: (day) => chineseDays.getHolidaysInRange(localNoon(day), localNoon(day), false).length > 0,
};

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/**
 * The same data as published by the package at build time (dist/chinese-days.json), with the same
 * rule as its `isWorkday`: a listed 补班 workday, or Monday–Friday and not a listed holiday.
 *
 * Only used when the package's functions fail the self-check below: chinese-days 1.5.7 builds its
 * maps by parsing dates as UTC and formatting them in local time, so in a process time zone west of
 * UTC (TZ=America/...) every key is one day early and about a quarter of its answers are wrong.
 */
function publishedDataSource(): HolidaySource {
  const require = createRequire(import.meta.url);
  const data = require("chinese-days/dist/chinese-days.json") as ChineseDaysData;
  return {
    isWorkday: (day) => {
      if (Object.hasOwn(data.workdays, day)) return true;
      const weekday = new Date(requireDayNumber(day) * MS_PER_DAY).getUTCDay();
      return weekday >= 1 && weekday <= 5 && !Object.hasOwn(data.holidays, day);
    },
    isListedHoliday: (day) => Object.hasOwn(data.holidays, day),
  };
}

/** Facts from the State Council notice for 2024 (国办发明电〔2023〕7号) that any correct source gives. */
const KNOWN_2024: ReadonlyArray<readonly [string, boolean]> = [
  ["2024-02-04", true], // Sunday, 补班
  ["2024-02-05", true], // Monday
  ["2024-02-10", false], // Saturday, Spring Festival
  ["2024-02-12", false], // Monday, Spring Festival
  ["2024-02-18", true], // Sunday, 补班
  ["2024-10-07", false], // Monday, National Day
  ["2024-10-08", true], // Tuesday
  ["2024-10-12", true], // Saturday, 补班
  ["2024-10-13", false], // Sunday
];

function passesSelfCheck(source: HolidaySource): boolean {
  return KNOWN_2024.every(([day, work]) => source.isWorkday(day) === work) && source.isListedHoliday("2024-10-01");
}

/**
 * The working calendar backed by `chinese-days` (its `isWorkday`).
 *
 * `hasDataFor(year)`: the package keeps its data in private maps (holidays, 补班 workdays, 调休 days);
 * the public `getHolidaysInRange(start, end, false)` returns exactly the days listed in its holiday
 * map. Every State Council arrangement lists National Day (10月1日), so a year has data iff its
 * October 1 is in that map. Checking October 1 rather than "any entry in the year" ignores entries
 * that spill over from a neighbouring year's arrangement (a New Year holiday starting on December 31).
 *
 * Throws if neither the package's functions nor its published data give the known 2024 calendar.
 */
export function createWorkingCalendar(): WorkingCalendar {
  let source = packageSource;
  if (!passesSelfCheck(source)) {
    source = publishedDataSource();
    if (!passesSelfCheck(source)) {
      throw new Error("chinese-days does not give the known 2024 working days; check the installed version");
    }
  }
  const workdayCache = new Map<string, boolean>();
  const dataCache = new Map<number, boolean>();

  const hasDataFor = (year: number): boolean => {
    if (!Number.isInteger(year)) throw new RangeError(`year must be an integer, got ${year}`);
    let known = dataCache.get(year);
    if (known === undefined) {
      known = year >= 1000 && year <= 9999 && source.isListedHoliday(`${year}-10-01`);
      dataCache.set(year, known);
    }
    return known;
  };

  const isWorkday = (day: string): boolean => {
    let known = workdayCache.get(day);
    if (known === undefined) {
      requireDayNumber(day);
      // Without data for the year this is Monday–Friday, which is the documented fallback.
      known = source.isWorkday(day);
      workdayCache.set(day, known);
    }
    return known;
  };

  return workingCalendarFrom(isWorkday, hasDataFor);
}
