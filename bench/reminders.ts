/**
 * One reminder run over a synthetic plan. The database is built by one process and measured by another, which
 * only opens the app and runs (bench/reminder-run.mjs), so its RSS after opening the app and its peak RSS are the
 * run's own.
 *
 *   tsx bench/reminders.ts --build DIR TASKS UNITS UPDATES   builds DIR/duban.db and DIR/directory.json, prints one JSON line
 *   tsx bench/reminders.ts TASKS UNITS UPDATES                the build, then `node bench/reminder-run.mjs --run`, each in a child process
 *
 * bench/run.ts runs the build, then bench/reminder-run.mjs --preview and --run. The run's JSON line is described
 * there; the second form adds buildMs.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import { zonedInstant } from "../src/core/time.js";
import { bulkUpdates, rawImport, syntheticPlan, writeBenchDirectory } from "./synthetic.js";

const DAY = "2025-01-14"; // a Tuesday: overdue presses, escalations and stale nudges all fall due (bench/reminder-run.mjs runs on it)
const RUN_SCRIPT = join(import.meta.dirname, "reminder-run.mjs");
const silent = { info() {}, warn() {}, error: (m: string, c?: unknown) => console.error(m, c) };
const clock = fixedClock(zonedInstant(DAY, "09:00"));

interface Built {
  tasks: number;
  units: number;
  updates: number;
  buildMs: number;
}

const paths = (dir: string) => ({ file: join(dir, "duban.db"), directory: join(dir, "directory.json"), meta: join(dir, "bench.json") });
const configFor = (dir: string) => {
  const { file, directory } = paths(dir);
  return readConfig({ DATABASE_URL: `file:${file}`, DUBAN_DEMO: "true", DUBAN_DIRECTORY: directory });
};

/** The synthetic database and directory in DIR (setup, not measured). */
async function build(dir: string, tasks: number, units: number, updates: number): Promise<Built> {
  const t = performance.now();
  mkdirSync(dir, { recursive: true });
  const { file, directory, meta } = paths(dir);
  writeBenchDirectory(directory, units);
  await (await openApp(configFor(dir), clock, { logger: silent, quiet: true })).close();
  const planId = rawImport(file, syntheticPlan("提醒基准计划", tasks, units, 3), zonedInstant(DAY, "09:01"));
  bulkUpdates(file, planId, updates, 4);
  const built = { tasks, units, updates, buildMs: performance.now() - t };
  writeFileSync(meta, JSON.stringify(built));
  return built;
}

const args = process.argv.slice(2);
const sizes = (list: string[]) => {
  const [tasks = 100_000, units = 500, updates = 200_000] = list.map(Number);
  return [tasks, units, updates] as const;
};

if (args[0] === "--build") {
  if (!args[1]) throw new Error("usage: reminders.ts --build DIR TASKS UNITS UPDATES");
  console.log(JSON.stringify(await build(args[1], ...sizes(args.slice(2)))));
} else {
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-rem-"));
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", import.meta.filename, "--build", dir, ...sizes(args).map(String)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const built = JSON.parse(out.trim().split("\n").pop()!) as Built;
    const run = execFileSync(process.execPath, [RUN_SCRIPT, "--run", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    console.log(JSON.stringify({ ...JSON.parse(run.trim().split("\n").pop()!), buildMs: built.buildMs }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
