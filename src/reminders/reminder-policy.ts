/**
 * Which deadline reminders (提醒 / 催办) are due on a run day. Pure: no database, no I/O, no clock.
 *
 * Every reminder has a NOMINAL date computed from the task and the policy. Reminders are only sent
 * on working days, so a nominal date that is not a working day moves:
 *   - "before" and "due" move BACK to the previous working day (they still warn in time);
 *   - "overdue", "escalation", "report-due" and "stale" move FORWARD to the next working day.
 * So on a working run day D the due reminders are those whose nominal date N lies in
 *   - backward window [D, nextWorkday(D))   for before/due,
 *   - forward window  (previousWorkday(D), D] for the others.
 * Successive working days' windows tile the calendar, so walking every working day emits every
 * nominal reminder exactly once. Each task costs O(1): candidate nominal dates are computed
 * arithmetically for the window, never by scanning past days.
 *
 * Values are nominal and therefore stable: `daysLeft` is the configured lead time (0 for "due") and
 * `daysOverdue` is k × overdueEveryDays, whatever day the reminder is actually sent. Re-running a day
 * (catch-up after a restart) yields the same records, so the caller can dedupe on
 * (taskId, unit, kind, occurrence).
 */
import { z } from "zod";
import type { Deadline } from "../plan/types.js";
import { dayFromNumber, dayNumber, requireDayNumber, type WorkingCalendar } from "./working-calendar.js";
import { DEFAULT_WORKING_HOURS, parseWorkingPeriods } from "./working-hours.js";

const MS_PER_DAY = 86_400_000;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const reminderPolicySchema = z.object({
  /** Days before the deadline to remind, besides the "due" reminder on the day itself. Deduplicated, sorted descending. */
  beforeDays: z
    .array(z.number().int().positive().max(3660))
    .transform((days) => [...new Set(days)].sort((a, b) => b - a))
    .default([30, 7, 1]),
  /** Press (催办) every this many days after a missed deadline. */
  overdueEveryDays: z.number().int().positive().default(7),
  /** From this many days overdue, each overdue reminder also escalates to the office (督办升级). */
  escalateAfterDays: z.number().int().nonnegative().default(14),
  /** Ongoing tasks are asked for a progress report on this day of every month (1–28, so every month has it). */
  reportDayOfMonth: z.number().int().min(1).max(28).default(25),
  /** A task without an update for this many days is stale; it is reminded every this many days. */
  staleAfterDays: z.number().int().positive().default(30),
  /** Skip a stale reminder when the task had a report reminder within this many days up to and including it. */
  staleSkipIfReportWithinDays: z.number().int().nonnegative().default(7),
  /** When the scheduler runs (node-cron syntax), in `timezone`. */
  cron: z.string().trim().min(1).default("0 9 * * *"),
  timezone: z.string().refine(isTimeZone, { message: "unknown IANA time zone" }).default("Asia/Shanghai"),
  /** The weekly digest (周报) to the office's room and the bureau leaders: node-cron syntax, in `timezone`. Default Monday 09:00. */
  digestCron: z.string().trim().min(1).default("0 9 * * 1"),
  digestEnabled: z.boolean().default(true),
  /** After downtime, the scheduler catches up on at most this many missed days. */
  catchUpDays: z.number().int().nonnegative().default(3),
  /**
   * On working days after the day's run, every this many minutes (1–60) the sweep (补发) sends what a crashed process
   * had claimed and left unsent.
   */
  sweepMinutes: z.number().int().min(1).max(60).default(5),
  /**
   * Working hours (工作时间) of a working day, in `timezone`, in order of the day: follow-ups ("re-notify after 4 working
   * hours") count time only within them. Each "HH:MM-HH:MM"; see working-hours.ts.
   */
  workingHours: z
    .array(z.string())
    .superRefine((list, ctx) => {
      const parsed = parseWorkingPeriods(list);
      if ("problems" in parsed) for (const p of parsed.problems) ctx.addIssue({ code: "custom", message: p.message, path: p.index === null ? [] : [p.index] });
    })
    .default(() => [...DEFAULT_WORKING_HOURS]),
});

export type ReminderPolicy = z.output<typeof reminderPolicySchema>;
export type ReminderPolicyInput = z.input<typeof reminderPolicySchema>;

export const defaultReminderPolicy: ReminderPolicy = Object.freeze(reminderPolicySchema.parse({}));

/**
 * What a reminder presses for: "before" and "due" a coming deadline (到期提醒), "overdue" a missed one (逾期催办),
 * "escalation" the office's follow-up of a long-missed one (督办升级), "report-due" the monthly progress report an
 * ongoing task owes (进展报送), "stale" a task with no update for long (久未更新).
 */
export type ReminderKind = "before" | "due" | "overdue" | "escalation" | "report-due" | "stale";

