import type { PrismaClient } from "../generated/prisma/client.js";
import type { NewScheduleItem, ScheduleItem, ScheduleRepository } from "../core/model.js";
import { ignoreDuplicate } from "./ignore-duplicate.js";

/** The scheduler's agenda over Prisma: `key` is unique, so two processes never add one item twice; the claim is a conditional update. */
export class PrismaScheduleRepository implements ScheduleRepository {
  constructor(private readonly db: PrismaClient) {}

  async add(item: NewScheduleItem): Promise<ScheduleItem> {
    // Two processes may add the same key at once (PostgreSQL): the second finds the first's row.
    await ignoreDuplicate(this.db.scheduleItem.upsert({ where: { key: item.key }, create: item, update: {} }));
    return this.db.scheduleItem.findUniqueOrThrow({ where: { key: item.key } });
  }

  due(kinds: readonly string[], now: Date, staleClaimBefore: Date, limit: number): Promise<ScheduleItem[]> {
    return this.db.scheduleItem.findMany({
      where: { doneAt: null, dueAt: { lte: now }, kind: { in: [...kinds] }, OR: [{ claimToken: null }, { claimedAt: { lt: staleClaimBefore } }] },
      orderBy: [{ dueAt: "asc" }, { id: "asc" }],
      take: limit,
    });
  }

  pending(kind: string): Promise<ScheduleItem[]> {
    return this.db.scheduleItem.findMany({ where: { kind, doneAt: null }, orderBy: [{ dueAt: "asc" }, { id: "asc" }] });
  }

  async claim(id: number, token: string, at: Date, staleClaimBefore: Date): Promise<boolean> {
    const { count } = await this.db.scheduleItem.updateMany({
      where: { id, doneAt: null, OR: [{ claimToken: null }, { claimedAt: { lt: staleClaimBefore } }] },
      data: { claimToken: token, claimedAt: at },
    });
    return count === 1;
  }

  async renew(id: number, token: string, at: Date): Promise<boolean> {
    const { count } = await this.db.scheduleItem.updateMany({ where: { id, claimToken: token, doneAt: null }, data: { claimedAt: at } });
    return count === 1;
  }

  async finish(id: number, token: string, at: Date): Promise<boolean> {
    const { count } = await this.db.scheduleItem.updateMany({
      where: { id, claimToken: token, doneAt: null },
      data: { doneAt: at, claimToken: null, attempts: { increment: 1 } },
    });
    return count === 1;
  }

  async retry(id: number, token: string, dueAt: Date, error: string): Promise<void> {
    await this.db.scheduleItem.updateMany({
      where: { id, claimToken: token, doneAt: null },
      data: { dueAt, claimToken: null, claimedAt: null, attempts: { increment: 1 }, lastError: error.slice(0, 500) },
    });
  }

  async remove(id: number): Promise<void> {
    await this.db.scheduleItem.deleteMany({ where: { id, doneAt: null } });
  }

  async releaseClaims(prefix: string): Promise<number> {
    // Compared in JavaScript, as in PrismaReminderRepository.releaseClaims.
    const held = await this.db.scheduleItem.findMany({ where: { doneAt: null, claimToken: { not: null } }, select: { id: true, claimToken: true } });
    const ids = held.filter((r) => r.claimToken!.startsWith(prefix)).map((r) => r.id);
    if (ids.length === 0) return 0;
    const { count } = await this.db.scheduleItem.updateMany({ where: { id: { in: ids }, doneAt: null }, data: { claimToken: null, claimedAt: null } });
    return count;
  }

  async prune(before: Date): Promise<number> {
    const { count } = await this.db.scheduleItem.deleteMany({ where: { doneAt: { lt: before } } });
    return count;
  }
}
