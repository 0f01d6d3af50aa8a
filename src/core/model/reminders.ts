/**
 * Reminders (提醒 / 催办) as stored: one notice (通知) per message to a unit's rooms, with its claim and its per-room
 * delivery, and the occurrences it covers, each exactly once by its key; and the repository that sends each once.
 */

/**
 * A stored reminder occurrence (提醒 / 催办), with the delivery of the notice that carries it: what the reports read.
 * `lastError` is the occurrence's own note (skipped, plan archived) or else its notice's last error.
 */
export interface ReminderRecord {
  id: number;
  key: string;
  taskId: number | null;
  unit: string;
  kind: string;
  occurrence: string;
  dueOn: string;
  /** The notice (one message to the unit's rooms) that carries it. */
  noticeId: number;
  deliveredAt: Date | null;
  attempts: number;
  lastError: string | null;
  /** Rooms its notice already reached (a unit may have several). */
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

/**
 * Storage of reminders: unique keys make every occurrence exactly once; a notice (one per unit and run) carries a
 * unit's occurrences and is claimed, delivered room by room and retried as one record.
 */
export interface ReminderRepository {
  /**
   * Run `fn`, a reminder run's writes, as one batch: the database's routine maintenance (SQLite's WAL checkpoints)
   * waits until it ends.
   */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Record the occurrences whose key is new, each unit's in one new notice, unclaimed (the console: a bot on the same
   * database sends them); existing keys are left alone. Returns how many occurrences were new.
   */
  insertNew(rows: NewReminder[], at: Date): Promise<number>;
  /**
   * Record the occurrences whose key is new in notices claimed by `token` at `at`, in one transaction: a unit's go
   * into its notice in `notices` (unit → notice id), or into a new one, added to `notices`. Existing keys are left
   * alone, and a new notice that got no occurrence is not kept. Returns the new occurrences' ids by key (each is in its
   * unit's notice in `notices`): a run sends exactly these (and what it claimed before) without reading them back.
   */
  insertClaimed(rows: NewReminder[], token: string, at: Date, notices: Map<string, number>): Promise<Map<string, number>>;
  /**
   * Atomically claim every undelivered reminder notice not claimed by a live sender; returns the occurrences they
   * carry that are still to be sent, oldest first.
   */
  claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]>;
  /**
   * Atomically claim only abandoned notices: undelivered, claimed, and not renewed since `staleClaimBefore` (their
   * process is gone). Notices never claimed, failed ones waiting for the next run and live claims are left alone.
   * Returns the occurrences they carry that are still to be sent, oldest first.
   */
  claimAbandoned(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]>;
  /** The occurrences of undelivered notices still to be sent, without claiming (for previews). */
  pending(): Promise<ReminderRecord[]>;
  /** Which of these keys exist already. */
  existingKeys(keys: string[]): Promise<Set<string>>;
  /** These notices reached every room (`rooms`, when given, is where they were addressed), or are settled without a message (`note` says why). */
  markDelivered(noticeIds: number[], at: Date, note?: string, rooms?: string[]): Promise<void>;
  /** These occurrences go in no message (task done, paused, under review; plan archived): `note` says why. */
  markSkipped(ids: number[], note: string): Promise<void>;
  /** Record that these notices reached one room (the others may still be due). */
  markRoomDelivered(noticeIds: number[], room: string): Promise<void>;
  /** Whether this claim still holds an undelivered notice: false once another instance freed or took it. */
  holds(token: string): Promise<boolean>;
  /** Move this process's claim forward, so a long run never looks abandoned to another process. */
  renewClaim(token: string, at: Date): Promise<void>;
  /**
   * Free the undelivered notices claimed with tokens that start with `prefix`: those of an instance known to be gone
   * (a standby that takes over frees the lost active instance's), so they are sent now rather than after CLAIM_TTL_MS.
   * Returns how many notices.
   */
  releaseClaims(prefix: string): Promise<number>;
  /**
   * Mark the undelivered notices claimed with tokens that start with `prefix` abandoned now (claimed at the epoch),
   * keeping the token: for a process known to be dead (a restart on SQLite), so the next sweep sends them rather than
   * after CLAIM_TTL_MS. Returns how many notices.
   */
  expireClaims(prefix: string): Promise<number>;
  /** A send to some of `rooms` failed: the notices stay undelivered, unclaimed, for the next run. */
  markFailed(noticeIds: number[], error: string, rooms?: string[]): Promise<void>;
}
