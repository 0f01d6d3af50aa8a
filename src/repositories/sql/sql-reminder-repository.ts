import type { PrismaClient } from "../../generated/prisma/client.js";
import type { NewReminder, ReminderRecord } from "../../core/model.js";
import { anyOf, asDateOrNull, fragment, type Row, type Sql } from "../../db/sql.js";
import { NOTHING_LEFT, occurrenceStamps, PrismaReminderRepository, REMINDER_NOTICE, rememberStamps } from "../prisma-reminder-repository.js";

/** An occurrence's columns: its unit, and its createdAt and dueOn where they are its notice's, are its notice's (NULL). */
const COLUMNS = ["key", "taskId", "kind", "occurrence", "dueOn", "createdAt", "noticeId"] as const;
const NOTICE_COLUMNS = ["kind", "unit", "dueOn", "createdAt", "claimToken", "claimedAt"] as const;
/** The columns of a ReminderRecord: the occurrence's, its notice's unit and day where it has none, and its notice's delivery. */
const FIELDS = fragment(
  `r."id", r."key", r."taskId", n."unit", r."kind", r."occurrence", COALESCE(r."dueOn", n."dueOn") AS "dueOn", r."noticeId", n."deliveredAt",
   n."attempts", COALESCE(r."note", n."lastError") AS "lastError", n."deliveredRooms"`,
);
const record = (r: Row): ReminderRecord => ({
  id: r.id as number,
  key: r.key as string,
  taskId: r.taskId as number | null,
  unit: r.unit as string,
  kind: r.kind as string,
  occurrence: r.occurrence as string,
  dueOn: r.dueOn as string,
  noticeId: r.noticeId as number,
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

  override batch<T>(fn: () => Promise<T>): Promise<T> {
    return this.sql.batch(fn);
  }

  override async insertNew(rows: NewReminder[], at: Date): Promise<number> {
    return (await this.writeSql(rows, null, at, new Map())).size;
  }

  override async insertClaimed(rows: NewReminder[], token: string, at: Date, notices: Map<string, number>): Promise<Map<string, number>> {
    return this.writeSql(rows, token, at, notices);
  }

  /**
   * One transaction: a notice for each unit of `rows` not in `notices`, the occurrences whose key is new (a unit's
   * into its notice), and no new notice left without an occurrence.
   */
  private async writeSql(rows: NewReminder[], token: string | null, at: Date, notices: Map<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (rows.length === 0) return out;
    // The run's map learns the new notices only once they are committed.
    const fresh = new Map<string, string>(); // unit → its first row's run day
    for (const r of rows) if (!notices.has(r.unit) && !fresh.has(r.unit)) fresh.set(r.unit, r.dueOn);
    const kept = await this.sql.transaction(async (q) => {
      const made = new Map<string, number>();
      if (fresh.size > 0)
        for (const [id, unit] of await q.insertReturning<[number, string]>(
          "Notice",
          NOTICE_COLUMNS,
          "id",
          [...fresh].map(([unit, dueOn]) => [REMINDER_NOTICE, unit, dueOn, at, token, token === null ? null : at]),
          ["id", "unit"],
        ))
          made.set(unit, id);
      const stamps = occurrenceStamps(notices, made, fresh, at);
      // Per unit, once: its notice, whether the notice was made at `at` (then createdAt is left NULL), and whether
      // it was made on the day of the unit's last row (then dueOn is; a page's rows have one or two days).
      const units = new Map<string, { notice: number; sameInstant: boolean; day: string; sameDay: boolean }>();
      const ids = await q.insertIds("Reminder", COLUMNS, "key", rows, (r, into) => {
        let unit = units.get(r.unit);
        if (unit === undefined) {
          const notice = notices.get(r.unit) ?? made.get(r.unit)!;
          unit = { notice, sameInstant: stamps.sameInstant(notice), day: r.dueOn, sameDay: stamps.sameDay(notice, r.dueOn) };
          units.set(r.unit, unit);
        } else if (unit.day !== r.dueOn) {
          unit.day = r.dueOn;
          unit.sameDay = stamps.sameDay(unit.notice, r.dueOn);
        }
        into.push(r.key, r.taskId, r.kind, r.occurrence, unit.sameDay ? null : r.dueOn, unit.sameInstant ? null : at, unit.notice);
      });
      for (let i = 0; i < rows.length; i++) if (ids[i] !== null) out.set(rows[i]!.key, ids[i]!);
      // A unit whose occurrences were all recorded before keeps no new notice.
      const used = new Set<string>();
      if (made.size > 0) for (const r of rows) if (made.has(r.unit) && out.has(r.key)) used.add(r.unit);
      const empty = [...made].filter(([unit]) => !used.has(unit)).map(([, id]) => id);
      if (empty.length > 0) await q.run`DELETE FROM "Notice" WHERE "id" ${anyOf(empty)}`;
      return [...made].filter(([unit]) => used.has(unit));
    });
    for (const [unit, id] of kept) notices.set(unit, id);
    rememberStamps(notices, kept, fresh, at);
    return out;
  }

  override async claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    // A write through a read (RETURNING), so in a transaction of its own: never inside another flow's group commit.
    return this.sql.transaction(async (q) => {
      const ids = await q.values<[number]>`UPDATE "Notice" SET "claimToken" = ${token}, "claimedAt" = ${at}
        WHERE "deliveredAt" IS NULL AND ("claimToken" IS NULL OR "claimedAt" < ${staleClaimBefore}) AND "kind" = ${REMINDER_NOTICE} RETURNING "id"`;
      return this.occurrences(
        q,
        ids.map(([id]) => id),
        at,
      );
    });
  }

  override async claimAbandoned(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    return this.sql.transaction(async (q) => {
      const ids = await q.values<[number]>`UPDATE "Notice" SET "claimToken" = ${token}, "claimedAt" = ${at}
        WHERE "deliveredAt" IS NULL AND "claimToken" IS NOT NULL AND "claimedAt" < ${staleClaimBefore} AND "kind" = ${REMINDER_NOTICE} RETURNING "id"`;
      return this.occurrences(
        q,
        ids.map(([id]) => id),
        at,
      );
    });
  }

  /** The occurrences still to be sent of these claimed notices, oldest first; a notice with none is settled. */
  private async occurrences(q: Sql, noticeIds: number[], at: Date): Promise<ReminderRecord[]> {
    if (noticeIds.length === 0) return [];
    const rows = (
      await q.all`SELECT ${FIELDS} FROM "Reminder" r JOIN "Notice" n ON n."id" = r."noticeId"
      WHERE r."noticeId" ${anyOf(noticeIds)} AND r."note" IS NULL ORDER BY r."id"`
    ).map(record);
    const carried = new Set(rows.map((r) => r.noticeId));
    const empty = noticeIds.filter((id) => !carried.has(id));
    if (empty.length > 0)
      await q.run`UPDATE "Notice" SET "deliveredAt" = ${at}, "attempts" = "attempts" + 1, "claimToken" = NULL, "lastError" = ${NOTHING_LEFT}
        WHERE "id" ${anyOf(empty)}`;
    return rows;
  }

  override async markDelivered(noticeIds: number[], at: Date, note?: string, rooms?: string[]): Promise<void> {
    if (noticeIds.length === 0) return;
    await this.sql
      .run`UPDATE "Notice" SET "deliveredAt" = ${at}, "attempts" = "attempts" + 1, "claimToken" = NULL, "lastError" = COALESCE(${note ?? null}, "lastError"),
      "rooms" = COALESCE(${rooms ? JSON.stringify(rooms) : null}, "rooms") WHERE "id" ${anyOf(noticeIds)}`;
  }

  override async markSkipped(ids: number[], note: string): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.run`UPDATE "Reminder" SET "note" = ${note} WHERE "id" ${anyOf(ids)}`;
  }

  override async holds(token: string): Promise<boolean> {
    return (await this.sql.get`SELECT 1 AS "one" FROM "Notice" WHERE "claimToken" = ${token} AND "deliveredAt" IS NULL LIMIT 1`) !== undefined;
  }

  override async renewClaim(token: string, at: Date): Promise<void> {
    await this.sql.run`UPDATE "Notice" SET "claimedAt" = ${at} WHERE "claimToken" = ${token} AND "deliveredAt" IS NULL`;
  }
}
