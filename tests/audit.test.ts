import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainVerifier, entryHash, GENESIS, type ChainedFields } from "../src/audit/chain.js";
import { applyMigrations } from "../src/db/migrate.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

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

describe("the audit trail on a real SQLite file", () => {
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

describe("the migration to the hash-chained trail", () => {
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
