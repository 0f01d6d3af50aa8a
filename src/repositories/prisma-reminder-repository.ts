import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { onPostgres } from "../db/postgres.js";
import type { NewReminder, ReminderRecord, ReminderRepository } from "../core/model.js";

/** The kind of notice a reminder run sends. */
export const REMINDER_NOTICE = "reminder";
/**
 * What a claimed notice none of whose occurrences is left to send is settled with: a process stopped between noting
 * its occurrences skipped and settling it (ReminderService.send).
 */
export const NOTHING_LEFT = "skipped: nothing left to send";

type Occurrence = Awaited<ReturnType<PrismaClient["reminder"]["findFirstOrThrow"]>>;
type NoticeRow = Awaited<ReturnType<PrismaClient["notice"]["findFirstOrThrow"]>>;
type Db = PrismaClient | Prisma.TransactionClient;

/** An occurrence with its notice's unit (and day, where it has none of its own) and delivery, as the reports and a run read it. */
export const toRecord = (
  r: Occurrence & { notice: Pick<NoticeRow, "unit" | "dueOn" | "deliveredAt" | "attempts" | "lastError" | "deliveredRooms"> },
): ReminderRecord => ({
  id: r.id,
  key: r.key,
  taskId: r.taskId,
  unit: r.notice.unit,
  kind: r.kind,
  occurrence: r.occurrence,
  dueOn: r.dueOn ?? r.notice.dueOn,
  noticeId: r.noticeId,
  deliveredAt: r.notice.deliveredAt,
  attempts: r.notice.attempts,
  lastError: r.note ?? r.notice.lastError,
  deliveredRooms: JSON.parse(r.notice.deliveredRooms) as string[],
});

/** What an occurrence reads of its notice (toRecord). */
export const OF_NOTICE = { unit: true, dueOn: true, deliveredAt: true, attempts: true, lastError: true, deliveredRooms: true } as const;
/** An occurrence's columns: its unit, and its createdAt and dueOn where they are its notice's, are its notice's (NULL). */
const COLUMNS = ["key", "taskId", "kind", "occurrence", "dueOn", "createdAt", "noticeId"];
const NOTICE_COLUMNS = ["kind", "unit", "dueOn", "createdAt", "claimToken", "claimedAt"];

/** The run day and instant of a notice a run made. */
interface Stamp {
  dueOn: string;
  at: number;
}
/** Per run (its map of unit → notice, which lives as long as the run), the day and instant of each notice it made and kept. */
const runStamps = new WeakMap<Map<string, number>, Map<number, Stamp>>();

/**
 * Whether an occurrence's day and instant are its notice's, so that it writes NULL (its notice's) instead of repeating
 * them: the notices just made (`made`, unit → id, on the days in `fresh`, unit → day) at `at`, or made and kept
 * earlier in the same run (`notices`). Of a notice it does not know it writes its own values.
 */
export function occurrenceStamps(notices: Map<string, number>, made: Map<string, number>, fresh: Map<string, string>, at: Date) {
  const earlier = runStamps.get(notices);
  const now = new Map<number, Stamp>();
  for (const [unit, id] of made) now.set(id, { dueOn: fresh.get(unit)!, at: at.getTime() });
  const stamp = (notice: number) => now.get(notice) ?? earlier?.get(notice);
  return {
    sameDay: (notice: number, dueOn: string) => stamp(notice)?.dueOn === dueOn,
    sameInstant: (notice: number) => stamp(notice)?.at === at.getTime(),
  };
}

/** Once committed, the run (its map `notices`) remembers the day and instant of the notices it kept (unit, id), made at `at` on `fresh`'s days. */
export function rememberStamps(notices: Map<string, number>, kept: [string, number][], fresh: Map<string, string>, at: Date): void {
  if (kept.length === 0) return;
  const stamps = runStamps.get(notices) ?? new Map<number, Stamp>();
  runStamps.set(notices, stamps);
  for (const [unit, id] of kept) stamps.set(id, { dueOn: fresh.get(unit)!, at: at.getTime() });
}

/**
 * Reminders in SQLite or PostgreSQL: notices and the occurrences they carry. `key` is unique, so a repeated run or a
 * second process cannot add an occurrence twice.
 */
export class PrismaReminderRepository implements ReminderRepository {
  constructor(private readonly db: PrismaClient) {}

  /** No routine maintenance to hold here (PostgreSQL checkpoints on its own). */
  batch<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async insertNew(rows: NewReminder[], at: Date): Promise<number> {
    const recorded = await this.write(rows, null, at, new Map());
    return recorded.size;
  }

