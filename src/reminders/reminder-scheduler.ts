import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../log/logger.js";
import type { Clock } from "../core/clock.js";
import type { SettingsStore } from "../core/model.js";
import { addDays, dayOf, zonedInstant } from "../core/time.js";
import type { ReminderPolicy } from "./reminder-policy.js";
import type { ReminderMessage, ReminderSender, ReminderService } from "./reminder-service.js";
import type { WorkingCalendar } from "./working-calendar.js";
import { nextCronFire } from "../schedule/cron-fire.js";
import { MemoryAgenda } from "../schedule/memory-agenda.js";
import { type DueItem, type Ran, Scheduler } from "../schedule/scheduler.js";

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
  /** The scheduler to put the jobs on; by default one of its own, with an agenda in memory. */
  schedule?: Scheduler;
  /** True: `start` and `stop` start and stop `schedule` (made for these jobs alone); false: the wiring does (shared). */
  owned?: boolean;
}

/** The reminder messages of the day's runs among what a wake-up ran. */
export function runResults(ran: Ran[]): ReminderMessage[] {
  return ran.filter((r) => r.kind === RUN_KIND).flatMap((r) => r.result as ReminderMessage[]);
}

/** The reminder messages of the sweeps among what a wake-up ran. */
export function sweepResults(ran: Ran[]): ReminderMessage[] {
  return ran.filter((r) => r.kind === SWEEP_KIND).flatMap((r) => r.result as ReminderMessage[]);
}

/** The agenda's kinds for the day's reminder run and the sweep. */
export const RUN_KIND = "reminders.run";
export const SWEEP_KIND = "reminders.sweep";

/**
 * The reminder jobs on the one scheduler (src/schedule/): the day's run at the policy's cron time in its time zone,
 * and, with a chat transport, the sweep (补发) every `sweepMinutes` on working days after the day's run time, which
 * sends what a crashed process claimed and left unsent rather than leaving it to the next day's run. What is due is
 * computed from the injected clock, so tests and `--at` move time. At start the scheduler catches up, once, on a run
 * missed while the bot was down (within `catchUpDays`; today's only if its time has passed).
 */
export class ReminderScheduler {
  readonly schedule: Scheduler;
  private readonly ownsSchedule: boolean;

  constructor(private readonly d: ReminderSchedulerDeps) {
    const { policy, calendar } = d;
    if (!cron.validate(policy.cron)) throw new Error(`reminder cron expression "${policy.cron}" is not valid`);
    this.ownsSchedule = d.owned ?? !d.schedule;
    this.schedule = d.schedule ?? new Scheduler({ agenda: new MemoryAgenda(), clock: d.clock, logger: d.logger, timezone: policy.timezone });
    this.schedule.every(RUN_KIND, { next: (now) => nextCronFire(policy.cron, now, policy.timezone), run: (item) => this.runDue(item) });
    if (!d.sender) return;
    const runTime = (day: string) => zonedInstant(day, firstFireTime(policy.cron), policy.timezone);
    // The first instant from `at` inside a sweep window: a working day, after the day's run time.
    const inWindow = (at: Date): Date => {
      let day = dayOf(at, policy.timezone);
      for (let i = 0; i < 400 && !calendar.isWorkday(day); i++) day = addDays(day, 1);
      if (day !== dayOf(at, policy.timezone)) return runTime(day);
      return at.getTime() < runTime(day).getTime() ? runTime(day) : at;
    };
    this.schedule.every(SWEEP_KIND, {
      first: (now) => inWindow(now),
      next: (now) => inWindow(new Date(now.getTime() + policy.sweepMinutes * 60_000)),
      // A restart's first sweep comes at the first wake-up, never inside the start's catch-up.
      atStart: false,
      run: (item) => this.sweepSafely(item),
    });
  }

  /** The wake-up of the scheduler the reminder jobs are on. */
  get wakeTask(): ScheduledTask | null {
    return this.schedule.wakeTask;
  }

  /**
   * Start the scheduler, if this one made its own (the wiring starts a shared one itself), and, unless told not to
   * (the console without --catch-up), catch up on missed runs: what that catch-up sent is returned.
   */
  async start(opts: { catchUp?: boolean } = {}): Promise<ReminderMessage[]> {
    if (!this.ownsSchedule) return [];
    return runResults(await this.schedule.start(opts));
  }

  async stop(): Promise<void> {
    if (this.ownsSchedule) await this.schedule.stop();
  }

  /** Run today's reminders now, plus any missed working days within the window. */
  tick(): Promise<ReminderMessage[]> {
    return this.schedule.queue(() => this.runOnce(true));
  }

  /** Run missed days now, and today only if today's run time has already passed: what the run's item does. */
  catchUp(): Promise<ReminderMessage[]> {
    return this.schedule.queue(() => this.runDue());
  }

  /**
   * Sweep now: on a working day after the day's run time, send the abandoned claims (what the sweep's item does,
   * every `sweepMinutes`). Never at the same time as a run. A failure is logged and the next sweep tries again.
   */
  sweep(): Promise<ReminderMessage[]> {
    return this.schedule.queue(() => this.sweepSafely());
  }

  private runDue(item?: DueItem): Promise<ReminderMessage[]> {
    const now = this.d.clock.now();
    const today = dayOf(now, this.d.policy.timezone);
    const due = zonedInstant(today, firstFireTime(this.d.policy.cron), this.d.policy.timezone);
    return this.runOnce(now.getTime() >= due.getTime(), item);
  }

  /**
   * The sender, renewing `item`'s claim on the agenda before each unit's message: a run held up by an unreachable
   * homeserver (each send gives up after 10 minutes) is not taken for a dead one, nor run again by another instance.
   */
  private senderFor(item: DueItem | undefined): ReminderSender | null {
    const { sender, logger } = this.d;
    if (!sender || !item) return sender;
    let lost = false;
    return {
      send: async (rooms, reply, key) => {
        if (!(await item.renew()) && !lost) {
          lost = true;
          logger.warn("a reminder job outran its claim on the agenda; its notices' own claims keep each message once", { kind: item.kind });
        }
        return sender.send(rooms, reply, key);
      },
    };
  }

  private sweepSafely(item?: DueItem): Promise<ReminderMessage[]> {
    return this.sweepOnce(item).catch((e: unknown) => {
      // A failed sweep must not end the process; the rows stay abandoned and the next sweep tries again.
      this.d.logger.error("the reminder sweep failed; it is tried again at the next interval", { error: e instanceof Error ? e.message : String(e) });
      return [];
    });
  }

  private async sweepOnce(item?: DueItem): Promise<ReminderMessage[]> {
    const { clock, policy, calendar, service } = this.d;
    const sender = this.senderFor(item);
    if (!sender) return [];
    const now = clock.now();
    const today = dayOf(now, policy.timezone);
    if (!calendar.isWorkday(today)) return [];
    if (now.getTime() < zonedInstant(today, firstFireTime(policy.cron), policy.timezone).getTime()) return [];
    const messages = await service.sweep(now, sender);
    if (messages.length) this.d.logger.info("reminders swept: sent what a crashed process had claimed", { messages: messages.length });
    return messages;
  }

  private async runOnce(includeToday: boolean, item?: DueItem): Promise<ReminderMessage[]> {
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
    const messages = await service.run(days, now, this.senderFor(item));
    await settings.set(key, end);
    if (messages.length) this.d.logger.info("reminders sent", { days, messages: messages.length });
    await this.d.onRun?.(messages);
    return messages;
  }
}
