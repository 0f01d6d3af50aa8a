import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { AuditFilter, AuditRecord, AuditRepository, AuditVerification, NewAudit } from "../core/model.js";
import { ChainVerifier, entryHash, GENESIS, type ChainedFields } from "../audit/chain.js";

type Tx = Prisma.TransactionClient;

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * Append one entry inside the caller's transaction, chained to the newest entry. `prevHash` is unique,
 * so two writers that read the same newest entry cannot both append: the second would fail and its change roll
 * back. They never get there: writers take turns, on SQLite (BEGIN IMMEDIATE) and on PostgreSQL (every
 * transaction first takes one lock, see openPostgresPrisma).
 */
export async function appendAudit(tx: Tx, e: NewAudit): Promise<AuditRecord> {
  const last = await tx.auditLog.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS;
  const fields = auditFields(e);
  return tx.auditLog.create({ data: { ...fields, prevHash, hash: entryHash(prevHash, fields) } });
}

/** The columns of a new entry, before it is chained (shared with the hot path's appendAuditSql). */
export function auditFields(e: NewAudit): ChainedFields {
  return {
    at: e.at,
    actor: e.actor.id,
    actorUnit: e.actor.unit,
    action: e.action,
    outcome: e.outcome ?? "ok",
    taskId: e.task?.id ?? null,
    taskNumber: e.task?.number ?? null,
    transport: e.actor.transport,
    room: e.actor.room,
    eventId: e.actor.eventId,
    before: json(e.before),
    after: json(e.after),
    detail: JSON.stringify(e.actor.via ? { ...e.detail, via: e.actor.via } : (e.detail ?? {})),
  };
}

function where(f: AuditFilter): Prisma.AuditLogWhereInput {
  return {
    ...(f.taskId !== undefined ? { taskId: f.taskId } : {}),
    ...(f.actor !== undefined ? { actor: f.actor } : {}),
    ...(f.since !== undefined ? { at: { gte: f.since } } : {}),
    ...(f.action !== undefined ? { action: f.action } : {}),
  };
}

/** The audit trail in SQLite. The table's triggers refuse UPDATE and DELETE (see the migration). */
export class PrismaAuditRepository implements AuditRepository {
  constructor(private readonly db: PrismaClient) {}

  append(entry: NewAudit): Promise<AuditRecord> {
    return this.db.$transaction((tx) => appendAudit(tx, entry));
  }

  list(filter: AuditFilter, limit: number, offset = 0): Promise<AuditRecord[]> {
    return this.db.auditLog.findMany({ where: where(filter), orderBy: { id: "desc" }, take: limit, skip: offset });
  }

  count(filter: AuditFilter): Promise<number> {
    return this.db.auditLog.count({ where: where(filter) });
  }

  /** Walk the whole chain in pages of 1,000, oldest first. */
  async anyAfter(at: Date): Promise<boolean> {
    return (await this.db.auditLog.findFirst({ where: { at: { gt: at } }, select: { id: true } })) !== null;
  }

  async verify(): Promise<AuditVerification> {
    const v = new ChainVerifier();
    let after = 0;
    for (;;) {
      const page = await this.db.auditLog.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: 1000 });
      if (page.length === 0 || !page.every((e) => v.add(e))) break;
      after = page[page.length - 1]!.id;
    }
    return { ok: v.firstBroken === null, checked: v.checked, legacy: v.legacy, firstBroken: v.firstBroken, head: v.head };
  }
}
