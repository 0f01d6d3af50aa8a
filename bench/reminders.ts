/**
 * One reminder run over a synthetic plan. The measuring process only opens the app and runs, so its RSS after
 * opening the app and its peak RSS are the run's own: the synthetic database is built by another process.
 *
 *   tsx bench/reminders.ts --build DIR TASKS UNITS UPDATES   builds DIR/duban.db and DIR/directory.json, prints one JSON line
 *   tsx bench/reminders.ts --preview DIR                      compute and preview on DIR (bench/run.ts gives it a copy)
 *   tsx bench/reminders.ts --run DIR                          one run on DIR, prints one JSON line (bench/run.ts uses these three)
 *   tsx bench/reminders.ts TASKS UNITS UPDATES                the build in a child process, then the run in this one
 *
 * The run's JSON line: tasks, units, updates, day, reminders, messages, sentMessages, stored, computeMs, previewMs,
 * runMs, startRss (before opening the app), baselineRss (after opening it), baselineMaxRss, peakRss, heapAfter,
 * and with the third form buildMs.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import { zonedInstant } from "../src/core/time.js";
import { bulkUpdates, rawImport, syntheticPlan, writeBenchDirectory } from "./synthetic.js";

const DAY = "2025-01-14"; // a Tuesday: overdue presses, escalations and stale nudges all fall due
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
  return readConfig({ DATABASE_URL: `file:${file}`, DUBAN_DIRECTORY: directory });
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

/** Open the app on DIR and run the reminders once; nothing else happens in this process before. */
async function run(dir: string, phase: "run" | "preview"): Promise<Record<string, number | string>> {
  const built = JSON.parse(readFileSync(paths(dir).meta, "utf8")) as Built;
  globalThis.gc?.();
  const startRss = process.memoryUsage().rss;
  const app = await openApp(configFor(dir), clock, { logger: silent, quiet: true });
  globalThis.gc?.();
  const baselineRss = process.memoryUsage().rss;
  const baselineMaxRss = process.resourceUsage().maxRSS * 1024;

  const common = { tasks: built.tasks, units: built.units, updates: built.updates, day: DAY, startRss, baselineRss, baselineMaxRss };
  if (phase === "preview") {
    // compute and preview, which hold every due row and message in memory, in a process of their own (on a copy
    // of the database made before the run), so the run's peak RSS below is the run's alone
    let t = performance.now();
    const rows = await app.reminders.service.dueRows([DAY]);
    const computeMs = performance.now() - t;
    t = performance.now();
    const preview = await app.reminders.service.preview([DAY], clock.now());
    const previewMs = performance.now() - t;
    await app.close();
    return { ...common, reminders: rows.length, messages: preview.length, computeMs, previewMs, previewPeakRss: process.resourceUsage().maxRSS * 1024 };
  }
  // The sender yields a turn of the event loop, as a send over the network does.
  const t = performance.now();
  const sent = await app.reminders.service.run([DAY], clock.now(), { send: () => new Promise((r) => setImmediate(r)) });
  const runMs = performance.now() - t;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const stored = await app.db.reminder.count();
  await app.close();
  return { ...common, sentMessages: sent.length, stored, runMs, peakRss, heapAfter: process.memoryUsage().heapUsed };
}

const args = process.argv.slice(2);
const sizes = (list: string[]) => {
  const [tasks = 100_000, units = 500, updates = 200_000] = list.map(Number);
  return [tasks, units, updates] as const;
};

if (args[0] === "--build") {
  if (!args[1]) throw new Error("usage: reminders.ts --build DIR TASKS UNITS UPDATES");
  console.log(JSON.stringify(await build(args[1], ...sizes(args.slice(2)))));
} else if (args[0] === "--run" || args[0] === "--preview") {
  if (!args[1]) throw new Error("usage: reminders.ts --run|--preview DIR");
  console.log(JSON.stringify(await run(args[1], args[0] === "--run" ? "run" : "preview")));
} else {
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-rem-"));
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", import.meta.filename, "--build", dir, ...sizes(args).map(String)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    const built = JSON.parse(out.trim().split("\n").pop()!) as Built;
    console.log(JSON.stringify({ ...(await run(dir, "run")), buildMs: built.buildMs }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
