/**
 * One reminder run over a synthetic plan, in its own process so its peak memory is its own.
 * Prints one JSON line. Run by bench/run.ts: `tsx bench/reminders.ts TASKS UNITS UPDATES`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import { zonedInstant } from "../src/core/time.js";
import { bulkUpdates, rawImport, syntheticPlan, writeBenchDirectory } from "./synthetic.js";

const [tasks = 100_000, units = 500, updates = 200_000] = process.argv.slice(2).map(Number);
const DAY = "2025-01-14"; // a Tuesday: overdue presses, escalations and stale nudges all fall due
const dir = mkdtempSync(join(tmpdir(), "duban-bench-rem-"));
const file = join(dir, "duban.db");
const directory = join(dir, "directory.json");
writeBenchDirectory(directory, units);
const silent = { info() {}, warn() {}, error: (m: string, c?: unknown) => console.error(m, c) };
const config = readConfig({ DATABASE_URL: `file:${file}`, DUBAN_DIRECTORY: directory });
const clock = fixedClock(zonedInstant(DAY, "09:00"));
try {
  (await openApp(config, clock, { logger: silent, quiet: true })).close();
  const planId = rawImport(file, syntheticPlan("提醒基准计划", tasks, units, 3), zonedInstant(DAY, "09:01"));
  bulkUpdates(file, planId, updates, 4);
  const app = await openApp(config, clock, { logger: silent, quiet: true });
  globalThis.gc?.();
  const baselineRss = process.memoryUsage().rss;
  const baselineMaxRss = process.resourceUsage().maxRSS * 1024;

  let t = performance.now();
  const rows = await app.reminders.service.dueRows([DAY]);
  const computeMs = performance.now() - t;

  t = performance.now();
  const preview = await app.reminders.service.preview([DAY], clock.now());
  const previewMs = performance.now() - t;

  t = performance.now();
  const sent = await app.reminders.service.run([DAY], clock.now(), { send: async () => {} });
  const runMs = performance.now() - t;
  const stored = await app.db.reminder.count();
  await app.close();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      tasks,
      units,
      updates,
      day: DAY,
      reminders: rows.length,
      messages: preview.length,
      sentMessages: sent.length,
      stored,
      computeMs,
      previewMs,
      runMs,
      baselineRss,
      baselineMaxRss,
      peakRss,
      heapAfter: process.memoryUsage().heapUsed,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
