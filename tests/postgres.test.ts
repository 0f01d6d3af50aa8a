import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openApp, reminderSchedulerFor } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import {
  applyMigrations,
  createPostgresMigration,
  diffPostgresSchemaAgainstMigrations,
  POSTGRES_MIGRATIONS_DIR,
  POSTGRES_SCHEMA_PATH,
} from "../src/db/migrate.js";
import { isPostgresUrl, withDatabase, withPgClient } from "../src/db/postgres.js";
import { runDoctor } from "../src/ops/doctor.js";
import { RequestPendingError } from "../src/core/model.js";
import { instances, Leadership, takeOver } from "../src/ops/leadership.js";
import { DatabaseStorageProvider } from "../src/transports/matrix-storage.js";
import { SimpleFsStorageProvider } from "matrix-bot-sdk";
import type { Dump } from "../src/reports/dump.js";
import { postgresSchema } from "../scripts/prisma-generate.mjs";
import { freePort, POSTGRES_URL_ENV, startPostgres } from "./helpers/postgres-server.js";
import { recordScenario, ZHANG } from "./helpers/scenario.js";
import { freshDatabaseUrl, quietLogger, tempApp } from "./helpers/temp-app.js";

const ROOT = join(import.meta.dirname, "..");
const run = promisify(execFile);
/** `npx duban …` as a separate process, as an operator would run it. */
const duban = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1", DUBAN_NOW: "", ...env } });

