import type { PrismaClient } from "../generated/prisma/client.js";
import type { EventLog } from "../core/model.js";
import { ignoreDuplicate } from "./ignore-duplicate.js";

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
