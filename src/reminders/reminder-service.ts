import { randomUUID } from "node:crypto";
import type { Logger } from "../log/logger.js";
import type { Catalogue } from "../core/i18n/index.js";
import type {
  NewReminder,
  PlanReader,
  PlanRecord,
  ReminderRecord,
  ReminderRepository,
  ReminderTaskRow,
  ReminderTaskSource,
  TaskChangeMarkers,
  TaskChanges,
} from "../core/model.js";
import { reply, type Reply } from "../core/reply.js";
import { assessTask, LIGHT_ICON, type Assessable, type LightThresholds } from "../core/task-status.js";
import { planStart, taskItem } from "../core/task-view.js";
import { dayOf } from "../core/time.js";
import type { Directory } from "../directory/directory.js";
import { isCollectiveUnit } from "../plan/unit-list.js";
import { dueReminders, type ReminderPolicy } from "./reminder-policy.js";
import type { WorkingCalendar } from "./working-calendar.js";

/** Kinds in the order a message lists them: the most urgent first. */
const KIND_ORDER = ["escalation", "overdue", "due", "before", "stale", "report-due", "notice"] as const;
type Kind = (typeof KIND_ORDER)[number];
/** Each kind's place in KIND_ORDER. */
const KIND_AT = new Map<string, number>(KIND_ORDER.map((k, i) => [k, i]));
/**
 * A claim older than this is taken to belong to a crashed process, and the reminder is sent again.
 * It is renewed before each send once a minute has passed, and one send gives up after 10 minutes (the Matrix
 * transport's retry window), so a live process's claim is never older than about 11 minutes.
 */
export const CLAIM_TTL_MS = 20 * 60_000;
/** How often a run renews its claim: before a message once this long has passed since the last renewal. */
const RENEW_EVERY_MS = 60_000;
/**
 * Tasks read and assessed at a time by a run. Larger pages store each unit's rows on fewer pages of the table
 * (see pages), so marking a message delivered rewrites fewer of them; smaller pages leave less garbage for V8 to
 * promote, so the heap grows less. With 5,000, a run over 100,000 tasks peaks 10–20 MB lower than with 10,000,
 * in the same time.
 */
const TASK_PAGE = 5_000;

/** One grouped message: everything one unit receives from one run. */
export interface ReminderMessage {
  unit: string;
  /** The most urgent kind in the message. */
  kind: Kind;
  kinds: Kind[];
  taskNumbers: number[];
  rooms: string[];
  reply: Reply;
  /** The occurrences it carries (none in a preview or on the console). */
  reminderIds: number[];
  /** The notices (one per unit and run; a retry adds the earlier ones) that record it. */
  noticeIds: number[];
}

/** Delivers one message to rooms; throws when it could not. A stable `key` lets a transport deduplicate retries. */
export interface ReminderSender {
  send(rooms: string[], reply: Reply, key: string): Promise<void>;
}

export interface ReminderServiceDeps {
  /** What a run reads of the plans (their tasks page by page, and which changed meanwhile) and where it records reminders. */
  repos: { plans: PlanReader & ReminderTaskSource & TaskChangeMarkers; reminders: ReminderRepository };
  directory: Directory;
  calendar: WorkingCalendar;
  policy: ReminderPolicy;
  t: Catalogue;
  thresholds: LightThresholds;
  logger: Logger;
  /** The current time during a run (claims are renewed with it); defaults to the run's `now`. */
  clock?: { now(): Date };
  /** Tasks per page of a run (default TASK_PAGE). */
  taskPage?: number;
  /**
   * Starts every claim token of this process (`<instance>/<uuid>`), so that a standby taking over from it can free
   * its claims at once (releaseClaims). Unset: a bare uuid.
   */
  claimOwner?: string;
}

type Pending = Pick<ReminderRecord, "taskId" | "unit" | "kind" | "occurrence"> & { id: number | null; noticeId: number | null; deliveredRooms?: string[] };

/**
 * What a message shows of a task, worked out once per run however many units it goes to: a run holds this for
 * the tasks it reminds about, not the tasks themselves.
 */
