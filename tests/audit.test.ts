import { execFile } from "node:child_process";
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ChainVerifier, entryHash, GENESIS, type ChainedFields } from "../src/audit/chain.js";
import { applyMigrations } from "../src/db/migrate.js";
import { readConfig } from "../src/config.js";
import auditCommand from "../src/cli/audit.js";
import { replayDatabase } from "../src/ops/audit-replay.js";
import { AuditReplay, compareWithTables, type LiveTables, type ReplayEntry } from "../src/audit/replay.js";
import { runDoctor } from "../src/ops/doctor.js";
import { ON_POSTGRES, tempApp, type TempApp } from "./helpers/temp-app.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");

async function duban(args: string[], databaseUrl: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", DUBAN_NOW: "2024-06-30T10:00:00+08:00" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe.skipIf(ON_POSTGRES)("the audit trail on a real SQLite file", () => {
  let app: TempApp;
  let file: string;
  beforeAll(async () => {
    app = await tempApp();
    file = join(app.dir, "duban.db");
    await app.say("任务6进展：完成初审 40%", { sender: "@zhang:bureau.local", room: "xingzhen", eventId: "$1" });
    await app.say("任务6进展：陌生人 100%", { sender: "@evil:other.server", room: "xingzhen" });
    await app.say("申请办结 6 两名民警已入选市级数字工匠", { sender: "@zhang:bureau.local", room: "xingzhen", eventId: "$req" });
    await app.say("办结审核 6 通过 确认 材料齐全");
    await app.say("暂停提醒 12 已报市局协调");
  });
  afterAll(() => app.dispose());

  it("records who, their unit, the action, the task, where, and the values before and after", async () => {
    const rows = await app.db.auditLog.findMany({ where: { action: { not: "import" } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.actor, r.actorUnit, r.action, r.outcome, r.taskNumber, r.room])).toEqual([
      ["@zhang:bureau.local", "刑侦大队", "update", "ok", 6, "xingzhen"],
      ["@evil:other.server", null, "update", "refused", 6, "xingzhen"],
      ["@zhang:bureau.local", "刑侦大队", "request-completion", "ok", 6, "xingzhen"],
      ["@kejiban:bureau.local", "科技办", "approve-completion", "ok", 6, "console"],
      ["@kejiban:bureau.local", "科技办", "pause-reminders", "ok", 12, "console"],
    ]);
    expect(rows[0]).toMatchObject({ transport: "test", eventId: "$1" });
    expect(JSON.parse(rows[0]!.after!)).toMatchObject({ text: "完成初审 40%", percent: 40 });
    expect(JSON.parse(rows[3]!.before!)).toMatchObject({ completedAt: null });
    expect(JSON.parse(rows[3]!.detail)).toMatchObject({ reason: "材料齐全；办结时未完成的指标：市级“公安数字工匠” 0/2名；最新进度：40%（经确认办结）" });
  });

  it("matches the stored updates one for one", async () => {
    const updates = await app.db.update.findMany({ select: { id: true } });
    const entries = await app.db.auditLog.findMany({ where: { action: "update", outcome: "ok" } });
    expect(entries.map((e) => (JSON.parse(e.after!) as { updateId: number }).updateId).sort()).toEqual(updates.map((u) => u.id).sort());
  });

  it("refuses UPDATE and DELETE in the database itself, through Prisma and through raw SQL", async () => {
    const first = await app.db.auditLog.findFirstOrThrow();
    const count = await app.db.auditLog.count();
    // Prisma reports the trigger's abort as a constraint violation; what matters is that nothing changed.
    await expect(app.db.auditLog.update({ where: { id: first.id }, data: { actor: "someone-else" } })).rejects.toThrow();
    await expect(app.db.auditLog.deleteMany({})).rejects.toThrow();
    expect(await app.db.auditLog.findUniqueOrThrow({ where: { id: first.id } })).toEqual(first);
    expect(await app.db.auditLog.count()).toBe(count);
    const raw = new Database(file);
    try {
      expect(() => raw.prepare("UPDATE AuditLog SET detail = '{}' WHERE id = ?").run(first.id)).toThrow(/append-only: UPDATE/);
      expect(() => raw.prepare("DELETE FROM AuditLog").run()).toThrow(/append-only: DELETE/);
    } finally {
      raw.close();
    }
    expect((await app.repos.audit.verify()).ok).toBe(true);
  });

  it("audit --verify exits 0 on an intact chain, and 1 naming the first rewritten entry", async () => {
    const ok = await duban(["audit", "--verify"], `file:${file}`);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/审计链完整 \/ audit chain intact: \d+ 条已校验。\n最新哈希 \/ head: [0-9a-f]{64}\n/);

    // Behind the bot's back: drop the trigger and rewrite one entry with raw SQL.
    const target = await app.db.auditLog.findFirstOrThrow({ where: { action: "request-completion" } });
    const raw = new Database(file);
    try {
      raw.exec('DROP TRIGGER "AuditLog_no_update"');
      raw.prepare("UPDATE AuditLog SET after = ? WHERE id = ?").run(JSON.stringify({ note: "改过的说明" }), target.id);
    } finally {
      raw.close();
    }
    const broken = await duban(["audit", "--verify"], `file:${file}`);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`#${target.id}`);
    expect(broken.stdout).toContain("altered");
    const v = await app.repos.audit.verify();
    expect(v).toMatchObject({ ok: false, firstBroken: { id: target.id } });
  });

  it("audit --json prints one object per entry with every field, filtered by task and actor", async () => {
    const r = await duban(["audit", "--json", "--task", "6", "--actor", "@zhang:bureau.local"], `file:${file}`);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.action)).toEqual(["request-completion", "update"]);
    const since = await duban(["audit", "--json", "--since", "2024-07-01T00:00:00+08:00"], `file:${file}`);
    expect(since.stdout).toBe("");
    const bad = await duban(["audit", "--since", "昨天"], `file:${file}`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("不是有效的时间");
    expect(Object.keys(lines[0]!)).toEqual(
      expect.arrayContaining(["at", "actor", "actorUnit", "action", "outcome", "task", "transport", "room", "eventId", "before", "after", "prevHash", "hash"]),
    );
  });

  it("shows a task's trail in chat, newest first and paged, to admins and leaders only", async () => {
    for (let i = 0; i < 12; i++) await app.say(`任务7进展：第${i + 1}次报送`, { sender: "@zhang:bureau.local", room: "xingzhen" });
    const page1 = await app.say("审计 7", { sender: "@juzhang:bureau.local" });
    expect(page1.text).toMatch(/^任务7的审计记录（共12条，第1\/2页，按时间倒序）：\n.*第12次报送/);
    expect(page1.text).toContain("发送“审计 7 第2页”查看更早的记录。");
    const page2 = await app.say("审计 7 第2页", { sender: "@li:bureau.local" });
    expect(page2.text).toContain("第2/2页");
    expect(page2.text).toContain("第1次报送");
    expect((await app.say("审计 7", { sender: "@zhang:bureau.local" })).text).toBe("审计记录仅限科技办管理员和领导查阅。");
  });
});

