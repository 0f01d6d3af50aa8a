import type { PrismaClient } from "../../generated/prisma/client.js";
import { dayOf } from "../../core/time.js";
import type { PlanRecord, ReminderTaskRow, TargetRecord, TaskChanges, TaskRecord } from "../../core/model.js";
import type { Deadline, DeadlineKind } from "../../plan/types.js";
import { anyOf, asBool, asDate, asDateOrNull, fragment, type Row, type Sql } from "../../db/sql.js";
import { PrismaPlanRepository, toTarget, toTask } from "../prisma-plan-repository.js";
import { groupBy } from "../../core/group-by.js";
import { targetRow, taskRow } from "./rows.js";
import { TaskListCache, type TaskReader } from "./task-cache.js";

/** The targets of a task that has none, shared by every such task of a reminder page (read-only). */
const NO_TARGETS = Object.freeze([]) as unknown as TargetRecord[]; // frozen: shared, so a push would fail loudly

/** The triggers of migrations 20261129064109_task_change and 20261129083000_task_change_gaps that keep TaskChange current. */
const TASK_CHANGE_TRIGGERS = 10;

/** Every column of Task (as in prisma/schema.prisma), then its section's; task rows are read as arrays in this order. */
const TASK_COLUMNS = [
  "id",
  "planId",
  "sectionId",
  "number",
  "title",
  "description",
  "leadUnits",
  "responsibleUnits",
  "deadlineText",
  "deadlineKind",
  "deadlineDate",
  "inDocument",
  "completedAt",
  "completedBy",
  "remindersPaused",
  "pauseReason",
  "originalDeadlineText",
  "originalDeadlineKind",
  "originalDeadlineDate",
  "deadlineChange",
  "unitsAdjusted",
  "reviewPending",
  "progress",
  "lastUpdateAt",
  "updateCount",
] as const;
const NAMES = [...TASK_COLUMNS, "sectionLabel", "sectionTitle", "sectionOrdinal"];
const TASK = fragment(`${TASK_COLUMNS.map((c) => `t."${c}"`).join(", ")}, s."label", s."title", s."ordinal"`);

/** A reminder run's columns of Task (ReminderTaskRow), in the order reminderTasks reads them. */
const REMINDER_TASK = fragment(
  `"id", "number", "title", "leadUnits", "deadlineText", "deadlineKind", "deadlineDate", ` +
    `"completedAt", "remindersPaused", "reviewPending", "lastUpdateAt", "progress"`,
);

const PLAN = fragment(`"id", "title", "issuedOn", "importedAt", "revisedAt", "code", "archivedAt", "archivedBy", "archiveReason"`);
const planRow = (r: Row): PlanRecord => ({
  id: r.id as number,
  title: r.title as string,
  issuedOn: r.issuedOn as string | null,
  importedAt: asDate(r.importedAt),
  revisedAt: asDateOrNull(r.revisedAt),
  code: r.code as string | null,
  archivedAt: asDateOrNull(r.archivedAt),
  archivedBy: r.archivedBy as string | null,
  archiveReason: r.archiveReason as string | null,
});

/** An array row back to the named row the mapping expects; far cheaper than having the driver build objects. */
function named(v: unknown[]): Row {
  const r: Row = {};
  for (let i = 0; i < NAMES.length; i++) r[NAMES[i]!] = v[i];
  return r;
}

/**
 * Plans and tasks: the reads of every message, the overview and the reminder run in hand-written SQL
 * (src/db/sql.ts); imports and admin changes stay with Prisma.
 */
export class SqlPlanRepository extends PrismaPlanRepository {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  private withTargets(rows: unknown[][], targets: Row[]): TaskRecord[] {
    const byTask = groupBy(targets.map(targetRow), (t) => t.taskId);
    return rows.map((v) => {
      const row = taskRow(named(v));
      row.targets = byTask.get(row.id) ?? [];
      return toTask(row);
    });
  }

  override async currentPlan(): Promise<PlanRecord | null> {
    const r = await this.sql.get`SELECT ${PLAN} FROM "Plan" WHERE "archivedAt" IS NULL ORDER BY "importedAt" DESC, "id" DESC LIMIT 1`;
    return r ? planRow(r) : null;
  }

  override async plans(): Promise<PlanRecord[]> {
    return (await this.sql.all`SELECT ${PLAN} FROM "Plan" ORDER BY "importedAt", "id"`).map(planRow);
  }

  override async activePlans(): Promise<PlanRecord[]> {
    return (await this.sql.all`SELECT ${PLAN} FROM "Plan" WHERE "archivedAt" IS NULL ORDER BY "importedAt", "id"`).map(planRow);
  }

  override async planByCode(code: string): Promise<PlanRecord | null> {
    const r = await this.sql.get`SELECT ${PLAN} FROM "Plan" WHERE "code" = ${code}`;
    return r ? planRow(r) : null;
  }

