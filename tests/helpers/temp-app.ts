import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp, type App } from "../../src/app.js";
import { readConfig } from "../../src/config.js";
import type { Logger } from "../../src/core/bot.js";
import { fixedClock } from "../../src/core/clock.js";
import type { Inbound } from "../../src/core/inbound.js";

export const quietLogger: Logger & { errors: string[] } = {
  errors: [],
  info() {},
  warn() {},
  error(msg, ctx) {
    quietLogger.errors.push(`${msg} ${JSON.stringify(ctx)}`);
  },
};

export interface TempApp extends App {
  dir: string;
  clock: ReturnType<typeof fixedClock>;
  say(text: string, opts?: Partial<Inbound>): Promise<{ text: string; html: string; reaction?: string; count: number }>;
  dispose(): Promise<void>;
}

/** A real app on a fresh temporary SQLite file, with the bundled plan imported and a fixed clock. */
export async function tempApp(opts: { at?: string; env?: Record<string, string> } = {}): Promise<TempApp> {
  const dir = mkdtempSync(join(tmpdir(), "duban-test-"));
  const clock = fixedClock(new Date(opts.at ?? "2024-06-30T10:00:00+08:00"));
  // Tests send many changes at one fixed instant; the rate limit has its own tests (DUBAN_RATE_LIMIT set there).
  const config = readConfig({ DATABASE_URL: `file:${join(dir, "duban.db")}`, DUBAN_RATE_LIMIT: "0", ...opts.env });
  const app = await openApp(config, clock, { logger: quietLogger, quiet: true });
  return {
    ...app,
    clock,
    dir,
    async say(text, extra = {}) {
      const result = await app.bot.handle({
        transport: "test",
        room: "console",
        sender: "@kejiban:bureau.local",
        text,
        isDirect: true,
        mentionsBot: true,
        ...extra,
      });
      return {
        text: result.replies.map((r) => r.text).join("\n---\n"),
        html: result.replies.map((r) => r.html).join("\n---\n"),
        reaction: result.reaction,
        count: result.replies.length,
      };
    },
    async dispose() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
