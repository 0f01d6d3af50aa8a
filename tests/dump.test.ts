import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApp, type App } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import { applyMigrations } from "../src/db/migrate.js";
import { openPrisma } from "../src/db/prisma-client.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import {
  checkDumpCoversSchema,
  DUMP_FORMAT,
  DERIVED_MODELS,
  DUMP_TABLE_ORDER,
  DUMP_TABLES,
  DUMP_VERSION,
  dumpDatabase,
  dumpedColumns,
  loadDump,
  type Dump,
} from "../src/reports/dump.js";
import { prismaRepositories } from "../src/repositories/index.js";
import { quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";
import { reminderRows } from "./helpers/reminder-rows.js";
import { recordScenario, ZHANG } from "./helpers/scenario.js";

const ROOT = join(import.meta.dirname, "..");

/** A fresh SQLite file with every migration applied and nothing else: no plan, no rows. */
async function emptyDatabase(dir: string, name: string): Promise<{ url: string; db: PrismaClient }> {
  const url = `file:${join(dir, name)}`;
  await applyMigrations(url);
  return { url, db: await openPrisma(url) };
}

async function rowCounts(db: PrismaClient): Promise<Record<string, number>> {
  const dump = await dumpDatabase(db);
  return Object.fromEntries(Object.entries(dump.tables).map(([t, rows]) => [t, rows.length]));
}

/** A dump as parsed JSON, loosely typed so that a case can break it on purpose. */
type LooseDump = { tables: Record<string, Record<string, unknown>[]>; [field: string]: unknown };
const clone = (d: Dump) => JSON.parse(JSON.stringify(d)) as LooseDump;
/** Row `i` of `table` (negative counts from the end), to change or delete a field in. */
const rowOf = (d: LooseDump, table: string, i: number) => d.tables[table]!.at(i)!;

describe("database dump and load", () => {
  let app: TempApp;
  let dir: string;
  let loaded: { url: string; db: PrismaClient };
  let dump1: Dump;
  let json1: string;

  beforeAll(async () => {
    app = await tempApp({ at: "2024-12-20T10:00:00+08:00" });
    dir = mkdtempSync(join(tmpdir(), "duban-dump-"));
    await recordScenario(app);

    dump1 = await dumpDatabase(app.db);
    json1 = JSON.stringify(dump1);
    loaded = await emptyDatabase(dir, "loaded.db");
  });

  afterAll(async () => {
    await loaded?.db.$disconnect();
    await app?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("holds every table, every column and the ids, with DateTime as ISO strings and no moment of the dump", () => {
    expect(dump1.format).toBe(DUMP_FORMAT);
    expect(dump1.version).toBe(DUMP_VERSION);
    expect(Object.keys(dump1)).toEqual(["format", "version", "tables"]);
    expect(Object.keys(dump1.tables)).toEqual(DUMP_TABLE_ORDER);
    for (const [table, rows] of Object.entries(dump1.tables)) {
      expect(rows.length, `${table} should have rows in this test`).toBeGreaterThan(0);
      for (const row of rows) expect(Object.keys(row)).toEqual(dumpedColumns(table as keyof typeof DUMP_TABLES).map(([name]) => name));
    }
    const updates = dump1.tables.Update;
    expect(updates.map((u) => u.id)).toEqual([...updates.map((u) => u.id)].sort((a, b) => a - b));
    expect(updates.find((u) => u.eventId === "$b")?.retractedAt).toBe("2024-12-20T02:02:00.000Z");
    const edited = updates.find((u) => u.eventId === "$orig")!;
    expect(edited).toMatchObject({ text: "材料已报送市局 55%", percent: 55 });
    expect(edited.editedAt).toMatch(/Z$/);
    expect(JSON.parse(edited.revisions)).toHaveLength(1);
    expect(dump1.tables.Request.map((r) => [r.kind, r.state])).toEqual([
      ["completion", "approved"],
      ["extension", "approved"],
    ]);
    expect(dump1.tables.PendingUpdate.some((p) => p.resolvedAt === null)).toBe(true);
    expect(dump1.tables.Notice.some((r) => r.deliveredAt === null)).toBe(true);
    expect(dump1.tables.Notice.some((r) => r.deliveredAt !== null)).toBe(true);
    expect(dump1.tables.Reminder.every((r) => dump1.tables.Notice.some((n) => n.id === r.noticeId))).toBe(true);
    expect(dump1.tables.AuditLog.some((a) => a.outcome === "refused")).toBe(true);
    expect(dump1.tables.Setting.map((s) => s.key)).toEqual([...dump1.tables.Setting.map((s) => s.key)].sort());
    expect(dump1.tables.ProcessedEvent.length).toBeGreaterThan(1300);
    expect(dump1.tables.Digest.map((d) => d.week)).toEqual(["2024-12-30", "2025-01-06"]);
    const tu = dump1.tables.TaskUnit.map((r) => [r.taskId, r.role, r.position] as const);
    expect(tu).toEqual([...tu].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2]));
  });

  it("is the same byte for byte when taken twice", async () => {
    expect(JSON.stringify(await dumpDatabase(app.db))).toBe(json1);
  });

  it("refuses to load into a database that is not empty, and changes nothing there", async () => {
    const counts = dump1.tables;
    await expect(loadDump(app.db, clone(dump1))).rejects.toThrow(
      `目标数据库不是空的：已有 ${counts.Plan.length} 个计划、${counts.Update.length} 条进展、${counts.AuditLog.length} 条留痕`,
    );
    await expect(loadDump(app.db, clone(dump1))).rejects.toThrow(/导入已取消/);
    expect(JSON.stringify(await dumpDatabase(app.db))).toBe(json1);
  });

  it("loads into an empty database, and a second dump of it is identical", async () => {
    const total = Object.values(dump1.tables).reduce((n, rows) => n + rows.length, 0);
    // Through JSON text, as a dump file would be read.
    expect(await loadDump(loaded.db, JSON.parse(json1))).toEqual({ rows: total });
    const dump2 = await dumpDatabase(loaded.db);
    expect(JSON.stringify(dump2)).toBe(json1);
  });

  it("stores each occurrence slim (unit, and createdAt and dueOn where they are its notice's, only on the notice) and dumps it back as it was", async () => {
    // One occurrence with a day and an instant of its own, as a catch-up's earlier day or a row from before slim occurrences keeps them.
    const d = JSON.parse(json1) as LooseDump;
    const own = rowOf(d, "Reminder", 0);
    own.dueOn = "2024-12-02";
    own.createdAt = "2024-12-02T01:00:00.000Z";
    const target = await emptyDatabase(dir, "slim.db");
    try {
      await loadDump(target.db, structuredClone(d));
      const columns = (await target.db.$queryRawUnsafe<{ name: string }[]>(`PRAGMA table_info("Reminder")`)).map((c) => c.name);
      expect(columns).not.toContain("unit");
      const stored = await target.db.$queryRawUnsafe<{ id: number; createdAt: string | null; dueOn: string | null }[]>(
        `SELECT "id", "createdAt", "dueOn" FROM "Reminder" ORDER BY "id"`,
      );
      expect(stored).toHaveLength(d.tables.Reminder!.length);
      expect(stored[0]).toMatchObject({ id: own.id, dueOn: "2024-12-02" });
      expect(new Date(String(stored[0]!.createdAt)).toISOString()).toBe("2024-12-02T01:00:00.000Z");
      expect(stored.slice(1).every((r) => r.createdAt === null && r.dueOn === null)).toBe(true);
      expect(JSON.stringify(await dumpDatabase(target.db))).toBe(JSON.stringify(d));
    } finally {
      await target.db.$disconnect();
    }
  });

  it("loads a version 1 dump (from before plan codes): the plans get codes when the app next opens the database", async () => {
    const v1 = JSON.parse(json1) as { version: number; tables: { Plan: Record<string, unknown>[] } };
    v1.version = 1;
    for (const p of v1.tables.Plan) for (const c of ["code", "archivedAt", "archivedBy", "archiveReason"]) delete p[c];
    const old = await emptyDatabase(dir, "v1.db");
    try {
      await loadDump(old.db, v1);
      expect((await old.db.plan.findMany()).map((p) => p.code)).toEqual([null]);
      await prismaRepositories(old.db).plans.ensureCodes();
      expect((await old.db.plan.findMany()).map((p) => p.code)).toEqual(["科技兴警"]);
    } finally {
      await old.db.$disconnect();
    }
  });

  it("loads a dump from before the reminder kind 'report' became 'report-due' with the new kind and keys, so nothing is sent twice", async () => {
    const old = JSON.parse(json1) as { tables: { Reminder: Record<string, unknown>[]; Notice: Record<string, unknown>[] } };
    const delivered = new Map(old.tables.Notice.filter((n) => n.deliveredAt !== null).map((n) => [n.id, n.deliveredAt] as const));
    const template = old.tables.Reminder.find((r) => r.taskId !== null && delivered.has(r.noticeId))!;
    const id = Math.max(...old.tables.Reminder.map((r) => Number(r.id))) + 1;
    const row: Record<string, unknown> = { ...template, id, kind: "report", occurrence: "2024-11-25", dueOn: "2024-11-25" };
    old.tables.Reminder.push({ ...row, key: `${row.taskId}:${row.unit}:report:2024-11-25` });
    const target = await emptyDatabase(dir, "before-report-due.db");
    try {
      await loadDump(target.db, old);
      const loadedRow = await target.db.reminder.findUniqueOrThrow({ where: { id }, include: { notice: true } });
      expect(loadedRow).toMatchObject({ kind: "report-due", key: `${row.taskId}:${row.unit}:report-due:2024-11-25` });
      expect(loadedRow.notice.deliveredAt).toEqual(new Date(String(delivered.get(template.noticeId))));
      expect(await target.db.reminder.count({ where: { kind: "report" } })).toBe(0);
    } finally {
      await target.db.$disconnect();
    }
  });

  it("loads a dump from before notices (version 2) with each message's rows as one notice, every occurrence's delivery intact", async () => {
    // Today's dump taken back to version 2: each Reminder row carries its notice's delivery and claim, no Notice table.
    const v3 = JSON.parse(json1) as { tables: Record<string, Record<string, unknown>[]> };
    const notices = new Map(v3.tables.Notice!.map((n) => [n.id, n] as const));
    const { Notice: _, ...tables } = v3.tables;
    // One message reached a room after a failed one: the rooms it reached were kept, as the release before did.
    const retried = v3.tables.Notice!.find((n) => n.deliveredAt !== null)!;
    retried.deliveredRooms = JSON.stringify(["xingzhen"]);
    const rows = tables.Reminder!.map(({ noticeId, note, ...r }) => {
      const n = notices.get(noticeId)!;
      return {
        ...r,
        deliveredAt: n.deliveredAt,
        attempts: n.attempts,
        lastError: note ?? n.lastError,
        claimToken: n.claimToken,
        claimedAt: n.claimedAt,
        deliveredRooms: n.deliveredRooms,
      };
    });
    const target = await emptyDatabase(dir, "before-notices.db");
    try {
      await loadDump(target.db, structuredClone({ format: "duban-dump", version: 2, tables: { ...tables, Reminder: rows } }));
      const flat = await reminderRows(target.db);
      const view = (r: Record<string, unknown>) => ({ ...r, deliveredAt: r.deliveredAt === null ? null : new Date(String(r.deliveredAt)) });
      const keep = ["id", "key", "unit", "kind", "occurrence", "deliveredAt", "attempts", "lastError", "deliveredRooms"] as const;
      const pick = (r: Record<string, unknown>) => Object.fromEntries(keep.map((k) => [k, r[k]]));
      expect(flat.map(pick)).toEqual(rows.map(view).map(pick));
      // A unit's rows delivered together are one notice again; where it was addressed was never recorded before notices.
      expect(await target.db.notice.count()).toBeLessThan(rows.length);
      expect(await target.db.notice.count({ where: { rooms: { not: "[]" } } })).toBe(0);
    } finally {
      await target.db.$disconnect();
    }
  });

  it("loads the release before notices' own dump into the notices and occurrences its migrated database holds", async () => {
    // tests/fixtures/reminders-before-notices: dump.json is what that release's `duban dump` wrote of the database
    // sqlite.sql holds; that database is built at that release's last migration and the notices migration applied.
    const fixture = join(import.meta.dirname, "fixtures/reminders-before-notices");
    const migrations = join(import.meta.dirname, "../prisma/migrations");
    const previous = join(dir, "previous-migrations");
    mkdirSync(previous, { recursive: true });
    const names = readdirSync(migrations);
    const notices = names.find((n) => n.endsWith("_notices"))!;
    for (const name of names.filter((n) => /^\d+_/.test(n) && n < notices)) cpSync(join(migrations, name), join(previous, name), { recursive: true });
    cpSync(join(migrations, "migration_lock.toml"), join(previous, "migration_lock.toml"));
    const migratedUrl = `file:${join(dir, "previous-release.db")}`;
    await applyMigrations(migratedUrl, { migrationsDir: previous });
    const raw = new Database(join(dir, "previous-release.db"));
    raw.exec(readFileSync(join(fixture, "sqlite.sql"), "utf8"));
    raw.close();
    expect((await applyMigrations(migratedUrl)).applied).toEqual([expect.stringMatching(/_notices$/), expect.stringMatching(/_slim_occurrences$/)]);

    const dump = JSON.parse(readFileSync(join(fixture, "dump.json"), "utf8")) as { version: number; tables: Record<string, unknown[]> };
    expect(dump.version).toBe(2);
    expect("Notice" in dump.tables).toBe(false);
    const target = await emptyDatabase(dir, "previous-release-dump.db");
    const migrated = await openPrisma(migratedUrl);
    try {
      await loadDump(target.db, dump);
      const fromDump = (await dumpDatabase(target.db)).tables;
      const fromMigration = (await dumpDatabase(migrated)).tables;
      expect(fromDump.Notice!.length).toBeGreaterThan(1);
      expect(fromDump.Reminder).toHaveLength(dump.tables.Reminder!.length);
      expect(fromDump.Notice).toEqual(fromMigration.Notice);
      expect(fromDump.Reminder).toEqual(fromMigration.Reminder);
      expect(fromDump).toEqual(fromMigration);
    } finally {
      await target.db.$disconnect();
      await migrated.$disconnect();
    }
  });

  it("loads a dump from before target requests: each pending question was an update asked about", async () => {
    const old = JSON.parse(json1) as { tables: { PendingUpdate: Record<string, unknown>[] } };
    const at = "2024-12-20T02:00:00.000Z";
    old.tables.PendingUpdate.push({
      id: 900,
      eventId: "$old-question",
      room: "xingzhen",
      authorId: ZHANG,
      transport: "test",
      text: "任务6 两名民警的材料",
      segments: "[]",
      candidates: "[]",
      createdAt: at,
      expiresAt: at,
      resolvedAt: null,
      resolution: null,
      resolvedBy: null,
    });
    const target = await emptyDatabase(dir, "before-target-requests.db");
    try {
      await loadDump(target.db, old);
      expect(await target.db.pendingUpdate.findUniqueOrThrow({ where: { id: 900 } })).toMatchObject({ kind: "update", request: null });
    } finally {
      await target.db.$disconnect();
    }
  });

  it("keeps the audit chain intact, and continues the id sequences after the loaded ids", async () => {
    const before = await app.repos.audit.verify();
    const after = await prismaRepositories(loaded.db).audit.verify();
    expect(after).toEqual(before);
    expect(after).toMatchObject({ ok: true, checked: dump1.tables.AuditLog.length, firstBroken: null });
    const seq = await loaded.db.$queryRawUnsafe<{ name: string; seq: number | bigint }[]>("SELECT name, seq FROM sqlite_sequence");
    const bySeq = new Map(seq.map((r) => [r.name, Number(r.seq)]));
    for (const table of DUMP_TABLE_ORDER.filter((t) => DUMP_TABLES[t].autoincrement)) {
      const rows = dump1.tables[table] as { id: number }[];
      expect(bySeq.get(table), table).toBe(Math.max(...rows.map((r) => r.id)));
    }
    await expect(loadDump(loaded.db, JSON.parse(json1))).rejects.toThrow(/目标数据库不是空的/);
  });

  it("runs as the bot's database afterwards: a new update gets a fresh id and extends the audit chain", async () => {
    await loaded.db.$disconnect();
    const clock = fixedClock(new Date("2025-01-10T10:00:00+08:00"));
    const config = readConfig({ DATABASE_URL: loaded.url, DUBAN_DEMO: "true", DUBAN_RATE_LIMIT: "0" });
    let bot: App | undefined;
    try {
      bot = await openApp(config, clock, { logger: quietLogger, quiet: true });
      const head = (await bot.repos.audit.verify()).head;
      const maxUpdate = Math.max(...dump1.tables.Update.map((u) => u.id));
      const maxAudit = Math.max(...dump1.tables.AuditLog.map((a) => a.id));
      const msg = (text: string, eventId: string) =>
        bot!.bot.handle({ transport: "test", room: "xingzhen", sender: ZHANG, text, isDirect: true, mentionsBot: true, eventId });
      // A redelivered event from before the dump is still known as handled.
      await msg("任务6进展：初审 30%", "$a");
      expect(await bot.db.update.count()).toBe(dump1.tables.Update.length);
      const r = await msg("任务4进展：材料已收齐 80%", "$after-load");
      expect(r.replies[0]!.text).toContain("已记录任务4");
      const u = await bot.db.update.findUniqueOrThrow({ where: { eventId: "$after-load" } });
      expect(u.id).toBe(maxUpdate + 1);
      const entry = await bot.db.auditLog.findFirstOrThrow({ orderBy: { id: "desc" } });
      expect(entry).toMatchObject({ id: maxAudit + 1, action: "update", prevHash: head, eventId: "$after-load" });
      expect(await bot.repos.audit.verify()).toMatchObject({ ok: true, checked: dump1.tables.AuditLog.length + 1, head: entry.hash });
      expect(await bot.db.plan.count()).toBe(dump1.tables.Plan.length);
    } finally {
      await bot?.close();
      loaded.db = await openPrisma(loaded.url);
    }
  });

  describe("refuses a file that is not a loadable dump, with a clear message, and loads nothing", () => {
    let target: { url: string; db: PrismaClient };
    beforeAll(async () => {
      target = await emptyDatabase(dir, "refused.db");
    });
    afterAll(() => target.db.$disconnect());

    const cases: [string, (d: LooseDump) => unknown, RegExp][] = [
      ["not an object", () => [1, 2, 3], /不是督办数据导出文件/],
      ["wrong format", (d) => ({ ...d, format: "other-dump" }), /不是督办数据导出文件：format 为 "other-dump"，应为 "duban-dump"/],
      ["no format", (d) => ({ version: d.version, tables: d.tables }), /format 为 （缺失）/],
      ["wrong version", (d) => ({ ...d, version: 4 }), /导出文件的版本 4 不受支持/],
      ["an unknown table", (d) => ({ ...d, tables: { ...d.tables, Secrets: [] } }), /导出文件含有未知的表：Secrets/],
      [
        "a missing table",
        (d) => {
          delete d.tables.AuditLog;
          return d;
        },
        /导出文件缺少表：AuditLog/,
      ],
      ["an extra top-level field", (d) => ({ ...d, dumpedAt: "2025-01-01" }), /未知的字段：dumpedAt/],
      [
        "an unknown column",
        (d) => {
          rowOf(d, "Plan", 0).extra = 1;
          return d;
        },
        /Plan 第 1 行/,
      ],
      [
        "a missing column",
        (d) => {
          delete rowOf(d, "Update", 1).text;
          return d;
        },
        /Update 第 2 行 text/,
      ],
      [
        "a bad DateTime",
        (d) => {
          rowOf(d, "AuditLog", 0).at = "昨天";
          return d;
        },
        /AuditLog 第 1 行 at：不是 ISO 8601 时间/,
      ],
      [
        "a wrong type",
        (d) => {
          rowOf(d, "Task", 0).inDocument = "yes";
          return d;
        },
        /Task 第 1 行 inDocument/,
      ],
      // Passes the shape check but breaks a foreign key: the single transaction rolls everything back.
      [
        "a broken foreign key",
        (d) => {
          rowOf(d, "Update", -1).taskId = 999_999;
          return d;
        },
        /导入失败，已全部撤销/,
      ],
      [
        "a duplicate id",
        (d) => {
          d.tables.Setting!.push({ ...rowOf(d, "Setting", 0) });
          return d;
        },
        /导入失败，已全部撤销/,
      ],
      // An occurrence's unit is its notice's: the database keeps it only there.
      [
        "an occurrence of another unit than its notice's",
        (d) => {
          rowOf(d, "Reminder", 1).unit = "不存在的单位";
          return d;
        },
        /Reminder 第 2 行 unit：“不存在的单位”不是其 Notice \d+ 的单位/,
      ],
      [
        "an occurrence of a notice the dump lacks",
        (d) => {
          rowOf(d, "Reminder", 0).noticeId = 999_999;
          return d;
        },
        /Reminder 第 1 行 noticeId：没有编号为 999999 的 Notice/,
      ],
    ];
    it.each(cases)("%s", async (_name, mutate, message) => {
      await expect(loadDump(target.db, mutate(clone(dump1)))).rejects.toThrow(message);
      expect(Object.values(await rowCounts(target.db)).every((n) => n === 0)).toBe(true);
    });
  });

  it("fails loudly when the generated client has a model or column the dump does not know", () => {
    expect(() => checkDumpCoversSchema()).not.toThrow();
    expect(() => checkDumpCoversSchema([...DUMP_TABLE_ORDER, "Attachment"])).toThrow(/does not know the model\(s\) Attachment/);
    expect(() => checkDumpCoversSchema(DUMP_TABLE_ORDER.filter((m) => m !== "Digest"))).toThrow(/Digest/);
    expect(() =>
      checkDumpCoversSchema(DUMP_TABLE_ORDER, (m) => [
        ...Object.keys(DUMP_TABLES[m as keyof typeof DUMP_TABLES].columns),
        ...(m === "Task" ? ["priority"] : []),
      ]),
    ).toThrow(/DUMP_TABLES\.Task .*columns not in the dump: priority/);
  });
});

describe("DUMP_TABLES against prisma/schema.prisma", () => {
  const SCALARS = new Set(["Int", "String", "Boolean", "DateTime", "Float", "BigInt", "Decimal", "Json", "Bytes"]);
  const schema = readFileSync(join(ROOT, "prisma/schema.prisma"), "utf8");
  const models = [...schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)].map(([, name, body]) => {
    const columns: Record<string, string> = {};
    const parents: string[] = [];
    let key: string[] = [];
    let autoincrement = false;
    for (const raw of body!.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (line === "") continue;
      const compound = /^@@id\(\[([^\]]+)\]\)/.exec(line);
      if (compound) key = compound[1]!.split(",").map((s) => s.trim());
      const field = /^(\w+)\s+(\w+)(\?|\[\])?(.*)$/.exec(line);
      if (!field) continue;
      const [, fname, type, mod, rest] = field;
      if (SCALARS.has(type!)) {
        columns[fname!] = `${type}${mod ?? ""}`;
        if (/@id\b/.test(rest!)) key = [fname!];
        if (/@default\(autoincrement\(\)\)/.test(rest!)) autoincrement = true;
      } else if (/@relation\([^)]*fields:/.test(rest!)) parents.push(type!);
    }
    return { name: name!, columns, key, autoincrement, parents };
  });

  it("lists every model, column, type, primary key and sequence of the schema", () => {
    expect(models.length).toBeGreaterThan(0);
    // Tables the database fills itself (triggers) are left out of a dump: loading the others fills them again.
    expect([...DERIVED_MODELS]).toEqual(["TaskChange"]);
    const dumped = models.filter((m) => !(DERIVED_MODELS as readonly string[]).includes(m.name));
    expect([...DUMP_TABLE_ORDER].sort()).toEqual(dumped.map((m) => m.name).sort());
    for (const m of dumped) {
      const spec = DUMP_TABLES[m.name as keyof typeof DUMP_TABLES];
      expect({ columns: spec.columns, key: spec.key, autoincrement: spec.autoincrement }, m.name).toEqual({
        columns: m.columns,
        key: m.key,
        autoincrement: m.autoincrement,
      });
      expect(Object.keys(spec.columns), `${m.name} columns in schema order`).toEqual(Object.keys(m.columns));
    }
  });

  it("puts every table after the tables its foreign keys refer to", () => {
    for (const m of models)
      for (const parent of m.parents)
        expect(DUMP_TABLE_ORDER.indexOf(parent as never), `${parent} before ${m.name}`).toBeLessThan(DUMP_TABLE_ORDER.indexOf(m.name as never));
  });
});
