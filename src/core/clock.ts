/** A source of "now". Everything takes one, so tests, `--at` and `DUBAN_NOW` can move time. */
export interface Clock {
  now(): Date;
  /**
   * True for the real clock: the records are written at its instants, so what is stored now is the state now and
   * the chat views read it directly. Any other clock (`--at`, DUBAN_NOW, tests) may stand before something
   * recorded, and the views then replay the history up to its instant (src/core/plan-state.ts).
   */
  readonly live?: boolean;
}

/** A clock that always answers the same instant: `fixedClock(new Date("2024-06-30T10:00:00+08:00"))`. */
export function fixedClock(at: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = new Date(at.getTime());
  return {
    now: () => new Date(current.getTime()),
    set(next: Date) {
      current = new Date(next.getTime());
    },
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** A clock that starts at `start` and then runs forward with real time. */
export function offsetClock(start: Date, realNow: () => number): Clock {
  const offset = start.getTime() - realNow();
  return { now: () => new Date(realNow() + offset) };
}

/** The real clock; the only place that reads the wall clock. Used by main.ts and the CLI. */
export const systemClock: Clock = { now: () => new Date(Date.now()), live: true };

/** Parse an ISO date-time for `--at`/`DUBAN_NOW`: `parseInstant("2024-06-30T10:00:00+08:00")`. A date without zone is read as Asia/Shanghai. */
export function parseInstant(text: string): Date | null {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  let iso = t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = `${t}T00:00:00+08:00`;
  else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(t)) iso = `${t}+08:00`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}
