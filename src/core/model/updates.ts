/** Progress updates (进展) on tasks, as stored, and their repository. */
import type { Actor } from "./actor.js";
import type { MovedTarget } from "./targets.js";

/** update (进展) as stored. */
export interface UpdateRecord {
  id: number;
  taskId: number;
  text: string;
  percent: number | null;
  authorId: string;
  authorUnit: string | null;
  room: string | null;
  transport: string;
  eventId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  retractedAt: Date | null;
  /** Earlier wordings, each replaced at `at`; `taskId`: the task it was on then (kept since edits could move it). */
  revisions: { text: string; percent: number | null; at: string; taskId?: number }[];
}

export interface NewUpdate {
  /** Target counts the update moves (`指标+1`), stored with it in one transaction. */
  targetMoves?: { targetId: number; delta: number }[];
  taskId: number;
  text: string;
  percent: number | null;
  authorId: string;
  authorUnit: string | null;
  room: string | null;
  transport: string;
  eventId: string | null;
  at: Date;
}

/** Storage of progress updates (进展). Every write updates the task's progress in the same transaction. */
export interface UpdateRepository {
  /** Store an update; returns it with the task's live update count after it. */
  record(update: NewUpdate): Promise<{ update: UpdateRecord; updateCount: number; targets: MovedTarget[] }>;
  latest(taskId: number): Promise<UpdateRecord | null>;
  /** The newest `limit` updates, retracted ones included. */
  history(taskId: number, limit: number): Promise<UpdateRecord[]>;
  /** All updates of a task, retracted ones included. */
  count(taskId: number): Promise<number>;
  byEventId(eventId: string): Promise<UpdateRecord | null>;
  /** Every update one chat event produced, in order: stored under `eventId`, then `eventId#2`, `eventId#3`… */
  parts(eventId: string): Promise<UpdateRecord[]>;
  /**
   * An edit: new text and percent, and `taskId` when the edit names another task (the update moves there).
   * `targetMoves`: the edited text's target moves; those the update made before are undone first. Absent: the
   * update's target moves stay as they are (an editor who may not move targets, see src/core/events/edit.ts).
   */
  revise(
    eventId: string,
    change: { text: string; percent: number | null; taskId?: number; targetMoves?: { targetId: number; delta: number }[] },
    actor: Actor,
    at: Date,
  ): Promise<UpdateRecord | null>;
  /** Retract the update stored under a chat event id (a redaction); null when there is none or it is retracted already. */
  retract(eventId: string, actor: Actor, at: Date): Promise<UpdateRecord | null>;
  /** Retract an update by id (`撤回 任务5 第3条 理由`), with the reason audited; null when it is retracted already. */
  retractById(updateId: number, actor: Actor, at: Date, reason?: string | null): Promise<UpdateRecord | null>;
  /**
   * Apply a confirmed target request (a responsible unit's `指标+1` a lead unit confirmed) as target changes of
   * update `updateId`, audited as "target-confirm"; null when the update was retracted meanwhile (nothing moves).
   * Throws TargetRangeError past the promise or below zero.
   */
  confirmTargetMoves(updateId: number, moves: { targetId: number; delta: number }[], actor: Actor, at: Date): Promise<MovedTarget[] | null>;
}
