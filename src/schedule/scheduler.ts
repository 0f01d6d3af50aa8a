import { randomUUID } from "node:crypto";
import cron, { type ScheduledTask } from "node-cron";
import type { Clock } from "../core/clock.js";
import type { ScheduleItem, ScheduleRepository } from "../core/model.js";
import type { Logger } from "../log/logger.js";
import type { WorkingCalendar } from "../reminders/working-calendar.js";
import { addWorkingHours, type WorkingHours } from "../reminders/working-hours.js";

/** The one wake-up: every minute, in the policy's time zone; the agenda and the clock say what is due. */
export const WAKE_CRON = "* * * * *";
/**
 * An item's claim is taken over once older than this: a process that died while running it. The same as a reminder's
 * (CLAIM_TTL_MS): a long item renews its claim as it goes (DueItem.renew; the day's run before each unit's message,
 * whose send gives up after 10 minutes), so only a process that stopped renewing loses it.
 */
export const ITEM_CLAIM_TTL_MS = 20 * 60_000;
/** A handler that failed is tried again this much later. */
export const RETRY_MS = 5 * 60_000;
/** Done items are forgotten after this long (the sweep alone adds a few hundred a working day). */
export const KEEP_DONE_MS = 30 * 86_400_000;
/** Items run in one wake-up at most; the rest wait for the next minute. */
const BATCH = 100;

/** An item as its handler gets it: the payload parsed. */
export interface DueItem {
  id: number;
  kind: string;
  key: string;
  dueAt: Date;
  payload: unknown;
  /**
   * Renew this item's claim now (by the injected clock): a handler that runs long calls it as it goes, at least every
   * ITEM_CLAIM_TTL_MS, so that no other instance takes the item over while it runs. False: the claim was lost.
   */
  renew(): Promise<boolean>;
}

/** What one wake-up ran: each item's kind, key, due instant and its handler's result. */
export interface Ran {
  kind: string;
  key: string;
  dueAt: Date;
  result: unknown;
}

/** A recurring kind (the day's reminder run, the digest, the sweep): one item pending at a time, its next occurrence. */
export interface Recurring {
  /** When the occurrence after one run at `now` is due; null: none. */
  next(now: Date): Date | null;
  /** The first occurrence, with none pending: by default `now` at a start with catch-up, else `next(now)`. */
  first?(now: Date, catchUp: boolean): Date | null;
  /** False: an occurrence due at start waits for the first wake-up instead of the start's catch-up (the sweep). */
  atStart?: boolean;
  run(item: DueItem): Promise<unknown>;
}

export interface SchedulerDeps {
  agenda: ScheduleRepository;
  clock: Clock;
  logger: Logger;
  /** The wake-up's time zone (the reminder policy's). */
  timezone: string;
  /** Starts claim tokens (`bot#1a2b3c4d`), as ReminderServiceDeps.claimOwner: a restart or a takeover frees them. */
  claimOwner?: string;
  /** For `scheduleIn`: follow-ups due after working hours. */
  workingHours?: WorkingHours;
  calendar?: WorkingCalendar;
}

/**
 * One scheduler (调度) for every timed job: a persisted agenda of due items (the day's reminder run, the weekly
 * digest, the sweep, and follow-ups such as "re-notify after 4 working hours") and one node-cron wake-up each
 * minute, which asks the agenda what is due by the injected clock and runs it. An item is claimed before it runs
 * (so of two instances only one runs it) and marked done after (so a restart does not run it again); one missed
 * while the bot was down is due at start and runs once then. A recurring kind schedules its next occurrence after
 * each run, from the clock, so missed occurrences collapse into one.
 */
export class Scheduler {
  wakeTask: ScheduledTask | null = null;
  private readonly recurring = new Map<string, Recurring>();
  private readonly handlers = new Map<string, (item: DueItem) => Promise<unknown>>();
  private running: Promise<unknown> = Promise.resolve();
  private lastPrune: number | null = null;

  constructor(private readonly d: SchedulerDeps) {}

  /** Register a recurring kind (before `start`). */
  every(kind: string, recurring: Recurring): void {
    this.register(kind);
    this.recurring.set(kind, recurring);
  }

  /** Register the handler of a one-off kind (a follow-up), run when an item of it `schedule`d falls due. */
  on(kind: string, handler: (item: DueItem) => Promise<unknown>): void {
    this.register(kind);
    this.handlers.set(kind, handler);
  }

  /**
   * Put an item on the agenda, due at `dueAt`, once per `key` (by default the kind, instant and payload): scheduling
   * the same follow-up again, from this instance or another, adds nothing.
   */
  async schedule(kind: string, dueAt: Date, payload: unknown = {}, key?: string): Promise<ScheduleItem> {
    if (!this.handlers.has(kind) && !this.recurring.has(kind)) throw new Error(`no handler for scheduled kind "${kind}"`);
    const json = JSON.stringify(payload);
    return this.d.agenda.add({ key: key ?? `${kind}@${dueAt.toISOString()}#${json}`, kind, dueAt, payload: json, createdAt: this.d.clock.now() });
  }

  /** Schedule an item `hours` working hours after `from` (default now): `scheduleIn("renotify", 4, { notice: 12 })`. */
  async scheduleIn(kind: string, hours: number, payload: unknown = {}, opts: { from?: Date; key?: string } = {}): Promise<ScheduleItem> {
    const { workingHours, calendar } = this.d;
    if (!workingHours || !calendar) throw new Error("the scheduler was given no working hours");
    return this.schedule(kind, addWorkingHours(opts.from ?? this.d.clock.now(), hours, workingHours, calendar), payload, opts.key);
  }

