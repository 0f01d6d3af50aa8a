import type { PrismaClient } from "../generated/prisma/client.js";
import type { NewPending, PendingRecord, PendingRepository, TargetRequest } from "../core/model.js";

type Row = Awaited<ReturnType<PrismaClient["pendingUpdate"]["findFirstOrThrow"]>>;

export function toPending(row: Row): PendingRecord {
  return {
    id: row.id,
    eventId: row.eventId,
    room: row.room,
    authorId: row.authorId,
    transport: row.transport,
    text: row.text,
    segments: JSON.parse(row.segments) as PendingRecord["segments"],
    candidates: JSON.parse(row.candidates) as number[],
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    resolvedAt: row.resolvedAt,
    resolution: row.resolution,
    kind: row.kind === "target" || row.kind === "status" ? row.kind : "update",
    request: row.request ? (JSON.parse(row.request) as TargetRequest) : null,
  };
}

/** Pending questions (likely updates, target requests) in SQLite or PostgreSQL. */
export class PrismaPendingRepository implements PendingRepository {
  constructor(private readonly db: PrismaClient) {}

  async create(p: NewPending): Promise<PendingRecord> {
    const data = {
      room: p.room,
      authorId: p.authorId,
      transport: p.transport,
      text: p.text,
      segments: JSON.stringify(p.segments),
      candidates: JSON.stringify(p.candidates),
      createdAt: p.at,
      expiresAt: p.expiresAt,
      resolvedAt: null,
      resolution: null,
      resolvedBy: null,
      kind: p.request ? "target" : (p.kind ?? "update"),
      request: p.request ? JSON.stringify(p.request) : null,
    };
    const row = p.eventId
      ? await this.db.pendingUpdate.upsert({ where: { eventId: p.eventId }, create: { eventId: p.eventId, ...data }, update: data })
      : await this.db.pendingUpdate.create({ data });
    return toPending(row);
  }

  async unresolved(room: string): Promise<PendingRecord[]> {
    const rows = await this.db.pendingUpdate.findMany({ where: { room, resolvedAt: null }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 50 });
    return rows.map(toPending);
  }

  async byEventId(eventId: string): Promise<PendingRecord | null> {
    const row = await this.db.pendingUpdate.findUnique({ where: { eventId } });
    return row ? toPending(row) : null;
  }

  async resolve(id: number, resolution: string, by: string, at: Date): Promise<boolean> {
    const { count } = await this.db.pendingUpdate.updateMany({ where: { id, resolvedAt: null }, data: { resolvedAt: at, resolution, resolvedBy: by } });
    return count === 1;
  }
}
