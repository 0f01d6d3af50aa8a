import cron from "node-cron";
import { addDays, zonedInstant } from "../core/time.js";

/** Days looked ahead for the next fire: a cron expression that fires only on 29 February still fires within this. */
const LOOK_AHEAD_DAYS = 366 * 8 + 2;

/**
 * The first instant strictly after `after` at which the cron expression fires, to the minute, in `timezone`:
 * `nextCronFire("0 9 * * *", 2024-12-31T10:00+08:00, "Asia/Shanghai")` → 2025-01-01T09:00+08:00. Null if it never fires.
 */
export function nextCronFire(expression: string, after: Date, timezone: string): Date | null {
  const f = cron.parse(expression);
  const months = new Set(f.month.map(Number));
  const monthDays = new Set(f.dayOfMonth.map(Number));
  const weekdays = new Set(f.dayOfWeek.map((d) => Number(d) % 7));
  const times: string[] = [];
  for (const h of [...f.hour].map(Number).sort((a, b) => a - b))
    for (const m of [...f.minute].map(Number).sort((a, b) => a - b)) times.push(`${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
  // Start the day before in UTC terms: `after`'s day in a zone east of UTC may be the next calendar day.
  const start = addDays(after.toISOString().slice(0, 10), -1);
  for (let i = 0; i <= LOOK_AHEAD_DAYS; i++) {
    const day = addDays(start, i);
    const [y, mo, d] = day.split("-").map(Number) as [number, number, number];
    if (!months.has(mo) || !monthDays.has(d) || !weekdays.has(new Date(Date.UTC(y, mo - 1, d)).getUTCDay())) continue;
    for (const time of times) {
      const at = zonedInstant(day, time, timezone);
      if (at.getTime() > after.getTime()) return at;
    }
  }
  return null;
}
