import type { PrismaClient } from "../../generated/prisma/client.js";
import type { PlanRecord, ReminderTaskRow, TaskRecord } from "../../core/model.js";
import type { DeadlineKind } from "../../plan/types.js";
import { anyOf, asBool, asDate, asDateOrNull, fragment, type Row, type Sql } from "../../db/sql.js";
import { PrismaPlanRepository, toTask } from "../prisma-plan-repository.js";
import { groupBy } from "../../core/group-by.js";
import { targetRow, taskRow } from "./rows.js";

/** Every column of Task (as in prisma/schema.prisma), then its section's; task rows are read as arrays in this order. */
const TASK_COLUMNS = [
  "id", "planId", "sectionId", "number", "title", "description", "leadUnits", "responsibleUnits", "deadlineText", "deadlineKind", "deadlineDate",
  "inDocument", "completedAt", "completedBy", "remindersPaused", "pauseReason", "originalDeadlineText", "originalDeadlineKind",
  "originalDeadlineDate", "deadlineChange", "unitsAdjusted", "reviewPending", "progress", "lastUpdateAt", "updateCount",
] as const;
const NAMES = [...TASK_COLUMNS, "sectionLabel", "sectionTitle", "sectionOrdinal"];
const TASK = fragment(`${TASK_COLUMNS.map((c) => `t."${c}"`).join(", ")}, s."label", s."title", s."ordinal"`);

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
    const r = await this.sql.get`SELECT "id", "title", "issuedOn", "importedAt", "revisedAt" FROM "Plan" ORDER BY "importedAt" DESC, "id" DESC LIMIT 1`;
    return r ? { id: r.id as number, title: r.title as string, issuedOn: r.issuedOn as string | null, importedAt: asDate(r.importedAt), revisedAt: asDateOrNull(r.revisedAt) } : null;
  }

  override async task(planId: number, number: number): Promise<TaskRecord | null> {
    const [row] = await this.sql.values`SELECT ${TASK} FROM "Task" t LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE t."planId" = ${planId} AND t."number" = ${number}`;
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
    const rows = await this.sql.values`SELECT ${TASK} FROM "Task" t LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE t."planId" = ${planId} ORDER BY t."number"`;
    if (rows.length === 0) return [];
    const targets = await this.sql.all`SELECT x.* FROM "Target" x JOIN "Task" t ON t."id" = x."taskId"
      WHERE t."planId" = ${planId} AND x."removedAt" IS NULL ORDER BY x."id"`;
    return this.withTargets(rows, targets);
  }

  override async tasksByIds(ids: number[]): Promise<TaskRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.values`SELECT ${TASK} FROM "Task" t LEFT JOIN "Section" s ON s."id" = t."sectionId" WHERE t."id" ${anyOf(ids)} ORDER BY t."number"`;
    const targets = await this.sql.all`SELECT * FROM "Target" WHERE "taskId" ${anyOf(ids)} AND "removedAt" IS NULL ORDER BY "id"`;
    return this.withTargets(rows, targets);
  }

  override async reminderTasks(planId: number, page?: { after: number; limit: number }): Promise<ReminderTaskRow[]> {
    // A task that a re-import no longer lists is kept for its history but not reminded.
    const rows = page
      ? await this.sql.all`SELECT "id", "number", "leadUnits", "deadlineText", "deadlineKind", "deadlineDate", "completedAt", "remindersPaused", "reviewPending", "lastUpdateAt"
          FROM "Task" WHERE "planId" = ${planId} AND "inDocument" = ${true} AND "number" > ${page.after} ORDER BY "number" LIMIT ${page.limit}`
      : await this.sql.all`SELECT "id", "number", "leadUnits", "deadlineText", "deadlineKind", "deadlineDate", "completedAt", "remindersPaused", "reviewPending", "lastUpdateAt"
          FROM "Task" WHERE "planId" = ${planId} AND "inDocument" = ${true} ORDER BY "number"`;
    return rows.map((r) => ({
      id: r.id as number,
      number: r.number as number,
      leadUnits: JSON.parse(r.leadUnits as string) as string[],
      deadline: { text: r.deadlineText as string, kind: r.deadlineKind as DeadlineKind, date: r.deadlineDate as string | null },
      done: r.completedAt !== null,
      paused: asBool(r.remindersPaused),
      reviewPending: r.reviewPending === "completion",
      lastUpdateAt: asDateOrNull(r.lastUpdateAt),
    }));
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