interface Shown {
  id: number;
  planId: number;
  number: number;
  title: string;
  leadUnits: string[];
  deadlineText: string;
  done: boolean;
  paused: boolean;
  reviewPending: boolean;
  icon: string;
  daysOverdue: number;
  /** The task's list line (taskItem), without the plan's code. */
  item: string;
}

/** What `shown` reads of a task: a reminder run's lean row, or a whole task. */
type ShownSource = Assessable & Pick<ReminderTaskRow, "id" | "number" | "title" | "leadUnits" | "progress" | "paused" | "reviewPending">;

const NO_ROOMS: string[] = [];
/** Why an occurrence goes in no message, and why a notice none of whose occurrences goes out is settled. */
const SKIPPED = "skipped: task done, reminders paused, or completion under review";
const ARCHIVED = "skipped: plan archived";

/**
 * The rows unit by unit, units in the order of their names, each unit's rows in their order: a run's messages (and
 * a preview's) come in that order. Grouped, then the units sorted, not every row: a page has thousands of rows and a
 * few hundred units.
 */
function byUnit<T extends { unit: string }>(rows: T[]): T[] {
  const lists = new Map<string, T[]>();
  for (const r of rows) {
    const list = lists.get(r.unit);
    if (list) list.push(r);
    else lists.set(r.unit, [r]);
  }
  if (lists.size < 2) return rows;
  const out: T[] = [];
  for (const unit of [...lists.keys()].sort()) for (const r of lists.get(unit)!) out.push(r);
  return out;
}

/**
 * The same string, made flat: a line built from pieces is a tree of them in V8, and a run keeps one line per task
 * until its messages are composed, so each would be copied from one heap generation to the next piece by piece.
 * A regular expression works on a flat string, so testing one flattens it in place, once.
 */
const ANYTHING = /^/;
function flat(line: string): string {
  ANYTHING.test(line);
  return line;
}

/** Reminder key, unique per (task, unit, kind, occurrence date). */
export const reminderKey = (taskId: number, unit: string, kind: string, occurrence: string) => `${taskId}:${unit}:${kind}:${occurrence}`;

/**
 * Computes, records and delivers reminders. Exactly once: every occurrence has a unique key,
 * a unit's occurrences go in one notice (one message to its rooms), notices are claimed atomically before sending,
 * and only a successful send marks them delivered.
 */
export class ReminderService {
  constructor(private readonly d: ReminderServiceDeps) {}

  /** The reminder rows due on each of `days` (none on a non-working day), office notices included. */
  async dueRows(days: string[]): Promise<NewReminder[]> {
    const out: NewReminder[] = [];
    for await (const page of this.pages(days)) out.push(...page.rows);
    return out;
  }

  /**
   * The tasks and their due rows page by page (TASK_PAGE tasks at a time), so a run's memory does not grow with
   * the plan, for every plan in progress (an archived plan gets no reminders). The calendar notice, which belongs
   * to no task, comes with the first page.
   */
  private async *pages(days: string[], active?: readonly PlanRecord[]): AsyncGenerator<{ plan: PlanRecord; tasks: ReminderTaskRow[]; rows: NewReminder[] }> {
    const workdays = days.filter((d) => this.d.calendar.isWorkday(d));
    if (workdays.length === 0) return;
    const office = this.d.directory.office;
    const expand = this.expander();
    let first = true;
    for (const plan of active ?? (await this.d.repos.plans.activePlans())) {
      const startDay = planStart(plan);
      for (let after = 0; ; ) {
        const limit = this.d.taskPage ?? TASK_PAGE;
        const rows = await this.d.repos.plans.reminderTasks(plan.id, { after, limit });
        if (rows.length === 0 && !first) break;
        const out: NewReminder[] = [];
        for (const day of workdays) {
          const year = Number(day.slice(0, 4));
          if (first && !this.d.calendar.hasDataFor(year))
            out.push({ key: `notice:calendar:${year}`, taskId: null, unit: office, kind: "notice", occurrence: `${year}`, dueOn: day });
          for (const r of rows)
            if (r.deadline.kind === "unknown" && r.completedAt === null)
              out.push({ key: `notice:unknown-deadline:${r.id}`, taskId: r.id, unit: office, kind: "notice", occurrence: r.deadline.text, dueOn: day });
          // A row is its own PolicyTask (done, lastUpdateDay), its plan's start given once.
          for (const due of dueReminders(rows, day, { calendar: this.d.calendar, policy: this.d.policy, officeUnit: office, startDay }))
            for (const unit of expand(due.unit))
              out.push({
                key: reminderKey(due.taskId, unit, due.kind, due.occurrence),
                taskId: due.taskId,
                unit,
                kind: due.kind,
                occurrence: due.occurrence,
                dueOn: day,
              });
        }
        first = false;
        yield { plan, tasks: rows, rows: byUnit(out) };
        if (rows.length < limit) break;
        after = rows[rows.length - 1]!.number;
      }
    }
  }

