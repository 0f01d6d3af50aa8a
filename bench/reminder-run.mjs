/**
 * The measured reminder run, in a process that only opens the app and runs (bench/run.ts and bench/reminders.ts
 * start it on a database that bench/reminders.ts --build made). Plain JavaScript, so that the process runs the app
 * as `npm start` does: compiled, from dist/, when the build is current (bin/launch.js), without tsx's loader
 * (about 45 MB of RSS). An out-of-date build falls back to the TypeScript source through tsx, and says so.
 *
 *   node bench/reminder-run.mjs --run DIR       one run on DIR; prints one JSON line
 *   node bench/reminder-run.mjs --preview DIR   compute and preview on DIR (bench/run.ts gives it a copy)
 *
 * The run's JSON line: tasks, units, updates, day, from ("dist" or "src"), reminders, messages, sentMessages,
 * stored, computeMs, previewMs, runMs, startRss (before opening the app), baselineRss (after opening it),
 * baselineMaxRss, peakRss, heapAfter.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildIsCurrent } from "../bin/launch.js";

const DAY = "2025-01-14"; // a Tuesday: overdue presses, escalations and stale nudges all fall due (as bench/reminders.ts builds)

const fromDist = buildIsCurrent();
if (!fromDist) (await import("tsx/esm/api")).register();
const load = (path) => import(new URL(`../${fromDist ? `dist/src/${path}.js` : `src/${path}.ts`}`, import.meta.url).href);
const [{ openApp }, { readConfig }, { fixedClock }, { zonedInstant }] = await Promise.all([load("app"), load("config"), load("core/clock"), load("core/time")]);

const [phase, dir] = process.argv.slice(2);
if ((phase !== "--run" && phase !== "--preview") || !dir) throw new Error("usage: node bench/reminder-run.mjs --run|--preview DIR");
const built = JSON.parse(readFileSync(join(dir, "bench.json"), "utf8"));
const clock = fixedClock(zonedInstant(DAY, "09:00"));
const silent = { info() {}, warn() {}, error: (m, c) => console.error(m, c) };

globalThis.gc?.();
const startRss = process.memoryUsage().rss;
const app = await openApp(
  readConfig({ DATABASE_URL: `file:${join(dir, "duban.db")}`, DUBAN_DEMO: "true", DUBAN_DIRECTORY: join(dir, "directory.json") }),
  clock,
  {
    logger: silent,
    quiet: true,
  },
);
globalThis.gc?.();
const common = {
  tasks: built.tasks,
  units: built.units,
  updates: built.updates,
  day: DAY,
  from: fromDist ? "dist" : "src",
  startRss,
  baselineRss: process.memoryUsage().rss,
  baselineMaxRss: process.resourceUsage().maxRSS * 1024,
};
let out;
if (phase === "--preview") {
  // compute and preview, which hold every due row and message in memory, in a process of their own (on a copy
  // of the database made before the run), so the run's peak RSS is the run's alone
  let t = performance.now();
  const rows = await app.reminders.service.dueRows([DAY]);
  const computeMs = performance.now() - t;
  t = performance.now();
  const preview = await app.reminders.service.preview([DAY], clock.now());
  const previewMs = performance.now() - t;
  out = { ...common, reminders: rows.length, messages: preview.length, computeMs, previewMs, previewPeakRss: process.resourceUsage().maxRSS * 1024 };
} else {
  // The sender yields a turn of the event loop, as a send over the network does.
  const t = performance.now();
  const sent = await app.reminders.service.run([DAY], clock.now(), { send: () => new Promise((r) => setImmediate(r)) });
  const runMs = performance.now() - t;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const stored = await app.db.reminder.count();
  const undelivered = await app.db.reminder.count({ where: { notice: { deliveredAt: null } } });
  out = { ...common, sentMessages: sent.length, stored, undelivered, runMs, peakRss, heapAfter: process.memoryUsage().heapUsed };
}
await app.close();
console.log(JSON.stringify(out));
