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
 * stored, computeMs, previewMs, runMs, checkpointMs (the WAL checkpoint the run left queued, timed right after it),
 * cpuMs (the run's CPU time), startRss (before opening the app), baselineRss (after opening it),
 * baselineMaxRss, peakRss, heapAfter.
 */
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
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
  // The floor (issue 26 §2): the run's own reads and writes, statement for statement and transaction for transaction,
  // in plain better-sqlite3 with no app in between (on SQLite, as SqlReminderRepository and SqlPlanRepository run
  // them). The rows to write are the run's own, page by page (computed first, not timed). Timed: the plans read; the
  // change counter read; the claim of earlier notices; every task page and its targets as the run reads them, each
  // page's new notices and occurrences inserted in one transaction (multi-row statements of 500, as the run's); the
  // claim again for rows recorded meanwhile; then for each unit, as the run sends it: the claim check, the changed
  // tasks read, and its notice marked delivered with its rooms.
  const service = app.reminders.service;
  const limit = 5_000; // TASK_PAGE in src/reminders/reminder-service.ts
  const duePages = [];
  for await (const page of service.pages([DAY])) duePages.push(page.rows); // the run's private generator, for its exact pages
  const roomsOf = new Map(app.directory.units.map((u) => [u.name, JSON.stringify(u.rooms?.length ? u.rooms : app.directory.officeRooms())]));
  await app.close();
  const db = new Database(join(dir, "duban.db"));
  // The app's pragmas during a run: it is one batch (SqliteSql.batch), with no automatic checkpoint until it ends.
  for (const p of ["journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "wal_autocheckpoint = 0"]) db.pragma(p);
  const at = clock.now().toISOString().replace("Z", "+00:00");
  const stale = new Date(clock.now().getTime() - 20 * 60_000).toISOString().replace("Z", "+00:00");
  const inTransaction = (fn) => {
    db.exec("BEGIN IMMEDIATE");
    try {
      const out = fn();
      db.exec("COMMIT");
      return out;
    } catch (e) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw e;
    }
  };
  const chunk = 500;
  const values = (n, width) => Array.from({ length: n }, () => `(${Array(width).fill("?").join(", ")})`).join(", ");
  const noticeInsert = (n) =>
    db
      .prepare(
        `INSERT INTO "Notice" ("kind", "unit", "dueOn", "createdAt", "claimToken", "claimedAt") VALUES ${values(n, 6)} ` +
          `ON CONFLICT ("id") DO NOTHING RETURNING "id", "unit"`,
      )
      .raw();
  const reminderInsert = (n) =>
    db
      .prepare(
        `INSERT INTO "Reminder" ("key", "taskId", "kind", "occurrence", "dueOn", "createdAt", "noticeId") VALUES ${values(n, 7)} ` +
          `ON CONFLICT ("key") DO NOTHING RETURNING "id"`,
      )
      .raw();
  const fullInsert = reminderInsert(chunk);
  const cpu = process.cpuUsage();
  const t = performance.now();
  const plans = db
    .prepare(
      `SELECT "id", "title", "issuedOn", "importedAt", "revisedAt", "code", "archivedAt", "archivedBy", "archiveReason" FROM "Plan" ` +
        `WHERE "archivedAt" IS NULL ORDER BY "importedAt", "id"`,
    )
    .all();
  const maxSeq = db.prepare(`SELECT coalesce(max("seq"), 0) AS "seq" FROM "TaskChange"`);
  let marker = maxSeq.get().seq;
  const claim = db.prepare(
    `UPDATE "Notice" SET "claimToken" = ?, "claimedAt" = ? WHERE "deliveredAt" IS NULL AND ("claimToken" IS NULL OR "claimedAt" < ?) ` +
      `AND "kind" = 'reminder' RETURNING "id"`,
  );
  const claimedBefore = inTransaction(() => claim.all("raw", at, stale)).length;
  const page = db
    .prepare(
      `SELECT "id", "number", "title", "leadUnits", "deadlineText", "deadlineKind", "deadlineDate", "completedAt", "remindersPaused", "reviewPending", ` +
        `"lastUpdateAt", "progress" FROM "Task" WHERE "planId" = ? AND "inDocument" = ? AND "number" > ? ORDER BY "number" LIMIT ?`,
    )
    .raw();
  const targets = db.prepare(
    `SELECT g.* FROM "Target" g JOIN "Task" t ON t."id" = g."taskId" WHERE t."planId" = ? AND t."inDocument" = ? AND t."number" > ? ` +
      `AND t."number" <= ? AND g."removedAt" IS NULL ORDER BY g."id"`,
  );
  const notices = new Map();
  const noticeDay = new Map(); // notice id → its run day: an occurrence on that day writes NULL (its notice's), as the run does
  let read = 0;
  let inserted = 0;
  let p = 0;
  for (const plan of plans)
    for (let after = 0; ; ) {
      const rows = page.all(plan.id, 1, after, limit);
      read += rows.length;
      if (rows.length > 0) targets.all(plan.id, 1, after, rows[rows.length - 1][1]);
      const due = duePages[p++] ?? [];
      if (due.length > 0)
        inTransaction(() => {
          const fresh = new Map(); // unit → its first row's run day
          for (const r of due) if (!notices.has(r.unit) && !fresh.has(r.unit)) fresh.set(r.unit, r.dueOn);
          const units = [...fresh.keys()];
          for (let i = 0; i < units.length; i += chunk) {
            const part = units.slice(i, i + chunk);
            for (const [id, unit] of noticeInsert(part.length).all(part.flatMap((u) => ["reminder", u, fresh.get(u), at, "raw", at]))) {
              notices.set(unit, id);
              noticeDay.set(id, fresh.get(unit));
            }
          }
          for (let i = 0; i < due.length; i += chunk) {
            const part = due.slice(i, i + chunk);
            const params = [];
            for (const r of part) {
              const notice = notices.get(r.unit);
              params.push(r.key, r.taskId, r.kind, r.occurrence, noticeDay.get(notice) === r.dueOn ? null : r.dueOn, null, notice);
            }
            inserted += (part.length === chunk ? fullInsert : reminderInsert(part.length)).all(params).length;
          }
        });
      if (rows.length < limit) break;
      after = rows[rows.length - 1][1];
    }
  const late = inTransaction(() => claim.all("raw", at, stale)).length;
  const holds = db.prepare(`SELECT 1 AS "one" FROM "Notice" WHERE "claimToken" = ? AND "deliveredAt" IS NULL LIMIT 1`);
  const changed = db.prepare(`SELECT "taskId" FROM "TaskChange" WHERE "seq" > ?`).raw();
  const mark = db.prepare(
    `UPDATE "Notice" SET "deliveredAt" = ?, "attempts" = "attempts" + 1, "claimToken" = NULL, "lastError" = COALESCE(?, "lastError"), ` +
      `"rooms" = COALESCE(?, "rooms") WHERE "id" IN (SELECT value FROM json_each(?))`,
  );
  for (const [unit, id] of notices) {
    if (!holds.get("raw")) throw new Error("the raw floor lost its claim");
    const max = maxSeq.get().seq;
    changed.all(marker);
    marker = max;
    mark.run(at, null, roomsOf.get(unit) ?? null, JSON.stringify([id]));
  }
  const rawMs = performance.now() - t;
  const { user, system } = process.cpuUsage(cpu);
  // And the checkpoint the app queues when the run ends, timed as the run's is (checkpointMs).
  const t2 = performance.now();
  db.pragma("wal_checkpoint(PASSIVE)");
  const rawCheckpointMs = performance.now() - t2;
  db.close();
  out = {
    ...common,
    tasksRead: read,
    rawInserted: inserted,
    rawNotices: notices.size,
    rawClaimed: claimedBefore + late,
    rawMs,
    rawCheckpointMs,
    rawCpuMs: (user + system) / 1000,
  };
  console.log(JSON.stringify(out));
  process.exit(0);
} else {
  // The sender yields a turn of the event loop, as a send over the network does.
  const t = performance.now();
  const cpu = process.cpuUsage();
  const sent = await app.reminders.service.run([DAY], clock.now(), { send: () => new Promise((r) => setImmediate(r)) });
  const runMs = performance.now() - t;
  const { user, system } = process.cpuUsage(cpu);
  // The run holds the connection's WAL checkpoints until it ends (SqliteSql.batch); the one it queues then has not
  // run yet. Timed here, on a connection of its own, so the figures show what the run left to do.
  const t2 = performance.now();
  const side = new Database(join(dir, "duban.db"));
  side.pragma("wal_checkpoint(PASSIVE)");
  side.close();
  const checkpointMs = performance.now() - t2;
  const cpuMs = (user + system) / 1000; // the run's CPU time: steadier than its wall time on a loaded machine
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const stored = await app.db.reminder.count();
  const undelivered = await app.db.reminder.count({ where: { notice: { deliveredAt: null } } });
  out = { ...common, sentMessages: sent.length, stored, undelivered, runMs, checkpointMs, cpuMs, peakRss, heapAfter: process.memoryUsage().heapUsed };
}
await app.close();
console.log(JSON.stringify(out));