  /**
   * Register the wake-up and, unless told not to (the console without --catch-up), run at once what fell due while
   * the bot was down. What that catch-up ran is returned. A second start adds nothing.
   */
  async start(opts: { catchUp?: boolean } = {}): Promise<Ran[]> {
    if (this.wakeTask) return [];
    this.wakeTask = cron.schedule(WAKE_CRON, () => this.wake(), { timezone: this.d.timezone, name: "duban-schedule", noOverlap: true });
    const catchUp = opts.catchUp !== false;
    return this.queue(() => this.wakeOnce({ start: true, catchUp }));
  }

  async stop(): Promise<void> {
    await this.wakeTask?.destroy();
    this.wakeTask = null;
    await this.running.catch(() => undefined);
  }

  /** What the wake-up does each minute: run every item due by the clock, earliest first, one at a time. */
  wake(): Promise<Ran[]> {
    return this.queue(() => this.wakeOnce({ start: false, catchUp: true }));
  }

  /** Run `job` after whatever runs now: items never run at the same time as each other. */
  queue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.running.catch(() => undefined).then(job);
    this.running = next;
    return next;
  }

  private register(kind: string): void {
    if (this.recurring.has(kind) || this.handlers.has(kind)) throw new Error(`scheduled kind "${kind}" is registered twice`);
  }

  private kinds(start: boolean): string[] {
    const recurring = [...this.recurring].filter(([, r]) => !start || r.atStart !== false).map(([k]) => k);
    return [...recurring, ...this.handlers.keys()];
  }

  private async wakeOnce(o: { start: boolean; catchUp: boolean }): Promise<Ran[]> {
    const { agenda, clock, logger } = this.d;
    const now = clock.now();
    await this.ensureRecurring(now, o.start && o.catchUp);
    if (o.start && !o.catchUp) return [];
    const items = await agenda.due(this.kinds(o.start), now, new Date(now.getTime() - ITEM_CLAIM_TTL_MS), BATCH);
    const ran: Ran[] = [];
    for (const item of items) {
      const token = `${this.d.claimOwner ?? "schedule"}/${randomUUID()}`;
      if (!(await agenda.claim(item.id, token, clock.now(), new Date(clock.now().getTime() - ITEM_CLAIM_TTL_MS)))) continue;
      const recurring = this.recurring.get(item.kind);
      const handler = recurring ? (i: DueItem) => recurring.run(i) : this.handlers.get(item.kind)!;
      let result: unknown;
      try {
        const renew = () => agenda.renew(item.id, token, clock.now());
        result = await handler({ id: item.id, kind: item.kind, key: item.key, dueAt: item.dueAt, payload: JSON.parse(item.payload) as unknown, renew });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        // A failed item must not end the process nor block the others: it is due again in RETRY_MS.
        logger.error("a scheduled item failed; it is tried again later", { kind: item.kind, key: item.key, error });
        await agenda.retry(item.id, token, new Date(clock.now().getTime() + RETRY_MS), error);
        continue;
      }
      if (!(await agenda.finish(item.id, token, clock.now())))
        logger.warn("a scheduled item ran past its claim, which another process took over", { kind: item.kind, key: item.key });
      if (recurring) await this.addOccurrence(item.kind, recurring.next(clock.now()), (at) => recurring.next(at));
      ran.push({ kind: item.kind, key: item.key, dueAt: item.dueAt, result });
    }
    await this.prune(now);
    return ran;
  }

  /**
   * Each recurring kind has its next occurrence on the agenda. With none pending: at a start with catch-up (a new
   * database, a database from before the agenda) the first is due at once, and the job's own rules say what it
   * missed; otherwise (a process that died between running one and adding the next) the next after now. A clock
   * set back before a pending item was added (--at, a test) starts the kind again from that instant.
   */
  private async ensureRecurring(now: Date, catchUp: boolean): Promise<void> {
    const { agenda } = this.d;
    for (const [kind, r] of this.recurring) {
      const pending = await agenda.pending(kind);
      const setBack = pending.filter((i) => i.createdAt.getTime() > now.getTime() && i.claimToken === null);
      for (const i of setBack) await agenda.remove(i.id);
      if (pending.length > setBack.length) continue;
      const first = r.first ? r.first(now, catchUp && setBack.length === 0) : catchUp && setBack.length === 0 ? now : r.next(now);
      await this.addOccurrence(kind, first, (at) => r.next(at), setBack.length > 0 ? now : null);
    }
  }

  /**
   * Add a recurring kind's occurrence at `at`, keyed by kind and instant. An occurrence already done is not done
   * again: the one after it is added instead, unless the clock was set back (`setBackAt`), which runs it again.
   */
  private async addOccurrence(kind: string, at: Date | null, after: (at: Date) => Date | null, setBackAt: Date | null = null): Promise<void> {
    const createdAt = this.d.clock.now();
    for (let i = 0; at !== null && i < 10; i++) {
      const key = `${kind}@${at.toISOString()}`;
      const item = await this.d.agenda.add({ key, kind, dueAt: at, payload: "{}", createdAt });
      if (item.doneAt === null) return;
      if (setBackAt) {
        await this.d.agenda.add({ key: `${key}~${setBackAt.toISOString()}`, kind, dueAt: at, payload: "{}", createdAt });
        return;
      }
      at = after(at);
    }
  }

  /** Forget done items older than KEEP_DONE_MS, once a day. */
  private async prune(now: Date): Promise<void> {
    if (this.lastPrune !== null && Math.abs(now.getTime() - this.lastPrune) < 86_400_000) return;
    this.lastPrune = now.getTime();
    await this.d.agenda.prune(new Date(now.getTime() - KEEP_DONE_MS));
  }
}
