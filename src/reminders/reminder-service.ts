import { randomUUID } from "node:crypto";
import type { Logger } from "../core/bot.js";
import type { Catalogue } from "../core/i18n/index.js";
import type { NewReminder, PlanRecord, ReminderRecord, Repositories, TaskRecord } from "../core/model.js";
import { reply, type Reply } from "../core/reply.js";
import { assessTask, LIGHT_ICON, type LightThresholds } from "../core/task-status.js";
import { planStart, taskItem } from "../core/task-view.js";
import { dayOf } from "../core/time.js";
import type { Directory } from "../directory/directory.js";
import { isCollectiveUnit } from "../plan/unit-list.js";
import { dueReminders, type PolicyTask, type ReminderPolicy } from "./reminder-policy.js";
import type { WorkingCalendar } from "./working-calendar.js";

/** Kinds in the order a message lists them: the most urgent first. */
const KIND_ORDER = ["escalation", "overdue", "due", "before", "stale", "report", "notice"] as const;
type Kind = (typeof KIND_ORDER)[number];
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
 * (see duePages), so marking a message delivered rewrites fewer of them; 10,000 tasks' rows are about 2 MB.
 */
const TASK_PAGE = 10_000;

/** One grouped message: everything one unit receives from one run. */
export interface ReminderMessage {
  unit: string;
  /** The most urgent kind in the message. */
  kind: Kind;
  kinds: Kind[];
  taskNumbers: number[];
  rooms: string[];
  reply: Reply;
  reminderIds: number[];
}

/** Delivers one message to rooms; throws when it could not. A stable `key` lets a transport deduplicate retries. */
export interface ReminderSender {
  send(rooms: string[], reply: Reply, key: string): Promise<void>;
}

export interface ReminderServiceDeps {
  repos: Repositories;
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

type Pending = Pick<ReminderRecord, "key" | "taskId" | "unit" | "kind" | "occurrence"> & { id: number | null };

/** Reminder key, unique per (task, unit, kind, occurrence date). */
export const reminderKey = (taskId: number, unit: string, kind: string, occurrence: string) => `${taskId}:${unit}:${kind}:${occurrence}`;

/**
 * Computes, records and delivers reminders. Exactly once: every occurrence has a unique key,
 * pending rows are claimed atomically before sending, and only a successful send marks them delivered.
 */
export class ReminderService {
  constructor(private readonly d: ReminderServiceDeps) {}

  /** The reminder rows due on each of `days` (none on a non-working day), office notices included. */
  async dueRows(days: string[]): Promise<NewReminder[]> {
    const out: NewReminder[] = [];
    for await (const page of this.duePages(days)) out.push(...page);
    return out;
  }

  /**
   * The due rows page by page (TASK_PAGE tasks at a time), so a run's memory does not grow with the plan, for
   * every plan in progress (an archived plan gets no reminders). The calendar notice, which belongs to no task,
   * comes with the first page.
   */
  async *duePages(days: string[], active?: readonly PlanRecord[]): AsyncGenerator<NewReminder[]> {
    const workdays = days.filter((d) => this.d.calendar.isWorkday(d));
    if (workdays.length === 0) return;
    const office = this.d.directory.office;
    let first = true;
    for (const plan of active ?? (await this.d.repos.plans.activePlans())) {
      const startDay = planStart(plan);
      for (let after = 0; ; ) {
        const limit = this.d.taskPage ?? TASK_PAGE;
        const rows = await this.d.repos.plans.reminderTasks(plan.id, { after, limit });
        if (rows.length === 0 && !first) break;
        const tasks: PolicyTask[] = rows.map((r) => ({
          id: r.id,
          number: r.number,
          leadUnits: r.leadUnits,
          deadline: r.deadline,
          done: r.done,
          paused: r.paused,
          reviewPending: r.reviewPending,
          lastUpdateDay: r.lastUpdateAt ? dayOf(r.lastUpdateAt) : null,
          startDay,
        }));
        const out: NewReminder[] = [];
        for (const day of workdays) {
          const year = Number(day.slice(0, 4));
          if (first && !this.d.calendar.hasDataFor(year))
            out.push({ key: `notice:calendar:${year}`, taskId: null, unit: office, kind: "notice", occurrence: `${year}`, dueOn: day });
          for (const r of rows)
            if (r.deadline.kind === "unknown" && !r.done)
              out.push({ key: `notice:unknown-deadline:${r.id}`, taskId: r.id, unit: office, kind: "notice", occurrence: r.deadline.text, dueOn: day });
          for (const due of dueReminders(tasks, day, { calendar: this.d.calendar, policy: this.d.policy, officeUnit: office }))
            for (const unit of this.expand(due.unit))
              out.push({ key: reminderKey(due.taskId, unit, due.kind, due.occurrence), taskId: due.taskId, unit, kind: due.kind, occurrence: due.occurrence, dueOn: day });
        }
        first = false;
        // Stored unit by unit, a unit's rows share pages, so marking its message delivered rewrites fewer of them.
        if (out.length) yield out.sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
        if (rows.length < limit) break;
        after = rows[rows.length - 1]!.number;
      }
    }
  }

