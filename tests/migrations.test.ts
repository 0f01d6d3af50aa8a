import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it, vi } from "vitest";
import { applyMigrations, createMigration, diffSchemaAgainstMigrations, migrationChecksum, readMigrations, sqlitePathFromUrl } from "../src/db/migrate.js";
import { openPrisma } from "../src/db/prisma-client.js";

const MIGRATIONS_DIR = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const SCHEMA_PATH = fileURLToPath(new URL("../prisma/schema.prisma", import.meta.url));
const TABLES = ["AuditLog", "Plan", "ProcessedEvent", "Reminder", "Section", "Setting", "Task", "TaskUnit", "Update"];
const ENGINE_GLUE = "@prisma/schema-engine-wasm/schema_engine_bg";

const tmp = mkdtempSync(join(tmpdir(), "duban-migrations-"));
let counter = 0;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A path in the temp folder that does not exist yet. */
function freshPath(name: string): string {
  return join(tmp, `${++counter}`, name);
}

/** Rows of _prisma_migrations, oldest first. */
function migrationRows(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT * FROM _prisma_migrations ORDER BY started_at").all() as {
      migration_name: string;
      checksum: string;
      finished_at: string | null;
      rolled_back_at: string | null;
      applied_steps_count: number;
    }[];
  } finally {
    db.close();
  }
}

/** A copy of schema.prisma with one extra column on Setting. */
function schemaWithExtraField(): string {
  const path = freshPath("schema.prisma");
  const original = readFileSync(SCHEMA_PATH, "utf8");
  const edited = original.replace(/model Setting \{\n/, "model Setting {\n  note  String?\n");
  expect(edited).not.toBe(original);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, edited);
  return path;
}