  async insertClaimed(rows: NewReminder[], token: string, at: Date, notices: Map<string, number>): Promise<Map<string, number>> {
    return this.write(rows, token, at, notices);
  }

  /** New notices for the units not in `notices`, the occurrences whose key is new, and no empty new notice: one transaction. */
  private async write(rows: NewReminder[], token: string | null, at: Date, notices: Map<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (rows.length === 0) return out;
    const used = new Set<number>();
    const pg = onPostgres(this.db);
    // On SQLite, DateTime is the text form Prisma writes.
    const time = pg ? at : at.toISOString().replace("Z", "+00:00");
    // The run's map learns the new notices only once they are committed.
    const created = await this.db.$transaction(
      async (tx) => {
        const fresh = new Map<string, string>(); // unit → its first row's run day
        for (const r of rows) if (!notices.has(r.unit) && !fresh.has(r.unit)) fresh.set(r.unit, r.dueOn);
        const made = new Map<string, number>();
        for (const { text, params } of this.inserts(
          "Notice",
          NOTICE_COLUMNS,
          [...fresh].map(([unit, dueOn]) => [REMINDER_NOTICE, unit, dueOn, time, token, token === null ? null : time]),
          ` RETURNING "id", "unit"`,
        ))
          for (const n of await tx.$queryRawUnsafe<{ id: number; unit: string }[]>(text, ...params)) made.set(n.unit, Number(n.id));
        const noticeOf = (unit: string) => notices.get(unit) ?? made.get(unit)!;
        const stamps = occurrenceStamps(notices, made, fresh, at);
        for (const { text, params } of this.inserts(
          "Reminder",
          COLUMNS,
          rows.map((r) => {
            const notice = noticeOf(r.unit);
            return [r.key, r.taskId, r.kind, r.occurrence, stamps.sameDay(notice, r.dueOn) ? null : r.dueOn, stamps.sameInstant(notice) ? null : time, notice];
          }),
          ` ON CONFLICT ("key") DO NOTHING RETURNING "id", "key", "noticeId"`,
        ))
          for (const r of await tx.$queryRawUnsafe<{ id: number; key: string; noticeId: number }[]>(text, ...params)) {
            out.set(r.key, Number(r.id));
            used.add(Number(r.noticeId));
          }
        // A unit whose occurrences were all recorded before keeps no new notice.
        const empty = [...made.values()].filter((id) => !used.has(id));
        if (empty.length > 0) await tx.notice.deleteMany({ where: { id: { in: empty } } });
        return { kept: [...made].filter(([, id]) => used.has(id)), fresh };
      },
      { maxWait: 30_000, timeout: 10 * 60_000 },
    );
    for (const [unit, id] of created.kept) notices.set(unit, id);
    rememberStamps(notices, created.kept, created.fresh, at);
    return out;
  }