describe("the hash chain", () => {
  const entry = (i: number): ChainedFields => ({
    at: new Date(Date.UTC(2024, 0, 1, 0, i)),
    actor: `@u${i}:x`,
    actorUnit: i % 2 ? "刑侦大队" : null,
    action: "update",
    outcome: "ok",
    taskId: i,
    taskNumber: i,
    transport: "matrix",
    room: "!r:x",
    eventId: `$${i}`,
    before: null,
    after: JSON.stringify({ text: `第${i}条` }),
    detail: "{}",
  });
  const chain = (n: number) => {
    const out = [];
    let prev = GENESIS;
    for (let i = 1; i <= n; i++) {
      const e = entry(i);
      const hash = entryHash(prev, e);
      out.push({ ...e, id: i, prevHash: prev, hash });
      prev = hash;
    }
    return out;
  };
  const verify = (entries: ReturnType<typeof chain>) => {
    const v = new ChainVerifier();
    for (const e of entries) if (!v.add(e)) break;
    return v;
  };

  it("detects any altered field or removed entry, at the first entry affected", () => {
    const fields = ["actor", "actorUnit", "action", "outcome", "room", "eventId", "before", "after", "detail"] as const;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), fc.constantFrom(...fields), fc.string({ minLength: 1 }), (n, k, field, value) => {
        const entries = chain(n);
        const i = k % n;
        fc.pre(entries[i]![field] !== value);
        (entries[i] as Record<string, unknown>)[field] = value;
        expect(verify(entries).firstBroken?.id).toBe(i + 1);
        const removed = chain(n).filter((_, j) => j !== i);
        const v = verify(removed);
        if (i < n - 1) expect(v.firstBroken?.id).toBe(i + 2);
        else expect(v.firstBroken).toBeNull(); // removing the newest entry leaves a valid shorter chain (see docs/reviews-and-reports.md, "Audit trail")
      }),
      { numRuns: 300 },
    );
    expect(verify(chain(10)).firstBroken).toBeNull();
  });
});