describe("migrations", () => {
  it("the migrations folder holds at least the initial migration and a sqlite lockfile", () => {
    const migrations = readMigrations(MIGRATIONS_DIR);
    expect(migrations[0]?.name).toMatch(/^\d{14}_init$/);
    expect(readFileSync(join(MIGRATIONS_DIR, "migration_lock.toml"), "utf8")).toContain('provider = "sqlite"');
  });

  it("sqlite URLs resolve relative paths against the working directory", () => {
    expect(sqlitePathFromUrl("file:/abs/duban.db")).toBe("/abs/duban.db");
    expect(sqlitePathFromUrl("file:./data/duban.db")).toBe(join(process.cwd(), "data", "duban.db"));
    expect(() => sqlitePathFromUrl("postgres://x")).toThrow(/file:/);
  });

  it("applying to a fresh file creates its folder, all tables and one finished _prisma_migrations row per migration", async () => {
    const path = freshPath(join("nested", "duban.db"));
    const migrations = readMigrations(MIGRATIONS_DIR);

    const { applied } = await applyMigrations(`file:${path}`);

    expect(applied).toEqual(migrations.map((m) => m.name));
    const db = new Database(path, { timeout: 0 });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining([...TABLES, "_prisma_migrations"]));
    db.exec("BEGIN EXCLUSIVE; COMMIT;");
    db.close();
    const rows = migrationRows(path);
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[i]!.checksum);
      expect(row.checksum).toBe(migrationChecksum(readFileSync(join(MIGRATIONS_DIR, row.migration_name, "migration.sql"))));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("applying twice is a no-op that returns nothing applied without loading the schema engine", async () => {
    const url = `file:${freshPath("twice.db")}`;
    await applyMigrations(url);
    const rowsBefore = migrationRows(sqlitePathFromUrl(url));

    let engineLoaded = false;
    vi.resetModules();
    vi.doMock(ENGINE_GLUE, () => {
      engineLoaded = true;
      return {};
    });
    try {
      const fresh = await import("../src/db/migrate.js");
      expect(await fresh.applyMigrations(url)).toEqual({ applied: [] });
      expect(engineLoaded).toBe(false);
      await expect(fresh.applyMigrations(`file:${freshPath("other.db")}`)).rejects.toThrow();
      expect(engineLoaded).toBe(true);
    } finally {
      vi.doUnmock(ENGINE_GLUE);
      vi.resetModules();
    }
    expect(migrationRows(sqlitePathFromUrl(url))).toEqual(rowsBefore);
  });

  it("openPrisma puts the database in WAL mode with foreign keys and a busy timeout", async () => {
    const url = `file:${freshPath("wal.db")}`;
    await applyMigrations(url);
    const db = await openPrisma(url);
    try {
      expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
      expect(await db.$queryRawUnsafe("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1n }]);
      expect(await db.$queryRawUnsafe("PRAGMA busy_timeout")).toEqual([{ timeout: 15000n }]);
      expect(await db.setting.create({ data: { key: "k", value: "v" } })).toEqual({ key: "k", value: "v" });
    } finally {
      await db.$disconnect();
    }
  });

  it("schema.prisma matches the migrations (run `npm run db:migration -- <name>` after editing the schema)", async () => {
    expect(await diffSchemaAgainstMigrations()).toBeNull();
  });

  it("a schema edited without a migration shows up as a non-empty diff", async () => {
    const diff = await diffSchemaAgainstMigrations({ schemaPath: schemaWithExtraField() });
    expect(diff).toMatch(/ALTER TABLE "Setting" ADD COLUMN "note" TEXT/);
  });

  it("createMigration writes the missing migration, after which the diff is empty and it applies", async () => {
    const schemaPath = schemaWithExtraField();
    const migrationsDir = freshPath("migrations");
    cpSync(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const dbPath = freshPath("created.db");
    await applyMigrations(`file:${dbPath}`, { migrationsDir });

    const created = await createMigration("Add setting note", { migrationsDir, schemaPath });

    expect(created?.path).toMatch(/[/\\]\d{14}_add_setting_note$/);
    expect(readFileSync(join(created!.path, "migration.sql"), "utf8")).toMatch(/ADD COLUMN "note"/);
    expect(await diffSchemaAgainstMigrations({ migrationsDir, schemaPath })).toBeNull();
    expect(await createMigration("again", { migrationsDir, schemaPath })).toBeNull();
    const { applied } = await applyMigrations(`file:${dbPath}`, { migrationsDir, schemaPath });
    expect(applied).toEqual([created!.path.split(/[/\\]/).at(-1)]);
  });

  it("an applied migration whose migration.sql was edited fails with a checksum error naming it", async () => {
    const migrationsDir = freshPath("migrations");
    cpSync(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const url = `file:${freshPath("tampered.db")}`;
    await applyMigrations(url, { migrationsDir });
    const first = readMigrations(migrationsDir)[0]!;
    appendFileSync(join(migrationsDir, first.name, "migration.sql"), "\n-- edited after it was applied\n");

    const failure = applyMigrations(url, { migrationsDir });

    await expect(failure).rejects.toThrow(new RegExp(`Migration ${first.name} was applied .*checksum mismatch`));
  });

  it("slim occurrences rebuilds Reminder with its rows, keys and indexes, and its id counter where it was, so no id comes back", async () => {
    const path = freshPath("slim.db");
    const previous = freshPath("previous");
    mkdirSync(previous, { recursive: true });
    for (const m of readMigrations(MIGRATIONS_DIR).filter((m) => !m.name.endsWith("_slim_occurrences")))
      cpSync(join(MIGRATIONS_DIR, m.name), join(previous, m.name), { recursive: true });
    cpSync(join(MIGRATIONS_DIR, "migration_lock.toml"), join(previous, "migration_lock.toml"));
    await applyMigrations(`file:${path}`, { migrationsDir: previous });
    const db = new Database(path);
    db.exec(
      `INSERT INTO "Notice" ("id", "kind", "unit", "dueOn", "createdAt") VALUES (1, 'reminder', '刑侦大队', '2024-12-31', '2024-12-31T01:00:00.000+00:00')`,
    );
    const insert = db.prepare(
      `INSERT INTO "Reminder" ("key", "unit", "kind", "occurrence", "createdAt", "dueOn", "noticeId") VALUES (?, '刑侦大队', 'notice', '2024', ?, ?, 1)`,
    );
    for (let i = 1; i <= 5; i++) insert.run(`notice:${i}`, "2024-12-31T01:00:00.000+00:00", i === 2 ? "2024-12-30" : "2024-12-31");
    db.exec(`DELETE FROM "Reminder" WHERE "id" > 3`); // the newest occurrences gone (their task deleted)
    db.close();
    expect((await applyMigrations(`file:${path}`)).applied).toEqual([expect.stringMatching(/_slim_occurrences$/)]);
    const after = new Database(path);
    try {
      expect(after.prepare(`SELECT "id", "key", "createdAt", "dueOn" FROM "Reminder" ORDER BY "id"`).all()).toEqual(
        [1, 2, 3].map((id) => ({
          id,
          key: `notice:${id}`,
          createdAt: "2024-12-31T01:00:00.000+00:00",
          dueOn: id === 2 ? "2024-12-30" : "2024-12-31",
        })),
      );
      expect((after.prepare(`PRAGMA table_info("Reminder")`).all() as { name: string }[]).map((c) => c.name)).not.toContain("unit");
      expect(after.prepare(`SELECT "name" FROM sqlite_master WHERE "type" = 'index' AND "tbl_name" = 'Reminder' ORDER BY "name"`).pluck().all()).toEqual([
        "Reminder_key_key",
        "Reminder_noticeId_idx",
      ]);
      after.exec(`INSERT INTO "Reminder" ("key", "kind", "occurrence", "noticeId") VALUES ('notice:6', 'notice', '2024', 1)`);
      expect(after.prepare(`SELECT MAX("id") FROM "Reminder"`).pluck().get()).toBe(6);
      expect(after.pragma("foreign_key_check")).toEqual([]);
    } finally {
      after.close();
    }
  });

  it("a migration that fails to apply is named in the error", async () => {
    const migrationsDir = freshPath("migrations");
    cpSync(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const bad = join(migrationsDir, "29991231235959_broken");
    mkdirSync(bad);
    writeFileSync(join(bad, "migration.sql"), 'INSERT INTO "NoSuchTable" VALUES (1);\n');

    await expect(applyMigrations(`file:${freshPath("broken.db")}`, { migrationsDir })).rejects.toThrow(/migration 29991231235959_broken failed/);
  });
});
