import type { PrismaClient } from "../../generated/prisma/client.js";
import type { NewReminder, ReminderRecord } from "../../core/model.js";
import { anyOf, asDateOrNull, fragment, type Row, type Sql } from "../../db/sql.js";
import { PrismaReminderRepository } from "../prisma-reminder-repository.js";

const COLUMNS = ["key", "taskId", "unit", "kind", "occurrence", "dueOn", "createdAt"] as const;
const CLAIMED_COLUMNS = [...COLUMNS, "claimToken", "claimedAt"] as const;
/** The columns of a ReminderRecord, read by a claim. */
const FIELDS = fragment(`"id", "key", "taskId", "unit", "kind", "occurrence", "dueOn", "deliveredAt", "attempts", "lastError", "deliveredRooms"`);
const record = (r: Row): ReminderRecord => ({
  id: r.id as number,
  key: r.key as string,
  taskId: r.taskId as number | null,
  unit: r.unit as string,
  kind: r.kind as string,
  occurrence: r.occurrence as string,
  dueOn: r.dueOn as string,
  deliveredAt: asDateOrNull(r.deliveredAt),
  attempts: r.attempts as number,
  lastError: r.lastError as string | null,
  deliveredRooms: JSON.parse(r.deliveredRooms as string) as string[],
});

/** Reminders: a run's writes and reads in hand-written SQL; previews and failures stay with Prisma. */
export class SqlReminderRepository extends PrismaReminderRepository {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async insertNew(rows: NewReminder[], at: Date): Promise<number> {
    if (rows.length === 0) return 0;
    return this.sql.transaction((q) =>
      q.insertIgnoring(
        "Reminder",
        COLUMNS,
        "key",
        rows.map((r) => [r.key, r.taskId, r.unit, r.kind, r.occurrence, r.dueOn, at]),
      ),
    );
  }

  override async insertClaimed(rows: NewReminder[], token: string, at: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (rows.length === 0) return out;
    const inserted = await this.sql.transaction((q) =>
      q.insertReturning<[number, string]>(
        "Reminder",
        CLAIMED_COLUMNS,
        "key",
        rows.map((r) => [r.key, r.taskId, r.unit, r.kind, r.occurrence, r.dueOn, at, token, at]),
        ["id", "key"],
      ),
    );
    for (const [id, key] of inserted) out.set(key, id);
    return out;
  }

  override async claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    // A write through a read (RETURNING), so in a transaction of its own: never inside another flow's group commit.
    const rows = await this.sql.transaction(
      (q) => q.all`UPDATE "Reminder" SET "claimToken" = ${token}, "claimedAt" = ${at}
        WHERE "deliveredAt" IS NULL AND ("claimToken" IS NULL OR "claimedAt" < ${staleClaimBefore}) RETURNING ${FIELDS}`,
    );
    return rows.map(record).sort((a, b) => a.id - b.id);
  }

  override async claimAbandoned(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    const rows = await this.sql.transaction(
      (q) => q.all`UPDATE "Reminder" SET "claimToken" = ${token}, "claimedAt" = ${at}
        WHERE "deliveredAt" IS NULL AND "claimToken" IS NOT NULL AND "claimedAt" < ${staleClaimBefore} RETURNING ${FIELDS}`,
    );
    return rows.map(record).sort((a, b) => a.id - b.id);
  }

  override async markDelivered(ids: number[], at: Date, note?: string): Promise<void> {
    if (ids.length === 0) return;
    await this.sql
      .run`UPDATE "Reminder" SET "deliveredAt" = ${at}, "attempts" = "attempts" + 1, "claimToken" = NULL, "lastError" = COALESCE(${note ?? null}, "lastError")
      WHERE "id" ${anyOf(ids)}`;
  }

  override async holds(token: string): Promise<boolean> {
    return (await this.sql.get`SELECT 1 AS "one" FROM "Reminder" WHERE "claimToken" = ${token} AND "deliveredAt" IS NULL LIMIT 1`) !== undefined;
  }

  override async renewClaim(token: string, at: Date): Promise<void> {
    await this.sql.run`UPDATE "Reminder" SET "claimedAt" = ${at} WHERE "claimToken" = ${token} AND "deliveredAt" IS NULL`;
  }
}