  /**
   * Run the reminders for `days` at `now`: record new occurrences, claim everything pending
   * (earlier failures included), and send one grouped message per unit.
   * With no sender it only records and returns the messages (console printing is the caller's).
   *
   * The run streams: occurrences are recorded page by page, and the claimed rows are read, composed, sent and
   * marked one unit at a time, so memory holds one page or one unit's rows, not the whole plan's.
   */
  async run(days: string[], now: Date, sender: ReminderSender | null): Promise<ReminderMessage[]> {
    // Nothing goes out on a day off, earlier failures included: they wait for the next working day.
    if (!days.some((d) => this.d.calendar.isWorkday(d))) return [];
    const reminders = this.d.repos.reminders;
    // Without a chat transport (the console, `npx duban reminders` with no Matrix settings) the reminders are
    // recorded and shown, never marked delivered: a Matrix bot on the same database still sends every one.
    if (!sender) {
      const due = await this.dueRows(days);
      await reminders.insertNew(due, now);
      return (await this.compose(due.map((r) => ({ ...r, id: null })), now)).messages;
    }
    // The plans in progress, read once for the whole run.
    const active = await this.d.repos.plans.activePlans();
    const plans = new Map(active.map((p) => [p.id, p] as const));
    for await (const page of this.duePages(days, active)) await reminders.insertNew(page, now);
    const token = this.d.claimOwner ? `${this.d.claimOwner}/${randomUUID()}` : randomUUID();
    if ((await reminders.claim(token, now, new Date(now.getTime() - CLAIM_TTL_MS))) === 0) return [];
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
    for (const unit of await reminders.claimedUnits(token)) {
      const claimed = await reminders.claimedFor(token, unit);
      const byId = new Map(claimed.map((r) => [r.id, r] as const));
      const { messages: composed, skipped, archived } = await this.compose(claimed, now, plans);
      if (skipped.length) await reminders.markDelivered(skipped, now, "skipped: task done, reminders paused, or completion under review");
      if (archived.length) await reminders.markDelivered(archived, now, "skipped: plan archived");
      for (const m of composed) {
        messages.push(m);
        await this.deliver(m, byId, sender, now, renew);
      }
    }
    return messages;
  }

  /** Send one message room by room and record the outcome. */
  private async deliver(m: ReminderMessage, byId: Map<number, ReminderRecord>, sender: ReminderSender, now: Date, renew: () => Promise<void>): Promise<void> {
    const reminders = this.d.repos.reminders;
    if (m.rooms.length === 0) {
      // Neither the unit nor the office has a room: retrying cannot help, so record why instead.
      this.d.logger.warn("reminder has no room to go to; map the unit or the office to a room in the directory", { unit: m.unit });
      await reminders.markDelivered(m.reminderIds, now, "undeliverable: no room for the unit or the office");
      return;
    }
    // Room by room: a room that fails is retried next run, and only that room.
    const rows = m.reminderIds.map((id) => byId.get(id)).filter((r) => r !== undefined);
    const todo = m.rooms.filter((room) => rows.some((r) => !r.deliveredRooms.includes(room)));
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
    if (failed.length === 0) await reminders.markDelivered(m.reminderIds, now);
    else {
      for (const room of reached) await reminders.markRoomDelivered(m.reminderIds, room);
      await reminders.markFailed(m.reminderIds, `${failed.join(", ")}: ${error}`);
    }
  }

  /** What a run for `days` would send, writing nothing. */
  async preview(days: string[], now: Date): Promise<ReminderMessage[]> {
    const rows = await this.dueRows(days);
    const existing = await this.d.repos.reminders.existingKeys(rows.map((r) => r.key));
    const pending: Pending[] = await this.d.repos.reminders.pending();
    const seen = new Set(pending.map((p) => p.key));
    for (const r of rows) if (!existing.has(r.key) && !seen.has(r.key)) pending.push({ ...r, id: null }), seen.add(r.key);
    return (await this.compose(pending, now)).messages;
  }

  /** Collective lead units (局属各单位) mean every unit in the directory except the office. */
  private expand(unit: string): string[] {
    if (!isCollectiveUnit(unit)) return [this.d.directory.canonical(unit)];
    return this.d.directory.units.map((u) => u.name).filter((n) => n !== this.d.directory.office);
  }