describe.skipIf(ON_POSTGRES)("the migration to the hash-chained trail", () => {
  const tmp = mkdtempSync(join(tmpdir(), "duban-audit-migration-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("keeps entries written before the chain as a verifiable-as-legacy prefix, and chains new ones after them", async () => {
    const all = join(ROOT, "prisma/migrations");
    const before = join(tmp, "migrations");
    mkdirSync(before);
    for (const name of readdirSync(all))
      if (name !== "migration_lock.toml" && name < "20261129") cpSync(join(all, name), join(before, name), { recursive: true });
    cpSync(join(all, "migration_lock.toml"), join(before, "migration_lock.toml"));
    const url = `file:${join(tmp, "old.db")}`;
    await applyMigrations(url, { migrationsDir: before });
    const raw = new Database(join(tmp, "old.db"));
    raw.prepare("INSERT INTO Plan (id, title, importedAt) VALUES (1, '旧计划', ?)").run(Date.UTC(2023, 10, 18));
    for (const n of [4, 6])
      raw
        .prepare(
          "INSERT INTO Task (id, planId, number, title, description, leadUnits, responsibleUnits, deadlineText, deadlineKind, deadlineDate) " +
            "VALUES (?, 1, ?, ?, '', '[\"刑侦大队\"]', '[]', '2024年底前', 'date', '2024-12-31')",
        )
        .run(n, n, `旧任务${n}`);
    raw
      .prepare("INSERT INTO AuditLog (at, actor, action, detail) VALUES (?, ?, ?, ?)")
      .run(Date.UTC(2024, 0, 1), "@kejiban:bureau.local", "complete", '{"taskId":6}');
    raw
      .prepare("INSERT INTO AuditLog (at, actor, action, detail) VALUES (?, ?, ?, ?)")
      .run(Date.UTC(2024, 0, 2), "@kejiban:bureau.local", "pause-reminders", '{"taskId":4}');
    raw.close();
    const { applied } = await applyMigrations(url);
    expect(applied.some((n) => n.endsWith("roles_requests_audit"))).toBe(true);
    const app = await tempApp({ env: { DATABASE_URL: url } });
    try {
      await app.say("暂停提醒 4 等待市局");
      const v = await app.repos.audit.verify();
      expect(v).toMatchObject({ ok: true, legacy: 2 });
      expect(v.checked).toBeGreaterThanOrEqual(1);
      // The replay cannot follow pre-chain entries, nor tasks no import entry gave values for: counted, not broken.
      const r = await replayDatabase(url);
      expect(r.differences).toEqual([]);
      expect(r.entries.notVerifiable).toBe(2);
      expect(r.values.notVerifiable).toBeGreaterThanOrEqual(2 * 5);
      const cli = await verifyCli({ DATABASE_URL: url, DUBAN_DEMO: "true" });
      expect(cli.code, cli.stdout).toBe(0);
      expect(cli.stdout).toMatch(/数据库与审计记录一致 \/ tables match the trail: 核对了\d+项数据（回放审计记录\d+条）；另有2条审计记录、\d+项数据无法核对/);
      const legacy = await app.db.auditLog.findMany({ where: { id: { lte: 2 } } });
      expect(legacy.map((e) => [e.action, e.taskId, e.taskNumber])).toEqual([
        ["complete", 6, 6],
        ["pause-reminders", 4, 4],
      ]);
    } finally {
      await app.close();
    }
  });
});

