import { catalogue } from "../core/i18n/index.js";
import { randomUUID } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "../log/logger.js";
import type { Clock } from "../core/clock.js";
import type { Repositories } from "../core/model.js";
import { reply, type Reply } from "../core/reply.js";
import { addDays, dayOf, zonedInstant } from "../core/time.js";
import type { Directory } from "../directory/directory.js";
import type { ReminderPolicy } from "../reminders/reminder-policy.js";
import { CLAIM_TTL_MS, type ReminderSender } from "../reminders/reminder-service.js";
import type { WorkingCalendar } from "../reminders/working-calendar.js";
import type { ReportService } from "./report-service.js";
import { nextCronFire } from "../schedule/cron-fire.js";
import { MemoryAgenda } from "../schedule/memory-agenda.js";
import { type Ran, Scheduler } from "../schedule/scheduler.js";

const CONSOLE_KEY = "digest.lastWeek.console";

export interface DigestSchedulerDeps {
  repos: Repositories;
  directory: Directory;
  clock: Clock;
  policy: ReminderPolicy;
  calendar: WorkingCalendar;
  reports: ReportService;
  /** Null: the console, which prints the digest (onRun) and never marks it delivered. */
  sender: ReminderSender | null;
  logger: Logger;
  onRun?: (week: string, reply: Reply) => void | Promise<void>;
  /** Starts claim tokens, as ReminderServiceDeps.claimOwner. */
  claimOwner?: string;
  /** The scheduler to put the digest on; by default one of its own, with an agenda in memory. */
  schedule?: Scheduler;
  /** True: `start` and `stop` start and stop `schedule` (made for the digest alone); false: the wiring does (shared). */
  owned?: boolean;
}

/** The digest sent among what a wake-up ran, if any. */
export function digestResult(ran: Ran[]): Reply | null {
  return (
    ran
      .filter((r) => r.kind === DIGEST_KIND && r.result !== null)
      .map((r) => r.result as Reply)
      .at(-1) ?? null
  );
}

/** When the digest is due in the week of `day`: the week key (its scheduled day) and the working day it goes out on. */
export function digestDue(day: string, expression: string, calendar: WorkingCalendar): { week: string; sendOn: string | null } {
  const weekdays = cron.parse(expression).dayOfWeek.map((d) => Number(d) % 7);
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  const monday = addDays(day, -((dow + 6) % 7));
  // The first scheduled weekday of the week (Monday first).
  const offsets = weekdays.map((w) => (w + 6) % 7).sort((a, b) => a - b);
  const week = addDays(monday, offsets[0] ?? 0);
  // A scheduled day off (a holiday Monday) moves to the next working day of the same week; a week off has none.
  let sendOn: string | null = week;
  while (sendOn !== null && !calendar.isWorkday(sendOn)) {
    sendOn = addDays(sendOn, 1);
    if (sendOn > addDays(monday, 6)) sendOn = null;
  }
  return { week, sendOn };
}

/** The agenda's kind for the weekly digest's daily check. */
export const DIGEST_KIND = "digest";

/**
 * Sends the weekly digest (周报) to the office's rooms, mentioning the bureau leaders. Its item on the one scheduler
 * (src/schedule/) falls due every day at the digest's time and only says "it is time": whether this week's digest is
 * due is computed from the injected clock, on working days only, and at start it catches up within the current
 * week. Exactly once: one row per week, claimed before sending and marked delivered after, room by room like reminders.
 */
export class DigestScheduler {
  readonly schedule: Scheduler;
  private readonly ownsSchedule: boolean;

  constructor(private readonly d: DigestSchedulerDeps) {
    const { policy } = d;
    this.ownsSchedule = d.owned ?? !d.schedule;
    this.schedule = d.schedule ?? new Scheduler({ agenda: new MemoryAgenda(), clock: d.clock, logger: d.logger, timezone: policy.timezone });
    if (!policy.digestEnabled) return;
    const [hh, mm] = this.fireTime.split(":");
    const daily = `${Number(mm)} ${Number(hh)} * * *`;
    this.schedule.every(DIGEST_KIND, { next: (now) => nextCronFire(daily, now, policy.timezone), run: () => this.runOnce() });
  }