/** What the policy needs to know about a task. */
export interface PolicyTask {
  id: number;
  number: number;
  leadUnits: string[];
  deadline: Deadline;
  done: boolean;
  paused: boolean;
  /** A completion request awaits the office's review: no overdue or escalation reminders meanwhile. */
  reviewPending?: boolean;
  /** Day of the last recorded update (进展), if any. */
  lastUpdateDay: string | null;
  /** The plan's issue day or import day: reference for "stale" without updates; nothing is due before it (default: the context's). */
  startDay?: string;
}

export interface DueReminder {
  taskId: number;
  taskNumber: number;
  /** A lead unit as written (collective units like 局属各单位 are not expanded), or the office for "escalation". */
  unit: string;
  kind: ReminderKind;
  /** The nominal YYYY-MM-DD of this reminder (before shifting to a working day). */
  occurrence: string;
  /** "overdue" and "escalation": days from the deadline to the nominal date (k × overdueEveryDays). */
  daysOverdue?: number;
  /** "before": the configured lead time; "due": 0. */
  daysLeft?: number;
}

export interface DueRemindersContext {
  calendar: WorkingCalendar;
  policy: ReminderPolicy;
  /** The office (科技办) room's unit, which receives escalations. */
  officeUnit: string;
  /** The start day of tasks that give none (a page of one plan's tasks: the plan's). */
  startDay?: string;
}

export interface DayWindow {
  first: string;
  last: string;
}

export interface NominalWindow {
  runDay: string;
  /** Nominal dates of before/due reminders sent on runDay: [runDay, nextWorkday(runDay) − 1]. */
  backward: DayWindow;
  /** Nominal dates of overdue/escalation/report-due/stale reminders sent on runDay: [previousWorkday(runDay) + 1, runDay]. */
  forward: DayWindow;
}

/** The nominal dates whose reminders are sent on `runDay`, or null when it is not a working day. */
export function nominalWindow(runDay: string, calendar: WorkingCalendar): NominalWindow | null {
  const w = windowNumbers(runDay, calendar);
  if (!w) return null;
  return {
    runDay,
    backward: { first: dayFromNumber(w.backFirst), last: dayFromNumber(w.backLast) },
    forward: { first: dayFromNumber(w.fwdFirst), last: dayFromNumber(w.fwdLast) },
  };
}

interface WindowNumbers {
  backFirst: number;
  backLast: number;
  fwdFirst: number;
  fwdLast: number;
}

function windowNumbers(runDay: string, calendar: WorkingCalendar): WindowNumbers | null {
  const d = requireDayNumber(runDay, "runDay");
  if (!calendar.isWorkday(runDay)) return null;
  return {
    backFirst: d,
    backLast: requireDayNumber(calendar.nextWorkday(runDay)) - 1,
    fwdFirst: requireDayNumber(calendar.previousWorkday(runDay)) + 1,
    fwdLast: d,
  };
}

/** Day number of `day` of the month containing day number `n`, shifted by `monthDelta` months. */
function dayOfMonthNumber(n: number, monthDelta: number, day: number): number {
  const date = new Date(n * MS_PER_DAY);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthDelta, day) / MS_PER_DAY;
}

/** The report days (`reportDay` of each month) from `from` to `to`, inclusive, as YYYY-MM-DD: the scorecard's report cycles. */
export function reportDaysBetween(from: string, to: string, reportDay: number): string[] {
  return reportDaysWithin(dayNumber(from), dayNumber(to), reportDay).map(dayFromNumber);
}

/** Report nominal dates (`reportDay` of each month) within day numbers [first, last]. */
function reportDaysWithin(first: number, last: number, reportDay: number): number[] {
  const out: number[] = [];
  for (let delta = 0; ; delta++) {
    const r = dayOfMonthNumber(first, delta, reportDay);
    if (r > last) break;
    if (r >= first) out.push(r);
  }
  return out;
}

/** The latest report nominal date on or before day number `n`. */
function lastReportDayOnOrBefore(n: number, reportDay: number): number {
  const sameMonth = dayOfMonthNumber(n, 0, reportDay);
  return sameMonth <= n ? sameMonth : dayOfMonthNumber(n, -1, reportDay);
}

/** First multiple `ref + k*step` (k ≥ 1) that is ≥ `from`. */
function firstStepOnOrAfter(ref: number, step: number, from: number): number {
  const k = Math.max(1, Math.ceil((from - ref) / step));
  return ref + k * step;
}

/** Lead units without repeats, in document order; the common case (no repeats) allocates nothing. */
function distinctUnits(units: readonly string[]): readonly string[] {
  for (let i = 1; i < units.length; i++) {
    if (units.indexOf(units[i]!) < i) return [...new Set(units)];
  }
  return units;
}

/** One reminder per unit. A plain function, not a closure per task: 100,000 closures per run cost more than the rest. */
function pushEach(
  out: DueReminder[],
  task: PolicyTask,
  units: readonly string[],
  kind: ReminderKind,
  occurrence: string,
  daysLeft?: number,
  daysOverdue?: number,
): void {
  for (const unit of units) {
    const r: DueReminder = { taskId: task.id, taskNumber: task.number, unit, kind, occurrence };
    if (daysLeft !== undefined) r.daysLeft = daysLeft;
    if (daysOverdue !== undefined) r.daysOverdue = daysOverdue;
    out.push(r);
  }
}