  /** Every start asks; only a database from before codes has Prisma write them. */
  override async ensureCodes(): Promise<void> {
    const r = await this.sql.get<{ n: number }>`SELECT count(*) AS "n" FROM "Plan" WHERE "code" IS NULL`;
    if (r!.n > 0) await super.ensureCodes();
  }

  override async task(planId: number, number: number): Promise<TaskRecord | null> {
    const [row] = await this.sql
      .values`SELECT ${TASK} FROM "Task" t LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE t."planId" = ${planId} AND t."number" = ${number}`;
    return row ? this.one(row) : null;
  }

  override async taskById(id: number): Promise<TaskRecord | null> {
    const [row] = await this.sql.values`SELECT ${TASK} FROM "Task" t LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE t."id" = ${id}`;
    return row ? this.one(row) : null;
  }

  private async one(row: unknown[]): Promise<TaskRecord> {
    const targets = await this.sql.all`SELECT * FROM "Target" WHERE "taskId" = ${row[0]} AND "removedAt" IS NULL ORDER BY "id"`;
    return this.withTargets([row], targets)[0]!;
  }

  override async tasks(planId: number): Promise<TaskRecord[]> {
    const cache = await this.cache();
    return cache ? cache.tasks(planId) : this.allTasks(planId);
  }

  /** Both statements run before the first await (see TaskReader). */
  private allTasks(planId: number): Promise<TaskRecord[]> {
    const rows = this.sql.values`SELECT ${TASK} FROM "Task" t LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE t."planId" = ${planId} ORDER BY t."number"`;
    const targets = this.sql.all`SELECT x.* FROM "Target" x JOIN "Task" t ON t."id" = x."taskId"
      WHERE t."planId" = ${planId} AND x."removedAt" IS NULL ORDER BY x."id"`;
    return Promise.all([rows, targets]).then(([r, x]) => this.withTargets(r, x));
  }

  override async changesSince(marker: number | null): Promise<TaskChanges | null> {
    // The counter is kept by triggers: without them (see openCache), the audit log tells, as on PostgreSQL.
    if (!(await this.cache())) return super.changesSince(marker);
    // It never counts (and then skips) the changes of a group commit that may still roll back: it waits for one
    // open in another flow, then reads with no transaction open on the connection, so it sees committed rows only.
    // No transaction of its own: a reminder run asks before each of its 500 messages, and a transaction
    // (BEGIN IMMEDIATE) takes the write lock for a read.
    const group = this.sql.groupToWaitFor?.();
    if (group) await group.catch(() => undefined);
    if (this.sql.inTransaction) return this.sql.transaction(async (q) => this.readChanges(q, marker));
    return this.readChanges(this.sql, marker);
  }

  /**
   * The change counter and the tasks changed past `marker`. Both statements are issued at once, with no await
   * between them (the SQLite client runs each when it is called), so no other flow writes in between.
   */
  private async readChanges(q: Sql, marker: number | null): Promise<TaskChanges | null> {
    const maxRead = this.maxSeq(q);
    const rowsRead = marker === null ? null : q.values<[number]>`SELECT "taskId" FROM "TaskChange" WHERE "seq" > ${marker}`;
    const max = await maxRead;
    if (marker === null) return { marker: max, taskIds: new Set<number>() };
    const rows = await rowsRead!;
    if (max < marker) return null; // TaskChange emptied, or the file replaced by an older copy
    return { marker: max, taskIds: new Set(rows.map((r) => r[0])) };
  }

  /** The newest change counter (read through `q`: the connection, or a transaction on it). */
  private maxSeq(q: Sql = this.sql): Promise<number> {
    return q.get<{ seq: number }>`SELECT coalesce(max("seq"), 0) AS "seq" FROM "TaskChange"`.then((r) => r!.seq);
  }

  private readonly reader: TaskReader = {
    all: (planId) => ({
      seq: this.maxSeq(),
      tasks: this.allTasks(planId),
    }),
    since: (seq) => {
      const rows = this.sql.values`SELECT ${TASK}, c."taskId", c."seq" FROM "TaskChange" c LEFT JOIN "Task" t ON t."id" = c."taskId"
        LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE c."seq" > ${seq}`;
      const targets = this.sql.all`SELECT x.* FROM "TaskChange" c JOIN "Target" x ON x."taskId" = c."taskId"
        WHERE c."seq" > ${seq} AND x."removedAt" IS NULL ORDER BY x."id"`;
      return Promise.all([rows, targets, this.maxSeq()]).then(([r, x, maxSeq]) => {
        const found = this.withTargets(
          r.filter((v) => v[0] !== null),
          x,
        );
        const byId = new Map(found.map((t) => [t.id, t]));
        const n = NAMES.length;
        return { changes: r.map((v) => ({ taskId: v[n] as number, seq: v[n + 1] as number, task: byId.get(v[n] as number) ?? null })), maxSeq };
      });
    },
  };

