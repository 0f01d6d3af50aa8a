import Database from "better-sqlite3";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp, type App } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import type { Logger } from "../src/log/logger.js";
import { applyMigrations } from "../src/db/migrate.js";
import { sqlOf } from "../src/db/prisma-client.js";
import { fmt, sample, summarize } from "./stats.js";
import { bulkUpdates, rawImport, rng, syntheticPlan } from "./synthetic.js";

const silent: Logger = { info() {}, warn() {}, error: (m, c) => console.error(m, c) };
const NOW = new Date("2024-06-30T10:00:00+08:00");
/** Messages per burst in the group-commit ingestion figure. */
const BURST = 50;

export interface CoreFigures {
  database: string;
  tasks: number;
  updates: number;
  dbBytes: number;
  status: ReturnType<typeof summarize>;
  overview: ReturnType<typeof summarize>;
  /** Overviews each preceded by one update (not timed), so each re-reads the task that changed. */
  overviewAfterUpdate: ReturnType<typeof summarize>;
  update: ReturnType<typeof summarize>;
  pipelinePerSec: number;
  /** The same pipeline fed in bursts of BURST messages, each burst in one group commit, as the Matrix transport stores a sync batch. */
  burstPerSec: number;
  rawPerSec: number;
  ratio: number;
  /** Raw better-sqlite3 baselines on the same data in the same run (prepared statements, no Prisma, no bot). */
  raw: {
    /** The task row by (planId, number) plus its latest non-retracted update, for the same task numbers as `status`, on the same database. */
    status: ReturnType<typeof summarize>;
    /** `SELECT * FROM Task WHERE planId = ? ORDER BY number` over the same plan as `overview`, on the same database. */
    overview: ReturnType<typeof summarize>;
    /** One update row plus the task counter bump, one transaction, timed per row (the rows of `rawPerSec`). */
    update: ReturnType<typeof summarize>;
  };
}

async function open(file: string): Promise<App> {
  // No per-user limit: the bench sends thousands of changes from one user at one instant.
  // The bench measures production's path, where the clock is the real one (live: the records are the state now,
  // src/core/plan-state.ts); a fixed instant keeps its figures reproducible. Every record is made at NOW.
  const clock = { ...fixedClock(NOW), live: true };
  return openApp(readConfig({ DATABASE_URL: `file:${file}`, DUBAN_DEMO: "true", DUBAN_RATE_LIMIT: "0" }), clock, { logger: silent, quiet: true });
}

// The office's admin may post on any task, including the synthetic plan's (whose units are not in the directory).
const say = (app: App, text: string) =>
  app.bot.handle({ transport: "bench", room: "xingzhen", sender: "@kejiban:bureau.local", text, isDirect: false, mentionsBot: false });

/**
 * Raw better-sqlite3: the same update rows and task counter change, one transaction per row, as the app's pragmas.
 * Returns the rows per second over the whole loop and each row's time in ms.
 */
async function rawIngest(dir: string, texts: { taskId: number; text: string }[], taskCount: number): Promise<{ perSec: number; perRow: number[] }> {
  const file = join(dir, "raw.db");
  await applyMigrations(`file:${file}`);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.prepare(`INSERT INTO "Plan" ("title","importedAt") VALUES ('raw', '2024-06-30T02:00:00.000+00:00')`).run();
  const task = db.prepare(
    `INSERT INTO "Task" ("id","planId","number","title","description",` +
      `"leadUnits","responsibleUnits","deadlineText","deadlineKind") VALUES (?,1,?,'t','d','[]','[]','x','unknown')`,
  );
  db.transaction(() => {
    for (let i = 1; i <= taskCount; i++) task.run(i, i);
  })();
  const insert = db.prepare(
    `INSERT INTO "Update" ("taskId","text","percent","authorId","authorUnit","room","transport","createdAt","revisions") VALUES (?,?,?,?,?,?,?,?,'[]')`,
  );
  const bump = db.prepare(`UPDATE "Task" SET "updateCount" = "updateCount" + 1, "lastUpdateAt" = ?, "progress" = ? WHERE "id" = ?`);
  const one = db.transaction((taskId: number, text: string, at: string) => {
    insert.run(taskId, text, 60, "@zhang:bureau.local", "刑侦大队", "xingzhen", "bench", at);
    bump.run(at, 60, taskId);
  });
  const perRow: number[] = [];
  const t = performance.now();
  for (const r of texts) {
    const at = performance.now();
    one(r.taskId, r.text, "2024-06-30T02:00:00.000+00:00");
    perRow.push(performance.now() - at);
  }
  const seconds = (performance.now() - t) / 1000;
  db.close();
  return { perSec: texts.length / seconds, perRow };
}

