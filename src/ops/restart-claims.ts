import type { Repositories } from "../core/model.js";

/** A bot process's claim owner on SQLite, new at each start: `botClaimOwner(undefined, "1a2b3c4d")` → "bot#1a2b3c4d". */
export function botClaimOwner(instance: string | undefined, random: string): string {
  return `${instance?.trim() || "bot"}#${random}`;
}

/**
 * At a bot's start on SQLite, when no other bot process holds the file: the reminders that this bot's earlier processes
 * claimed and left unsent (owner `<name>#…`, `owner` without its random part) belong to a process that is gone, killed
 * mid-run or mid-sweep. They are marked abandoned now, so the first sweep sends them instead of waiting for their claim
 * to age past CLAIM_TTL_MS. With another bot on the file its claims may be live, and are left to age. Returns how many.
 */
export async function expireEarlierClaims(repos: Pick<Repositories, "reminders">, owner: string, otherBots: number): Promise<number> {
  if (otherBots > 0) return 0;
  return repos.reminders.expireClaims(owner.replace(/#[^#]*$/, "#"));
}
