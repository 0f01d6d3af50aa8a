/**
 * What a one-shot command loads, without timing it: `duban say 任务6`, the overview and the directory, on an existing
 * database, must load neither Prisma's query compiler (WebAssembly; about 0.3 s and 80 MB before the process can
 * exit) nor mammoth (the .docx reader, only for importing a Word plan). Both crept into the start between af80989 and
 * 46e9dfc and took `say 任务6` from 0.36 s to 0.87 s (bench/README.md). The child logs every module it imports
 * (tests/helpers/log-imports.mjs).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "duban-startup-cost-"));
const env = {
  ...process.env,
  DATABASE_URL: `file:${join(dir, "duban.db")}`,
  DUBAN_DEMO: "true",
  // A clock in the past, as the bench runs it: the task view then asks the audit trail whether anything came later.
  DUBAN_NOW: "2024-06-30T10:00:00+08:00",
  CHECKPOINT_DISABLE: "1",
};

/** The modules `duban …args` imported (ESM URLs and CommonJS paths), and what it printed. */
function modulesOf(args: string[], log: string): { modules: string[]; stdout: string } {
  const stdout = execFileSync(process.execPath, ["--import", "./tests/helpers/log-imports.mjs", "bin/duban.js", ...args], {
    cwd: root,
    env: { ...env, DUBAN_TEST_IMPORT_LOG: join(dir, log) },
    encoding: "utf8",
  });
  return { modules: readFileSync(join(dir, log), "utf8").split("\n").filter(Boolean), stdout };
}

beforeAll(() => {
  // Creates and migrates the database and imports the bundled plan (through Prisma): not what is checked.
  execFileSync(process.execPath, ["bin/duban.js", "say", "任务6"], { cwd: root, env, stdio: "ignore" });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The one-shot reads that ran without a Prisma query at af80989: a task's status, the overview, the directory.
describe.each([
  { args: ["say", "任务6"], prints: "任务6：" },
  { args: ["say", "总体情况"], prints: "任务" },
  { args: ["directory"], prints: "刑侦大队" },
])("duban $args.0 $args.1 on an existing database", ({ args, prints }) => {
  let run: { modules: string[]; stdout: string };
  beforeAll(() => {
    run = modulesOf(args, `${args.join("-")}.log`);
  });

  it("answers, and the log of its modules works (the SQLite driver and the app's own code are in it)", () => {
    expect(run.stdout).toContain(prints);
    expect(run.modules.some((m) => m.includes("/node_modules/better-sqlite3/"))).toBe(true);
    expect(run.modules.some((m) => /\/src\/app\.(js|ts)$/.test(m))).toBe(true);
  });

  it("makes no Prisma query, so Prisma's query compiler is never loaded (the membership settings are read in SQL)", () => {
    expect(run.modules.filter((m) => m.includes("query_compiler"))).toEqual([]);
  });

  it("does not load mammoth: the .docx reader is imported only when a Word plan is read", () => {
    expect(run.modules.filter((m) => m.includes("/node_modules/mammoth/"))).toEqual([]);
  });
});
