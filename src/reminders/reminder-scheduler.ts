import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../log/logger.js";
import type { Clock } from "../core/clock.js";
import type { SettingsStore } from "../core/model.js";
import { addDays, dayOf, zonedInstant } from "../core/time.js";
import type { ReminderPolicy } from "./reminder-policy.js";
import type { ReminderMessage, ReminderSender, ReminderService } from "./reminder-service.js";
import type { WorkingCalendar } from "./working-calendar.js";

const LAST_RUN_KEY = "reminders.lastRunDay";

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
 */
export class ReminderScheduler {
  cronTask: ScheduledTask | null = null;
  private running: Promise<ReminderMessage[]> = Promise.resolve([]);

  constructor(private readonly d: ReminderSchedulerDeps) {}

  /** Register the cron job and, unless told not to (the console without --catch-up), catch up on missed runs. */
  async start(opts: { catchUp?: boolean } = {}): Promise<ReminderMessage[]> {
    const { policy } = this.d;
    if (!cron.validate(policy.cron)) throw new Error(`reminder cron expression "${policy.cron}" is not valid`);
    this.cronTask = cron.schedule(policy.cron, () => this.tick(), { timezone: policy.timezone, name: "duban-reminders", noOverlap: true });
    return opts.catchUp === false ? [] : this.catchUp();
  }

  async stop(): Promise<void> {
    await this.cronTask?.destroy();
    this.cronTask = null;
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

  private serial(includeToday: boolean): Promise<ReminderMessage[]> {
    const next = this.running.catch(() => []).then(() => this.runOnce(includeToday));
    this.running = next;
    return next;
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
