import type { Repositories } from "../core/model.js";

/** A bot process's claim owner on SQLite, new at each start: `botClaimOwner(undefined, "1a2b3c4d")` → "bot#1a2b3c4d". */
export function botClaimOwner(instance: string | undefined, random: string): string {
  return `${instance?.trim() || "bot"}#${random}`;
}

/**
 * At a bot's start on SQLite, when no other bot process holds the file: what this bot's earlier processes claimed and
 * left unsent (owner `<name>#…`, `owner` without its random part) belongs to a process that is gone, killed mid-run or
 * mid-sweep. Its reminders are marked abandoned now, so the catch-up or the first sweep sends them instead of waiting
 * for their claim to age past CLAIM_TTL_MS; its weekly digest is freed, so the digest's catch-up at start sends it
 * rather than the next day's check. With another bot on the file its claims may be live, and are left to age.
 */
export async function expireEarlierClaims(
  repos: Pick<Repositories, "reminders" | "digests">,
  owner: string,
  otherBots: number,
): Promise<{ reminders: number; digests: number }> {
  if (otherBots > 0) return { reminders: 0, digests: 0 };
  const prefix = owner.replace(/#[^#]*$/, "#");
  return { reminders: await repos.reminders.expireClaims(prefix), digests: await repos.digests.releaseClaims(prefix) };
}

/**
 * At the same start (SQLite, no other bot process on the file): free the scheduler's items this bot's earlier
 * processes held (a run it was killed in), so they are due again at the start's catch-up rather than after their
 * claim's time to live. With another bot on the file they may be live, and are left to age.
 */
export async function releaseEarlierItems(repos: Pick<Repositories, "schedule">, owner: string, otherBots: number): Promise<number> {
  if (otherBots > 0) return 0;
  return repos.schedule.releaseClaims(owner.replace(/#[^#]*$/, "#"));
}