/** `duban audit --verify` run in this process (a CLI process per column would be slow): its exit status and output. */
async function verifyCli(env: Record<string, string>, json = false): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await auditCommand.run(["--verify", ...(json ? ["--json"] : [])], { config: readConfig({ ...env, CHECKPOINT_DISABLE: "1" }), env, usage: "" });
    return { code, stdout };
  } finally {
    spy.mockRestore();
  }
}

describe("audit --verify replays the trail against the tables", () => {
  let app: TempApp;
  const ZHANG = { sender: "@zhang:bureau.local", room: "xingzhen" };
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    app = await tempApp();
    await app.say("任务6进展：两名民警通过市级数字工匠初审 40%", { ...ZHANG, eventId: "$a" });
    await app.say("任务6进展：一名民警入选市级数字工匠 指标+1 60%", { ...ZHANG, eventId: "$b" });
    await app.say("任务4进展：平台完成招标 30%", { ...ZHANG, eventId: "$c" });
    await app.say("", { ...ZHANG, kind: "redaction", eventId: "$r", targetEventId: "$c" });
    await app.say("任务6进展：两名民警通过市级数字工匠初审 45%", { ...ZHANG, kind: "edit", eventId: "$a2", targetEventId: "$a" });
    await app.say("调整时限 6 2025年6月底前 市局统一调整");
    await app.say("调整牵头单位 7 网安、指挥中心 机构调整");
    await app.say("办结 12 已验收");
    await app.say("申请延期 4 2025年3月底前 市局评选推迟", ZHANG);
    await app.say("延期审核 4 通过");
    await app.say("新增指标 6 省级数字工匠 1名 2025年底前 争创省级");
    await app.say("设置指标 6 省级数字工匠 1 省厅已通报");
    for (const [key, eventId] of [
      ["a", "$a"],
      ["b", "$b"],
      ["c", "$c"],
    ] as const)
      ids[key] = (await app.db.update.findUniqueOrThrow({ where: { eventId } })).id;
  });
  afterAll(() => app.dispose());

  it("finds the tables as the trail left them, and exits 0 with the counts", async () => {
    const r = await replayDatabase(app.env.DATABASE_URL!);
    expect(r.differences).toEqual([]);
    expect(r.entries.notVerifiable).toBe(0);
    expect(r.values.compared).toBeGreaterThan(25 * 5);
    const cli = await verifyCli(app.env);
    expect(cli.code, cli.stdout).toBe(0);
    expect(cli.stdout).toContain(ON_POSTGRES ? "PostgreSQL 不适用，已跳过" : "数据库完整性检查通过");
    expect(cli.stdout).toMatch(/数据库与审计记录一致 \/ tables match the trail: 核对了\d+项数据（回放审计记录\d+条）。/);
  });

  // Each edit is made with SQL behind the bot's back, shown by verify with the task and the field, then undone.
  const cases: { name: string; edit: string; undo: string; line: RegExp }[] = [
    {
      name: "Update.percent",
      edit: 'UPDATE "Update" SET "percent" = 100 WHERE "eventId" = \'$b\'',
      undo: 'UPDATE "Update" SET "percent" = 60 WHERE "eventId" = \'$b\'',
      line: /任务6 更新#B percent: 审计记录为60，数据库为100/,
    },
    {
      name: "Update.text",
      edit: 'UPDATE "Update" SET "text" = \'全部完成\' WHERE "eventId" = \'$a\'',
      undo: 'UPDATE "Update" SET "text" = \'两名民警通过市级数字工匠初审 45%\' WHERE "eventId" = \'$a\'',
      line: /任务6 更新#A text: 审计记录为“两名民警通过市级数字工匠初审 45%”，数据库为“全部完成”/,
    },
    {
      name: "Update.authorId",
      edit: 'UPDATE "Update" SET "authorId" = \'@li:bureau.local\' WHERE "eventId" = \'$a\'',
      undo: 'UPDATE "Update" SET "authorId" = \'@zhang:bureau.local\' WHERE "eventId" = \'$a\'',
      line: /任务6 更新#A author: 审计记录为@zhang:bureau.local，数据库为@li:bureau.local/,
    },
    {
      name: "Update.retractedAt",
      edit: 'UPDATE "Update" SET "retractedAt" = NULL WHERE "eventId" = \'$c\'',
      undo: 'UPDATE "Update" SET "retractedAt" = "createdAt" WHERE "eventId" = \'$c\'',
      line: /任务4 更新#C retracted: 审计记录为true，数据库为false/,
    },
    {
      name: "Task.progress",
      edit: 'UPDATE "Task" SET "progress" = 100 WHERE "number" = 6',
      undo: 'UPDATE "Task" SET "progress" = 60 WHERE "number" = 6',
      line: /任务6 progress: 审计记录为60，数据库为100/,
    },
    {
      name: "Task.completedAt",
      edit: 'UPDATE "Task" SET "completedAt" = "lastUpdateAt" WHERE "number" = 6',
      undo: 'UPDATE "Task" SET "completedAt" = NULL WHERE "number" = 6',
      line: /任务6 completedAt: 审计记录为无，数据库为2024-06-30T02:00:00.000Z/,
    },
    {
      name: "Task.deadlineDate",
      edit: 'UPDATE "Task" SET "deadlineDate" = \'2026-12-31\' WHERE "number" = 6',
      undo: 'UPDATE "Task" SET "deadlineDate" = \'2025-06-30\' WHERE "number" = 6',
      line: /任务6 deadline: 审计记录为2025年6月底前（date 2025-06-30），数据库为2025年6月底前（date 2026-12-31）/,
    },
    {
      name: "TaskUnit (lead units)",
      edit: 'UPDATE "TaskUnit" SET "unit" = \'刑侦大队\' WHERE "role" = \'lead\' AND "position" = 0 AND "taskId" = (SELECT "id" FROM "Task" WHERE "number" = 7)',
      undo: 'UPDATE "TaskUnit" SET "unit" = \'网安大队\' WHERE "role" = \'lead\' AND "position" = 0 AND "taskId" = (SELECT "id" FROM "Task" WHERE "number" = 7)',
      line: /任务7 leadUnits: 审计记录为网安大队、指挥情报中心，数据库为刑侦大队、指挥情报中心/,
    },
    {
      name: "Target.current",
      edit: 'UPDATE "Target" SET "current" = 2 WHERE "name" = \'市级“公安数字工匠”\'',
      undo: 'UPDATE "Target" SET "current" = 1 WHERE "name" = \'市级“公安数字工匠”\'',
      line: /任务6 指标“市级“公安数字工匠”” current: 审计记录为1，数据库为2/,
    },
    {
      name: "Target.current of a target an admin added and set",
      edit: 'UPDATE "Target" SET "current" = 0 WHERE "name" = \'省级数字工匠\'',
      undo: 'UPDATE "Target" SET "current" = 1 WHERE "name" = \'省级数字工匠\'',
      line: /任务6 指标“省级数字工匠” current: 审计记录为1，数据库为0/,
    },
    {
      name: "a deadline an extension set",
      edit: 'UPDATE "Task" SET "deadlineText" = \'2026年底前\' WHERE "number" = 4',
      undo: 'UPDATE "Task" SET "deadlineText" = \'2025年3月底前\' WHERE "number" = 4',
      line: /任务4 deadline: 审计记录为2025年3月底前（date 2025-03-31），数据库为2026年底前（date 2025-03-31）/,
    },
  ];
  const sub = (sql: string) => sql.replaceAll("#A", `#${ids.a}`);
  for (const c of cases)
    it(`names the task and the field when ${c.name} is edited behind the bot's back, and exits 1`, async () => {
      const line = new RegExp(c.line.source.replace("#A", `#${ids.a}`).replace("#B", `#${ids.b}`).replace("#C", `#${ids.c}`));
      await app.db.$executeRawUnsafe(sub(c.edit));
      try {
        const cli = await verifyCli(app.env);
        expect(cli.code, cli.stdout).toBe(1);
        expect(cli.stdout).toContain("审计链完整");
        expect(cli.stdout).toContain("数据库与审计记录不一致 / tables DIFFER from the trail（1处）");
        expect(cli.stdout).toMatch(line);
      } finally {
        await app.db.$executeRawUnsafe(c.undo);
      }
      expect((await replayDatabase(app.env.DATABASE_URL!)).differences).toEqual([]);
    });

  it("names an update inserted or deleted behind the bot's back, in English in --json", async () => {
    await app.db.$executeRawUnsafe(
      'INSERT INTO "Update" ("taskId", "text", "percent", "authorId", "transport", "createdAt", "revisions") ' +
        `SELECT "id", '已全部完成', 100, '@zhang:bureau.local', 'matrix', "lastUpdateAt", '[]' FROM "Task" WHERE "number" = 6`,
    );
    const json = await verifyCli(app.env, true);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { ok: boolean; chainOk: boolean; replay: { differences: { field: string; actual: string | null }[] } };
    expect(out).toMatchObject({ ok: false, chainOk: true });
    expect(out.replay.differences).toEqual([expect.objectContaining({ task: "任务6", field: "row", expected: null, actual: "已全部完成" })]);
    await app.db.$executeRawUnsafe(`DELETE FROM "Update" WHERE "text" = '已全部完成'`);
    expect((await replayDatabase(app.env.DATABASE_URL!)).differences).toEqual([]);
  });

  it("counts entries written before the replay as not verifiable, never as differences", async () => {
    // What the code before the replay wrote for an approved extension: the new deadline's text only.
    const task5 = await app.db.task.findFirstOrThrow({ where: { number: 5 } });
    await app.db.task.update({ where: { id: task5.id }, data: { deadlineText: "2025年底前", deadlineDate: "2025-12-31", deadlineChange: "extension" } });
    await app.repos.audit.append({
      at: app.clock.now(),
      actor: { id: "@kejiban:bureau.local", unit: "科技办", transport: "test", room: "console", eventId: null },
      action: "approve-extension",
      task: { id: task5.id, number: 5 },
      before: { completedAt: null, deadline: task5.deadlineText },
      after: { deadline: "2025年底前" },
      detail: { requestId: 1, reason: "同意" },
    });
    const r = await replayDatabase(app.env.DATABASE_URL!);
    expect(r.differences).toEqual([]);
    expect(r.entries.notVerifiable).toBe(1);
    expect((await verifyCli(app.env)).code).toBe(0);
    // From then on the task's values are not verifiable: an edit of its deadline is not reported.
    await app.db.$executeRawUnsafe('UPDATE "Task" SET "deadlineDate" = \'2026-12-31\' WHERE "number" = 5');
    expect((await replayDatabase(app.env.DATABASE_URL!)).differences).toEqual([]);
  });

  it("doctor gives the replay one line", async () => {
    const checks = await runDoctor(readConfig({ ...app.env }));
    expect(checks.find((c) => c.name === "审计回放 audit replay")).toMatchObject({ status: "ok" });
    await app.db.$executeRawUnsafe('UPDATE "Update" SET "percent" = 100 WHERE "eventId" = \'$b\'');
    try {
      const line = (await runDoctor(readConfig({ ...app.env }))).find((c) => c.name === "审计回放 audit replay");
      expect(line).toMatchObject({ status: "fail", detail: expect.stringContaining(`任务6 更新#${ids.b} percent: 审计记录为60，数据库为100`) });
    } finally {
      await app.db.$executeRawUnsafe('UPDATE "Update" SET "percent" = 60 WHERE "eventId" = \'$b\'');
    }
  });
});

