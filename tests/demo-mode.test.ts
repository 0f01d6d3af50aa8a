import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApp } from "../src/app.js";
import { BUNDLED_PLAN, ConfigError, DEMO_DIRECTORY, readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import type { Logger } from "../src/log/logger.js";
import { runDoctor } from "../src/ops/doctor.js";

/**
 * Demo mode (issue 23 §2, "the demo stays a demo"): the bundled plan and the demo directory belong to the default
 * demo database or DUBAN_DEMO=true. A DATABASE_URL the operator sets means production: a new database starts
 * empty and says how to import the bureau's plan, and the demo directory's fictional admins are never loaded.
 * vitest.config.ts opts every other test into demo mode; these set DUBAN_DEMO themselves.
 */

const ROOT = join(import.meta.dirname, "..");
const AT = "2024-06-30T10:00:00+08:00";
const IMPORT_HINT = "duban import 方案.docx（源码目录中为 npx duban import 方案.docx）";
let dir: string;
let databases = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "duban-demo-mode-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new SQLite file in the test's folder. */
function newDatabase(): { file: string; url: string } {
  const file = join(dir, `db${++databases}.db`);
  return { file, url: `file:${file}` };
}

/** How many plans a SQLite file holds, read without opening the app. */
function planCount(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM "Plan"').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A logger that keeps every line. */
function recordingLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  return {
    lines,
    info: (msg) => void lines.push({ level: "info", msg }),
    warn: (msg) => void lines.push({ level: "warn", msg }),
    error: (msg) => void lines.push({ level: "error", msg }),
  };
}

/** The environment of a child process: this machine's without any duban setting, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(DUBAN_|MATRIX_|DATABASE_URL$|LOG_LEVEL$)/.test(k)) env[k] = v;
  return { ...env, CHECKPOINT_DISABLE: "1", DUBAN_NOW: AT, ...extra };
}

/** Start the app on `env` and check that the bundled plan (科技兴警, 25 tasks) was imported on first start. */
async function expectDemoPlanOnStart(env: Record<string, string>): Promise<void> {
  const app = await openApp(readConfig(env), fixedClock(new Date(AT)), { logger: recordingLogger(), quiet: true });
  try {
    const plans = await app.repos.plans.plans();
    expect(plans.map((p) => p.code)).toEqual(["科技兴警"]);
    expect(await app.repos.plans.tasks(plans[0]!.id)).toHaveLength(25);
  } finally {
    await app.close();
  }
}

/** Run bin/duban.js or bin/start.js (`npm start`) in `cwd`, with `input` on stdin. */
function run(script: "duban" | "start", args: string[], env: Record<string, string>, opts: { cwd?: string; input?: string } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [join(ROOT, script === "duban" ? "bin/duban.js" : "bin/start.js"), ...args],
      { cwd: opts.cwd ?? dir, env: childEnv(env) },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(opts.input ?? "");
  });
}

describe("which mode a configuration is in", () => {
  it("is the demo on the default database, with the demo directory when DUBAN_DIRECTORY is unset", () => {
    const config = readConfig({});
    expect(config).toMatchObject({ demo: true, databaseUrl: "file:./data/duban.db", directoryFile: DEMO_DIRECTORY, usingDemoDirectory: true });
  });

  it("is production for any DATABASE_URL the operator sets, and then has no directory unless DUBAN_DIRECTORY names one", () => {
    expect(readConfig({ DATABASE_URL: "file:/srv/duban/duban.db" })).toMatchObject({ demo: false, directoryFile: null, usingDemoDirectory: false });
    expect(readConfig({ DATABASE_URL: "file:./data/duban.db", DUBAN_DEMO: "" })).toMatchObject({ demo: false });
    expect(readConfig({ DATABASE_URL: "file:/srv/duban/duban.db", DUBAN_DIRECTORY: "/etc/duban/directory.yaml" })).toMatchObject({
      demo: false,
      directoryFile: "/etc/duban/directory.yaml",
    });
  });

  it("follows DUBAN_DEMO when it is set: true or 1 for the demo on any database, false or 0 for production on the default one", () => {
    expect(readConfig({ DATABASE_URL: "file:/tmp/x.db", DUBAN_DEMO: "true" })).toMatchObject({ demo: true, directoryFile: DEMO_DIRECTORY });
    expect(readConfig({ DATABASE_URL: "file:/tmp/x.db", DUBAN_DEMO: "1" }).demo).toBe(true);
    expect(readConfig({ DUBAN_DEMO: "false" })).toMatchObject({ demo: false, directoryFile: null });
    expect(readConfig({ DUBAN_DEMO: "0" }).demo).toBe(false);
  });

  it("refuses any other DUBAN_DEMO, naming the key and the values it takes", () => {
    expect(() => readConfig({ DUBAN_DEMO: "yes" })).toThrow(ConfigError);
    expect(() => readConfig({ DUBAN_DEMO: "yes" })).toThrow(/DUBAN_DEMO: must be "true" .* or "false"/);
  });
});