  /** Multi-row inserts of `columns`, with `tail` (a conflict clause, RETURNING). */
  private *inserts(table: string, columns: string[], rows: unknown[][], tail: string) {
    const pg = onPostgres(this.db);
    const size = Math.floor(30_000 / columns.length);
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      // PostgreSQL numbers its placeholders; SQLite takes `?`.
      const values = chunk.map((_, i) => `(${columns.map((_, j) => (pg ? `$${i * columns.length + j + 1}` : "?")).join(", ")})`).join(", ");
      yield { text: `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${values}${tail}`, params: chunk.flat() };
    }
  }

  async claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    return this.claimWhere(`("claimToken" IS NULL OR "claimedAt" < `, token, at, staleClaimBefore);
  }

  async claimAbandoned(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    return this.claimWhere(`("claimToken" IS NOT NULL AND "claimedAt" < `, token, at, staleClaimBefore);
  }

  /** Claim the undelivered reminder notices matching `condition` (completed by the stale instant and a parenthesis). */
  private async claimWhere(condition: string, token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]> {
    // One statement claims and names the notices, so only those this call claimed come back.
    const pg = onPostgres(this.db);
    const time = (d: Date) => (pg ? d : d.toISOString().replace("Z", "+00:00")); // on SQLite, the text form Prisma writes
    const [a, b, c, k] = pg ? ["$1", "$2", "$3", "$4"] : ["?", "?", "?", "?"];
    const claimed = await this.db.$queryRawUnsafe<{ id: number }[]>(
      `UPDATE "Notice" SET "claimToken" = ${a}, "claimedAt" = ${b} WHERE "deliveredAt" IS NULL AND ${condition}${c}) AND "kind" = ${k} RETURNING "id"`,
      token,
      time(at),
      time(staleClaimBefore),
      REMINDER_NOTICE,
    );
    const ids = claimed.map((r) => Number(r.id));
    const open = await this.occurrencesOf(ids);
    const carried = new Set(open.map((r) => r.noticeId));
    const empty = ids.filter((id) => !carried.has(id));
    if (empty.length > 0) await this.markDelivered(empty, at, NOTHING_LEFT);
    return open;
  }

  /** The occurrences still to be sent of these notices, oldest first. */
  protected async occurrencesOf(noticeIds: number[], db: Db = this.db): Promise<ReminderRecord[]> {
    const out: ReminderRecord[] = [];
    for (let i = 0; i < noticeIds.length; i += 500)
      out.push(
        ...(
          await db.reminder.findMany({ where: { noticeId: { in: noticeIds.slice(i, i + 500) }, note: null }, include: { notice: { select: OF_NOTICE } } })
        ).map(toRecord),
      );
    return out.sort((a, b) => a.id - b.id);
  }

  async releaseClaims(prefix: string): Promise<number> {
    return this.updateClaims(prefix, { claimToken: null, claimedAt: null });
  }

  async expireClaims(prefix: string): Promise<number> {
    return this.updateClaims(prefix, { claimedAt: new Date(0) });
  }

  /** Update the undelivered notices claimed with tokens that start with `prefix`. */
  private async updateClaims(prefix: string, data: { claimToken?: null; claimedAt: Date | null }): Promise<number> {
    // The tokens are compared in JavaScript: LIKE (Prisma's startsWith) would read `_` and `%` in a name as wildcards.
    const held = await this.db.notice.findMany({
      where: { deliveredAt: null, claimToken: { not: null } },
      distinct: ["claimToken"],
      select: { claimToken: true },
    });
    const tokens = held.map((r) => r.claimToken!).filter((t) => t.startsWith(prefix));
    if (tokens.length === 0) return 0;
    const { count } = await this.db.notice.updateMany({ where: { deliveredAt: null, claimToken: { in: tokens } }, data });
    return count;
  }

  async pending(): Promise<ReminderRecord[]> {
    const notices = await this.db.notice.findMany({ where: { deliveredAt: null, kind: REMINDER_NOTICE }, select: { id: true } });
    return this.occurrencesOf(notices.map((n) => n.id));
  }

  async existingKeys(keys: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db.reminder.findMany({ where: { key: { in: keys.slice(i, i + 500) } }, select: { key: true } });
      for (const r of rows) out.add(r.key);
    }
    return out;
  }

  async markDelivered(noticeIds: number[], at: Date, note?: string, rooms?: string[]): Promise<void> {
    for (let i = 0; i < noticeIds.length; i += 500)
      await this.db.notice.updateMany({
        where: { id: { in: noticeIds.slice(i, i + 500) } },
        data: {
          deliveredAt: at,
          attempts: { increment: 1 },
          claimToken: null,
          ...(note ? { lastError: note } : {}),
          ...(rooms ? { rooms: JSON.stringify(rooms) } : {}),
        },
      });
  }

  async markSkipped(ids: number[], note: string): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) await this.db.reminder.updateMany({ where: { id: { in: ids.slice(i, i + 500) } }, data: { note } });
  }

  async markRoomDelivered(noticeIds: number[], room: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const rows = await tx.notice.findMany({ where: { id: { in: noticeIds } }, select: { id: true, deliveredRooms: true } });
      for (const r of rows) {
        const rooms = JSON.parse(r.deliveredRooms) as string[];
        if (!rooms.includes(room)) await tx.notice.update({ where: { id: r.id }, data: { deliveredRooms: JSON.stringify([...rooms, room]) } });
      }
    });
  }

  async holds(token: string): Promise<boolean> {
    return (await this.db.notice.findFirst({ where: { claimToken: token, deliveredAt: null }, select: { id: true } })) !== null;
  }

  async renewClaim(token: string, at: Date): Promise<void> {
    await this.db.notice.updateMany({ where: { claimToken: token, deliveredAt: null }, data: { claimedAt: at } });
  }

  async markFailed(noticeIds: number[], error: string, rooms?: string[]): Promise<void> {
    for (let i = 0; i < noticeIds.length; i += 500)
      await this.db.notice.updateMany({
        where: { id: { in: noticeIds.slice(i, i + 500) } },
        data: {
          attempts: { increment: 1 },
          lastError: error.slice(0, 500),
          claimToken: null,
          claimedAt: null,
          ...(rooms ? { rooms: JSON.stringify(rooms) } : {}),
        },
      });
  }
}
