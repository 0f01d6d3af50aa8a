import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../core/model.js";

/**
 * Await a create that another process may have made first (a unique key already taken, P2002): that row is what
 * was wanted, so the error is not one. Prisma runs an upsert with an empty update as a read then an insert, which
 * SQLite's one writer at a time keeps atomic and PostgreSQL does not.
 */
export async function ignoreDuplicate(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code !== "P2002") throw e;
  }
}

/** Handled chat event ids. */
export class PrismaEventLog implements EventLog {
  constructor(private readonly db: PrismaClient) {}

  async seen(eventId: string): Promise<boolean> {
    return (await this.db.processedEvent.findUnique({ where: { eventId }, select: { eventId: true } })) !== null;
  }

  async markHandled(eventId: string, room: string, at: Date): Promise<void> {
    // An upsert with nothing to update is a read then an insert: on PostgreSQL another process may insert in between.
    await ignoreDuplicate(this.db.processedEvent.upsert({ where: { eventId }, create: { eventId, room, handledAt: at }, update: {} }));
  }

  async prune(before: Date): Promise<number> {
    return (await this.db.processedEvent.deleteMany({ where: { handledAt: { lt: before } } })).count;
  }
}