describe("PostgreSQL: schema and migrations", () => {
  it("derives prisma/postgres/schema.prisma from prisma/schema.prisma (run npm run db:generate after a schema change)", () => {
    const derived = postgresSchema(readFileSync(join(ROOT, "prisma/schema.prisma"), "utf8"));
    expect(readFileSync(POSTGRES_SCHEMA_PATH, "utf8")).toBe(derived);
    expect(derived).toContain('provider = "postgresql"');
  });

  it("has committed migrations that bring a new database exactly to the schema (no drift)", async () => {
    expect(await diffPostgresSchemaAgainstMigrations(inject("postgresUrl"))).toBeNull();
  });

  it("finds the drift when the schema gains a column the migrations lack", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-pg-drift-"));
    try {
      const schemaPath = join(dir, "schema.prisma");
      writeFileSync(
        schemaPath,
        readFileSync(POSTGRES_SCHEMA_PATH, "utf8").replace("model Setting {\n  key   String @id", "model Setting {\n  note  String?\n  key   String @id"),
      );
      const diff = await diffPostgresSchemaAgainstMigrations(inject("postgresUrl"), { schemaPath });
      expect(diff).toMatch(/ALTER TABLE "Setting" ADD COLUMN\s+"note" TEXT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes the PostgreSQL migration for a schema change (npm run db:migration), after which there is no drift and it applies", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-pg-create-"));
    const db = await freshDatabaseUrl(dir, "postgres");
    try {
      const migrationsDir = join(dir, "migrations");
      cpSync(POSTGRES_MIGRATIONS_DIR, migrationsDir, { recursive: true });
      const schemaPath = join(dir, "schema.prisma");
      writeFileSync(
        schemaPath,
        readFileSync(POSTGRES_SCHEMA_PATH, "utf8").replace("model Setting {\n  key   String @id", "model Setting {\n  note  String?\n  key   String @id"),
      );
      const server = inject("postgresUrl");
      const created = await createPostgresMigration("Add setting note", server, { migrationsDir, schemaPath });
      expect(created?.path).toMatch(/\/\d{14}_add_setting_note$/);
      expect(readFileSync(join(created!.path, "migration.sql"), "utf8")).toMatch(/ALTER TABLE "Setting" ADD COLUMN\s+"note" TEXT/);
      expect(await diffPostgresSchemaAgainstMigrations(server, { migrationsDir, schemaPath })).toBeNull();
      expect(await createPostgresMigration("again", server, { migrationsDir, schemaPath })).toBeNull();
      // The template database has the committed migrations; the new one applies on top.
      expect((await applyMigrations(db.url, { migrationsDir, schemaPath })).applied).toEqual([created!.path.split("/").pop()]);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies migrations once, and refuses when an applied migration was edited afterwards", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-pg-mig-"));
    const db = await freshDatabaseUrl(dir, "postgres");
    try {
      // The template already has every migration.
      expect(await applyMigrations(db.url)).toEqual({ applied: [] });
      const edited = join(dir, "migrations");
      cpSync(POSTGRES_MIGRATIONS_DIR, edited, { recursive: true });
      const first = readFileSync(join(POSTGRES_MIGRATIONS_DIR, "migration_lock.toml"), "utf8");
      expect(first).toContain('provider = "postgresql"');
      const [init] = (await import("node:fs"))
        .readdirSync(edited)
        .filter((n) => /^\d{14}_/.test(n))
        .sort();
      writeFileSync(join(edited, init!, "migration.sql"), `${readFileSync(join(edited, init!, "migration.sql"), "utf8")}\n-- edited\n`);
      await expect(applyMigrations(db.url, { migrationsDir: edited })).rejects.toThrow(/has changed since/);
      // An older release (missing the newest migration) refuses a database a newer one migrated.
      const older = join(dir, "older");
      cpSync(POSTGRES_MIGRATIONS_DIR, older, { recursive: true });
      const newest = (await import("node:fs"))
        .readdirSync(older)
        .filter((n) => /^\d{14}_/.test(n))
        .sort()
        .at(-1)!;
      rmSync(join(older, newest), { recursive: true });
      await expect(applyMigrations(db.url, { migrationsDir: older })).rejects.toThrow(new RegExp(`does not know \\(${newest}\\).*newer version`));
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("chains audit entries written at the same moment by two processes, losing none", async () => {
    const app = await tempApp({ database: "postgres" });
    const other = await openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true });
    try {
      const actor = (id: string) => ({ id, unit: null, transport: "test", room: null, eventId: null });
      const before = await app.db.auditLog.count();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? app : other).repos.audit.append({ at: app.clock.now(), actor: actor(`@w${i}:bureau.local`), action: "test-concurrent" }),
        ),
      );
      expect(await app.db.auditLog.count()).toBe(before + 20);
      expect(await app.repos.audit.verify()).toMatchObject({ ok: true, firstBroken: null });
    } finally {
      await other.close();
      await app.dispose();
    }
  });

  it("lets exactly one of two processes claim a new week's digest when both create it at once", async () => {
    const app = await tempApp({ database: "postgres" });
    const other = await openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true });
    try {
      const at = app.clock.now();
      const stale = new Date(at.getTime() - 20 * 60_000);
      for (let w = 0; w < 20; w++) {
        const week = `2030-01-${String(w + 1).padStart(2, "0")}`;
        const [a, b] = await Promise.all([app.repos.digests.claim(week, "a", at, stale), other.repos.digests.claim(week, "b", at, stale)]);
        expect([a.claimed, b.claimed].filter(Boolean), week).toHaveLength(1);
      }
      // The same for marking a chat event handled.
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? app : other).repos.events.markHandled(`$race${i >> 1}`, "room", at)));
      expect(await app.db.processedEvent.count({ where: { eventId: { startsWith: "$race" } } })).toBe(10);
    } finally {
      await other.close();
      await app.dispose();
    }
  });

  it("takes one request per task and kind when two processes ask at the same moment, as on SQLite", async () => {
    const app = await tempApp({ database: "postgres" });
    const other = await openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true });
    try {
      const actor = { id: ZHANG, unit: "刑侦大队", transport: "test", room: null, eventId: null };
      for (const number of [4, 5, 6, 7, 9, 10]) {
        const task = (await app.repos.plans.task((await app.repos.plans.currentPlan())!.id, number))!;
        const ask = (x: typeof app | typeof other) =>
          x.repos.requests.create({ taskId: task.id, kind: "completion", note: "两名民警已入选", deadline: null, link: null, actor, at: app.clock.now() }).then(
            () => "created",
            (e: unknown) => (e instanceof RequestPendingError ? "pending" : Promise.reject(e)),
          );
        expect((await Promise.all([ask(app), ask(other)])).sort(), `任务${number}`).toEqual(["created", "pending"]);
        expect(await app.db.request.count({ where: { taskId: task.id, state: "pending" } })).toBe(1);
      }
      expect((await app.repos.audit.verify()).ok).toBe(true);
    } finally {
      await other.close();
      await app.dispose();
    }
  });

  it("keeps the audit log append-only: the database refuses UPDATE, DELETE and TRUNCATE", async () => {
    const app = await tempApp({ database: "postgres" });
    try {
      await app.say("任务6进展：初审 30%", { sender: ZHANG, room: "xingzhen" });
      expect(await app.db.auditLog.count()).toBeGreaterThan(0);
      for (const sql of [`UPDATE "AuditLog" SET "actor" = 'x'`, `DELETE FROM "AuditLog"`, `TRUNCATE "AuditLog"`])
        await expect(app.db.$executeRawUnsafe(sql), sql).rejects.toThrow(/AuditLog is append-only/);
      expect((await app.repos.audit.verify()).ok).toBe(true);
    } finally {
      await app.dispose();
    }
  });
});