  /**
   * Run the reminders for `days` at `now`: claim what earlier runs left undelivered, record new occurrences
   * already claimed, and send one grouped message per unit.
   * With no sender it only records and returns the messages (console printing is the caller's).
   *
   * The run reads each task once, page by page: a page's new occurrences are inserted into this run's notice for
   * their unit, under this run's claim, and what the messages show of the page's tasks is kept (a line each), not the
   * tasks. Nothing is read back: the run knows the ids it inserted. Then each unit's message is composed, sent and its
   * notices marked delivered. Before
   * each message the run checks that its claim still holds, and reads again the tasks that changed meanwhile.
   */
  async run(days: string[], now: Date, sender: ReminderSender | null): Promise<ReminderMessage[]> {
    // Hundreds of commits (a page's occurrences, a unit's delivery): the log is checkpointed once, after the run.
    return this.d.repos.reminders.batch(() => this.runBatch(days, now, sender));
  }

  private async runBatch(days: string[], now: Date, sender: ReminderSender | null): Promise<ReminderMessage[]> {
    // Nothing goes out on a day off, earlier failures included: they wait for the next working day.
    if (!days.some((d) => this.d.calendar.isWorkday(d))) return [];
    const reminders = this.d.repos.reminders;
    // Without a chat transport (the console, `npx duban reminders` with no Matrix settings) the reminders are
    // recorded and shown, never marked delivered: a Matrix bot on the same database still sends every one.
    if (!sender) {
      const due = await this.dueRows(days);
      await reminders.insertNew(due, now);
      // A notice is due on each day of a catch-up, under one key: it is shown once.
      const keys = new Set<string>();
      const pending = due.filter((r) => !keys.has(r.key) && keys.add(r.key)).map((r) => ({ ...r, id: null, noticeId: null }));
      return this.compose(
        pending,
        await this.shownFor(
          due.map((r) => r.taskId),
          now,
        ),
        now,
        await this.inProgress(),
      ).messages;
    }
    // The plans in progress, read once for the whole run.
    const plans = await this.inProgress();
    const active = [...plans.values()];
    const token = this.token();
    const stale = () => new Date(now.getTime() - CLAIM_TTL_MS);
    // Which tasks change while the run goes on (null where the database cannot tell): asked before the first read.
    const changes = await this.d.repos.plans.changesSince(null);
    // First what earlier runs left undelivered (a failed room, a crash, a freed claim): their ids are the lowest.
    const claimed: Pending[] = await reminders.claimPending(token, now, stale());
    const shown = new Map<number, Shown>();
    const earlier = new Set(claimed.map((r) => r.taskId));
    // This run's notice for each unit, made with the unit's first new occurrence.
    const notices = new Map<string, number>();
    for await (const page of this.pages(days, active)) {
      const ids = page.rows.length ? await reminders.insertClaimed(page.rows, token, now, notices) : new Map<string, number>();
      const wanted = new Set<number>();
      for (const r of page.rows) {
        const id = ids.get(r.key);
        if (id === undefined) continue; // recorded before: delivered, or claimed above or by another process
        ids.delete(r.key); // a notice comes once for each day of a catch-up, under one key
        const noticeId = notices.get(r.unit)!;
        claimed.push({ id, noticeId, taskId: r.taskId, unit: r.unit, kind: r.kind, occurrence: r.occurrence, deliveredRooms: NO_ROOMS });
        if (r.taskId !== null) wanted.add(r.taskId);
      }
      const start = planStart(page.plan);
      for (const task of page.tasks) if (wanted.has(task.id) || earlier.has(task.id)) shown.set(task.id, this.shown(task, page.plan.id, now, start));
    }
    // Rows recorded meanwhile and left unclaimed (by the console, which records without sending) are this run's too.
    const late = await reminders.claimPending(token, now, stale());
    if (late.length > 0) {
      claimed.push(...late);
      claimed.sort((a, b) => a.id! - b.id!);
    }
    if (claimed.length === 0) return [];
    // Tasks the pages did not cover: earlier rows of an archived plan, or of a task the document no longer lists.
    for (const [id, task] of await this.shownFor(
      claimed.map((r) => r.taskId).filter((id) => id !== null && !shown.has(id)),
      now,
    ))
      shown.set(id, task);
    return this.send(claimed, { shown, plans, changes, token, now, sender });
  }

