/**
 * Pending questions: likely updates the bot asked about (待确认进展), and target requests (指标变动待确认) a lead unit
 * confirms; each kept until confirmed, declined or expired.
 */

/**
 * A responsible unit's target move (`指标+1`) waiting for a member of a lead unit (牵头单位) or an admin: the update
 * is recorded, the move is applied when confirmed, as a change of that update.
 */
export interface TargetRequest {
  updateId: number;
  taskId: number;
  /** The room the update was posted in, told when the move is confirmed. */
  room: string;
  moves: { targetId: number; delta: number }[];
}

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
  /** "update": a likely update asked about, answered by its author; "target": a target request, asked in a lead unit's room. */
  kind: "update" | "target" | "status";
  /** For kind "target": what waits; `authorId` asked for it, `room` is the lead unit's room asked. */
  request: TargetRequest | null;
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
  /** A target request; a likely update when absent. */
  request?: TargetRequest;
  /** "status": a question named a task only by its subject and the bot asked which (`candidates`); answered with its status. */
  kind?: "status";
}

/** Storage of pending updates: nothing a user was asked about is lost across a restart. */
export interface PendingRepository {
  /** Store a question; a second one for the same chat event replaces the first. */
  create(p: NewPending): Promise<PendingRecord>;
  /** Unresolved questions in a room, newest first, including expired ones (check `expiresAt`). */
  unresolved(room: string): Promise<PendingRecord[]>;
  byEventId(eventId: string): Promise<PendingRecord | null>;
  /** Resolve once: true only for the call that resolved it (confirmed | declined | expired | withdrawn | superseded | refused). */
  resolve(id: number, resolution: string, by: string, at: Date): Promise<boolean>;
}
