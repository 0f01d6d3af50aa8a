import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, inject, it } from "vitest";
import { zonedInstant } from "../src/core/time.js";
import { applyMigrations } from "../src/db/migrate.js";
import { withDatabase, withPgClient } from "../src/db/postgres.js";
import type { Reply } from "../src/core/reply.js";
import { reminderSchedulerFor, scheduleFor } from "../src/app.js";
import { runResults } from "../src/reminders/reminder-scheduler.js";
import { dumpDatabase } from "../src/reports/dump.js";
import { reminderRows } from "./helpers/reminder-rows.js";
import { ON_POSTGRES, quietLogger, tempApp } from "./helpers/temp-app.js";

const ROOT = join(import.meta.dirname, "..");
const FIXTURE = join(import.meta.dirname, "fixtures/reminders-before-notices");
const MIGRATIONS = join(ROOT, ON_POSTGRES ? "prisma/postgres/migrations" : "prisma/migrations");
const figures = JSON.parse(readFileSync(join(FIXTURE, "figures.json"), "utf8")) as {
  scorecard2024: string[];
  scorecardAll: string[];
  digest: string[];
  preview: { unit: string; kinds: string[]; taskNumbers: number[] }[];
};
/**
 * What a row of the release before held, compared field by field (instants as ISO strings): today an occurrence's
 * unit is its notice's, and its createdAt and dueOn are its own or (NULL) its notice's, so these are the values they stand for.
 */
const FIELDS = [
  "id",
  "key",
  "taskId",
  "unit",
  "kind",
  "occurrence",
  "createdAt",
  "dueOn",
  "deliveredAt",
  "attempts",
  "lastError",
  "claimToken",
  "claimedAt",
  "deliveredRooms",
];
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v instanceof Date ? v : String(v)).toISOString());
const shape = (r: Record<string, unknown>) =>
  Object.fromEntries(
    FIELDS.map((k) => [k, ["createdAt", "deliveredAt", "claimedAt"].includes(k) ? iso(r[k]) : typeof r[k] === "bigint" ? Number(r[k]) : r[k]]),
  );
/** The occurrence's own columns of FIELDS, as a dump writes them. */
const OWN = ["id", "key", "taskId", "unit", "kind", "occurrence", "createdAt", "dueOn"];
const own = (r: Record<string, unknown>) => Object.fromEntries(OWN.map((k) => [k, k === "createdAt" ? iso(r[k]) : r[k]]));
/** The migrations of the release before notices: those before the notices migration. */
const beforeNotices = (names: string[]) => {
  const notices = names.find((n) => n.endsWith("_notices"))!;
  return names.filter((n) => /^\d+_/.test(n) && n < notices);
};

/**
 * Upgrading to notices (issue 26 §1): a database filled by the release before (tests/fixtures/reminders-before-notices,
 * made by that release's ReminderService) is built at that release's last migration, the notices migration is applied,
 * and the history is what it was: every occurrence with its delivery, rooms and claim, the scorecard, the digest and
 * the preview as that release reported them; and the next run sends no occurrence twice.
 */
