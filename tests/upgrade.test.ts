import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../src/db/migrate.js";
import { tempApp } from "./helpers/temp-app.js";

const ROOT = join(import.meta.dirname, "..");
const MIGRATIONS = join(ROOT, "prisma/migrations");

/**
 * Upgrading: a database that holds data written under the first migration gets every later migration
 * applied in order at start, and nothing it held is lost or changed.
 */
describe("upgrading a database from the first migration", () => {
  const tmp = mkdtempSync(join(tmpdir(), "duban-upgrade-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("applies every migration in order and keeps every row and column the old database had", async () => {
    // Real data, written by today's code, then copied into a database at the first migration.
    const source = await tempApp({ at: "2024-12-31T10:00:00+08:00" });
    await source.say("任务6进展：完成初审 40%", { sender: "@zhang:bureau.local", eventId: "$u1" });
    await source.say("任务6、7进展：材料已报市局", { sender: "@zhang:bureau.local", eventId: "$u2" });
    await source.say("暂停提醒 12 已报市局协调");
    await source.say("办结 20 市局已验收");
    await source.bot.markHandled("$u1", "xingzhen");
    await source.reminders.service.run(["2024-12-31"], source.clock.now(), { send: async () => undefined });
    await source.repos.settings.set("reminders.lastRun", "2024-12-31T09:00:00+08:00");
    const sourceFile = join(source.dir, "duban.db");

    const first = join(tmp, "first");
    mkdirSync(first);
    const [init] = readdirSync(MIGRATIONS)
      .filter((n) => /^\d+_/.test(n))
      .sort();
    cpSync(join(MIGRATIONS, init!), join(first, init!), { recursive: true });
    cpSync(join(MIGRATIONS, "migration_lock.toml"), join(first, "migration_lock.toml"));
    const oldFile = join(tmp, "old.db");
    await applyMigrations(`file:${oldFile}`, { migrationsDir: first });

    const old = new Database(oldFile);
    const tables = (
      old.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    const columns = new Map(tables.map((t) => [t, (old.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => `"${c.name}"`)]));
    old.exec(`ATTACH DATABASE '${sourceFile}' AS src`);
    old.pragma("foreign_keys = OFF");
    // Today a reminder's delivery and claim belong to the notice that carries it (migration …_notices), and so does its
    // unit, and its createdAt and dueOn where it holds none (…_slim_occurrences): the old database gets each occurrence
    // with its notice's, as the release before stored them, one row each.
    const moved = new Set(['"deliveredAt"', '"attempts"', '"lastError"', '"claimToken"', '"claimedAt"', '"unit"']);
    const reminderColumns = columns
      .get("Reminder")!
      .map((c) =>
        c === '"lastError"'
          ? `COALESCE(r."note", n."lastError") AS "lastError"`
          : c === '"createdAt"' || c === '"dueOn"'
            ? `COALESCE(r.${c}, n.${c}) AS ${c}`
            : moved.has(c)
              ? `n.${c}`
              : `r.${c}`,
      );
    const joined = (schema: string) =>
      `SELECT ${reminderColumns.join(", ")} FROM ${schema}"Reminder" r JOIN ${schema}"Notice" n ON n."id" = r."noticeId" ORDER BY r."id"`;
    for (const t of tables)
      old.exec(
        `INSERT INTO main."${t}" (${columns.get(t)!.join(", ")}) ${t === "Reminder" ? joined("src.") : `SELECT ${columns.get(t)!.join(", ")} FROM src."${t}"`}`,
      );
    old.exec("DETACH DATABASE src");
    const snapshot = (db: Database.Database, only = tables) =>
      Object.fromEntries(only.map((t) => [t, db.prepare(`SELECT ${columns.get(t)!.join(", ")} FROM "${t}" ORDER BY rowid`).all()]));
    const before = snapshot(old);
    old.close();
    await source.dispose();
    for (const t of ["Plan", "Task", "Update", "Reminder", "ProcessedEvent", "Setting", "AuditLog"])
      expect([t, (before[t] ?? []).length > 0]).toEqual([t, true]);

    const { applied } = await applyMigrations(`file:${oldFile}`);
    expect(applied).toEqual(
      readdirSync(MIGRATIONS)
        .filter((n) => /^\d+_/.test(n))
        .sort()
        .slice(1),
    );
    const upgraded = new Database(oldFile, { readonly: true });
    // A reminder's delivery and claim now belong to the notice that carries it: each row is read back with its notice's.
    const after = {
      ...snapshot(
        upgraded,
        tables.filter((t) => t !== "Reminder"),
      ),
      Reminder: upgraded.prepare(joined("")).all(),
    };
    upgraded.close();
    expect(after).toEqual(before);

    // And the bot works on it: the history is there, and the audit trail verifies with the old entries as legacy.
    const app = await tempApp({ env: { DATABASE_URL: `file:${oldFile}` } });
    try {
      expect((await app.say("任务6历史")).text).toContain("完成初审 40%");
      const v = await app.repos.audit.verify();
      expect(v.ok).toBe(true);
      expect(v.legacy).toBe((before.AuditLog ?? []).length);
    } finally {
      await app.close();
    }
  });
});
