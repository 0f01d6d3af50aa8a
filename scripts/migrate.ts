// Offline replacement for `prisma migrate deploy` / `prisma migrate dev --create-only`.
//   tsx scripts/migrate.ts apply            apply pending migrations to DATABASE_URL (default file:./data/duban.db)
//   tsx scripts/migrate.ts create <name>    write prisma/migrations/<timestamp>_<name> from schema.prisma changes
import { relative } from "node:path";
import { applyMigrations, createMigration, sqlitePathFromUrl } from "../src/db/migrate.js";

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
    const where = sqlitePathFromUrl(url);
    if (applied.length === 0) console.log(`Database ${where} is up to date (${ms} ms).`);
    else console.log(`Applied ${applied.length} migration(s) to ${where} in ${ms} ms:\n${applied.map((n) => `  ${n}`).join("\n")}`);
    return 0;
  }
  if (command === "create" && rest.length === 1 && rest[0]) {
    const created = await createMigration(rest[0]);
    if (!created) console.log("schema.prisma matches the migrations; no migration created.");
    else console.log(`Created ${relative(process.cwd(), created.path) || created.path}/migration.sql — review it, then run npm run db:migrate.`);
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