describe("audit --verify checks the database's integrity first", () => {
  it.skipIf(ON_POSTGRES)("fails on a corrupted page before reading the chain", async () => {
    const app = await tempApp();
    const file = join(app.dir, "duban.db");
    await app.say("任务6进展：完成初审 40%", { sender: "@zhang:bureau.local", room: "xingzhen" });
    await app.close();
    const raw = new Database(file);
    raw.pragma("journal_mode = DELETE");
    const pageSize = raw.pragma("page_size", { simple: true }) as number;
    const { rootpage } = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'Update_eventId_key'").get() as { rootpage: number };
    raw.close();
    // Overwrite one index page with garbage, as a failing disk would.
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (rootpage - 1) * pageSize);
    closeSync(fd);
    try {
      const r = await verifyCli({ DATABASE_URL: `file:${file}`, DUBAN_DEMO: "true" });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^数据库完整性检查未通过 \/ database integrity_check FAILED: .+/);
      expect(r.stdout).not.toContain("审计链");
    } finally {
      rmSync(app.dir, { recursive: true, force: true });
    }
  });
});

describe("the replay as a pure function", () => {
  let id = 0;
  const entry = (action: string, taskId: number | null, after: unknown, actor = "@zhang:bureau.local"): ReplayEntry => ({
    id: ++id,
    at: new Date(Date.UTC(2024, 5, 1, 0, id)),
    actor,
    action,
    outcome: "ok",
    taskId,
    before: null,
    after: JSON.stringify(after),
    prevHash: "p",
    hash: `h${id}`,
  });
  const deadline = { text: "2024年底前", kind: "date", date: "2024-12-31" };
  const live = (over: Partial<LiveTables["tasks"][number]> = {}, percent = 60): LiveTables => ({
    tasks: [
      { id: 1, label: "任务6", completedAt: null, completedBy: null, progress: 60, deadline, leadUnits: ["刑侦大队"], leadUnitsColumn: ["刑侦大队"], ...over },
    ],
    updates: [{ id: 7, taskId: 1, text: "初审 60%", percent, authorId: "@zhang:bureau.local", retracted: false }],
    targets: [],
  });
  const replay = (...extra: ReplayEntry[]) => {
    const r = new AuditReplay([]);
    for (const e of [
      entry("import", null, { title: "计划", created: [6], tasks: [{ id: 1, number: 6, created: true, deadline, leadUnits: ["刑侦大队"] }], targets: [] }),
      entry("update", 1, { updateId: 7, text: "初审 60%", percent: 60 }),
      ...extra,
    ])
      r.add(e);
    return r;
  };

  it("finds nothing to report when the tables are what the entries left", () => {
    expect(compareWithTables(replay(), live())).toMatchObject({ differences: [], entries: { replayed: 2, notVerifiable: 0 } });
  });

  it("follows the progress shown as recording, a retraction and an edit leave it", () => {
    const retracted = (progress: number | null): LiveTables => ({
      ...live({ progress }),
      updates: [{ id: 7, taskId: 1, text: "初审 60%", percent: 60, authorId: "@zhang:bureau.local", retracted: true }],
    });
    const r = replay(entry("retract", 1, { updateId: 7, retractedAt: "2024-06-02T00:00:00.000Z" }));
    expect(compareWithTables(r, retracted(null)).differences).toEqual([]);
    expect(compareWithTables(r, retracted(60)).differences).toEqual([expect.objectContaining({ field: "progress", expected: "无", actual: "60" })]);
    const edited = replay(entry("edit", 1, { updateId: 7, task: 6, text: "初审 70%", percent: 70 }));
    expect(compareWithTables(edited, live({ progress: 70 })).differences.map((d) => d.field)).toEqual(["text", "percent"]);
  });

  it("treats an action it does not know as not verifiable, for the task it names, from then on", () => {
    const r = replay(entry("target-pending", 1, { updateId: 7, note: "待审核" }));
    const report = compareWithTables(r, live({ completedAt: new Date(), deadline: { ...deadline, date: "2026-12-31" } }, 100));
    expect(report.differences).toEqual([]);
    expect(report.entries).toEqual({ replayed: 2, notVerifiable: 1 });
    expect(report.values.notVerifiable).toBe(5 + 1 + 2 + 1 + 2);
    // A later entry the replay follows vouches for its value again.
    const after = replay(entry("target-pending", 1, {}), entry("reopen", 1, { completedAt: null }));
    expect(compareWithTables(after, live({ completedAt: new Date(Date.UTC(2024, 5, 2)) })).differences).toEqual([
      expect.objectContaining({ task: "任务6", field: "completedAt", expected: null, actual: "2024-06-02T00:00:00.000Z" }),
    ]);
  });
});