  /**
   * The sweep (补发): claim only abandoned claims (rows a process claimed and stopped renewing for longer than
   * CLAIM_TTL_MS: it crashed mid-run) and send them, each unit's rooms not reached yet, as a run would. Rows never
   * claimed, failed rows waiting for the next run and live claims are left as they are.
   */
  async sweep(now: Date, sender: ReminderSender): Promise<ReminderMessage[]> {
    const token = this.token();
    const claimed: Pending[] = await this.d.repos.reminders.claimAbandoned(token, now, new Date(now.getTime() - CLAIM_TTL_MS));
    if (claimed.length === 0) return [];
    const changes = await this.d.repos.plans.changesSince(null);
    const shown = await this.shownFor(
      claimed.map((r) => r.taskId),
      now,
    );
    return this.send(claimed, { shown, plans: await this.inProgress(), changes, token, now, sender });
  }

  /** A new claim token of this process. */
  private token(): string {
    return this.d.claimOwner ? `${this.d.claimOwner}/${randomUUID()}` : randomUUID();
  }

  /** Compose and send the rows `token` claimed (oldest first), unit by unit, while the claim holds. */
  private async send(
    claimed: Pending[],
    run: { shown: Map<number, Shown>; plans: Map<number, PlanRecord>; changes: TaskChanges | null; token: string; now: Date; sender: ReminderSender },
  ): Promise<ReminderMessage[]> {
    const { shown, plans, token, now, sender } = run;
    let { changes } = run;
    const reminders = this.d.repos.reminders;
    const messages: ReminderMessage[] = [];
    let renewed = now.getTime();
    // Before every send, at most once a minute: a claim is never older than a minute plus one send (which gives up
    // after 10 minutes), well inside CLAIM_TTL_MS.
    const renew = async () => {
      const at = this.d.clock?.now() ?? now;
      if (at.getTime() - renewed < RENEW_EVERY_MS) return;
      await reminders.renewClaim(token, at);
      renewed = at.getTime();
    };
    // Units in the order of their oldest row, each unit's rows oldest first.
    const byUnit = new Map<string, Pending[]>();
    for (const r of claimed) {
      const list = byUnit.get(r.unit);
      if (list) list.push(r);
      else byUnit.set(r.unit, [r]);
    }
    claimed.length = 0;
    for (const [unit, rows] of byUnit) {
      byUnit.delete(unit);
      // Another instance took over (and freed this run's claim): what is left is its to send.
      if (!(await reminders.holds(token))) {
        this.d.logger.warn("reminder run stopped: its claim was taken over by another instance, which sends the rest", { unit });
        break;
      }
      // A task that changed since the run read it (done, paused, an update) is read again, so the message shows it as
      // it is now.
      changes = await this.refresh(rows, shown, changes, now);
      const { messages: composed, skipped, archived } = this.compose(rows, shown, now, plans);
      if (skipped.length) await reminders.markSkipped(skipped, SKIPPED);
      if (archived.length) await reminders.markSkipped(archived, ARCHIVED);
      // A notice none of whose occurrences goes out is settled without a message.
      const inMessage = new Set(composed.flatMap((m) => m.noticeIds));
      const settled = new Map<number, string>();
      for (const r of rows)
        if (r.noticeId !== null && !inMessage.has(r.noticeId) && settled.get(r.noticeId) !== SKIPPED)
          settled.set(r.noticeId, r.id !== null && archived.includes(r.id) ? ARCHIVED : SKIPPED);
      for (const note of [SKIPPED, ARCHIVED]) {
        const ids = [...settled].filter(([, n]) => n === note).map(([id]) => id);
        if (ids.length) await reminders.markDelivered(ids, now, note);
      }
      for (const m of composed) {
        messages.push(m);
        await this.deliver(m, rows, sender, now, renew);
      }
    }
    return messages;
  }

