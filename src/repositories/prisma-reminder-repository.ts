import type { PrismaClient } from "../generated/prisma/client.js";
import { onPostgres } from "../db/postgres.js";
import type { NewReminder, ReminderRecord, ReminderRepository } from "../core/model.js";

type Row = Awaited<ReturnType<PrismaClient["reminder"]["findFirstOrThrow"]>>;
const toRecord = (r: Row): ReminderRecord => ({ ...r, deliveredRooms: JSON.parse(r.deliveredRooms) as string[] });

const COLUMNS = ["key", "taskId", "unit", "kind", "occurrence", "dueOn", "createdAt"];

/** Reminders in SQLite or PostgreSQL. `key` is unique, so a repeated run or a second process cannot add an occurrence twice. */
export class PrismaReminderRepository implements ReminderRepository {
  constructor(private readonly db: PrismaClient) {}

  async insertNew(rows: NewReminder[], at: Date): Promise<number> {
    let inserted = 0;
    for (const { text, params } of this.inserts(rows, at, null, "")) inserted += await this.db.$executeRawUnsafe(text, ...params);
    return inserted;
  }

  async insertClaimed(rows: NewReminder[], token: string, at: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const { text, params } of this.inserts(rows, at, token, ` RETURNING "id", "key"`))
      for (const r of await this.db.$queryRawUnsafe<{ id: number; key: string }[]>(text, ...params)) out.set(r.key, Number(r.id));
    return out;
  }

  /** Multi-row inserts that leave out existing keys, claimed by `token` when it is set. */
  private *inserts(rows: NewReminder[], at: Date, token: string | null, tail: string) {
    const pg = onPostgres(this.db);
    const columns = token === null ? COLUMNS : [...COLUMNS, "claimToken", "claimedAt"];
    const size = Math.floor(30_000 / columns.length);
    // On SQLite, DateTime is the text form Prisma writes.
    const time = pg ? at : at.toISOString().replace("Z", "+00:00");
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      // PostgreSQL numbers its placeholders; SQLite takes `?`.
      const values = chunk.map((_, i) => `(${columns.map((_, j) => (pg ? `$${i * columns.length + j + 1}` : "?")).join(", ")})`).join(", ");
      const params = chunk.flatMap((r) => {
        const row: unknown[] = [r.key, r.taskId, r.unit, r.kind, r.occurrence, r.dueOn, time];
        if (token !== null) row.push(token, time);
        return row;
      });
      yield { text: `INSERT INTO "Reminder" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${values} ON CONFLICT ("key") DO NOTHING${tail}`, params };
    }
  }

  async claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    return this.claimWhere(`("claimToken" IS NULL OR "claimedAt" < `, token, at, staleClaimBefore);
  }

  async claimAbandoned(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    return this.claimWhere(`("claimToken" IS NOT NULL AND "claimedAt" < `, token, at, staleClaimBefore);
  }

  /** Claim the undelivered rows matching `condition` (completed by the stale instant and a parenthesis). */
  private async claimWhere(condition: string, token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    // One statement claims and names the rows, so only those this call claimed come back.
    const pg = onPostgres(this.db);
    const time = (d: Date) => (pg ? d : d.toISOString().replace("Z", "+00:00")); // on SQLite, the text form Prisma writes
    const [a, b, c] = pg ? ["$1", "$2", "$3"] : ["?", "?", "?"];
    const claimed = await this.db.$queryRawUnsafe<{ id: number }[]>(
      `UPDATE "Reminder" SET "claimToken" = ${a}, "claimedAt" = ${b} WHERE "deliveredAt" IS NULL AND ${condition}${c}) RETURNING "id"`,
      token,
      time(at),
      time(staleClaimBefore),
    );
    const out: ReminderRecord[] = [];
    const ids = claimed.map((r) => Number(r.id)).sort((a, b) => a - b); // RETURNING comes in no set order
    for (let i = 0; i < ids.length; i += 500)
      out.push(...(await this.db.reminder.findMany({ where: { id: { in: ids.slice(i, i + 500) } }, orderBy: { id: "asc" } })).map(toRecord));
    return out;
  }

  async releaseClaims(prefix: string): Promise<number> {
    return this.updateClaims(prefix, { claimToken: null, claimedAt: null });
  }

  async expireClaims(prefix: string): Promise<number> {
    return this.updateClaims(prefix, { claimedAt: new Date(0) });
  }

  /** Update the undelivered rows claimed with tokens that start with `prefix`. */
  private async updateClaims(prefix: string, data: { claimToken?: null; claimedAt: Date | null }): Promise<number> {
    // The tokens are compared in JavaScript: LIKE (Prisma's startsWith) would read `_` and `%` in a name as wildcards.
    const held = await this.db.reminder.findMany({
      where: { deliveredAt: null, claimToken: { not: null } },
      distinct: ["claimToken"],
      select: { claimToken: true },
    });
    const tokens = held.map((r) => r.claimToken!).filter((t) => t.startsWith(prefix));
    if (tokens.length === 0) return 0;
    const { count } = await this.db.reminder.updateMany({ where: { deliveredAt: null, claimToken: { in: tokens } }, data });
    return count;
  }

  async pending(): Promise<ReminderRecord[]> {
    return (await this.db.reminder.findMany({ where: { deliveredAt: null }, orderBy: { id: "asc" } })).map(toRecord);
  }

  async existingKeys(keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db.reminder.findMany({ where: { key: { in: keys.slice(i, i + 500) } }, select: { key: true } });
      for (const r of rows) out.add(r.key);
    }
    return out;
  }

  async markDelivered(ids: number[], at: Date, note?: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await this.db.reminder.updateMany({
        where: { id: { in: ids.slice(i, i + 500) } },
        data: { deliveredAt: at, attempts: { increment: 1 }, claimToken: null, ...(note ? { lastError: note } : {}) },
      });
  }

  async markRoomDelivered(ids: number[], room: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const rows = await tx.reminder.findMany({ where: { id: { in: ids } }, select: { id: true, deliveredRooms: true } });
      for (const r of rows) {
        const rooms = JSON.parse(r.deliveredRooms) as string[];
        if (!rooms.includes(room)) await tx.reminder.update({ where: { id: r.id }, data: { deliveredRooms: JSON.stringify([...rooms, room]) } });
      }
    });
  }

  async holds(token: string): Promise<boolean> {
    return (await this.db.reminder.findFirst({ where: { claimToken: token, deliveredAt: null }, select: { id: true } })) !== null;
  }

  async renewClaim(token: string, at: Date): Promise<void> {
    await this.db.reminder.updateMany({ where: { claimToken: token, deliveredAt: null }, data: { claimedAt: at } });
  }

  async markFailed(ids: number[], error: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await this.db.reminder.updateMany({
        where: { id: { in: ids.slice(i, i + 500) } },
        data: { attempts: { increment: 1 }, lastError: error.slice(0, 500), claimToken: null, claimedAt: null },
      });
  }
}