/**
 * Raw better-sqlite3 reads on the app's database file, after the app has closed: what `status task N` and `总览`
 * read, with prepared statements and nothing else. `statusNumbers` are the task numbers the status samples used,
 * warm-up first, in the same order.
 */
function rawReads(file: string, statusNumbers: number[], statusWarm: number, overviewN: number, overviewWarm: number) {
  const db = new Database(file);
  try {
    const planId = (db.prepare(`SELECT "id" FROM "Plan" ORDER BY "importedAt" DESC, "id" DESC LIMIT 1`).get() as { id: number }).id;
    const task = db.prepare(`SELECT * FROM "Task" WHERE "planId" = ? AND "number" = ?`);
    const latest = db.prepare(`SELECT * FROM "Update" WHERE "taskId" = ? AND "retractedAt" IS NULL ORDER BY "createdAt" DESC, "id" DESC LIMIT 1`);
    const all = db.prepare(`SELECT * FROM "Task" WHERE "planId" = ? ORDER BY "number"`);
    const readStatus = (n: number) => {
      const row = task.get(planId, n) as { id: number } | undefined;
      if (!row) throw new Error(`bench: raw status read found no task ${n} in plan ${planId}`);
      return latest.get(row.id);
    };
    const status: number[] = [];
    statusNumbers.forEach((n, i) => {
      const at = performance.now();
      readStatus(n);
      if (i >= statusWarm) status.push(performance.now() - at);
    });
    const overview: number[] = [];
    for (let i = 0; i < overviewWarm + overviewN; i++) {
      const at = performance.now();
      all.all(planId);
      if (i >= overviewWarm) overview.push(performance.now() - at);
    }
    return { status: summarize(status), overview: summarize(overview) };
  } finally {
    db.close();
  }
}

