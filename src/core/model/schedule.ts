/** The scheduler's agenda (日程): persisted items due at an instant, run once by one instance. */

/** One item of the agenda: a kind ("reminders.run", "digest", "reminders.sweep", later follow-ups), when it is due and what it needs. */
export interface ScheduleItem {
  id: number;
  /** Keeps the item once: two instances scheduling the same occurrence make one item. */
  key: string;
  kind: string;
  dueAt: Date;
  /** JSON text: what the kind's handler needs ("{}" for the recurring runs). */
  payload: string;
  createdAt: Date;
  claimToken: string | null;
  claimedAt: Date | null;
  doneAt: Date | null;
  attempts: number;
  lastError: string | null;
}

export type NewScheduleItem = Pick<ScheduleItem, "key" | "kind" | "dueAt" | "payload" | "createdAt">;

/** The agenda's storage: items are added once by key, claimed before they run and marked done after. */
export interface ScheduleRepository {
  /** Add the item unless its key is taken; either way, the item stored under the key. */
  add(item: NewScheduleItem): Promise<ScheduleItem>;
  /** Items of `kinds` not done, due by `now`, unclaimed or claimed before `staleClaimBefore`, earliest first. */
  due(kinds: readonly string[], now: Date, staleClaimBefore: Date, limit: number): Promise<ScheduleItem[]>;
  /** Items of `kind` not yet done, earliest first (a recurring kind has one: its next occurrence). */
  pending(kind: string): Promise<ScheduleItem[]>;
  /** Claim an item for this process; false when it is done or another live process holds it. */
  claim(id: number, token: string, at: Date, staleClaimBefore: Date): Promise<boolean>;
  /** Renew the holder's claim at `at`, so that a long run is not taken for a dead one; false when the claim was lost. */
  renew(id: number, token: string, at: Date): Promise<boolean>;
  /** Mark an item done by the holder of its claim; false when the claim was lost (taken over as stale). */
  finish(id: number, token: string, at: Date): Promise<boolean>;
  /** Give a failed item back, due again at `dueAt`, with its error. */
  retry(id: number, token: string, dueAt: Date, error: string): Promise<void>;
  /** Remove an item not yet done (a recurring kind's next occurrence, once the clock was set back). */
  remove(id: number): Promise<void>;
  /** Free items not done claimed with tokens starting with `prefix` (a process that is gone); how many. */
  releaseClaims(prefix: string): Promise<number>;
  /** Forget items done before `before`; how many. */
  prune(before: Date): Promise<number>;
}