  /**
   * Read again the tasks of `rows` that changed since `changes` was taken (or since a unit before read them), and
   * update what `shown` holds of them. Once the database cannot tell what changed (`changes` null), every task of
   * `rows` is read again. Returns the changes still to read, for the next unit.
   */
  private async refresh(rows: Pending[], shown: Map<number, Shown>, changes: TaskChanges | null, now: Date): Promise<TaskChanges | null> {
    const next = changes && (await this.d.repos.plans.changesSince(changes.marker));
    if (next && changes) for (const id of changes.taskIds) next.taskIds.add(id);
    if (next && next.taskIds.size === 0) return next; // nothing changed: the usual case, with no pass over the rows
    const ids = new Set<number>();
    for (const r of rows) if (r.taskId !== null && (!next || next.taskIds.has(r.taskId))) ids.add(r.taskId);
    if (ids.size === 0) return next;
    for (const [id, task] of await this.shownFor(ids, now)) shown.set(id, task);
    for (const id of ids) next?.taskIds.delete(id);
    return next;
  }

  /** Send one message room by room and record the outcome. */
  private async deliver(m: ReminderMessage, rows: Pending[], sender: ReminderSender, now: Date, renew: () => Promise<void>): Promise<void> {
    const reminders = this.d.repos.reminders;
    if (m.rooms.length === 0) {
      // Neither the unit nor the office has a room: retrying cannot help, so record why instead.
      this.d.logger.warn("reminder has no room to go to; map the unit or the office to a room in the directory", { unit: m.unit });
      await reminders.markDelivered(m.noticeIds, now, "undeliverable: no room for the unit or the office");
      return;
    }
    // Room by room: a room that fails is retried next run, and only that room. A run's new occurrences have reached
    // no room yet (the usual case: every room, with no set of the message's thousands of ids to build).
    const reachedSome = rows.some((r) => (r.deliveredRooms ?? NO_ROOMS).length > 0);
    const inMessage = reachedSome ? new Set(m.reminderIds) : null;
    const sent = inMessage ? rows.filter((r) => r.id !== null && inMessage.has(r.id)) : null;
    const todo = sent ? m.rooms.filter((room) => sent.some((r) => !(r.deliveredRooms ?? NO_ROOMS).includes(room))) : m.reminderIds.length ? m.rooms : [];
    const failed: string[] = [];
    const reached: string[] = [];
    let error = "";
    for (const room of todo) {
      await renew();
      try {
        await sender.send([room], m.reply, `rem-${m.reminderIds[0]}-${m.reminderIds.length}`);
        reached.push(room);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        failed.push(room);
        this.d.logger.warn("reminder delivery failed; it will be retried on the next run", { unit: m.unit, room, error });
      }
    }
    // Rooms are written down only when some failed: the usual all-delivered case costs one write.
    if (failed.length === 0) await reminders.markDelivered(m.noticeIds, now, undefined, m.rooms);
    else {
      for (const room of reached) await reminders.markRoomDelivered(m.noticeIds, room);
      await reminders.markFailed(m.noticeIds, `${failed.join(", ")}: ${error}`, m.rooms);
    }
  }

