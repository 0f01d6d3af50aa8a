import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** The calendar day of an instant in a time zone: `dayOf(new Date("2024-06-30T02:00:00Z"))` → "2024-06-30". */
export function dayOf(at: Date, tz = DEFAULT_TIME_ZONE): string {
  return dayjs(at).tz(tz).format("YYYY-MM-DD");
}

/** Whole days from `from` to `to` (both YYYY-MM-DD): `daysBetween("2024-06-30", "2024-12-31")` → 184. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Add days to a YYYY-MM-DD day: `addDays("2024-12-31", 1)` → "2025-01-01". */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Format an instant for people: `formatDateTime(d)` → "2024-06-30 10:00". */
export function formatDateTime(at: Date, tz = DEFAULT_TIME_ZONE): string {
  return dayjs(at).tz(tz).format("YYYY-MM-DD HH:mm");
}

/** The instant a local wall time occurs in a zone: `zonedInstant("2024-12-31", "09:00")`. */
export function zonedInstant(day: string, hhmm: string, tz = DEFAULT_TIME_ZONE): Date {
  return dayjs.tz(`${day} ${hhmm}`, "YYYY-MM-DD HH:mm", tz).toDate();
}

export { dayjs };