describe("PostgreSQL: moving the data over from SQLite", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-pg-move-"));
  let target: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let sqliteUrl: string;
  let source: Dump;

  beforeAll(async () => {
    // The SQLite database the bureau has been running on: a row in every table.
    const app = await tempApp({ at: "2024-12-20T10:00:00+08:00", database: "sqlite" });
    await recordScenario(app);
    sqliteUrl = `file:${join(dir, "duban.db")}`;
    await app.close();
    cpSync(join(app.dir, "duban.db"), join(dir, "duban.db"));
    await app.dispose();
    // The target sorts text as most servers do (ICU, en-US), not byte by byte as SQLite and the test template do.
    const server = inject("postgresUrl");
    const name = `duban_move_${process.pid}`;
    await withPgClient(server, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`));
    target = {
      url: withDatabase(server, name),
      drop: () => withPgClient(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
    };
  });

  afterAll(async () => {
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("carries everything over with export --format json and import --dump, byte for byte, then runs on it", async () => {
    expect(isPostgresUrl(target.url)).toBe(true);
    const out = join(dir, "duban.json");
    await duban({ DATABASE_URL: sqliteUrl, DUBAN_EXPORT_DIR: join(dir, "exports") }, "export", "--format", "json", "--out", out);
    const loaded = await duban({ DATABASE_URL: target.url }, "import", "--dump", out);
    expect(loaded.stdout).toMatch(/已从 .* 导入 \d+ 行数据/);
    const back = join(dir, "back.json");
    await duban({ DATABASE_URL: target.url, DUBAN_EXPORT_DIR: join(dir, "exports") }, "export", "--format", "json", "--out", back);
    const before = readFileSync(out, "utf8");
    expect(readFileSync(back, "utf8")).toBe(before);
    source = JSON.parse(before) as Dump;
    for (const [table, rows] of Object.entries(source.tables)) expect(rows.length, table).toBeGreaterThan(0);

    // A second load is refused: the database is no longer empty.
    await expect(duban({ DATABASE_URL: target.url }, "import", "--dump", out)).rejects.toMatchObject({ stderr: expect.stringContaining("目标数据库不是空的") });

    // The bot then runs on PostgreSQL: new rows continue after the loaded ids, and the audit chain goes on.
    const clock = fixedClock(new Date("2025-01-10T10:00:00+08:00"));
    const bot = await openApp(
      readConfig({
        DATABASE_URL: target.url,
        DUBAN_DEMO: "true",
        DUBAN_RATE_LIMIT: "0",
        DUBAN_EXPORT_DIR: join(dir, "exports"),
        DUBAN_EVIDENCE_DIR: join(dir, "evidence"),
      }),
      clock,
      { logger: quietLogger, quiet: true },
    );
    try {
      const head = (await bot.repos.audit.verify()).head;
      const maxUpdate = Math.max(...source.tables.Update.map((u) => u.id));
      const maxAudit = Math.max(...source.tables.AuditLog.map((a) => a.id));
      const msg = (text: string, eventId: string) =>
        bot.bot.handle({ transport: "test", room: "xingzhen", sender: ZHANG, text, isDirect: true, mentionsBot: true, eventId });
      // An event handled before the move is still known as handled.
      await msg("任务6进展：初审 30%", "$a");
      expect(await bot.db.update.count()).toBe(source.tables.Update.length);
      const r = await msg("任务4进展：材料已收齐 80%", "$after-move");
      expect(r.replies[0]!.text).toContain("已记录任务4");
      expect((await bot.db.update.findUniqueOrThrow({ where: { eventId: "$after-move" } })).id).toBe(maxUpdate + 1);
      const entry = await bot.db.auditLog.findFirstOrThrow({ orderBy: { id: "desc" } });
      expect(entry).toMatchObject({ id: maxAudit + 1, action: "update", prevHash: head });
      expect(await bot.repos.audit.verify()).toMatchObject({ ok: true, checked: source.tables.AuditLog.length + 1 });
      expect(
        (await bot.bot.handle({ transport: "test", room: "console", sender: "@kejiban:bureau.local", text: "任务4", isDirect: true, mentionsBot: true }))
          .replies[0]!.text,
      ).toContain("80%");
    } finally {
      await bot.close();
    }
  });

  it("doctor checks PostgreSQL: migrations, the audit chain, the plan's units; backup and restore point to pg_dump", async () => {
    const checks = await runDoctor(readConfig({ DATABASE_URL: target.url, DUBAN_DEMO: "true" }));
    const database = checks.find((c) => c.name.startsWith("数据库"))!;
    expect(database).toMatchObject({ status: "ok" });
    expect(database.detail).toMatch(/^PostgreSQL \d+/);
    expect(database.detail).toContain("审计链完整");
    expect(database.detail).not.toContain(new URL(target.url).password);
    expect(checks.find((c) => c.name.startsWith("名录"))?.status).toBe("ok");
    expect(checks.find((c) => c.name.startsWith("实例"))).toMatchObject({
      status: "skip",
      detail: expect.stringContaining("没有正在运行的 Matrix 机器人实例"),
    });
    await expect(duban({ DATABASE_URL: target.url }, "backup", join(dir, "x.db"))).rejects.toMatchObject({ stderr: expect.stringContaining("pg_dump") });
    await expect(duban({ DATABASE_URL: target.url }, "restore", join(dir, "x.db"))).rejects.toMatchObject({ stderr: expect.stringContaining("pg_restore") });
  });

  it("backs up and restores the crypto store alone (--crypto-only), beside pg_dump's file, with the device recorded in PostgreSQL", async () => {
    const store = join(dir, "pg.crypto");
    const child = join(ROOT, "tests/helpers/crypto-backup-child.ts");
    const seeded = await run(process.execPath, ["--import", "tsx", child, "seed", store, join(dir, "pg-event.json")], { cwd: ROOT });
    const identity = (JSON.parse(seeded.stdout.trim().split("\n").at(-1)!) as { identity: { ed25519: string } }).identity;
    await withPgClient(target.url, (c) =>
      c.query(`INSERT INTO "Setting" ("key", "value") VALUES ('matrix.crypto.device', $1) ON CONFLICT ("key") DO UPDATE SET "value" = $1`, [
        JSON.stringify(identity),
      ]),
    );
    const env = {
      DATABASE_URL: target.url,
      DUBAN_DEMO: "true",
      DUBAN_CRYPTO_STORE_DIR: store,
      MATRIX_HOMESERVER_URL: "http://127.0.0.1:9",
      MATRIX_ACCESS_TOKEN: "x",
    };
    const dump = join(dir, "duban.dump");
    const backup = await duban(env, "backup", "--crypto-only", dump);
    expect(backup.stdout).toContain(`加密存储已一并备份到 ${dump}.crypto，设备指纹 ${identity.ed25519.match(/.{1,4}/g)!.join(" ")} 已核对`);
    expect(backup.stdout).toContain("pg_dump");
    rmSync(store, { recursive: true });
    rmSync(`${store}.key`);
    const restored = await duban(env, "restore", "--crypto-only", dump);
    expect(restored.stdout).toContain(`加密存储已从备份恢复到 ${store}`);
    const after = await run(process.execPath, ["--import", "tsx", child, "decrypt", store, join(dir, "pg-event.json")], { cwd: ROOT });
    expect(JSON.parse(after.stdout.trim().split("\n").at(-1)!)).toMatchObject({ identity, body: "任务6 完成80%" });
  });
});

describe("PostgreSQL: several instances, one active", () => {
  const silent = { info() {}, warn() {}, error() {} };
  let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  const dir = mkdtempSync(join(tmpdir(), "duban-pg-lead-"));
  beforeAll(async () => {
    db = await freshDatabaseUrl(dir, "postgres");
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the lock to one instance; the other stands by and takes over when it is released or its session dies", async () => {
    const opts = (instance: string) => ({ url: db.url, instance, failoverSeconds: 3, logger: silent });
    const a = await Leadership.acquire(opts("A"));
    const stop = new AbortController();
    let bTook: Leadership | null = null;
    const b = Leadership.acquire(opts("B"), stop.signal).then((l) => (bTook = l));
    await new Promise((r) => setTimeout(r, 1200));
    expect(bTook).toBeNull();
    const seen = await withPgClient(db.url, (c) => instances(c));
    expect(seen.active?.instance).toBe("A");
    expect(seen.standby.map((s) => s.instance)).toEqual(["B"]);

    // A's session is killed from outside, as when its machine is lost: A learns it lost the role, and B takes over.
    const started = Date.now();
    await withPgClient(db.url, (c) => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'duban active A'"));
    await expect(a.lost).resolves.toBeInstanceOf(Error);
    const took = await b;
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await withPgClient(db.url, (c) => instances(c))).active?.instance).toBe("B");

    // A third stands by; B stops cleanly and the third takes over at its next poll.
    const c3 = Leadership.acquire(opts("C"));
    await new Promise((r) => setTimeout(r, 300));
    await took.release();
    const third = await c3;
    expect((await withPgClient(db.url, (c) => instances(c))).active?.instance).toBe("C");
    await third.release();
    stop.abort();
  });

  it("a standby that stops while waiting gives up with an error and holds nothing", async () => {
    const holder = await Leadership.acquire({ url: db.url, instance: "H", failoverSeconds: 3, logger: silent });
    const stop = new AbortController();
    const waiting = Leadership.acquire({ url: db.url, instance: "W", failoverSeconds: 3, logger: silent }, stop.signal);
    setTimeout(() => stop.abort(), 200);
    await expect(waiting).rejects.toThrow(/stopped while standing by/);
    expect((await withPgClient(db.url, (c) => instances(c))).standby).toEqual([]);
    await holder.release();
  });

  it("keeps the Matrix sync position in the database, where the next active instance reads it", async () => {
    const app = await tempApp({ database: "postgres" });
    try {
      const first = new DatabaseStorageProvider(app.repos.settings);
      expect(await first.getSyncToken()).toBeNull();
      await first.setSyncToken("s72594_4483_1934");
      await first.setFilter({ id: 7, filter: { room: { timeline: { limit: 100 } } } });
      await first.storeValue("sync_count", "3");
      // Another process on the same database: a fresh provider over its own connection.
      const other = await openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true });
      try {
        const next = new DatabaseStorageProvider(other.repos.settings);
        expect(await next.getSyncToken()).toBe("s72594_4483_1934");
        expect(await next.getFilter()).toEqual({ id: 7, filter: { room: { timeline: { limit: 100 } } } });
        expect(await next.readValue("sync_count")).toBe("3");
        await next.setSyncToken(null);
        expect(await first.getSyncToken()).toBeNull();
        // Moving from SQLite: the sync file's position is taken once, when the database has none.
        const file = join(app.dir, "duban.db.matrix-sync.json");
        const old = new SimpleFsStorageProvider(file);
        old.setSyncToken("s1000_old_file");
        old.setFilter({ id: 3, filter: { room: { timeline: { limit: 100 } } } });
        expect(await next.seedFrom(join(app.dir, "missing.json"))).toBe(false);
        expect(await next.seedFrom(file)).toBe(true);
        expect(await first.getSyncToken()).toBe("s1000_old_file");
        expect(await first.getFilter()).toEqual({ id: 3, filter: { room: { timeline: { limit: 100 } } } });
        await first.setSyncToken("s1001_newer");
        expect(await next.seedFrom(file)).toBe(false);
        expect(await first.getSyncToken()).toBe("s1001_newer");
      } finally {
        await other.close();
      }
    } finally {
      await app.dispose();
    }
  });

  it("a new active instance sends what the lost one had claimed and not sent, and nothing it had sent", async () => {
    const app = await tempApp({ database: "postgres", at: "2024-12-31T10:00:00+08:00" });
    const day = "2024-12-31";
    // The active instance A: it sends its first message, then hangs in the second send, as if its machine died there.
    const a = await openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true, instance: "A#1" });
    const b = await openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true, instance: "B#2" });
    try {
      expect((await takeOver(a.repos, "A#1", app.clock.now())).previous).toBeNull();
      const sentByA: string[] = [];
      let hung!: () => void;
      const stuck = new Promise<void>((r) => (hung = r));
      void a.reminders.service.run([day], app.clock.now(), {
        send: async (rooms) => {
          if (sentByA.length > 0) {
            hung();
            return new Promise<void>(() => {});
          }
          sentByA.push(rooms.join(","));
        },
      });
      await stuck;
      const claimed = await app.db.notice.count({ where: { deliveredAt: null, claimToken: { startsWith: "A#1/" } } });
      expect(claimed).toBeGreaterThan(0);

      // B takes over: A's claims are freed, and B's run sends the rest, each unit's message once.
      const took = await takeOver(b.repos, "B#2", app.clock.now());
      expect(took).toMatchObject({ previous: "A#1", reminders: claimed });
      const sentByB: string[] = [];
      const messages = await b.reminders.service.run([day], app.clock.now(), { send: async (rooms) => void sentByB.push(rooms.join(",")) });
      expect(sentByB.length).toBe(messages.filter((m) => m.rooms.length > 0).length);
      expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
      const units = await app.db.notice.findMany({ where: { reminders: { some: {} } }, distinct: ["unit"], select: { unit: true } });
      expect(sentByA.length + messages.length).toBe(units.length);
      // Restarted under the same name, B is a new process with a new owner: its own dead claims are freed too.
      expect((await takeOver(b.repos, "B#3", app.clock.now())).previous).toBe("B#2");
      expect(await takeOver(b.repos, "B#3", app.clock.now())).toMatchObject({ previous: null });
    } finally {
      await a.close();
      await b.close();
      await app.dispose();
    }
  });

  it("a new active instance's first sweep sends what the lost one claimed after the day's run was recorded (lost mid-sweep)", async () => {
    const app = await tempApp({ database: "postgres", at: "2024-12-31T10:00:00+08:00" });
    const day = "2024-12-31";
    try {
      // A had run the day (recorded) and was lost in a sweep, holding 刑侦大队's reminders.
      const rows = (await app.reminders.service.dueRows([day])).filter((r) => r.unit === "刑侦大队");
      await app.repos.reminders.insertClaimed(rows, "A#1/sweep", app.clock.now(), new Map());
      await app.repos.settings.set("reminders.lastRunDay", day);
      await app.repos.settings.set("instance.active", JSON.stringify({ owner: "A#1", instance: "A", since: app.clock.now().toISOString() }));
      app.clock.advance(60_000);
      expect(await takeOver(app.repos, "B#2", app.clock.now())).toMatchObject({ previous: "A#1", reminders: 1 }); // its one notice
      const sent: string[] = [];
      const scheduler = reminderSchedulerFor({ ...app, logger: quietLogger }, { send: async (rooms) => void sent.push(rooms.join(",")) });
      try {
        expect(await scheduler.start()).toEqual([]);
        expect((await scheduler.sweep()).map((m) => m.unit)).toEqual(["刑侦大队"]);
      } finally {
        await scheduler.stop();
      }
      expect(sent).toEqual(["xingzhen"]);
      expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
    } finally {
      await app.dispose();
    }
  });

  it("frees the claims of a lost instance, and only those", async () => {
    const app = await tempApp({ database: "postgres", at: "2024-12-31T10:00:00+08:00" });
    try {
      await app.reminders.service.run(["2024-12-31"], app.clock.now(), null);
      const rows = await app.db.notice.findMany({ orderBy: { id: "asc" } });
      expect(rows.length).toBeGreaterThan(3);
      await app.db.notice.update({ where: { id: rows[0]!.id }, data: { claimToken: "host-a:1/uuid-1", claimedAt: app.clock.now() } });
      await app.db.notice.update({ where: { id: rows[1]!.id }, data: { claimToken: "host-a:12/uuid-2", claimedAt: app.clock.now() } });
      await app.db.notice.update({
        where: { id: rows[2]!.id },
        data: { claimToken: "host-a:1/uuid-3", claimedAt: app.clock.now(), deliveredAt: app.clock.now() },
      });
      expect(await app.repos.reminders.releaseClaims("host-a:1/")).toBe(1);
      // "_" in a name is a letter, not LIKE's any-character: host_a:12 is not host-a:12.
      expect(await app.repos.reminders.releaseClaims("host_a:12/")).toBe(0);
      const after = await app.db.notice.findMany({ where: { id: { in: rows.slice(0, 3).map((r) => r.id) } }, orderBy: { id: "asc" } });
      expect(after.map((r) => r.claimToken)).toEqual([null, "host-a:12/uuid-2", "host-a:1/uuid-3"]);
      await app.db.digest.create({ data: { week: "2024-12-30", createdAt: app.clock.now(), claimToken: "host-a:1/x", claimedAt: app.clock.now() } });
      expect(await app.repos.digests.releaseClaims("host-a:1/")).toBe(1);
      expect((await app.db.digest.findUniqueOrThrow({ where: { week: "2024-12-30" } })).claimToken).toBeNull();
    } finally {
      await app.dispose();
    }
  });
});

describe("PostgreSQL for the tests", () => {
  it("fails, saying why, when the server named by DUBAN_TEST_POSTGRES_URL cannot be reached: never skipped", async () => {
    const saved = process.env[POSTGRES_URL_ENV];
    process.env[POSTGRES_URL_ENV] = `postgresql://postgres:secret@127.0.0.1:${await freePort()}/postgres`;
    try {
      const failure = startPostgres();
      await expect(failure).rejects.toThrow(/cannot be reached.*never skipped/s);
      await expect(failure).rejects.not.toThrow(/secret/);
    } finally {
      if (saved === undefined) delete process.env[POSTGRES_URL_ENV];
      else process.env[POSTGRES_URL_ENV] = saved;
    }
  });

  it("runs this project on a real server", async () => {
    const version = await withPgClient(inject("postgresUrl"), async (c) => (await c.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v);
    expect(version).toMatch(/^PostgreSQL \d+/);
  });
});