/**
 * The reminders to send on `runDay`. Empty when `runDay` is not a working day.
 *
 * Done and paused tasks get nothing; "unknown" deadlines get nothing (the caller reports them to the
 * office); nothing has a nominal date before the task's startDay. A task whose dates are not valid
 * YYYY-MM-DD days is skipped rather than failing the whole run. Throws RangeError for a bad runDay.
 */
export function dueReminders(tasks: readonly PolicyTask[], runDay: string, ctx: DueRemindersContext): DueReminder[] {
  const { calendar, policy, officeUnit } = ctx;
  const w = windowNumbers(runDay, calendar);
  if (!w) return [];
  const { backFirst, backLast, fwdFirst, fwdLast } = w;

  const beforeDays = [...new Set(policy.beforeDays)].filter((d) => d > 0).sort((a, b) => b - a);
  const overdueStep = policy.overdueEveryDays;
  const staleStep = policy.staleAfterDays;
  const reportDay = policy.reportDayOfMonth;
  const staleSkipWithin = policy.staleSkipIfReportWithinDays;
  const reportDays = reportDaysWithin(fwdFirst, fwdLast, reportDay);

  // Many tasks share the same dates: parse each distinct string once per run.
  const parsed = new Map<string, number>();
  const parse = (day: string): number => {
    let n = parsed.get(day);
    if (n === undefined) {
      n = dayNumber(day);
      parsed.set(day, n);
    }
    return n;
  };
  const formatted = new Map<number, string>();
  const format = (n: number): string => {
    let s = formatted.get(n);
    if (s === undefined) {
      s = dayFromNumber(n);
      formatted.set(n, s);
    }
    return s;
  };

  const out: DueReminder[] = [];

  for (const task of tasks) {
    if (task.done || task.paused) continue;
    const kind = task.deadline.kind;
    if (kind === "unknown") continue;
    const start = parse(task.startDay ?? ctx.startDay ?? "");
    if (Number.isNaN(start)) continue;
    const hasMilestone = kind === "date" || kind === "date+ongoing";
    const deadline = task.deadline.date === null ? Number.NaN : parse(task.deadline.date);
    if (hasMilestone && Number.isNaN(deadline)) continue;
    let lastUpdate = start;
    if (task.lastUpdateDay !== null) {
      lastUpdate = parse(task.lastUpdateDay);
      if (Number.isNaN(lastUpdate)) continue;
    }

    const units = distinctUnits(task.leadUnits);
    // Reports are asked for ongoing work: from startDay on, or after the milestone for date+ongoing.
    const reportsFrom = kind === "ongoing" ? start : kind === "date+ongoing" ? Math.max(start, deadline + 1) : Number.NaN;

    if (hasMilestone) {
      // before / due: nominal in the backward window.
      if (deadline - (beforeDays[0] ?? 0) <= backLast && deadline >= backFirst) {
        for (const d of beforeDays) {
          const n = deadline - d;
          if (n >= backFirst && n <= backLast && n >= start) pushEach(out, task, units, "before", format(n), d);
        }
      }
      if (deadline >= backFirst && deadline <= backLast && deadline >= start) pushEach(out, task, units, "due", format(deadline), 0);
    }

    if (kind === "date" && !task.reviewPending && deadline + overdueStep <= fwdLast) {
      // overdue (+ escalation): deadline + k*overdueEveryDays in the forward window.
      for (let n = firstStepOnOrAfter(deadline, overdueStep, fwdFirst); n <= fwdLast; n += overdueStep) {
        if (n < start) continue;
        const daysOverdue = n - deadline;
        pushEach(out, task, units, "overdue", format(n), undefined, daysOverdue);
        if (daysOverdue >= policy.escalateAfterDays) {
          out.push({
            taskId: task.id,
            taskNumber: task.number,
            unit: officeUnit,
            kind: "escalation",
            occurrence: format(n),
            daysOverdue,
          });
        }
      }
    }

    if (!Number.isNaN(reportsFrom)) {
      for (const r of reportDays) if (r >= reportsFrom) pushEach(out, task, units, "report-due", format(r));
    }

    if (lastUpdate + staleStep <= fwdLast) {
      // stale: (lastUpdateDay ?? startDay) + k*staleAfterDays in the forward window.
      for (let n = firstStepOnOrAfter(lastUpdate, staleStep, fwdFirst); n <= fwdLast; n += staleStep) {
        if (n < start) continue;
        if (staleSkipWithin > 0 && !Number.isNaN(reportsFrom)) {
          // The latest report date ≤ n is enough: if it is too early or not yet a report for
          // this task, every earlier one is too.
          const r = lastReportDayOnOrBefore(n, reportDay);
          if (r > n - staleSkipWithin && r >= reportsFrom) continue;
        }
        pushEach(out, task, units, "stale", format(n));
      }
    }
  }
  return out;
}