describe("a production database", () => {
  it("starts empty, says in the log how to import the bureau's plan, and answers a task message with how an admin imports it", async () => {
    const { file, url } = newDatabase();
    const logger = recordingLogger();
    const app = await openApp(readConfig({ DATABASE_URL: url, DUBAN_DIRECTORY: DEMO_DIRECTORY }), fixedClock(new Date(AT)), { logger });
    try {
      expect(await app.repos.plans.plans()).toEqual([]);
      expect(logger.lines.filter((l) => l.level === "warn").map((l) => l.msg)).toContainEqual(expect.stringContaining(IMPORT_HINT));
      const say = async (text: string) =>
        (await app.bot.handle({ transport: "test", room: "console", sender: "@kejiban:bureau.local", text, isDirect: true, mentionsBot: true })).replies
          .map((r) => r.text)
          .join("\n");
      for (const text of ["任务6", "总览", "6号任务进展：两名民警通过市级数字工匠初审 60%"]) {
        const answer = await say(text);
        expect(answer, text).toContain("尚未导入计划");
        expect(answer, text).toContain(IMPORT_HINT);
      }
      // 帮助 is the first thing a newcomer types: it says so too.
      expect((await say("帮助")).split("\n")[1]).toContain("尚未导入计划");
      // Nothing was recorded.
      expect(await app.repos.plans.plans()).toEqual([]);
    } finally {
      await app.close();
    }
    expect(planCount(file)).toBe(0);
  });

  it("is refused without DUBAN_DIRECTORY, before the database is created: the demo directory's fictional admins never run a real deployment", async () => {
    const { file, url } = newDatabase();
    const open = openApp(readConfig({ DATABASE_URL: url }), fixedClock(new Date(AT)), { logger: recordingLogger() });
    await expect(open).rejects.toThrow(ConfigError);
    await expect(open).rejects.toThrow(/DUBAN_DIRECTORY: 未设置.*duban init.*DUBAN_DEMO=true/s);
    expect(existsSync(file)).toBe(false);
  });

  it("gets the bundled plan when the operator asks for the demo on it with DUBAN_DEMO=true", async () => {
    const { file, url } = newDatabase();
    await expectDemoPlanOnStart({ DATABASE_URL: url, DUBAN_DEMO: "true" });
    expect(planCount(file)).toBe(1);
  });

  it("reads the demo plan DUBAN_BUNDLED_PLAN names as import reads a plan: a Word document too", async () => {
    const { Document, Packer, Paragraph } = await import("docx");
    const lines = readFileSync(BUNDLED_PLAN, "utf8").split("\n");
    const docx = join(dir, "demo-plan.docx");
    writeFileSync(docx, await Packer.toBuffer(new Document({ sections: [{ children: lines.map((text) => new Paragraph({ text })) }] })));
    const { url } = newDatabase();
    await expectDemoPlanOnStart({ DATABASE_URL: url, DUBAN_DEMO: "true", DUBAN_BUNDLED_PLAN: docx });
  });

  it("lists 'no plan imported' among doctor's problems, with the command, until a plan is imported", async () => {
    const { url } = newDatabase();
    const config = readConfig({ DATABASE_URL: url, DUBAN_DIRECTORY: DEMO_DIRECTORY });
    const app = await openApp(config, fixedClock(new Date(AT)), { logger: recordingLogger(), quiet: true });
    await app.close();
    const plan = (await runDoctor(config)).find((c) => c.name === "计划 plan");
    expect(plan).toMatchObject({ status: "fail", detail: expect.stringContaining(IMPORT_HINT) });
    const withoutDirectory = await runDoctor(readConfig({ DATABASE_URL: url }));
    expect(withoutDirectory.find((c) => c.name === "名录 directory")).toMatchObject({ status: "fail", detail: expect.stringContaining("duban init") });
  });
});

