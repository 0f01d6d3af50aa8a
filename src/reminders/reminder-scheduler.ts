import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../log/logger.js";
import type { Clock } from "../core/clock.js";
import type { SettingsStore } from "../core/model.js";
import { addDays, dayOf, zonedInstant } from "../core/time.js";
import type { ReminderPolicy } from "./reminder-policy.js";
import type { ReminderMessage, ReminderSender, ReminderService } from "./reminder-service.js";
import type { WorkingCalendar } from "./working-calendar.js";

const LAST_RUN_KEY = "reminders.lastRunDay";
/** The sweep's cron fires every minute; the clock says whether `sweepMinutes` have passed since the last sweep. */
const SWEEP_CRON = "* * * * *";

/** The first time of day the cron expression fires, "HH:mm": `firstFireTime("0 9 * * *")` → "09:00". */
export function firstFireTime(expression: string): string {
  const fields = cron.parse(expression);
  const hour = Math.min(...fields.hour);
  const minute = Math.min(...fields.minute);
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

export interface ReminderSchedulerDeps {
  service: ReminderService;
  settings: SettingsStore;
  clock: Clock;
  policy: ReminderPolicy;
  calendar: WorkingCalendar;
  sender: ReminderSender | null;
  logger: Logger;
  /** Called with the messages of each run (the console transport prints them). */
  onRun?: (messages: ReminderMessage[]) => void | Promise<void>;
}

/**
 * Runs the reminder check on a node-cron schedule in the policy's time zone. The cron job only
 * says "it is time"; what is due is computed from the injected clock, so tests and `--at` move time.
 * At start it catches up, once, on runs missed while the bot was down (within `catchUpDays`).
 * With a chat transport it also sweeps (补发), every `sweepMinutes` on working days after the day's run time: what a
 * crashed process claimed and left unsent goes out then, rather than at the next day's run.
 */
export class ReminderScheduler {
  cronTask: ScheduledTask | null = null;
  /** The sweep's job; none without a chat transport (the console never marks anything delivered). */
  sweepTask: ScheduledTask | null = null;
  private running: Promise<ReminderMessage[]> = Promise.resolve([]);
  /** When this process last swept (by the clock): the next sweep is due `sweepMinutes` later. */
  private lastSweep: number | null = null;

  constructor(private readonly d: ReminderSchedulerDeps) {}

  /** Register the cron job and, unless told not to (the console without --catch-up), catch up on missed runs. */
  async start(opts: { catchUp?: boolean } = {}): Promise<ReminderMessage[]> {
    const { policy } = this.d;
    if (!cron.validate(policy.cron)) throw new Error(`reminder cron expression "${policy.cron}" is not valid`);
    this.cronTask = cron.schedule(policy.cron, () => this.tick(), { timezone: policy.timezone, name: "duban-reminders", noOverlap: true });
    if (this.d.sender) this.sweepTask = cron.schedule(SWEEP_CRON, () => this.sweep(), { timezone: policy.timezone, name: "duban-sweep", noOverlap: true });
    return opts.catchUp === false ? [] : this.catchUp();
  }

  async stop(): Promise<void> {
    await this.cronTask?.destroy();
    await this.sweepTask?.destroy();
    this.cronTask = null;
    this.sweepTask = null;
    await this.running.catch(() => undefined);
  }

  /** What the cron job does: run today's reminders, plus any missed working days within the window. */
  tick(): Promise<ReminderMessage[]> {
    return this.serial(true);
  }

  /** At start: run missed days, and today only if today's run time has already passed. */
  catchUp(): Promise<ReminderMessage[]> {
    const now = this.d.clock.now();
    const today = dayOf(now, this.d.policy.timezone);
    const due = zonedInstant(today, firstFireTime(this.d.policy.cron), this.d.policy.timezone);
    return this.serial(now.getTime() >= due.getTime());
  }

  /**
   * What the sweep's job does each minute: on a working day after the day's run time, once `sweepMinutes` have passed
   * since the last sweep (at once after a start), send the abandoned claims. Never at the same time as a run.
   */
  sweep(): Promise<ReminderMessage[]> {
    return this.queue(() =>
      this.sweepOnce().catch((e: unknown) => {
        // A minute's job must not end the process; the rows stay abandoned and the next sweep tries again.
        this.d.logger.error("the reminder sweep failed; it is tried again at the next interval", { error: e instanceof Error ? e.message : String(e) });
        return [];
      }),
    );
  }

  private serial(includeToday: boolean): Promise<ReminderMessage[]> {
    return this.queue(() => this.runOnce(includeToday));
  }

  private queue(job: () => Promise<ReminderMessage[]>): Promise<ReminderMessage[]> {
    const next = this.running.catch(() => []).then(job);
    this.running = next;
    return next;
  }

  private async sweepOnce(): Promise<ReminderMessage[]> {
    const { clock, policy, calendar, sender, service } = this.d;
    if (!sender) return [];
    const now = clock.now();
    const today = dayOf(now, policy.timezone);
    if (!calendar.isWorkday(today)) return [];
    if (now.getTime() < zonedInstant(today, firstFireTime(policy.cron), policy.timezone).getTime()) return [];
    // A clock set back (--at, a test) starts the interval again.
    const since = this.lastSweep === null ? Number.POSITIVE_INFINITY : now.getTime() - this.lastSweep;
    if (since >= 0 && since < policy.sweepMinutes * 60_000) return [];
    this.lastSweep = now.getTime();
    const messages = await service.sweep(now, sender);
    if (messages.length) this.d.logger.info("reminders swept: sent what a crashed process had claimed", { messages: messages.length });
    return messages;
  }

  private async runOnce(includeToday: boolean): Promise<ReminderMessage[]> {
    const { clock, policy, calendar, settings, service } = this.d;
    const now = clock.now();
    const today = dayOf(now, policy.timezone);
    // Nothing is sent on a non-working day, not even catch-up; the next working day picks it up.
    if (!calendar.isWorkday(today)) return [];
    // The console keeps its own last run: it never stands in for a chat transport's (see ReminderService.run).
    const key = this.d.sender ? LAST_RUN_KEY : `${LAST_RUN_KEY}.console`;
    const last = await settings.get(key);
    const end = includeToday ? today : addDays(today, -1);
    if (last === null && !includeToday) return [];
    const windowStart = addDays(today, -policy.catchUpDays);
    let from = last === null ? today : addDays(last, 1);
    if (from < windowStart) from = windowStart;
    const days: string[] = [];
    for (let d = from; d <= end; d = addDays(d, 1)) days.push(d);
    if (days.length === 0) return [];
    const messages = await service.run(days, now, this.d.sender);
    await settings.set(key, end);
    if (messages.length) this.d.logger.info("reminders sent", { days, messages: messages.length });
    await this.d.onRun?.(messages);
    return messages;
  }
}