  /** What a run for `days` would send, writing nothing. */
  async preview(days: string[], now: Date): Promise<ReminderMessage[]> {
    const rows = await this.dueRows(days);
    const existing = await this.d.repos.reminders.existingKeys(rows.map((r) => r.key));
    const recorded = await this.d.repos.reminders.pending();
    const seen = new Set(recorded.map((p) => p.key));
    const pending: Pending[] = recorded;
    for (const r of rows)
      if (!existing.has(r.key) && !seen.has(r.key)) {
        pending.push({ ...r, id: null, noticeId: null });
        seen.add(r.key);
      }
    return this.compose(
      pending,
      await this.shownFor(
        pending.map((r) => r.taskId),
        now,
      ),
      now,
      await this.inProgress(),
    ).messages;
  }

  /** The plans in progress by id. */
  private async inProgress(): Promise<Map<number, PlanRecord>> {
    return new Map((await this.d.repos.plans.activePlans()).map((p) => [p.id, p] as const));
  }

  /** What a message shows of a task, assessed at `now` from its plan's start. */
  private shown(task: ShownSource, planId: number, now: Date, start: string): Shown {
    const a = assessTask(task, now, this.d.thresholds, start);
    return {
      id: task.id,
      planId,
      number: task.number,
      title: task.title,
      leadUnits: task.leadUnits,
      deadlineText: task.deadline.text,
      done: task.completedAt !== null,
      paused: task.paused,
      reviewPending: task.reviewPending,
      icon: LIGHT_ICON[a.light],
      daysOverdue: a.daysOverdue ?? 0,
      item: flat(taskItem(this.d.t, task, a)),
    };
  }

  /** `shown` for these tasks, read whole (a preview, rows a run's pages did not cover, or tasks that changed). */
  private async shownFor(taskIds: Iterable<number | null>, now: Date): Promise<Map<number, Shown>> {
    const ids = [...new Set(taskIds)].filter((id): id is number => id !== null);
    const out = new Map<number, Shown>();
    if (ids.length === 0) return out;
    const starts = new Map((await this.d.repos.plans.plans()).map((p) => [p.id, planStart(p)] as const));
    for (const task of await this.d.repos.plans.tasksByIds(ids))
      out.set(task.id, this.shown({ ...task, paused: task.remindersPaused }, task.planId, now, starts.get(task.planId) ?? dayOf(now, this.d.policy.timezone)));
    return out;
  }

  /** Collective lead units (局属各单位) mean every unit in the directory except the office. */
  private expand(unit: string): string[] {
    if (!isCollectiveUnit(unit)) return [this.d.directory.canonical(unit)];
    return this.d.directory.units.map((u) => u.name).filter((n) => n !== this.d.directory.office);
  }

  /** `expand`, worked out once per lead unit as written for a run's pages (the lists are shared: read-only). */
  private expander(): (unit: string) => readonly string[] {
    const known = new Map<string, string[]>();
    return (unit) => {
      let units = known.get(unit);
      if (units === undefined) {
        units = this.expand(unit);
        known.set(unit, units);
      }
      return units;
    };
  }

  /** One message per unit for `rows`, and the rows that go to nobody: skipped (done, paused, under review) or archived. */
  private compose(
    rows: Pending[],
    tasks: Map<number, Shown>,
    now: Date,
    plans: Map<number, PlanRecord>,
  ): { messages: ReminderMessage[]; skipped: number[]; archived: number[] } {
    const skipped: number[] = [];
    const archived: number[] = [];
    // Each unit's rows, and beside them their tasks: looked up once per row, not again by the message.
    const byUnit = new Map<string, { rows: Pending[]; tasks: (Shown | undefined)[] }>();
    for (const r of rows) {
      const task = r.taskId === null ? undefined : tasks.get(r.taskId);
      const underReview = task?.reviewPending && (r.kind === "overdue" || r.kind === "escalation");
      // A task of an archived plan gets no reminder nor notice, even one recorded before the plan was archived.
      if (task && !plans.has(task.planId)) {
        if (r.id !== null) archived.push(r.id);
        continue;
      }
      if (r.kind !== "notice" && (!task || task.done || task.paused || underReview)) {
        if (r.id !== null) skipped.push(r.id);
        continue;
      }
      const unit = byUnit.get(r.unit);
      if (unit) {
        unit.rows.push(r);
        unit.tasks.push(task);
      } else byUnit.set(r.unit, { rows: [r], tasks: [task] });
    }
    const messages: ReminderMessage[] = [];
    const day = dayOf(now, this.d.policy.timezone);
    for (const [unit, list] of byUnit) messages.push(this.message(unit, list.rows, list.tasks, plans, day));
    return { messages, skipped, archived };
  }

