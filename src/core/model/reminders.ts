/** Reminders (提醒 / 催办) as stored, one row per occurrence, and the repository that sends each exactly once. */

/** A stored reminder occurrence (提醒 / 催办). */
export interface ReminderRecord {
  id: number;
  key: string;
  taskId: number | null;
  unit: string;
  kind: string;
  occurrence: string;
  dueOn: string;
  deliveredAt: Date | null;
  attempts: number;
  lastError: string | null;
  /** Rooms this reminder already reached (a unit may have several). */
  deliveredRooms: string[];
}

export interface NewReminder {
  key: string;
  taskId: number | null;
  unit: string;
  kind: string;
  occurrence: string;
  dueOn: string;
}

/** Storage of reminders: unique keys make every occurrence exactly once. */
export interface ReminderRepository {
  /** Insert rows whose key is new; existing keys are left alone. Returns how many were new. */
  insertNew(rows: NewReminder[], at: Date): Promise<number>;
  /**
   * Insert the rows whose key is new, each already claimed by `token` at `at`; existing keys are left alone.
   * Returns the new rows' ids by key: a run sends exactly these (and what it claimed before) without reading them back.
   */
  insertClaimed(rows: NewReminder[], token: string, at: Date): Promise<Map<string, number>>;
  /** Atomically claim every undelivered reminder not claimed by a live sender; returns the rows this call claimed, oldest first. */
  claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]>;
  /**
   * Atomically claim only abandoned rows: undelivered, claimed, and not renewed since `staleClaimBefore` (their
   * process is gone). Rows never claimed, failed rows waiting for the next run and live claims are left alone.
   * Returns the rows this call claimed, oldest first.
   */
  claimAbandoned(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]>;
  /** Undelivered rows, without claiming (for previews). */
  pending(): Promise<ReminderRecord[]>;
  /** Which of these keys exist already. */
  existingKeys(keys: string[]): Promise<Set<string>>;
  markDelivered(ids: number[], at: Date, note?: string): Promise<void>;
  /** Record that these reminders reached one room (the others may still be due). */
  markRoomDelivered(ids: number[], room: string): Promise<void>;
  /** Whether this claim still holds an undelivered row: false once another instance freed or took it. */
  holds(token: string): Promise<boolean>;
  /** Move this process's claim forward, so a long run never looks abandoned to another process. */
  renewClaim(token: string, at: Date): Promise<void>;
  /**
   * Free the undelivered rows claimed with tokens that start with `prefix`: those of an instance known to be gone
   * (a standby that takes over frees the lost active instance's), so they are sent now rather than after CLAIM_TTL_MS.
   */
  releaseClaims(prefix: string): Promise<number>;
  /**
   * Mark the undelivered rows claimed with tokens that start with `prefix` abandoned now (claimed at the epoch), keeping
   * the token: for a process known to be dead (a restart on SQLite), so the next sweep sends them rather than after
   * CLAIM_TTL_MS. Returns how many.
   */
  expireClaims(prefix: string): Promise<number>;
  markFailed(ids: number[], error: string): Promise<void>;
}
