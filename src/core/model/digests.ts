/** The weekly digest (周报): one delivery row per week, so it goes out exactly once. */

/** The weekly digest's delivery rows (one per week), claimed and marked like reminders so it goes out exactly once. */
export interface DigestRepository {
  /** Claim the week's digest for this process (created if new); false when it is delivered or another live process holds it. */
  claim(week: string, token: string, at: Date, staleClaimBefore: Date): Promise<{ claimed: boolean; deliveredRooms: string[] }>;
  markRoomDelivered(week: string, room: string): Promise<void>;
  markDelivered(week: string, token: string, at: Date): Promise<void>;
  markFailed(week: string, token: string, error: string): Promise<void>;
  /** Like ReminderRepository.releaseClaims: free undelivered digests claimed with tokens starting with `prefix`. */
  releaseClaims(prefix: string): Promise<number>;
  delivered(week: string): Promise<boolean>;
  /** When the latest digest of an earlier week was delivered, if any: the next digest covers the time since. */
  previousDelivered(week: string): Promise<Date | null>;
}