describe(`upgrading a database filled by the release before notices (${ON_POSTGRES ? "PostgreSQL" : "SQLite"})`, () => {
  const tmp = mkdtempSync(join(tmpdir(), "duban-notice-upgrade-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** An empty database at the release before's last migration, and how to read its Reminder rows and drop it. */
  async function previousRelease(label: string): Promise<{
    url: string;
    rows(): Promise<Record<string, unknown>[]>;
    setting(key: string): Promise<string | null>;
    load(sql: string): Promise<void>;
    drop(): Promise<void>;
  }> {
    const previous = join(tmp, "previous");
    mkdirSync(previous, { recursive: true });
    for (const name of beforeNotices(readdirSync(MIGRATIONS))) cpSync(join(MIGRATIONS, name), join(previous, name), { recursive: true });
    cpSync(join(MIGRATIONS, "migration_lock.toml"), join(previous, "migration_lock.toml"));
    const select = `SELECT * FROM "Reminder" ORDER BY "id"`;
    const setting = `SELECT "value" FROM "Setting" WHERE "key" = $1`;
    if (!ON_POSTGRES) {
      const file = join(tmp, `${label}.db`);
      const url = `file:${file}`;
      await applyMigrations(url, { migrationsDir: previous });
      const use = <T>(fn: (db: Database.Database) => T) => {
        const db = new Database(file);
        try {
          return fn(db);
        } finally {
          db.close();
        }
      };
      return {
        url,
        rows: async () => use((db) => db.prepare(select).all() as Record<string, unknown>[]),
        setting: async (key) => use((db) => (db.prepare(setting.replace("$1", "?")).get(key) as { value: string } | undefined)?.value ?? null),
        load: async (sql) => void use((db) => db.exec(sql)),
        drop: async () => {},
      };
    }
    const server = inject("postgresUrl");
    const name = `duban_notice_upgrade_${label}_${process.pid}`;
    await withPgClient(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => c.query(`CREATE DATABASE "${name}"`)));
    const url = withDatabase(server, name);
    await applyMigrations(url, { migrationsDir: previous });
    return {
      url,
      rows: () => withPgClient(url, async (c) => (await c.query(select)).rows as Record<string, unknown>[]),
      setting: (key) => withPgClient(url, async (c) => ((await c.query(setting, [key])).rows[0] as { value: string } | undefined)?.value ?? null),
      load: (sql) => withPgClient(url, async (c) => void (await c.query(sql))),
      drop: () => withPgClient(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
    };
  }

  it("keeps every occurrence with its delivery, rooms and claim, the scorecard, the digest and the preview; the next run sends none twice", async () => {
    const db = await previousRelease("history");
    try {
      await db.load(readFileSync(join(FIXTURE, ON_POSTGRES ? "postgres.sql" : "sqlite.sql"), "utf8"));
      const before = (await db.rows()).map(shape);
      // The history holds every state a row could be in.
      expect(before.some((r) => r.deliveredAt !== null && r.deliveredRooms !== "[]")).toBe(true); // a room failed, retried alone
      expect(before.some((r) => String(r.lastError).startsWith("skipped"))).toBe(true);
      expect(before.some((r) => r.deliveredAt === null && r.claimToken === null)).toBe(true); // recorded by the console
      expect(before.some((r) => r.deliveredAt === null && r.claimToken !== null)).toBe(true); // a run killed after claiming

      const { applied } = await applyMigrations(db.url);
      expect(applied).toEqual([expect.stringMatching(/_notices$/), expect.stringMatching(/_slim_occurrences$/)]);

      const app = await tempApp({ at: "2024-12-31T12:00:00+08:00", env: { DATABASE_URL: db.url, DUBAN_DIRECTORY: join(FIXTURE, "directory.yaml") } });
      try {
        // Every occurrence, delivered or not, with its unit, createdAt and dueOn, its delivery, rooms reached, error and claim.
        expect((await reminderRows(app.db)).map(shape)).toEqual(before);
        // As the app's own readers read them: the reports' history, and a dump.
        const byId = new Map(before.map((r) => [r.id, r] as const));
        const history = await app.repos.history.reminders((await app.repos.plans.activePlans())[0]!.id);
        expect(history.map((r) => ({ id: r.id, unit: r.unit, dueOn: r.dueOn }))).toEqual(before.map((r) => ({ id: r.id, unit: r.unit, dueOn: r.dueOn })));
        expect((await dumpDatabase(app.db)).tables.Reminder.map(own)).toEqual([...byId.values()].map(own));
        // The rows one message carried are one notice; the console's and the killed run's are a notice per unit.
        const notices = await app.db.notice.findMany({ include: { _count: { select: { reminders: true } } } });
        expect(notices.length).toBeLessThan(before.length);
        expect(notices.every((n) => n.kind === "reminder" && n._count.reminders > 0)).toBe(true);
        // Where a notice was addressed was never recorded before notices: its rooms reached are kept, its rooms unknown.
        expect(notices.filter((n) => n.rooms !== "[]")).toEqual([]);
        expect(notices.some((n) => n.deliveredRooms !== "[]")).toBe(true);
        // A notice goes with none of its occurrences' keys: deleting one that carries them fails.
        await expect(app.db.notice.delete({ where: { id: notices[0]!.id } })).rejects.toThrow();

        // The figures the release before reported, at the same instant.
        const plan = (await app.repos.plans.activePlans())[0]!;
        const at = app.clock.now();
        expect(await app.reports.scorecardLines(plan, 2024, null, at)).toEqual(figures.scorecard2024);
        expect(await app.reports.scorecardLines(plan, null, null, at)).toEqual(figures.scorecardAll);
        expect(await app.reports.digestLines(plan, at, null)).toEqual(figures.digest);
        const preview = await app.reminders.service.preview(["2025-01-02"], at);
        expect(preview.map((m) => ({ unit: m.unit, kinds: m.kinds, taskNumbers: m.taskNumbers }))).toEqual(figures.preview);

        // The next run: what was sent is not sent again; what waited (the console's, the killed run's) goes once.
        const sent: { rooms: string[]; reply: Reply }[] = [];
        const sender = { send: async (rooms: string[], reply: Reply) => void sent.push({ rooms, reply }) };
        app.clock.set(zonedInstant("2025-01-02", "09:00"));
        const messages = await app.reminders.service.run(["2025-01-02"], app.clock.now(), sender);
        expect(messages.map((m) => ({ unit: m.unit, kinds: m.kinds, taskNumbers: m.taskNumbers }))).toEqual(figures.preview);
        const carried = messages.flatMap((m) => m.reminderIds);
        expect(new Set(carried).size).toBe(carried.length);
        const delivered = new Set(before.filter((r) => r.deliveredAt !== null).map((r) => r.id));
        expect(carried.filter((id) => delivered.has(id))).toEqual([]);
        const waiting = before.filter((r) => r.deliveredAt === null).map((r) => r.id as number);
        expect(waiting.filter((id) => !carried.includes(id))).toEqual([]);
        expect(sent).toHaveLength(messages.reduce((n, m) => n + m.rooms.length, 0));
        expect(await app.db.notice.count({ where: { deliveredAt: null } })).toBe(0);
        expect(await app.reminders.service.run(["2025-01-02"], app.clock.now(), sender)).toEqual([]);
        // The history before the run is still what it was.
        const after = new Map((await reminderRows(app.db)).map((r) => [r.id, shape(r)] as const));
        for (const r of before.filter((r) => r.deliveredAt !== null)) expect(after.get(r.id as number)).toEqual(r);
      } finally {
        await app.dispose();
      }
    } finally {
      await db.drop();
    }
  }, 120_000);

  it("the scheduler's first start on the upgraded database sends the killed run's and the console's occurrences once, none delivered again", async () => {
    const db = await previousRelease("first-start");
    try {
      await db.load(readFileSync(join(FIXTURE, ON_POSTGRES ? "postgres.sql" : "sqlite.sql"), "utf8"));
      // The release before kept the bot's last run day (the 27th: the 31st's run was killed) and the console's.
      expect(await db.setting("reminders.lastRunDay")).toBe("2024-12-27");
      expect(await db.setting("reminders.lastRunDay.console")).toBe("2024-12-30");
      const before = (await db.rows()).map(shape);
      await applyMigrations(db.url);

      // The upgraded bot starts on 2024-12-31 at 10:00, an hour after the killed run claimed its rows.
      const app = await tempApp({ at: "2024-12-31T10:00:00+08:00", env: { DATABASE_URL: db.url, DUBAN_DIRECTORY: join(FIXTURE, "directory.yaml") } });
      const sent: { room: string; key: string }[] = [];
      const sender = { send: async (rooms: string[], _reply: Reply, key: string) => void sent.push(...rooms.map((room) => ({ room, key }))) };
      const schedule = scheduleFor({ ...app, logger: quietLogger }, sender);
      reminderSchedulerFor({ ...app, logger: quietLogger }, sender, undefined, schedule);
      try {
        expect(await app.db.scheduleItem.count()).toBe(0); // a database from before the agenda
        const messages = runResults(await schedule.start());
        const carried = messages.flatMap((m) => m.reminderIds);
        expect(new Set(carried).size).toBe(carried.length);
        const delivered = new Set(before.filter((r) => r.deliveredAt !== null).map((r) => r.id));
        expect(carried.filter((id) => delivered.has(id))).toEqual([]);
        const waiting = before.filter((r) => r.deliveredAt === null).map((r) => r.id as number);
        expect(waiting.length).toBeGreaterThan(0);
        expect(waiting.filter((id) => !carried.includes(id))).toEqual([]);
        expect(sent).toHaveLength(messages.reduce((n, m) => n + m.rooms.length, 0));
        expect(new Set(sent.map((s) => `${s.key} ${s.room}`)).size).toBe(sent.length);
        expect(await app.db.notice.count({ where: { deliveredAt: null } })).toBe(0);
        expect(await app.repos.settings.get("reminders.lastRunDay")).toBe("2024-12-31");

        // The wake-ups of the rest of the day (runs, sweeps) and a restart send nothing more.
        const count = sent.length;
        for (const hhmm of ["10:05", "12:00", "16:30"]) {
          app.clock.set(zonedInstant("2024-12-31", hhmm));
          await schedule.wake();
        }
        await schedule.stop();
        const again = scheduleFor({ ...app, logger: quietLogger }, sender);
        reminderSchedulerFor({ ...app, logger: quietLogger }, sender, undefined, again);
        try {
          expect(runResults(await again.start())).toEqual([]);
        } finally {
          await again.stop();
        }
        expect(sent).toHaveLength(count);
      } finally {
        await schedule.stop();
        await app.dispose();
      }
    } finally {
      await db.drop();
    }
  }, 120_000);
});