  private async compose(
    rows: Pending[],
    now: Date,
    inProgress?: Map<number, PlanRecord>,
  ): Promise<{ messages: ReminderMessage[]; skipped: number[]; archived: number[] }> {
    // Tasks of several plans: each is assessed from its own plan's start, and named with its plan's code.
    const plans = inProgress ?? new Map((await this.d.repos.plans.activePlans()).map((p) => [p.id, p] as const));
    const taskIds = [...new Set(rows.map((r) => r.taskId).filter((id): id is number => id !== null))];
    const tasks = new Map((await this.d.repos.plans.tasksByIds(taskIds)).map((t) => [t.id, t] as const));
    const skipped: number[] = [];
    const archived: number[] = [];
    const byUnit = new Map<string, Pending[]>();
    for (const r of rows) {
      const task = r.taskId === null ? null : tasks.get(r.taskId);
      const underReview = task?.reviewPending && (r.kind === "overdue" || r.kind === "escalation");
      // A task of an archived plan gets no reminder nor notice, even one recorded before the plan was archived.
      if (task && !plans.has(task.planId)) {
        if (r.id !== null) archived.push(r.id);
        continue;
      }
      if (r.kind !== "notice" && (!task || task.completedAt || task.remindersPaused || underReview)) {
        if (r.id !== null) skipped.push(r.id);
        continue;
      }
      const list = byUnit.get(r.unit);
      if (list) list.push(r);
      else byUnit.set(r.unit, [r]);
    }
    const messages: ReminderMessage[] = [];
    const day = dayOf(now, this.d.policy.timezone);
    for (const [unit, list] of byUnit) messages.push(this.message(unit, list, tasks, plans, now, day));
    return { messages, skipped, archived };
  }

  private message(unit: string, list: Pending[], tasks: Map<number, TaskRecord>, plans: Map<number, PlanRecord>, now: Date, day: string): ReminderMessage {
    const { t, directory, thresholds } = this.d;
    const r = t.reminders;
    const isOffice = unit === directory.office;
    const entry = directory.unit(unit);
    const ownRooms = entry?.rooms ?? [];
    const rooms = ownRooms.length ? ownRooms : directory.officeRooms();
    const lines = [isOffice ? r.officeHeader(day) : r.header(unit, day)];
    const kinds = KIND_ORDER.filter((k) => list.some((x) => x.kind === k));
    const mentions = new Set<string>(isOffice ? [] : (entry?.members ?? []));
    const startOf = (task: TaskRecord) => {
      const plan = plans.get(task.planId);
      return plan ? planStart(plan) : day;
    };
    // With several plans in progress, every task line says which plan it is in: 【科技兴警】🟡 任务6 …
    const code = (task: TaskRecord) => (plans.size > 1 ? this.d.t.plans.heading(plans.get(task.planId)?.code ?? "", "") : "");
    for (const kind of kinds) {
      const items = list.filter((x) => x.kind === kind);
      const seen = new Set<number>(); // task ids: two plans may both have a task 6
      const itemLines: string[] = [];
      for (const x of items) {
        if (kind === "notice") {
          const task = x.taskId === null ? null : tasks.get(x.taskId);
          itemLines.push(task ? code(task) + r.unknownDeadline(task.number, task.deadline.text) : r.calendarMissing(Number(x.occurrence)));
          continue;
        }
        const task = tasks.get(x.taskId!)!;
        if (seen.has(task.id)) continue;
        seen.add(task.id);
        const a = assessTask(task, now, thresholds, startOf(task));
        const icon = LIGHT_ICON[a.light];
        if (kind === "escalation") {
          itemLines.push(code(task) + r.escalationItem(icon, task.number, task.title, t.list(task.leadUnits), a.daysOverdue ?? 0));
          for (const lead of task.leadUnits) for (const leader of directory.unit(lead)?.leaders ?? []) mentions.add(leader);
        } else {
          itemLines.push(code(task) + taskItem(t, task, a));
        }
      }
      const count = kind === "notice" ? itemLines.length : seen.size;
      lines.push(kind === "escalation" ? r.section.escalation(count, this.d.policy.escalateAfterDays) : r.section[kind](count), ...itemLines);
    }
    // With several plans in progress a bare 任务N may be open: the footer shows how to name the plan.
    const firstTask = list.map((x) => (x.taskId === null ? undefined : tasks.get(x.taskId))).find((x) => x !== undefined);
    if (!isOffice) lines.push(plans.size > 1 && firstTask ? r.footerPlans(plans.get(firstTask.planId)?.code ?? "") : r.footer);
    if (!ownRooms.length && !isOffice) lines.push(r.noRoom(unit));
    const taskNumbers = [...new Set(list.map((x) => (x.taskId === null ? null : tasks.get(x.taskId)?.number)).filter((n): n is number => n != null))].sort((a, b) => a - b);
    return {
      unit,
      kind: kinds[0]!,
      kinds,
      taskNumbers,
      rooms,
      reply: reply(lines, { heading: true, mentions: [...mentions] }),
      reminderIds: list.map((x) => x.id).filter((id): id is number => id !== null),
    };
  }
}
