import { execFile, spawn } from "node:child_process";
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backupDatabase, restoreDatabase, integrityCheck } from "../src/ops/backup.js";
import { syntheticPlan } from "../bench/synthetic.js";
import { SYSTEM_ACTOR } from "../src/plan/import-plan.js";
import { BUNDLED_PLAN } from "../src/config.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin/duban.js");
const mode = (p: string) => statSync(p).mode & 0o777;

/** Run the CLI under a permissive umask, the way a careless shell or service manager would. */
async function cli(args: string[], env: Record<string, string>) {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  try {
    const r = await run("sh", ["-c", `umask 022; exec '${process.execPath}' '${BIN}' ${quoted}`], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Every row of every table, for comparing two databases. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

describe("files are private to the bot's user, whatever the umask", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-modes-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the database folder and files, backups and evidence owner-only", async () => {
    const db = join(dir, "data", "duban.db");
    const env = { DATABASE_URL: `file:${db}`, DUBAN_NOW: "2024-12-20T10:00:00+08:00" };
    expect((await cli(["say", "--as", "@zhang:bureau.local", "申请办结 6 已完成"], env)).code).toBe(0);
    writeFileSync(join(dir, "证书.pdf"), "%PDF");
    expect((await cli(["evidence", "add", "6", join(dir, "证书.pdf"), "--as", "@zhang:bureau.local"], env)).code).toBe(0);
    expect((await cli(["backup", join(dir, "backup.db")], env)).code).toBe(0);
    expect(mode(join(dir, "data"))).toBe(0o700);
    for (const f of [db, join(dir, "backup.db")]) expect([f, mode(f)]).toEqual([f, 0o600]);
    // The WAL and SHM files exist while a process has the database open: look at them under a running bot.
    const child = spawn("sh", ["-c", `umask 022; exec '${process.execPath}' --import tsx src/main.ts`], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    for (let i = 0; i < 300 && !stdout.includes("督办控制台"); i++) await new Promise((r) => setTimeout(r, 100));
    for (const f of [db, `${db}-wal`, `${db}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
    child.stdin.end();
    expect(await exited).toBe(0);
    const evidence = `${db}.evidence`;
    expect(mode(evidence)).toBe(0o700);
    expect(mode(join(evidence, "task-6"))).toBe(0o700);
    for (const f of readdirSync(join(evidence, "task-6"))) expect(mode(join(evidence, "task-6", f))).toBe(0o600);
  });

  it("tightens a database that already existed with a wider mode", async () => {
    const db = join(dir, "loose.db");
    const env = { DATABASE_URL: `file:${db}`, DUBAN_NOW: "2024-12-20T10:00:00+08:00" };
    await cli(["say", "任务6"], env);
    const { chmodSync } = await import("node:fs");
    chmodSync(db, 0o644);
    await cli(["say", "任务6"], env);
    expect(mode(db)).toBe(0o600);
  });
});

describe("backup and restore", () => {
  let app: TempApp;
  let dir: string;
  beforeAll(async () => {
    app = await tempApp();
    dir = mkdtempSync(join(tmpdir(), "duban-backup-"));
  });
  afterAll(async () => {
    await app.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("backs up a database while updates are being written, consistently, and restores it exactly", async () => {
    const source = join(app.dir, "duban.db");
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing || written < 300) {
        await app.say(`任务${(written % 25) + 1}进展：备份期间的第${written + 1}条 ${written % 100}%`, {
          sender: "@zhang:bureau.local",
          eventId: `$w${written}`,
        });
        written++;
        // The SQLite driver is synchronous underneath: let timers and the backup's steps run between writes.
        await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    const during = join(dir, "during.db");
    await backupDatabase(source, during);
    writing = false;
    await writer;
    // Taken during writes: a consistent snapshot — every update has its audit entry and the chain verifies.
    expect(integrityCheck(during)).toBe("ok");
    const snap = new Database(during, { readonly: true });
    const updates = (snap.prepare('SELECT COUNT(*) AS n FROM "Update"').get() as { n: number }).n;
    const audited = (snap.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'update' AND outcome = 'ok'").get() as { n: number }).n;
    snap.close();
    expect(updates).toBeGreaterThan(0);
    expect(updates).toBeLessThan(written);
    expect(audited).toBe(updates);
    // Restored, the backup taken during the writes is the source as it was then: the same rows, a prefix with no gaps.
    const early = join(dir, "early", "duban.db");
    mkdirSync(join(dir, "early"));
    expect((await cli(["restore", during], { DATABASE_URL: `file:${early}` })).code).toBe(0);
    const restored = dump(early);
    const now = dump(source);
    for (const t of ["Update", "AuditLog", "ProcessedEvent"]) {
      const rows = restored[t] as { id?: number }[];
      expect(rows, t).toEqual((now[t] as unknown[]).slice(0, rows.length));
    }
    expect((restored.Update as unknown[]).length).toBe(updates);
    // After the writes: the backup equals the source, and a restore gives the source back.
    const after = join(dir, "after.db");
    await backupDatabase(source, after);
    expect(dump(after)).toEqual(dump(source));
    const target = join(dir, "restored", "duban.db");
    mkdirSync(join(dir, "restored"));
    writeFileSync(target, "");
    rmSync(target);
    const r = await cli(["restore", after], { DATABASE_URL: `file:${target}` });
    expect(r.code, r.stderr).toBe(0);
    expect(dump(target)).toEqual(dump(source));
    const verify = await cli(["audit", "--verify"], { DATABASE_URL: `file:${target}` });
    expect(verify.code).toBe(0);
  });

  it("leaves the backup file alone in its folder: no partial copy and no -wal or -shm beside it", async () => {
    const folder = mkdtempSync(join(tmpdir(), "duban-backup-only-"));
    try {
      await backupDatabase(join(app.dir, "duban.db"), join(folder, "backup.db"));
      expect(readdirSync(folder)).toEqual(["backup.db"]);
      expect(integrityCheck(join(folder, "backup.db"))).toBe("ok");
      expect(readdirSync(folder)).toEqual(["backup.db"]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuses to restore while a bot holds the database, and refuses a damaged backup", async () => {
    const db = join(dir, "held.db");
    const env = { ...process.env, DATABASE_URL: `file:${db}`, CHECKPOINT_DISABLE: "1" };
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--at", "2024-06-30T10:00:00+08:00"], { cwd: ROOT, env });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    for (let i = 0; i < 300 && !stdout.includes("督办控制台"); i++) await new Promise((r) => setTimeout(r, 100));
    const backup = join(dir, "held-backup.db");
    expect((await cli(["backup", backup], { DATABASE_URL: `file:${db}` })).code).toBe(0);
    const refused = await cli(["restore", backup], { DATABASE_URL: `file:${db}` });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`数据库正被督办进程使用（pid ${child.pid}）`);
    child.stdin.end();
    expect(await exited).toBe(0);
    writeFileSync(join(dir, "damaged.db"), "SQLite format 3\0 this is not a database");
    const damaged = await cli(["restore", join(dir, "damaged.db")], { DATABASE_URL: `file:${db}` });
    expect(damaged.code).not.toBe(0);
    const ok = await cli(["restore", backup], { DATABASE_URL: `file:${db}` });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("原数据库保留为");
  });

  it("restoreDatabase refuses a missing backup without touching the database", () => {
    expect(() => restoreDatabase(join(dir, "none.db"), join(dir, "missing.db"), "x")).toThrow(/备份文件不存在/);
  });
});

describe("doctor", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-doctor-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints one line per check and exits non-zero when one fails", async () => {
    const env = { DATABASE_URL: `file:${join(dir, "duban.db")}`, DUBAN_NOW: "2024-06-30T10:00:00+08:00" };
    const missing = await cli(["doctor"], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^✗ 数据库 database: .*不存在/m);
    await cli(["say", "任务6"], env);
    const ok = await cli(["doctor"], env);
    expect(ok.code, ok.stdout).toBe(0);
    expect(
      ok.stdout
        .trim()
        .split("\n")
        .map((l) => l.slice(0, 1)),
    ).toEqual(["✓", "✓", "✓", "✓", "✓", "–"]);
    expect(ok.stdout).toContain("✓ 工作日历 calendar: 覆盖计划期 2023–2025");
    expect(ok.stdout).toMatch(/^✓ 审计回放 audit replay: 数据库与审计记录一致 \/ tables match the trail: 核对了\d+项数据/m);
    writeFileSync(join(dir, "bad.yaml"), "office: 科技办\nunits: []\n");
    const badDirectory = await cli(["doctor"], { ...env, DUBAN_DIRECTORY: join(dir, "bad.yaml") });
    expect(badDirectory.code).toBe(1);
    expect(badDirectory.stdout).toMatch(/^✗ 名录 directory: .*list at least one unit/m);
    const unreachable = await cli(["doctor"], { ...env, MATRIX_HOMESERVER_URL: "http://127.0.0.1:9", MATRIX_ACCESS_TOKEN: "x" });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toMatch(/^✗ Matrix: cannot reach the homeserver/m);
  });
});

describe("abuse", () => {
  it("limits changes per user per minute with a clear reply, and never limits queries", async () => {
    const app = await tempApp({ env: { DUBAN_RATE_LIMIT: "3" } });
    try {
      const zhang = { sender: "@zhang:bureau.local" };
      for (let i = 1; i <= 3; i++) expect((await app.say(`任务6进展：第${i}次`, zhang)).text).toContain("已记录任务6");
      expect((await app.say("任务6进展：第4次", zhang)).text).toBe("操作过于频繁：每分钟最多3次更改，本条未记录。请约60秒后再试。");
      expect(await app.db.update.count()).toBe(3);
      for (let i = 0; i < 10; i++) expect((await app.say("任务6", zhang)).text).toContain("任务6：培育");
      expect((await app.say("任务6进展：别人不受影响", { sender: "@li:bureau.local" })).text).toContain("已记录任务6");
      app.clock.advance(61_000);
      expect((await app.say("任务6进展：一分钟后", zhang)).text).toContain("已记录任务6");
    } finally {
      await app.dispose();
    }
  });

  it("keeps every reply under what Matrix accepts, with a hint, however long the list", async () => {
    const app = await tempApp({ at: "2031-06-30T10:00:00+08:00" });
    try {
      await app.repos.plans.importPlan(syntheticPlan("超大计划", 6000, 40), app.clock.now(), SYSTEM_ACTOR);
      // Two plans are in progress now: the big one is named by its code (derived from its title).
      const r = await app.bot.handle({
        transport: "test",
        room: "console",
        sender: "@kejiban:bureau.local",
        text: "超大 逾期",
        isDirect: true,
        mentionsBot: true,
      });
      const [reply] = r.replies;
      const size = (x: { text: string; html: string }) =>
        Buffer.byteLength(JSON.stringify({ msgtype: "m.notice", body: x.text, format: "org.matrix.custom.html", formatted_body: x.html }));
      expect(size(reply!)).toBeLessThan(65_536);
      expect(reply!.text.slice(0, 40)).toMatch(/^逾期任务（3600项）/);
      // A history of long updates (each near the 4,000-character limit) would be ~250 KB: it is cut, with a hint.
      await app.repos.plans.importPlan(
        (await import("../src/plan/plan-parser.js")).parsePlan((await import("node:fs")).readFileSync(BUNDLED_PLAN, "utf8")),
        app.clock.now(),
        SYSTEM_ACTOR,
      );
      for (let i = 0; i < 20; i++) await app.say(`科技兴警 任务6进展：${"长篇进展说明。".repeat(550)}第${i + 1}篇`, { sender: "@zhang:bureau.local" });
      const history = (
        await app.bot.handle({
          transport: "test",
          room: "console",
          sender: "@kejiban:bureau.local",
          text: "科技兴警 任务6历史",
          isDirect: true,
          mentionsBot: true,
        })
      ).replies[0]!;
      expect(size(history)).toBeLessThan(65_536);
      expect(history.text).toMatch(/\n…另有\d+行未显示（内容过长）。请缩小查询范围，例如“任务6”或“刑侦大队的任务”。$/);
      expect(history.html).toContain("…另有");
    } finally {
      await app.dispose();
    }
  });
});

describe("two processes on one database", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-two-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("both write 50 updates at the same time: no internal error, nothing lost or doubled, one intact audit chain", async () => {
    const db = join(dir, "duban.db");
    const env = { ...process.env, DATABASE_URL: `file:${db}`, CHECKPOINT_DISABLE: "1" };
    await cli(["say", "任务6"], { DATABASE_URL: `file:${db}` });
    const writer = (name: string) =>
      run(process.execPath, ["--import", "tsx", join(ROOT, "tests/helpers/writer.ts"), name, "50"], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }).then(
        (r) => JSON.parse(r.stdout) as { replies: string[]; errors: string[] },
      );
    const [a, b] = await Promise.all([writer("A"), writer("B")]);
    for (const out of [a, b]) {
      expect(out.errors).toEqual([]);
      expect(out.replies.filter((r) => !r.startsWith("已记录任务"))).toEqual([]);
    }
    const check = new Database(db, { readonly: true });
    try {
      const row = check.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT eventId) AS d FROM "Update"').get() as { n: number; d: number };
      expect(row).toEqual({ n: 100, d: 100 });
      expect((check.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'update' AND outcome = 'ok'").get() as { n: number }).n).toBe(100);
    } finally {
      check.close();
    }
    expect((await cli(["audit", "--verify"], { DATABASE_URL: `file:${db}` })).code).toBe(0);
  }, 120_000);
});

describe("pruning handled event ids", () => {
  it("forgets events handled before DUBAN_EVENT_RETENTION_DAYS and keeps the rest", async () => {
    const app = await tempApp({ at: "2024-06-30T10:00:00+08:00", env: { DUBAN_EVENT_RETENTION_DAYS: "90" } });
    try {
      const { pruneHandledEvents } = await import("../src/app.js");
      await app.bot.markHandled("$old", "xingzhen");
      app.clock.advance(60 * 86_400_000);
      await app.bot.markHandled("$recent", "xingzhen");
      app.clock.advance(31 * 86_400_000);
      expect(await pruneHandledEvents(app)).toBe(1);
      expect(await app.bot.seen("$old")).toBe(false);
      expect(await app.bot.seen("$recent")).toBe(true);
    } finally {
      await app.dispose();
    }
  });
});

describe("re-importing a plan", () => {
  it("keeps importedAt, so staleness does not move and an older document does not become current again", async () => {
    const app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
    try {
      const bundled = (await app.repos.plans.currentPlan())!;
      app.clock.advance(86_400_000);
      await app.repos.plans.importPlan(syntheticPlan("另一计划", 30, 5), app.clock.now(), SYSTEM_ACTOR);
      const other = (await app.repos.plans.currentPlan())!;
      expect(other.title).toBe("另一计划");
      app.clock.advance(86_400_000);
      const { parsePlan } = await import("../src/plan/plan-parser.js");
      const { readFileSync } = await import("node:fs");
      await app.repos.plans.importPlan(parsePlan(readFileSync(BUNDLED_PLAN, "utf8")), app.clock.now(), SYSTEM_ACTOR);
      const current = (await app.repos.plans.currentPlan())!;
      expect(current.id).toBe(other.id);
      const again = await app.db.plan.findUniqueOrThrow({ where: { id: bundled.id } });
      expect(again.importedAt).toEqual(bundled.importedAt);
      expect(again.revisedAt).toEqual(app.clock.now());
    } finally {
      await app.dispose();
    }
  });
});

describe("a damaged database or a wrong file is refused, loudly", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-damaged-"));
  const real = join(dir, "real.db");
  const at = "2024-06-30T10:00:00+08:00";
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    for (const n of [6, 7, 8]) expect((await cli(["say", "--at", at, `任务${n}进展：完成初稿 ${n}0%`], { DATABASE_URL: `file:${real}` })).code).toBe(0);
    // One file, as a backup or a copy taken with the bot stopped would be.
    const db = new Database(real);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
  }, 60_000);

  /** A copy of the real database named `name`, with 4 KB overwritten at the audit trail's page, in the middle of the file. */
  function damagedCopy(name: string): string {
    const file = join(dir, name);
    copyFileSync(real, file);
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const pages = db.pragma("page_count", { simple: true }) as number;
    const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'AuditLog'").get() as { rootpage: number };
    db.close();
    expect(rootpage).toBeGreaterThan(10);
    expect(rootpage).toBeLessThan(pages - 5);
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (rootpage - 1) * pageSize);
    closeSync(fd);
    return file;
  }

  /** `npm start` (bin/start.js) on `file`, with the console's stdin piped: its exit status and output. */
  async function start(file: string, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [join(ROOT, "bin/start.js"), "--at", at], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${file}`, CHECKPOINT_DISABLE: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, stdout, stderr };
  }

  const count = (file: string, table: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const plain = (text: string) => {
    expect(text).toContain("已损坏");
    expect(text).toContain("npx duban doctor");
    expect(text).toContain("npx duban restore");
    expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
  };

  it("npm start refuses a file with 4 KB overwritten in the middle, in plain words, before it answers anything", async () => {
    const file = damagedCopy("start.db");
    const r = await start(file, "任务6\n");
    expect(r.code).not.toBe(0);
    plain(r.stderr);
    expect(r.stderr).toContain("quick_check");
    expect(r.stdout).not.toContain("督办控制台");
  }, 60_000);

  it("say answers from the pages it reads, refuses a write that meets the damage and stores nothing, exiting non-zero", async () => {
    const file = damagedCopy("say.db");
    const env = { DATABASE_URL: `file:${file}`, LOG_LEVEL: "fatal" };
    // On the real clock the status takes its fast path, which reads the task's own pages only; a past clock
    // (--at) replays the plan's history, audit log included, and would meet the damage (refused the same way).
    const read = await cli(["say", "任务6"], env);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain("最新进度：60%");
    const updates = count(file, "Update");
    const write = await cli(["say", "--at", at, "任务6进展：候选人通过复审 80%"], env);
    expect(write.code).toBe(1);
    expect(write.stdout.trim()).toBe(
      "数据库文件已损坏，这条消息没有处理，也没有记录任何内容。请告知科技办：先运行 npx duban doctor 检查，再用 npx duban restore 备份文件 恢复最近的备份。",
    );
    expect(count(file, "Update")).toBe(updates);
    const json = await cli(["say", "--json", "--at", at, "任务7进展：再试一次 90%"], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ failed: true });
    expect(count(file, "Update")).toBe(updates);
  }, 60_000);

  it("a truncated file is refused by say and npm start with a plain message, never a stack trace", async () => {
    const file = join(dir, "truncated.db");
    copyFileSync(real, file);
    truncateSync(file, Math.floor(statSync(file).size / 2) - 100);
    const say = await cli(["say", "--at", at, "任务6"], { DATABASE_URL: `file:${file}` });
    expect(say.code).toBe(1);
    plain(say.stderr);
    expect(say.stderr).toContain("文件被截断");
    expect(say.stdout).toBe("");
    const r = await start(file, "任务6\n");
    expect(r.code).not.toBe(0);
    plain(r.stderr);
    expect(r.stderr).toContain("文件被截断");
  }, 60_000);

  it("doctor and backup name the damage in the same words; restore then puts a good backup in its place", async () => {
    const good = join(dir, "good-backup.db");
    expect((await cli(["backup", good], { DATABASE_URL: `file:${real}` })).code).toBe(0);
    const file = damagedCopy("doctor.db");
    const env = { DATABASE_URL: `file:${file}`, DUBAN_NOW: at };
    const doctor = await cli(["doctor"], env);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^✗ 数据库 database: .*已损坏.*npx duban restore/m);
    const backup = await cli(["backup", join(dir, "of-damaged.db")], env);
    expect(backup.code).toBe(1);
    plain(backup.stderr);
    expect(readdirSync(dir).filter((f) => f.startsWith("of-damaged"))).toEqual([]);
    const restored = await cli(["restore", good], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("原数据库保留为");
    expect((await cli(["doctor"], env)).stdout).toMatch(/^✓ 数据库 database/m);
  }, 60_000);

  it("restore refuses an unrelated SQLite file and a backup whose audit chain is broken; the live database is unchanged", async () => {
    const live = join(dir, "live.db");
    copyFileSync(real, live);
    const before = dump(live);
    const other = join(dir, "other.db");
    const o = new Database(other);
    o.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('不是督办的库')");
    o.close();
    const unrelated = await cli(["restore", other], { DATABASE_URL: `file:${live}` });
    expect(unrelated.code).toBe(2);
    expect(unrelated.stderr).toContain("不是督办数据库");
    expect(unrelated.stderr).toContain("当前数据库未改动");
    expect(unrelated.stderr).not.toMatch(/\n\s+at /);
    const tampered = join(dir, "tampered.db");
    copyFileSync(real, tampered);
    const t = new Database(tampered);
    t.exec("DROP TRIGGER IF EXISTS AuditLog_no_update");
    t.prepare('UPDATE "AuditLog" SET detail = ? WHERE id = (SELECT MAX(id) FROM "AuditLog")').run("改过的记录");
    t.close();
    const broken = await cli(["restore", tampered], { DATABASE_URL: `file:${live}` });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/审计链在第\d+条处断开/);
    const empty = join(dir, "no-plan.db");
    copyFileSync(real, empty);
    const e = new Database(empty);
    e.pragma("foreign_keys = OFF");
    e.exec('DELETE FROM "TaskUnit"; DELETE FROM "Task"; DELETE FROM "Section"; DELETE FROM "Plan"');
    e.close();
    const noPlan = await cli(["restore", empty], { DATABASE_URL: `file:${live}` });
    expect(noPlan.code).toBe(2);
    expect(noPlan.stderr).toContain("没有任何计划");
    expect(dump(live)).toEqual(before);
    expect(readdirSync(dir).filter((f) => f.startsWith("live.db."))).toEqual([]);
  }, 60_000);

  it("a database a newer version migrated is refused at start, plainly: its schema is not this version's", async () => {
    const file = join(dir, "newer.db");
    copyFileSync(real, file);
    const db = new Database(file);
    db.prepare("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)").run(
      "newer",
      "0".repeat(64),
      Date.now(),
      "29991231235959_from_a_newer_version",
      Date.now(),
    );
    db.close();
    const updates = count(file, "Update");
    const say = await cli(["say", "--at", at, "任务6进展：新版本的库 90%"], { DATABASE_URL: `file:${file}` });
    expect(say.code).toBe(1);
    expect(say.stderr).toContain("已被更新版本的督办迁移（29991231235959_from_a_newer_version）");
    expect(say.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(count(file, "Update")).toBe(updates);
    const r = await start(file, "任务6\n");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("已被更新版本的督办迁移");
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);

  it("say exits non-zero when the bot hits an internal error (a table missing from the schema)", async () => {
    const file = join(dir, "missing-table.db");
    copyFileSync(real, file);
    const db = new Database(file);
    db.pragma("foreign_keys = OFF");
    db.exec('DROP TABLE "Update"');
    db.close();
    const r = await cli(["say", "--at", at, "任务6进展：表不见了 80%"], { DATABASE_URL: `file:${file}`, LOG_LEVEL: "fatal" });
    expect(r.stdout).toContain("抱歉，处理这条消息时出错了");
    expect(r.code).toBe(1);
  }, 60_000);
});

describe("recognising a damaged database", () => {
  it("knows SQLite's corruption raw from better-sqlite3 and wrapped by Prisma, and nothing else", async () => {
    const { isCorruption, asCorruption, DatabaseCorruptError } = await import("../src/db/integrity.js");
    const { openPrisma, closePrisma } = await import("../src/db/prisma-client.js");
    const app = await tempApp();
    const dir = mkdtempSync(join(tmpdir(), "duban-corruption-"));
    try {
      await app.say("任务6进展：一条 10%", { sender: "@zhang:bureau.local" });
      const file = join(dir, "copy.db");
      await backupDatabase(join(app.dir, "duban.db"), file);
      const raw = new Database(file);
      const { rootpage } = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'AuditLog'").get() as { rootpage: number };
      const pageSize = raw.pragma("page_size", { simple: true }) as number;
      raw.close();
      const fd = openSync(file, "r+");
      writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
      closeSync(fd);
      const direct = new Database(file, { readonly: true });
      let sqliteError: unknown;
      try {
        direct.prepare('SELECT * FROM "AuditLog"').all();
      } catch (e) {
        sqliteError = e;
      } finally {
        direct.close();
      }
      expect(isCorruption(sqliteError)).toBe(true);
      const db = await openPrisma(`file:${file}`);
      let prismaError: unknown;
      try {
        await db.auditLog.findMany();
      } catch (e) {
        prismaError = e;
      } finally {
        await closePrisma(db);
      }
      expect(prismaError).toBeDefined();
      expect(isCorruption(prismaError)).toBe(true);
      const named = asCorruption(prismaError, file);
      expect(named).toBeInstanceOf(DatabaseCorruptError);
      expect((named as InstanceType<typeof DatabaseCorruptError>).detail).toBe("database disk image is malformed");
      // Other errors, from Prisma (a plan that cannot be created as given) or plain: not corruption.
      let other: unknown;
      try {
        await app.db.plan.create({ data: { title: (await app.repos.plans.currentPlan())!.title, importedAt: new Date() } as never });
      } catch (e) {
        other = e;
      }
      expect(other).toBeDefined();
      expect(isCorruption(other)).toBe(false);
      expect(isCorruption(new Error("no such table: Update"))).toBe(false);
    } finally {
      await app.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
