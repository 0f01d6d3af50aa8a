import type { NewScheduleItem, ScheduleItem, ScheduleRepository } from "../core/model.js";

/**
 * An agenda kept in memory, for the console: its runs show what would be sent and must never stand in for a chat
 * transport's items in the database (as its reminders keep their own last run). Lost at exit, like the console.
 */
export class MemoryAgenda implements ScheduleRepository {
  private readonly items = new Map<string, ScheduleItem>();
  private nextId = 1;

  async add(item: NewScheduleItem): Promise<ScheduleItem> {
    const found = this.items.get(item.key);
    if (found) return { ...found };
    const row: ScheduleItem = { ...item, id: this.nextId++, claimToken: null, claimedAt: null, doneAt: null, attempts: 0, lastError: null };
    this.items.set(item.key, row);
    return { ...row };
  }

  async due(kinds: readonly string[], now: Date, staleClaimBefore: Date, limit: number): Promise<ScheduleItem[]> {
    return this.sorted((i) => i.doneAt === null && i.dueAt <= now && kinds.includes(i.kind) && this.claimable(i, staleClaimBefore)).slice(0, limit);
  }

  async pending(kind: string): Promise<ScheduleItem[]> {
    return this.sorted((i) => i.kind === kind && i.doneAt === null);
  }

  async claim(id: number, token: string, at: Date, staleClaimBefore: Date): Promise<boolean> {
    const i = this.byId(id);
    if (!i || i.doneAt !== null || !this.claimable(i, staleClaimBefore)) return false;
    Object.assign(i, { claimToken: token, claimedAt: at });
    return true;
  }

  async renew(id: number, token: string, at: Date): Promise<boolean> {
    const i = this.byId(id);
    if (!i || i.claimToken !== token || i.doneAt !== null) return false;
    i.claimedAt = at;
    return true;
  }

  async finish(id: number, token: string, at: Date): Promise<boolean> {
    const i = this.byId(id);
    if (!i || i.claimToken !== token || i.doneAt !== null) return false;
    Object.assign(i, { doneAt: at, claimToken: null, attempts: i.attempts + 1 });
    return true;
  }

  async retry(id: number, token: string, dueAt: Date, error: string): Promise<void> {
    const i = this.byId(id);
    if (i && i.claimToken === token && i.doneAt === null)
      Object.assign(i, { dueAt, claimToken: null, claimedAt: null, attempts: i.attempts + 1, lastError: error.slice(0, 500) });
  }

  async remove(id: number): Promise<void> {
    const i = this.byId(id);
    if (i && i.doneAt === null) this.items.delete(i.key);
  }

  async releaseClaims(prefix: string): Promise<number> {
    let n = 0;
    for (const i of this.items.values())
      if (i.doneAt === null && i.claimToken?.startsWith(prefix)) {
        Object.assign(i, { claimToken: null, claimedAt: null });
        n++;
      }
    return n;
  }

  async prune(before: Date): Promise<number> {
    let n = 0;
    for (const i of [...this.items.values()])
      if (i.doneAt !== null && i.doneAt < before) {
        this.items.delete(i.key);
        n++;
      }
    return n;
  }

  private claimable(i: ScheduleItem, staleClaimBefore: Date): boolean {
    return i.claimToken === null || (i.claimedAt !== null && i.claimedAt < staleClaimBefore);
  }

  private byId(id: number): ScheduleItem | undefined {
    for (const i of this.items.values()) if (i.id === id) return i;
    return undefined;
  }

  private sorted(keep: (i: ScheduleItem) => boolean): ScheduleItem[] {
    return [...this.items.values()]
      .filter(keep)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id)
      .map((i) => ({ ...i }));
  }
}
