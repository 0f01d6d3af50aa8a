/** The audit trail (留痕): append-only entries chained by hash, and how to read and verify them. */
import type { Actor } from "./actor.js";

/** One audit entry to append. `before` and `after` are stored as JSON. */
export interface NewAudit {
  at: Date;
  actor: Actor;
  action: string;
  outcome?: "ok" | "refused";
  task?: { id: number; number: number } | null;
  before?: unknown;
  after?: unknown;
  detail?: Record<string, unknown>;
}

/** An audit entry (留痕) as stored, chained to the one before by `prevHash`. */
export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  actorUnit: string | null;
  action: string;
  outcome: string;
  taskId: number | null;
  taskNumber: number | null;
  transport: string | null;
  room: string | null;
  eventId: string | null;
  before: string | null;
  after: string | null;
  detail: string;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  taskId?: number;
  actor?: string;
  since?: Date;
  action?: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries whose hash was checked. */
  checked: number;
  /** Entries written before the chain existed (kept, not verifiable). */
  legacy: number;
  /** The first entry that does not match, and why. */
  firstBroken: { id: number; reason: string } | null;
  /** The newest entry's hash: note it down, and a later verify proves nothing after it was cut off. */
  head: string | null;
}

/** The append-only audit trail. Changes write their entry inside their own transaction (see the repositories). */
export interface AuditRepository {
  append(entry: NewAudit): Promise<AuditRecord>;
  /** Newest first. */
  list(filter: AuditFilter, limit: number, offset?: number): Promise<AuditRecord[]>;
  count(filter: AuditFilter): Promise<number>;
  verify(): Promise<AuditVerification>;
  /** Whether any entry was written after `at`: every change is audited, so none means the records are as they were then. */
  anyAfter(at: Date): Promise<boolean>;
}