describe("production and demo mode as the operator meets them, run as processes", () => {
  it("npm start on a production database: the warn line with the import command, the chat answer, and still no plan afterwards", async () => {
    const { file, url } = newDatabase();
    const r = await run("start", [], { DATABASE_URL: url, DUBAN_DIRECTORY: DEMO_DIRECTORY, LOG_LEVEL: "warn" }, { input: "任务6\n" });
    expect(r.code, r.stderr).toBe(0);
    const warn = r.stderr
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.msg.includes("no plan imported yet"));
    expect(warn).toMatchObject({ level: "warn", msg: expect.stringContaining(IMPORT_HINT) });
    expect(r.stdout).toContain(`尚未导入计划，暂时不能查询或报送任务。请科技办管理员在服务器上导入本局的方案：${IMPORT_HINT}`);
    expect(planCount(file)).toBe(0);
  });

  it("npm start without DUBAN_DIRECTORY in production refuses in plain words, exit 1, and creates nothing", async () => {
    const { file, url } = newDatabase();
    const r = await run("start", [], { DATABASE_URL: url }, { input: "任务6\n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^duban: configuration is invalid:\n {2}- DUBAN_DIRECTORY: 未设置。/);
    expect(r.stderr).toContain("duban init");
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(existsSync(file)).toBe(false);
  });

  it("a CLI command leaves a production database empty; import needs no directory and imports only the given plan; doctor then passes", async () => {
    const { file, url } = newDatabase();
    const say = await run("duban", ["say", "任务6"], { DATABASE_URL: url, DUBAN_DIRECTORY: DEMO_DIRECTORY });
    expect(say.code, say.stderr).toBe(0);
    expect(say.stdout).toContain("尚未导入计划");
    expect(planCount(file)).toBe(0);
    const doctor = await run("duban", ["doctor"], { DATABASE_URL: url, DUBAN_DIRECTORY: DEMO_DIRECTORY, LOG_LEVEL: "silent" });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`✗ 计划 plan: 尚未导入计划，请导入本局的方案：${IMPORT_HINT}`);
    // Commands that need people and rooms are refused without a directory; import is not.
    const refused = await run("duban", ["say", "任务6"], { DATABASE_URL: url });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("DUBAN_DIRECTORY: 未设置");
    const imported = await run("duban", ["import", BUNDLED_PLAN], { DATABASE_URL: url });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("25项任务");
    expect(imported.stdout).not.toContain("演示模式");
    expect(planCount(file)).toBe(1);
    const after = await run("duban", ["doctor"], { DATABASE_URL: url, DUBAN_DIRECTORY: DEMO_DIRECTORY, LOG_LEVEL: "silent" });
    expect(after.stdout).not.toContain("计划 plan");
  });

  it("import on the default database (no env file yet, before duban init) says it went into the demo database", async () => {
    const cwd = mkdtempSync(join(dir, "checkout-"));
    const plan = join(ROOT, "tests/fixtures/plans/qingliu-fengqiao.txt");
    const r = await run("duban", ["import", plan], {}, { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "注意：这是演示模式（未设置 DATABASE_URL），已导入到演示数据库 file:./data/duban.db，与演示方案并列。正式部署请先运行 duban init",
    );
    expect(planCount(join(cwd, "data/duban.db"))).toBe(2);
  });

  it("the README's first command still runs the demo: the default database, the bundled plan preloaded, the demo directory", async () => {
    const cwd = mkdtempSync(join(dir, "checkout-"));
    const r = await run("start", ["--at", AT], { LOG_LEVEL: "silent" }, { cwd, input: "任务6\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("督办控制台：当前用户 @kejiban:bureau.local");
    expect(r.stdout).toContain("任务6：培育“公安数字工匠”");
    expect(planCount(join(cwd, "data/duban.db"))).toBe(1);
    // DUBAN_DEMO=false on the same default database is production: no demo directory, so it does not start.
    const production = await run("start", [], { DUBAN_DEMO: "false" }, { cwd: mkdtempSync(join(dir, "checkout-")), input: "任务6\n" });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain("DUBAN_DIRECTORY: 未设置");
  });
});
