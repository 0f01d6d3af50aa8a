import type { PrismaClient } from "../../generated/prisma/client.js";
import { outsideLimits, TargetRangeError, type AuditRecord, type MovedTarget, type NewAudit, type NewUpdate, type UpdateRecord } from "../../core/model.js";
import { entryHash, GENESIS } from "../../audit/chain.js";
import type { Sql } from "../../db/sql.js";
import { auditFields } from "../prisma-audit-repository.js";
import { PrismaUpdateRepository, toUpdate } from "../prisma-update-repository.js";
import { updateRow } from "./rows.js";

/**
 * Append one audit entry inside the caller's SQL transaction, chained to the newest entry: the hot path's twin
 * of `appendAudit` (prisma-audit-repository.ts), with the same fields and hash. `prevHash` is unique, so two
 * writers that read the same newest entry cannot both append.
 */
export async function appendAuditSql(sql: Sql, e: NewAudit): Promise<AuditRecord> {
  const last = await sql.get<{ hash: string }>`SELECT "hash" FROM "AuditLog" ORDER BY "id" DESC LIMIT 1`;
  const prevHash = last?.hash ?? GENESIS;
  const f = auditFields(e);
  const hash = entryHash(prevHash, f);
  const row = (await sql.get<{
    id: number;
  }>`INSERT INTO "AuditLog" ("at", "actor", "actorUnit", "action", "outcome", "taskId", "taskNumber", "transport", "room", "eventId",
      "before", "after", "detail", "prevHash", "hash")
    VALUES (${f.at}, ${f.actor}, ${f.actorUnit}, ${f.action}, ${f.outcome}, ${f.taskId}, ${f.taskNumber}, ${f.transport}, ${f.room}, ${f.eventId},
      ${f.before}, ${f.after}, ${f.detail}, ${prevHash}, ${hash})
    RETURNING "id"`)!;
  return { id: row.id, ...f, prevHash, hash };
}

/** Progress updates: recording one and reading the latest in hand-written SQL; edits and retractions stay with Prisma. */
export class SqlUpdateRepository extends PrismaUpdateRepository {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async record(u: NewUpdate): Promise<{ update: UpdateRecord; updateCount: number; targets: MovedTarget[] }> {
    return this.sql.transaction(async (q) => {
      if (u.eventId) {
        const dup =
          await q.get`SELECT u.*, t."updateCount" AS "taskUpdateCount" FROM "Update" u JOIN "Task" t ON t."id" = u."taskId" WHERE u."eventId" = ${u.eventId}`;
        if (dup) {
          const { taskUpdateCount, ...row } = dup;
          return { update: toUpdate(updateRow(row)), updateCount: taskUpdateCount as number, targets: [] };
        }
      }
      const row = (await q.get`INSERT INTO "Update" ("taskId", "text", "percent", "authorId", "authorUnit", "room", "transport", "eventId", "createdAt")
        VALUES (${u.taskId}, ${u.text}, ${u.percent}, ${u.authorId}, ${u.authorUnit}, ${u.room}, ${u.transport}, ${u.eventId}, ${u.at}) RETURNING *`)!;
      const task = await q.get<{
        updateCount: number;
        number: number;
      }>`UPDATE "Task" SET "updateCount" = "updateCount" + 1, "lastUpdateAt" = ${u.at}, "progress" = COALESCE(${u.percent}, "progress")
        WHERE "id" = ${u.taskId} RETURNING "updateCount", "number"`;
      if (!task) throw new Error(`task ${u.taskId} does not exist`);
      const updateId = row.id as number;
      const targets: MovedTarget[] = [];
      for (const move of u.targetMoves ?? []) {
        const target = await q.get<{ name: string; current: number; count: number; unit: string }>`SELECT "name", "current", "count", "unit" FROM "Target"
          WHERE "id" = ${move.targetId}`;
        if (!target) throw new Error(`target ${move.targetId} does not exist`);
        const to = target.current + move.delta;
        // Past the promise or below zero is refused, never clamped: the transaction rolls back and nothing is stored.
        if (outsideLimits(target, target.current, to)) throw new TargetRangeError({ id: move.targetId, ...target }, target.current, to);
        await q.run`UPDATE "Target" SET "current" = ${to} WHERE "id" = ${move.targetId}`;
        await q.run`INSERT INTO "TargetChange" ("targetId", "fromCount", "toCount", "reason", "actor", "actorUnit", "updateId", "at")
          VALUES (${move.targetId}, ${target.current}, ${to}, ${null}, ${u.authorId}, ${u.authorUnit}, ${updateId}, ${u.at})`;
        targets.push({ targetId: move.targetId, name: target.name, from: target.current, to });
      }
      await appendAuditSql(q, {
        at: u.at,
        actor: { id: u.authorId, unit: u.authorUnit, transport: u.transport, room: u.room, eventId: u.eventId },
        action: "update",
        task: { id: u.taskId, number: task.number },
        after: { updateId, text: u.text, percent: u.percent, ...(targets.length ? { targets } : {}) },
      });
      return { update: toUpdate(updateRow(row)), updateCount: task.updateCount, targets };
    });
  }

  override async latest(taskId: number): Promise<UpdateRecord | null> {
    const row = await this.sql.get`SELECT * FROM "Update" WHERE "taskId" = ${taskId} AND "retractedAt" IS NULL ORDER BY "createdAt" DESC, "id" DESC LIMIT 1`;
    return row ? toUpdate(updateRow(row)) : null;
  }
}
