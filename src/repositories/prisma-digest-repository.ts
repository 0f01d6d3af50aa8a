import type { PrismaClient } from "../generated/prisma/client.js";
import type { DigestRepository } from "../core/model.js";
import { ignoreDuplicate } from "./ignore-duplicate.js";

/** Weekly digest rows: `week` is the primary key, so two processes never create two; the claim is a conditional update. */
export class PrismaDigestRepository implements DigestRepository {
  constructor(private readonly db: PrismaClient) {}

  async claim(week: string, token: string, at: Date, staleClaimBefore: Date): Promise<{ claimed: boolean; deliveredRooms: string[] }> {
    // Two processes may create the week's row at once (PostgreSQL): the second finds it there, then claims as usual.
    await ignoreDuplicate(this.db.digest.upsert({ where: { week }, create: { week, createdAt: at }, update: {} }));
    const { count } = await this.db.digest.updateMany({
      where: { week, deliveredAt: null, OR: [{ claimToken: null }, { claimedAt: { lt: staleClaimBefore } }] },
      data: { claimToken: token, claimedAt: at },
    });
    const row = await this.db.digest.findUniqueOrThrow({ where: { week } });
    return { claimed: count === 1, deliveredRooms: JSON.parse(row.deliveredRooms) as string[] };
  }

  async markRoomDelivered(week: string, room: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const row = await tx.digest.findUniqueOrThrow({ where: { week } });
      const rooms = JSON.parse(row.deliveredRooms) as string[];
      if (!rooms.includes(room)) await tx.digest.update({ where: { week }, data: { deliveredRooms: JSON.stringify([...rooms, room]) } });
    });
  }

  async markDelivered(week: string, token: string, at: Date): Promise<void> {
    await this.db.digest.updateMany({ where: { week, claimToken: token }, data: { deliveredAt: at, claimToken: null, attempts: { increment: 1 } } });
  }

  async markFailed(week: string, token: string, error: string): Promise<void> {
    await this.db.digest.updateMany({
      where: { week, claimToken: token },
      data: { claimToken: null, claimedAt: null, attempts: { increment: 1 }, lastError: error.slice(0, 500) },
    });
  }

  async previousDelivered(week: string): Promise<Date | null> {
    const row = await this.db.digest.findFirst({ where: { week: { lt: week }, deliveredAt: { not: null } }, orderBy: { week: "desc" } });
    return row?.deliveredAt ?? null;
  }

  async releaseClaims(prefix: string): Promise<number> {
    // Compared in JavaScript, as in PrismaReminderRepository.releaseClaims.
    const held = await this.db.digest.findMany({ where: { deliveredAt: null, claimToken: { not: null } }, select: { claimToken: true } });
    const tokens = held.map((r) => r.claimToken!).filter((t) => t.startsWith(prefix));
    if (tokens.length === 0) return 0;
    const { count } = await this.db.digest.updateMany({
      where: { deliveredAt: null, claimToken: { in: tokens } },
      data: { claimToken: null, claimedAt: null },
    });
    return count;
  }

  async delivered(week: string): Promise<boolean> {
    return (await this.db.digest.findUnique({ where: { week } }))?.deliveredAt != null;
  }
}
