import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { openApp, type App } from "../../src/app.js";
import { withDatabase, withPgClient } from "../../src/db/postgres.js";
import { TEMPLATE_DATABASE } from "../postgres-setup.js";
import { readConfig } from "../../src/config.js";
import type { Logger } from "../../src/log/logger.js";
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
  /** DATABASE_URL and, on PostgreSQL, where files go: for a second app or a CLI process on the same database. */
  env: Record<string, string>;
  clock: ReturnType<typeof fixedClock>;
  say(text: string, opts?: Partial<Inbound>): Promise<{ text: string; html: string; reaction?: string; count: number }>;
  dispose(): Promise<void>;
}

/** True in the "postgres" test project (vitest.config.ts), where every test database is PostgreSQL. */
export const ON_POSTGRES = process.env.DUBAN_TEST_DB === "postgres";

let databases = 0;

/**
 * A fresh database for one test: a SQLite file in `dir`, or in the "postgres" project a new PostgreSQL database
 * copied from the migrated template (tests/postgres-setup.ts). Returns its URL and how to drop it.
 */
export async function freshDatabaseUrl(
  dir: string,
  kind: "sqlite" | "postgres" = ON_POSTGRES ? "postgres" : "sqlite",
): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === "sqlite") return { url: `file:${join(dir, "duban.db")}`, drop: async () => {} };
  const server = inject("postgresUrl");
  if (!server) throw new Error("DUBAN_TEST_DB=postgres but no PostgreSQL server was provided: run the tests through vitest.config.ts (its postgres project)");
  const name = `duban_t${process.pid}_${++databases}_${Date.now().toString(36)}`;
  await withPgClient(server, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`));
  return {
    url: withDatabase(server, name),
    drop: () => withPgClient(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

/**
 * A real app on a fresh temporary database (SQLite, or PostgreSQL in that project), in demo mode (the bundled plan
 * imported, the demo directory) unless `env` says DUBAN_DEMO=false, with a fixed clock.
 */
export async function tempApp(opts: { at?: string; env?: Record<string, string>; database?: "sqlite" | "postgres" } = {}): Promise<TempApp> {
  const dir = mkdtempSync(join(tmpdir(), "duban-test-"));
  const clock = fixedClock(new Date(opts.at ?? "2024-06-30T10:00:00+08:00"));
  const kind = opts.database ?? (ON_POSTGRES ? "postgres" : "sqlite");
  const database = await freshDatabaseUrl(dir, kind);
  // Tests send many changes at one fixed instant; the rate limit has its own tests (DUBAN_RATE_LIMIT set there).
  // Files that go with the database (exports, evidence) stay in the test's folder on PostgreSQL too.
  // Demo mode explicitly: a DATABASE_URL alone means production (an empty database). `env` carries it to a second app or a CLI process.
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    DUBAN_DEMO: opts.env?.DUBAN_DEMO ?? "true",
    ...(kind === "postgres" ? { DUBAN_EXPORT_DIR: join(dir, "exports"), DUBAN_EVIDENCE_DIR: join(dir, "evidence") } : {}),
  };
  const config = readConfig({ ...env, DUBAN_RATE_LIMIT: "0", ...opts.env });
  const app = await openApp(config, clock, { logger: quietLogger, quiet: true });
  return {
    ...app,
    clock,
    dir,
    env,
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
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
