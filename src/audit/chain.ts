import { createHash } from "node:crypto";
import type { AuditRecord } from "../core/model.js";

/** The prevHash of the first chained entry. */
export const GENESIS = "0".repeat(64);

/** The fields a hash covers: an audit entry without its id and links (the order is fixed in `entryHash`). */
export type ChainedFields = Omit<AuditRecord, "id" | "prevHash" | "hash">;

/**
 * sha256 over the previous entry's hash and this entry's fields, as a JSON array in a fixed order:
 * changing any field, or the order of entries, changes every hash after it.
 */
export function entryHash(prevHash: string, e: ChainedFields): string {
  const canonical = JSON.stringify([
    prevHash,
    e.at.toISOString(),
    e.actor,
    e.actorUnit,
    e.action,
    e.outcome,
    e.taskId,
    e.taskNumber,
    e.transport,
    e.room,
    e.eventId,
    e.before,
    e.after,
    e.detail,
  ]);
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/** Entries written before the chain existed carry markers instead of digests (see the migration). */
export function isLegacy(e: { prevHash: string; hash: string; id: number }): boolean {
  return e.hash === `legacy:${e.id}` && e.prevHash === `legacy-prev:${e.id}`;
}

type Chained = ChainedFields & { id: number; prevHash: string; hash: string };

/**
 * Checks entries fed in id order: each prevHash must be the hash before it and each hash the digest
 * of its own fields. Legacy entries may only form a prefix. Memory stays constant however long the trail.
 */
export class ChainVerifier {
  private prev: string | null = null;
  /** The newest entry's hash seen so far (the chain's head). */
  get head(): string | null {
    return this.prev;
  }
  checked = 0;
  legacy = 0;
  firstBroken: { id: number; reason: string } | null = null;

  /** Check the next entry; false once the chain is broken. */
  add(e: Chained): boolean {
    if (this.firstBroken) return false;
    if (isLegacy(e)) {
      if (this.checked > 0) return this.broken(e.id, "a pre-chain (legacy) entry after chained entries");
      this.legacy++;
      this.prev = e.hash;
      return true;
    }
    if (e.prevHash !== (this.prev ?? GENESIS))
      return this.broken(e.id, "prevHash does not match the entry before it (an entry was removed, inserted or reordered)");
    if (entryHash(e.prevHash, e) !== e.hash) return this.broken(e.id, "hash does not match the entry's contents (the entry was altered)");
    this.prev = e.hash;
    this.checked++;
    return true;
  }

  private broken(id: number, reason: string): false {
    this.firstBroken = { id, reason };
    return false;
  }
}