  /** The unit's message for `list`, whose tasks are `taskOf` (the same places; undefined for none). */
  private message(unit: string, list: Pending[], taskOf: (Shown | undefined)[], plans: Map<number, PlanRecord>, day: string): ReminderMessage {
    const { t, directory } = this.d;
    const r = t.reminders;
    const isOffice = unit === directory.office;
    const entry = directory.unit(unit);
    const ownRooms = entry?.rooms ?? [];
    const rooms = ownRooms.length ? ownRooms : directory.officeRooms();
    // One pass over the unit's rows (a unit may have thousands): each kind's rows, the occurrences and notices it
    // carries, and the task numbers.
    const byKind: number[][] = KIND_ORDER.map(() => []); // places in `list`
    const reminderIds: number[] = [];
    const noticeIds: number[] = [];
    const notices = new Set<number>();
    const numbers = new Set<number>();
    let firstTask: Shown | undefined;
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      const k = KIND_AT.get(x.kind);
      if (k !== undefined) byKind[k]!.push(i);
      if (x.id !== null) reminderIds.push(x.id);
      if (x.noticeId !== null && !notices.has(x.noticeId)) {
        notices.add(x.noticeId);
        noticeIds.push(x.noticeId);
      }
      const task = taskOf[i];
      if (task) {
        numbers.add(task.number);
        firstTask ??= task;
      }
    }
    const lines = [isOffice ? r.officeHeader(day) : r.header(unit, day)];
    const kinds: Kind[] = [];
    const mentions = new Set<string>(isOffice ? [] : (entry?.members ?? []));
    // With several plans in progress, every task line says which plan it is in: 【科技兴警】🟡 任务6 …
    const code = (task: Shown) => (plans.size > 1 ? this.d.t.plans.heading(plans.get(task.planId)?.code ?? "", "") : "");
    const oneOnly = plans.size <= 1;
    for (let k = 0; k < KIND_ORDER.length; k++) {
      const items = byKind[k]!;
      if (items.length === 0) continue;
      const kind = KIND_ORDER[k]!;
      kinds.push(kind);
      const seen = new Set<number>(); // task ids: two plans may both have a task 6
      const itemLines: string[] = [];
      for (const i of items) {
        const x = list[i]!;
        if (kind === "notice") {
          const task = taskOf[i];
          itemLines.push(task ? code(task) + r.unknownDeadline(task.number, task.deadlineText) : r.calendarMissing(Number(x.occurrence)));
          continue;
        }
        const task = taskOf[i]!;
        if (seen.has(task.id)) continue;
        seen.add(task.id);
        if (kind === "escalation") {
          itemLines.push(code(task) + r.escalationItem(task.icon, task.number, task.title, t.list(task.leadUnits), task.daysOverdue));
          for (const lead of task.leadUnits) for (const leader of directory.unit(lead)?.leaders ?? []) mentions.add(leader);
        } else {
          itemLines.push(oneOnly ? task.item : code(task) + task.item);
        }
      }
      const count = kind === "notice" ? itemLines.length : seen.size;
      lines.push(kind === "escalation" ? r.section.escalation(count, this.d.policy.escalateAfterDays) : r.section[kind](count));
      for (const line of itemLines) lines.push(line);
    }
    // With several plans in progress a bare 任务N may be open: the footer shows how to name the plan.
    if (!isOffice) lines.push(plans.size > 1 && firstTask ? r.footerPlans(plans.get(firstTask.planId)?.code ?? "") : r.footer);
    if (!ownRooms.length && !isOffice) lines.push(r.noRoom(unit));
    return {
      unit,
      kind: kinds[0]!,
      kinds,
      taskNumbers: [...numbers].sort((a, b) => a - b),
      rooms,
      reply: reply(lines, { heading: true, mentions: [...mentions] }),
      reminderIds,
      noticeIds,
    };
  }
}