/** Latency and ingestion figures for one database: the bundled plan, or a synthetic one. */
export async function benchCore(kind: "bundled" | "synthetic", sizes: { tasks: number; updates: number }, log: (s: string) => void): Promise<CoreFigures> {
  const dir = mkdtempSync(join(tmpdir(), `duban-bench-${kind}-`));
  const file = join(dir, "duban.db");
  try {
    let app = await open(file); // migrates and imports the bundled plan
    let tasks = 25;
    let updates = 0;
    if (kind === "synthetic") {
      await app.close();
      log(`  building ${sizes.tasks} tasks and ${sizes.updates} updates…`);
      const planId = rawImport(file, syntheticPlan("合成计划", sizes.tasks, 50), new Date(NOW.getTime() + 1000));
      bulkUpdates(file, planId, sizes.updates);
      app = await open(file);
      tasks = sizes.tasks;
      updates = sizes.updates;
    }
    const r = rng(7);
    // The interpreter reads task numbers of up to three digits (任务1000 is not taken as a task): pick from 1–999.
    const pick = () => 1 + Math.floor(r() * Math.min(tasks, 999));
    const heavy = kind === "synthetic" && tasks > 1000;
    log("  status task N…");
    const statusNumbers: number[] = [];
    const STATUS_N = 500;
    const STATUS_WARM = 50;
    const status = summarize(
      await sample(STATUS_N, STATUS_WARM, () => {
        const n = pick();
        statusNumbers.push(n);
        return say(app, `status task ${n}`);
      }),
    );
    log("  overview…");
    const [overviewN, overviewWarm] = heavy ? [20, 3] : [200, 20];
    const overview = summarize(await sample(overviewN, overviewWarm, () => say(app, "总览")));
    log("  update…");
    let seq = 0;
    const update = summarize(await sample(300, 30, () => say(app, `任务${pick()}进展:基准记录${seq++} 60%`)));
    log("  overview after an update…");
    const afterUpdate: number[] = [];
    for (let i = 0; i < overviewN; i++) {
      await new Promise((r) => setImmediate(r));
      await say(app, `任务${pick()}进展:总览前的记录${seq++} 40%`);
      await new Promise((r) => setImmediate(r));
      const at = performance.now();
      await say(app, "总览");
      afterUpdate.push(performance.now() - at);
    }
    const overviewAfterUpdate = summarize(afterUpdate);
    log("  ingestion through the pipeline…");
    const rows: { taskId: number; text: string }[] = [];
    const N = 2000;
    for (let i = 0; i < N; i++) rows.push({ taskId: pick(), text: `吞吐记录${i} 60%` });
    const before = await app.db.update.count();
    const t = performance.now();
    const missed: string[] = [];
    for (const row of rows) {
      await new Promise((r) => setImmediate(r)); // the next message arrives over the network (see sample())
      const r = await say(app, `任务${row.taskId}进展:${row.text}`);
      if (!r.replies[0]?.text.startsWith("已记录")) missed.push(`任务${row.taskId}进展:${row.text} → ${r.replies[0]?.text ?? "(no reply)"}`);
    }
    const pipelinePerSec = N / ((performance.now() - t) / 1000);
    // A figure for refused or rate-limited messages would be meaningless: every one must have been stored.
    const stored = (await app.db.update.count()) - before;
    if (stored !== N)
      throw new Error(`bench: ${stored} of ${N} updates were stored; the figures would not measure recording:\n${missed.slice(0, 5).join("\n")}`);
    log(`  ingestion in bursts of ${BURST} (group commit)…`);
    const sql = sqlOf(app.db);
    if (!sql) throw new Error("bench: the app has no SQL client, so no group commit to measure");
    const beforeBursts = await app.db.update.count();
    const tb = performance.now();
    for (let i = 0; i < N; i += BURST) {
      await new Promise((r) => setImmediate(r)); // the next sync batch arrives over the network
      await sql.group(async () => {
        for (const row of rows.slice(i, i + BURST)) await say(app, `任务${row.taskId}进展:${row.text}（批量）`);
      });
    }
    const burstPerSec = N / ((performance.now() - tb) / 1000);
    const storedInBursts = (await app.db.update.count()) - beforeBursts;
    if (storedInBursts !== N) throw new Error(`bench: ${storedInBursts} of ${N} updates sent in bursts were stored`);
    await app.close();
    log("  raw better-sqlite3 baselines (status and overview reads on this database, update inserts)…");
    const reads = rawReads(file, statusNumbers, STATUS_WARM, overviewN, overviewWarm);
    const ingest = await rawIngest(dir, rows, tasks);
    const rawPerSec = ingest.perSec;
    const dbBytes =
      statSync(file).size +
      (() => {
        try {
          return statSync(`${file}-wal`).size;
        } catch {
          return 0;
        }
      })();
    return {
      database: kind,
      tasks,
      updates,
      dbBytes,
      status,
      overview,
      overviewAfterUpdate,
      update,
      pipelinePerSec,
      burstPerSec,
      rawPerSec,
      ratio: pipelinePerSec / rawPerSec,
      raw: { status: reads.status, overview: reads.overview, update: summarize(ingest.perRow) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function coreTable(rows: CoreFigures[]): string {
  const lines = [
    "database     tasks    updates   db size   status p50/p99 ms   overview p50/p99 ms   " +
      "update p50/p99 ms   pipeline upd/s   raw upd/s   pipeline/raw   in bursts upd/s (÷raw)",
  ];
  for (const f of rows)
    lines.push(
      [
        f.database.padEnd(10),
        String(f.tasks).padStart(7),
        String(f.updates).padStart(10),
        `${(f.dbBytes / 1024 / 1024).toFixed(1)} MB`.padStart(9),
        `${fmt(f.status.p50)} / ${fmt(f.status.p99)}`.padStart(19),
        `${fmt(f.overview.p50)} / ${fmt(f.overview.p99)}`.padStart(21),
        `${fmt(f.update.p50)} / ${fmt(f.update.p99)}`.padStart(19),
        fmt(f.pipelinePerSec, 0).padStart(16),
        fmt(f.rawPerSec, 0).padStart(11),
        `${fmt(f.ratio, 3)}×`.padStart(14),
        `${fmt(f.burstPerSec, 0)} (${fmt(f.burstPerSec / f.rawPerSec, 3)}×)`.padStart(22),
      ].join("  "),
    );
  return lines.join("\n");
}