  /**
   * The task lists in memory (task-cache.ts), on SQLite when the TaskChange triggers are in place; a database
   * whose migrations lost them (a later migration that rebuilds Task drops its triggers) reads every time.
   */
  private taskCache?: Promise<TaskListCache | null>;
  /** The task lists in memory, or null without the triggers. A failed check (the database busy, say) is not remembered: the next call asks again. */
  private cache(): Promise<TaskListCache | null> {
    this.taskCache ??= this.openCache().catch((e: unknown) => {
      this.taskCache = undefined;
      throw e;
    });
    return this.taskCache;
  }
  private async openCache(): Promise<TaskListCache | null> {
    if (this.sql.dialect !== "sqlite") return null;
    const r = await this.sql.get<{ n: number }>`SELECT count(*) AS "n" FROM "sqlite_master" WHERE "type" = 'trigger' AND substr("name", 1, 11) = 'TaskChange_'`;
    return r?.n === TASK_CHANGE_TRIGGERS ? new TaskListCache(this.sql, this.reader) : null;
  }

  override async tasksByIds(ids: number[]): Promise<TaskRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql
      .values`SELECT ${TASK} FROM "Task" t LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE t."id" ${anyOf(ids)} ORDER BY t."number"`;
    const targets = await this.sql.all`SELECT * FROM "Target" WHERE "taskId" ${anyOf(ids)} AND "removedAt" IS NULL ORDER BY "id"`;
    return this.withTargets(rows, targets);
  }

  override async reminderTasks(planId: number, page?: { after: number; limit: number }): Promise<ReminderTaskRow[]> {
    // A task that a re-import no longer lists is kept for its history but not reminded. Rows as arrays, and only
    // these columns: every column a row carries costs a run of 100,000 tasks about 20 ms.
    type R = [number, number, string, string, string, string, string | null, unknown, unknown, string | null, unknown, number | null];
    const rows = page
      ? await this.sql.values<R>`SELECT ${REMINDER_TASK} FROM "Task" WHERE "planId" = ${planId} AND "inDocument" = ${true} AND "number" > ${page.after}
            ORDER BY "number" LIMIT ${page.limit}`
      : await this.sql.values<R>`SELECT ${REMINDER_TASK} FROM "Task" WHERE "planId" = ${planId} AND "inDocument" = ${true} ORDER BY "number"`;
    if (rows.length === 0) return [];
    const last = rows[rows.length - 1]![1];
    // Targets are few: one query for the page's, by the same range of numbers.
    const targets = await this.sql.all`SELECT g.* FROM "Target" g JOIN "Task" t ON t."id" = g."taskId"
      WHERE t."planId" = ${planId} AND t."inDocument" = ${true} AND t."number" > ${page?.after ?? -1} AND t."number" <= ${last}
        AND g."removedAt" IS NULL ORDER BY g."id"`;
    const byTask = groupBy(
      targets.map((r) => toTarget(targetRow(r))),
      (t) => t.taskId,
    );
    // Deadlines repeat (`2023年底前`): tasks with the same one share it (read-only, like every task's).
    const deadlines = new Map<string, Deadline>();
    const deadlineOf = (text: string, kind: DeadlineKind, date: string | null): Deadline => {
      const known = deadlines.get(text);
      if (known !== undefined && known.kind === kind && known.date === date) return known;
      const deadline = Object.freeze({ text, kind, date }); // shared by the page's tasks: frozen
      deadlines.set(text, deadline);
      return deadline;
    };
    return rows.map(
      ([id, number, title, leadUnits, deadlineText, deadlineKind, deadlineDate, completedAt, remindersPaused, reviewPending, lastUpdateAt, progress]) => {
        const updated = asDateOrNull(lastUpdateAt);
        return {
          id,
          number,
          title,
          leadUnits: JSON.parse(leadUnits) as string[],
          deadline: deadlineOf(deadlineText, deadlineKind as DeadlineKind, deadlineDate),
          completedAt: asDateOrNull(completedAt),
          paused: asBool(remindersPaused),
          reviewPending: reviewPending === "completion",
          lastUpdateAt: updated,
          progress,
          targets: byTask.get(id) ?? NO_TARGETS,
          done: completedAt !== null && completedAt !== undefined,
          lastUpdateDay: updated ? dayOf(updated) : null,
        };
      },
    );
  }

  override async unitNames(planId: number): Promise<string[]> {
    const rows = await this.sql.all<{ unit: string }>`SELECT u."unit", MIN(t."number") AS "first" FROM "TaskUnit" u JOIN "Task" t ON t."id" = u."taskId"
      WHERE t."planId" = ${planId} GROUP BY u."unit" ORDER BY "first", u."unit"`;
    return rows.map((r) => r.unit);
  }

  override async numberRange(planId: number): Promise<{ min: number; max: number; count: number }> {
    const r = (await this.sql.get`SELECT MIN("number") AS "min", MAX("number") AS "max", COUNT(*) AS "count" FROM "Task" WHERE "planId" = ${planId}`)!;
    return { min: (r.min as number | null) ?? 0, max: (r.max as number | null) ?? 0, count: Number(r.count) };
  }
}
