/**
 * A per-user limit on changes (updates, requests, decisions, edits): at most `perMinute` in any
 * sliding minute, counted in this process by the injected clock. Queries are never limited.
 * `perMinute` 0 turns the limit off.
 */
export class RateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(readonly perMinute: number) {}

  /** Count one change for `user` at `now`; returns the seconds to wait when over the limit, else null. */
  take(user: string, now: Date): number | null {
    if (this.perMinute <= 0) return null;
    const t = now.getTime();
    const since = t - 60_000;
    const times = (this.recent.get(user) ?? []).filter((x) => x > since);
    if (times.length >= this.perMinute) {
      this.recent.set(user, times);
      return Math.max(1, Math.ceil((times[0]! - since) / 1000));
    }
    times.push(t);
    this.recent.set(user, times);
    // Forget idle users now and then, so the map does not grow with every sender ever seen.
    if (this.recent.size > 10_000) for (const [u, ts] of this.recent) if (ts.every((x) => x <= since)) this.recent.delete(u);
    return null;
  }
}