  /** The wake-up of the scheduler the digest is on. */
  get wakeTask(): ScheduledTask | null {
    return this.schedule.wakeTask;
  }

  private get fireTime(): string {
    const f = cron.parse(this.d.policy.digestCron);
    return `${String(Math.min(...f.hour)).padStart(2, "0")}:${String(Math.min(...f.minute)).padStart(2, "0")}`;
  }

  /**
   * Start the scheduler, if this one made its own (the wiring starts a shared one itself), and, unless told not to
   * (the console without --catch-up), send a digest due and missed: returned.
   */
  async start(opts: { catchUp?: boolean } = {}): Promise<Reply | null> {
    if (!this.d.policy.digestEnabled || !this.ownsSchedule) return null;
    return digestResult(await this.schedule.start(opts));
  }

  async stop(): Promise<void> {
    if (this.ownsSchedule) await this.schedule.stop();
  }

  /** Check now whether this week's digest is due, and send it if so. */
  tick(): Promise<Reply | null> {
    return this.schedule.queue(() => this.runOnce());
  }

  private async runOnce(): Promise<Reply | null> {
    const { clock, policy, calendar, repos, directory } = this.d;
    const now = clock.now();
    const today = dayOf(now, policy.timezone);
    // Nothing goes out on a day off, not a catch-up nor a retry: the next working day of the week picks it up.
    if (!calendar.isWorkday(today)) return null;
    const { week, sendOn } = digestDue(today, policy.digestCron, calendar);
    if (sendOn === null || today < sendOn) return null;
    // Never before the day's digest time, a catch-up at start included (a restart at 03:00 waits for 09:00).
    if (now.getTime() < zonedInstant(today, this.fireTime, policy.timezone).getTime()) return null;
    const plans = await repos.plans.activePlans();
    if (plans.length === 0) return null;
    // One digest for every plan in progress; with several, each plan's part under its code and title.
    const lines = async (since?: Date | null) => {
      if (plans.length === 1) return this.d.reports.digestLines(plans[0]!, now, since);
      const out: string[] = [];
      for (const plan of plans) {
        if (out.length) out.push("");
        out.push(catalogue("zh").plans.heading(plan.code ?? "", plan.title), ...(await this.d.reports.digestLines(plan, now, since)));
      }
      return out;
    };
    if (!this.d.sender) {
      if ((await repos.settings.get(CONSOLE_KEY)) === week) return null;
      const r = reply(await lines(), { heading: true });
      await repos.settings.set(CONSOLE_KEY, week);
      await this.d.onRun?.(week, r);
      return r;
    }
    const token = this.d.claimOwner ? `${this.d.claimOwner}/${randomUUID()}` : randomUUID();
    const { claimed, deliveredRooms } = await repos.digests.claim(week, token, now, new Date(now.getTime() - CLAIM_TTL_MS));
    if (!claimed) return null;
    // It covers the time since the previous digest (a holiday Monday moved neither leaves a gap nor counts twice), at most 14 days.
    const previous = await repos.digests.previousDelivered(week);
    const since = previous && now.getTime() - previous.getTime() <= 14 * 86_400_000 ? previous : null;
    const r = reply(await lines(since), { heading: true, mentions: directory.data.leaders ?? [] });
    const rooms = directory.officeRooms().filter((room) => !deliveredRooms.includes(room));
    if (directory.officeRooms().length === 0) {
      this.d.logger.warn("the weekly digest has no room to go to; map the office to a room in the directory", {});
      await repos.digests.markDelivered(week, token, now);
      return r;
    }
    const failed: string[] = [];
    let error = "";
    for (const room of rooms) {
      try {
        await this.d.sender.send([room], r, `digest-${week}`);
        await repos.digests.markRoomDelivered(week, room);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        failed.push(room);
        this.d.logger.warn("weekly digest delivery failed; it will be retried", { room, error });
      }
    }
    if (failed.length === 0) await repos.digests.markDelivered(week, token, now);
    else await repos.digests.markFailed(week, token, `${failed.join(", ")}: ${error}`);
    this.d.logger.info("weekly digest sent", { week, rooms: rooms.length - failed.length });
    await this.d.onRun?.(week, r);
    return r;
  }
}
