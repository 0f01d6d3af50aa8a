/**
 * The measured reminder run, in a process that only opens the app and runs (bench/run.ts and bench/reminders.ts
 * start it on a database that bench/reminders.ts --build made). Plain JavaScript, so that the process runs the app
 * as `npm start` does: compiled, from dist/, when the build is current (bin/launch.js), without tsx's loader
 * (about 45 MB of RSS). An out-of-date build falls back to the TypeScript source through tsx, and says so.
 *
 *   node bench/reminder-run.mjs --run DIR       one run on DIR; prints one JSON line
 *   node bench/reminder-run.mjs --preview DIR   compute and preview on DIR (bench/run.ts gives it a copy)
 *   node bench/reminder-run.mjs --raw DIR       the run's reads and writes in plain better-sqlite3 on DIR (a copy): the floor
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
if (!["--run", "--preview", "--raw"].includes(phase) || !dir) throw new Error("usage: node bench/reminder-run.mjs --run|--preview|--raw DIR");
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
} else if (phase === "--raw") {
  // The floor (issue 26 §2): what the run reads and writes, in plain better-sqlite3 with no app in between. The rows to
  // write are the run's own (computed first, not timed); timed are every task page as the run reads it, the unit's
  // notices and every occurrence inserted in one transaction (multi-row statements, as the run's), and one delivered
  // mark per notice, each in a transaction of its own as the run's are.
  const due = await app.reminders.service.dueRows([DAY]);
  await app.close();
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(join(dir, "duban.db"));
  for (const p of ["journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "wal_autocheckpoint = 4000"]) db.pragma(p);
  const at = clock.now().toISOString().replace("Z", "+00:00");
  const t = performance.now();
  const planId = db.prepare(`SELECT "id" FROM "Plan" WHERE "archivedAt" IS NULL ORDER BY "id" LIMIT 1`).pluck().get();
  const page = db
    .prepare(
      `SELECT "id", "number", "title", "leadUnits", "deadlineText", "deadlineKind", "deadlineDate", "completedAt", "remindersPaused", "reviewPending", ` +
        `"lastUpdateAt", "progress" FROM "Task" WHERE "planId" = ? AND "inDocument" = 1 AND "number" > ? ORDER BY "number" LIMIT 5000`,
    )
    .raw();
  let read = 0;
  for (let after = 0; ; ) {
    const rows = page.all(planId, after);
    read += rows.length;
    if (rows.length < 5000) break;
    after = rows[rows.length - 1][1];
  }
  const chunk = 500;
  const units = [...new Set(due.map((r) => r.unit))];
  const insertAll = db.transaction(() => {
    const notices = new Map();
    for (let i = 0; i < units.length; i += chunk) {
      const part = units.slice(i, i + chunk);
      const stmt = db.prepare(
        `INSERT INTO "Notice" ("kind", "unit", "dueOn", "createdAt", "claimToken", "claimedAt") ` +
          `VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")} RETURNING "id", "unit"`,
      );
      for (const n of stmt.all(part.flatMap((u) => ["reminder", u, DAY, at, "raw", at]))) notices.set(n.unit, n.id);
    }
    let inserted = 0;
    const full = db.prepare(
      `INSERT INTO "Reminder" ("key", "taskId", "unit", "kind", "occurrence", "dueOn", "createdAt", "noticeId") VALUES ` +
        `${Array.from({ length: chunk }, () => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT ("key") DO NOTHING RETURNING "id", "key"`,
    );
    for (let i = 0; i < due.length; i += chunk) {
      const part = due.slice(i, i + chunk);
      const stmt =
        part.length === chunk
          ? full
          : db.prepare(
              `INSERT INTO "Reminder" ("key", "taskId", "unit", "kind", "occurrence", "dueOn", "createdAt", "noticeId") VALUES ` +
                `${part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT ("key") DO NOTHING RETURNING "id", "key"`,
            );
      inserted += stmt.raw().all(part.flatMap((r) => [r.key, r.taskId, r.unit, r.kind, r.occurrence, r.dueOn, at, notices.get(r.unit)])).length;
    }
    return { notices, inserted };
  });
  const { notices, inserted } = insertAll();
  const mark = db.prepare(`UPDATE "Notice" SET "deliveredAt" = ?, "attempts" = "attempts" + 1, "claimToken" = NULL WHERE "id" = ?`);
  const markOne = db.transaction((id) => mark.run(at, id));
  for (const id of notices.values()) markOne(id);
  const rawMs = performance.now() - t;
  db.close();
  out = { ...common, tasksRead: read, rawInserted: inserted, rawNotices: notices.size, rawMs };
  console.log(JSON.stringify(out));
  process.exit(0);
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
