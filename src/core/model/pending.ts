/** Pending updates (待确认进展): likely updates the bot asked about, kept until confirmed, declined or expired. */

/** A likely update the bot asked about (要记录为任务6的进展吗？), kept until confirmed, declined or expired. */
export interface PendingRecord {
  id: number;
  eventId: string | null;
  room: string;
  authorId: string;
  transport: string;
  text: string;
  segments: { numbers: number[]; body: string; percent: number | null; percentRaw: string | null }[];
  /** Task numbers offered when the task was named only by subject; empty otherwise. */
  candidates: number[];
  createdAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
}

export interface NewPending {
  eventId: string | null;
  room: string;
  authorId: string;
  transport: string;
  text: string;
  segments: PendingRecord["segments"];
  candidates: number[];
  at: Date;
  expiresAt: Date;
}

/** Storage of pending updates: nothing a user was asked about is lost across a restart. */
export interface PendingRepository {
  /** Store a question; a second one for the same chat event replaces the first. */
  create(p: NewPending): Promise<PendingRecord>;
  /** Unresolved questions in a room, newest first, including expired ones (check `expiresAt`). */
  unresolved(room: string): Promise<PendingRecord[]>;
  byEventId(eventId: string): Promise<PendingRecord | null>;
  /** Resolve once: true only for the call that resolved it (confirmed | declined | expired | withdrawn | superseded). */
  resolve(id: number, resolution: string, by: string, at: Date): Promise<boolean>;
}
