/**
 * Profile before changing anything (issue 11): for one update, one status query, one overview and one
 * reminder run, every SQL statement with its time, and where the rest of the time goes.
 *
 *   CHECKPOINT_DISABLE=1 npx tsx bench/profile/profile.ts [--samples 300] [--cpu-loop 2000] [--out DIR] [--no-cpu]
 *
 * 1. SQL: better-sqlite3 is patched at the prototype (bench/profile/probe.ts) before the app opens, so every
 *    prepare and execution the Prisma adapter makes is timed exactly (the driver is synchronous).
 * 2. The remainder: each repository call is timed (its wall time minus its SQL is Prisma's own cost), and the
 *    same messages are replayed through a Bot whose repositories answer from a record (no Prisma, no SQLite),
 *    next to interpret(), zod and the rendering timed alone.
 * 3. A CPU profile (inspector, 100 µs sampling, probes off) of a loop of each operation, self time by module.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import {
  captureSql,
  installDriverProbe,
  installRepoProbe,
  probeEnabled,
  replayRepos,
  sqlClock,
  type Capture,
  type RepoCallStats,
  type StatementStats,
} from "./probe.js";
import { moduleTable, summarise, type CpuProfile } from "./summarise.js";
import { openApp, type App } from "../../src/app.js";
import { readConfig } from "../../src/config.js";
import { Bot, type BotOptions } from "../../src/core/bot.js";
import type { Logger } from "../../src/log/logger.js";
import { fixedClock } from "../../src/core/clock.js";
import { commandContext, interpretContext, type BotDeps } from "../../src/core/bot-deps.js";
import type { CommandContext } from "../../src/core/command.js";
import type { Inbound } from "../../src/core/inbound.js";
import { addressMessage } from "../../src/core/plan-scope.js";
import type { RequestRecord, TaskRecord, UpdateRecord } from "../../src/core/model.js";
import { interpret, type InterpretContext } from "../../src/core/interpreter/interpret.js";
import { boundReply, reply } from "../../src/core/reply.js";
import { statusLines } from "../../src/core/task-view.js";
import { formatDateTime, zonedInstant } from "../../src/core/time.js";
import { PrismaClient } from "../../src/generated/prisma/client.js";
import { bulkUpdates, rawImport, rng, syntheticPlan, writeBenchDirectory } from "../synthetic.js";
import { summarize } from "../stats.js";

installDriverProbe();

const argv = process.argv.slice(2);
const flag = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const SAMPLES = flag("samples", 300);
const CPU_LOOP = flag("cpu-loop", 2000);
const TASKS = flag("tasks", 1_000);
const UPDATES = flag("updates", 100_000);
const REM_TASKS = flag("rem-tasks", 10_000);
const REM_UNITS = flag("rem-units", 50);
const REM_UPDATES = flag("rem-updates", 20_000);
const NO_CPU = argv.includes("--no-cpu");
const outIdx = argv.indexOf("--out");
const OUT = outIdx >= 0 ? argv[outIdx + 1]! : mkdtempSync(join(tmpdir(), "duban-profile-"));
mkdirSync(OUT, { recursive: true });

const NOW = new Date("2024-06-30T10:00:00+08:00");
const DAY = "2025-01-14";
const silent: Logger = { info() {}, warn() {}, error: (m, c) => console.error(m, c) };
const log = (s: string) => process.stderr.write(`${s}\n`);
const us = (ms: number) => (ms * 1000).toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

// ---------------------------------------------------------------------------------------------------------
// SQL text: grouping key and a short form for the tables.

/** Collapse parameter lists and repeated VALUES tuples, so one statement shape is one row. */
export function sqlShape(sql: string): string {
  let s = sql
    .replace(/`main`\./g, "")
    .replace(/[`"]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  s = s.replace(/\?(?:\s*,\s*\?)+/g, (m) => `?×${m.split("?").length - 1}`);
  s = s.replace(/(\([^()]*\))(?:\s*,\s*\1)+/g, (m, one: string) => `${one}×${m.split(one).length - 1}`);
  s = s.replace(/×\d+/g, "×N");
  return s;
}

/** Count the top-level items of a comma list. */
function topLevelItems(list: string): number {
  let depth = 0;
  let n = 1;
  for (const ch of list) {
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) n++;
  }
  return n;
}

/** "SELECT [19 cols] FROM Task WHERE (Task.planId = ? AND Task.number = ?) LIMIT ? OFFSET ?", truncated. */
export function shortSql(sql: string, max = 150): string {
  let s = sqlShape(sql);
  // Outer SELECT list → its column count.
  const sel = /^SELECT (.*?) FROM /.exec(s);
  if (sel) {
    let depth = 0;
    let end = -1;
    for (let i = 7; i < s.length; i++) {
      const ch = s[i];
      if (ch === "(") depth++;
      else if (ch === ")") depth--;
      else if (depth === 0 && s.startsWith(" FROM ", i)) {
        end = i;
        break;
      }
    }
    if (end > 0) {
      const cols = s.slice(7, end);
      if (cols.length > 40) s = `SELECT [${topLevelItems(cols)} cols]${s.slice(end)}`;
    }
  }
  s = s.replace(/^INSERT INTO (\S+) \(([^)]*)\)/, (_m, t: string, cols: string) => `INSERT INTO ${t} (${topLevelItems(cols)} cols)`);
  s = s.replace(/ RETURNING (.*)$/, (_m, cols: string) => ` RETURNING [${topLevelItems(cols)} cols]`);
  s = s.replace(/^UPDATE (\S+) SET (.*?) WHERE/, (m, t: string, sets: string) =>
    sets.length > 60 ? `UPDATE ${t} SET [${topLevelItems(sets)} cols] WHERE` : m,
  );
  // Table-qualified column names: Task.planId → planId.
  s = s.replace(/\b[A-Z][A-Za-z]+\.([a-z][A-Za-z]*)\b/g, "$1");
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

interface ShapeRow {
  shape: string;
  perOp: number;
  preparesPerOp: number;
  execUs: number;
  prepareUs: number;
  totalUsPerOp: number;
  rowsPerExec: number;
}

/** Statements grouped by shape, per operation (divided by `ops`), in first-seen order. */
function shapeRows(capture: Capture, ops: number): ShapeRow[] {
  const by = new Map<string, StatementStats>();
  for (const s of capture.statements.values()) {
    const k = shortSql(s.sql);
    const e = by.get(k) ?? { sql: k, prepares: 0, prepareMs: 0, executions: 0, execMs: 0, otherMs: 0, rows: 0 };
    e.prepares += s.prepares;
    e.prepareMs += s.prepareMs;
    e.executions += s.executions;
    e.execMs += s.execMs;
    e.otherMs += s.otherMs;
    e.rows += s.rows;
    by.set(k, e);
  }
  return [...by.values()].map((s) => ({
    shape: s.sql,
    perOp: s.executions / ops,
    preparesPerOp: s.prepares / ops,
    execUs: (s.execMs / Math.max(1, s.executions)) * 1000,
    prepareUs: (s.prepareMs / Math.max(1, s.prepares)) * 1000,
    totalUsPerOp: ((s.execMs + s.prepareMs + s.otherMs) / ops) * 1000,
    rowsPerExec: s.rows / Math.max(1, s.executions),
  }));
}

function statementTable(rows: ShapeRow[], limit = 20): string {
  const head = "   per op  prepares   exec µs  prep µs  total µs/op   rows  statement";
  const lines = rows
    .slice(0, limit)
    .map(
      (r) =>
        `  ${f2(r.perOp).padStart(7)}  ${f2(r.preparesPerOp).padStart(8)}  ${f1(r.execUs).padStart(8)}  ` +
        `${f1(r.prepareUs).padStart(7)}  ${f1(r.totalUsPerOp).padStart(11)}  ${f1(r.rowsPerExec).padStart(5)}  ${r.shape}`,
    );
  if (rows.length > limit) lines.push(`  … ${rows.length - limit} more shapes`);
  return [head, ...lines].join("\n");
}

function repoTable(table: Map<string, RepoCallStats>, ops: number): string {
  const rows = [...table.values()].sort((a, b) => b.wallMs - a.wallMs);
  return [
    "   calls/op   wall µs/call   SQL µs/call   Prisma µs/call   method",
    ...rows.map(
      (r) =>
        `  ${f2(r.calls / ops).padStart(9)}  ${f1((r.wallMs / r.calls) * 1000).padStart(13)}  ${f1((r.sqlMs / r.calls) * 1000).padStart(12)}  ` +
        `${f1(((r.wallMs - r.sqlMs) / r.calls) * 1000).padStart(15)}   ${r.name}`,
    ),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// CPU profile of a loop, in process, with the probes off.

async function cpuProfile(name: string, loop: () => Promise<void>): Promise<ReturnType<typeof summarise>> {
  probeEnabled(false);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  let profile: CpuProfile;
  try {
    await loop();
  } finally {
    profile = ((await session.post("Profiler.stop")) as { profile: CpuProfile }).profile;
    session.disconnect();
    probeEnabled(true);
  }
  writeFileSync(join(OUT, `${name}.cpuprofile`), JSON.stringify(profile));
  return summarise(profile);
}

// ---------------------------------------------------------------------------------------------------------
// Chat operations.

interface OpResult {
  name: string;
  example: string;
  samples: number;
  wall: ReturnType<typeof summarize>;
  wallProbesOff: ReturnType<typeof summarize>;
  sqlMsMean: number;
  statementsPerOp: number;
  preparesPerOp: number;
  repoWallMsMean: number;
  repoSqlMsMean: number;
  replayMsMean: number;
  statements: ShapeRow[];
  repos: string;
  parts: Record<string, number>;
  cpu?: ReturnType<typeof summarise>;
  cpuLoop?: number;
}

async function openAt(file: string, env: Record<string, string> = {}): Promise<App> {
  return openApp(readConfig({ DATABASE_URL: `file:${file}`, DUBAN_DEMO: "true", DUBAN_RATE_LIMIT: "0", ...env }), fixedClock(NOW), {
    logger: silent,
    quiet: true,
  });
}

const inboundOf = (text: string): Inbound => ({
  transport: "bench",
  room: "xingzhen",
  sender: "@kejiban:bureau.local",
  text,
  isDirect: false,
  mentionsBot: false,
});

async function chatOps(): Promise<{ ops: OpResult[]; prismaEvents: PrismaEventCheck }> {
  const dir = mkdtempSync(join(tmpdir(), "duban-profile-chat-"));
  const file = join(dir, "duban.db");
  try {
    (await openAt(file)).close();
    log(`building ${TASKS} tasks and ${UPDATES} updates…`);
    const planId = rawImport(file, syntheticPlan("合成计划", TASKS, 50), new Date(NOW.getTime() + 1000));
    bulkUpdates(file, planId, UPDATES);
    const app = await openAt(file);
    const bot = app.bot;
    const r = rng(11);
    const pick = () => 1 + Math.floor(r() * Math.min(TASKS, 999));
    let seq = 0;
    const kinds = [
      {
        name: "update",
        text: () => `任务${pick()}进展:性能剖析记录${seq++} 60%`,
        ok: (t: string) => t.startsWith("已记录"),
        samples: SAMPLES,
        warm: 50,
        loop: CPU_LOOP,
      },
      { name: "status", text: () => `任务${pick()}`, ok: (t: string) => t.includes("合成任务"), samples: SAMPLES, warm: 50, loop: CPU_LOOP },
      {
        name: "overview",
        text: () => "总览",
        ok: (t: string) => t.includes("合成计划"),
        samples: Math.max(20, Math.round(SAMPLES / 6)),
        warm: 10,
        loop: Math.max(20, Math.round(CPU_LOOP / 10)),
      },
    ];
    const results: OpResult[] = [];
    const probe = installRepoProbe(app.repos);
    const realOpts = (bot as unknown as { opts: BotOptions }).opts;
    const deps = (bot as unknown as { deps: BotDeps }).deps;
    const messageOf = async (inbound: Inbound) => addressMessage(inbound, await app.repos.plans.plans());
    const ictx: InterpretContext = await interpretContext(deps, await messageOf(inboundOf("任务1")));
    const ctxOf = async (inbound: Inbound): Promise<CommandContext> => commandContext(deps, await messageOf(inbound));
    const hint = (n: number) => bot.t.errors.truncated(n);

    for (const k of kinds) {
      log(`${k.name}: ${k.warm} warm-up, ${k.samples} samples…`);
      let example = "";
      const check = async (text: string) => {
        const res = await bot.handle(inboundOf(text));
        const t = res.replies.map((x) => x.text).join("\n");
        if (!k.ok(t)) throw new Error(`profile: ${k.name} "${text}" answered: ${t.slice(0, 200)}`);
        example ||= `${text} → ${t.split("\n")[0]}`;
      };
      for (let i = 0; i < k.warm; i++) await check(k.text());
      probe.table.clear();
      const walls: number[] = [];
      const sqls: number[] = [];
      const capture: Capture = { statements: new Map() };
      for (let i = 0; i < k.samples; i++) {
        const text = k.text();
        const s0 = sqlClock();
        const t0 = performance.now();
        await captureSql(() => check(text), capture);
        walls.push(performance.now() - t0);
        sqls.push(sqlClock() - s0);
      }
      const repoRows = [...probe.table.values()];
      // The same loop with the probes off: what the timers themselves add.
      probeEnabled(false);
      const offWalls: number[] = [];
      for (let i = 0; i < k.samples; i++) {
        const text = k.text();
        const t0 = performance.now();
        await check(text);
        offWalls.push(performance.now() - t0);
      }
      probeEnabled(true);
      const statements = shapeRows(capture, k.samples);

      // The same kind of message through a Bot over recorded repositories: no Prisma, no SQLite.
      const replay = replayRepos(app.repos);
      const replayBot = new Bot({ ...realOpts, repos: replay.repos });
      const texts = Array.from({ length: 50 }, () => k.text());
      probeEnabled(false);
      for (const t of texts) await replayBot.handle(inboundOf(t));
      replay.mode.replay = true;
      for (const t of texts) await replayBot.handle(inboundOf(t)); // warm
      const rounds = k.name === "overview" ? 4 : 20;
      const t1 = performance.now();
      for (let i = 0; i < rounds; i++) for (const t of texts) await replayBot.handle(inboundOf(t));
      const replayMs = (performance.now() - t1) / (rounds * texts.length);
      if (replay.misses.length) throw new Error(`replay missed ${replay.misses[0]}`);

      // The parts alone: interpret(), zod, rendering.
      const parts: Record<string, number> = {};
      const time = (n: number, fn: (i: number) => void) => {
        for (let i = 0; i < Math.min(n, 200); i++) fn(i);
        const t = performance.now();
        for (let i = 0; i < n; i++) fn(i);
        return (performance.now() - t) / n;
      };
      const interps = texts.map((t) => interpret(t, ictx));
      parts["interpret()"] = time(2000, (i) => interpret(texts[i % texts.length]!, ictx));
      const command = bot.registry.commands.find((c) => c.name === interps[0]!.command)!;
      parts["zod args.safeParse"] = time(5000, (i) => command.args.safeParse(interps[i % interps.length]!.args));
      const plan = (await app.repos.plans.currentPlan())!;
      const ctx = await ctxOf(inboundOf(texts[0]!));
      if (k.name === "status") {
        const data: { task: TaskRecord; latest: UpdateRecord | null; pending: RequestRecord[] }[] = [];
        for (const it of interps) {
          const task = (await app.repos.plans.task(plan.id, (it.args.numbers as number[])[0]!))!;
          data.push({ task, latest: await app.repos.updates.latest(task.id), pending: await app.repos.requests.pending(task.id) });
        }
        parts["render: statusLines + reply + bound"] = time(5000, (i) => {
          const d = data[i % data.length]!;
          boundReply(reply(statusLines(ctx, plan, d.task, d.latest, d.pending), { heading: true }), hint);
        });
        const at = data[0]!.latest!.createdAt;
        parts["  of which formatDateTime (dayjs.tz), 1 call"] = time(5000, () => formatDateTime(at));
      } else if (k.name === "overview") {
        const tasks = await app.repos.plans.tasks(plan.id);
        const stub = {
          ...ctx,
          repos: { ...ctx.repos, plans: { ...ctx.repos.plans, currentPlan: async () => plan, tasks: async () => tasks } },
        } as CommandContext;
        const ov = bot.registry.commands.find((c) => c.name === "overview")!;
        const t = performance.now();
        for (let i = 0; i < 20; i++) await ov.handle({}, stub);
        parts["render: overview handler on loaded tasks"] = (performance.now() - t) / 20;
      }
      probeEnabled(true);

      let cpu: ReturnType<typeof summarise> | undefined;
      if (!NO_CPU) {
        log(`${k.name}: CPU profile of ${k.loop} operations…`);
        probe.uninstall();
        cpu = await cpuProfile(k.name, async () => {
          for (let i = 0; i < k.loop; i++) await bot.handle(inboundOf(k.text()));
        });
        Object.assign(probe, installRepoProbe(app.repos));
      }
      results.push({
        name: k.name,
        example,
        samples: k.samples,
        wall: summarize(walls),
        wallProbesOff: summarize(offWalls),
        sqlMsMean: mean(sqls),
        statementsPerOp: statements.reduce((a, s) => a + s.perOp, 0),
        preparesPerOp: statements.reduce((a, s) => a + s.preparesPerOp, 0),
        repoWallMsMean: repoRows.reduce((a, x) => a + x.wallMs, 0) / k.samples,
        repoSqlMsMean: repoRows.reduce((a, x) => a + x.sqlMs, 0) / k.samples,
        replayMsMean: replayMs,
        statements,
        repos: repoTable(new Map(repoRows.map((x) => [x.name, x])), k.samples),
        parts,
        cpu,
        cpuLoop: k.loop,
      });
    }
    probe.uninstall();
    await app.close();
    const prismaEvents = await prismaQueryEvents(file, planId);
    return { ops: results, prismaEvents };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Prisma's own query events: does the client report SQL durations with a driver adapter?

interface PrismaEventCheck {
  events: number;
  eventMeanUs: number;
  driverMeanUs: number;
  wallMeanUs: number;
  sample: string;
}

async function prismaQueryEvents(file: string, planId: number): Promise<PrismaEventCheck> {
  const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file }), log: [{ emit: "event", level: "query" }] });
  const durations: number[] = [];
  let sample = "";
  (db as unknown as { $on(e: "query", cb: (e: { duration: number; query: string }) => void): void }).$on("query", (e) => {
    durations.push(e.duration);
    sample ||= e.query;
  });
  await db.$connect();
  for (let i = 0; i < 100; i++) await db.task.findFirst({ where: { planId, number: 1 + (i % 999) } });
  durations.length = 0;
  const n = 500;
  const s0 = sqlClock();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await db.task.findFirst({ where: { planId, number: 1 + (i % 999) } });
  const wall = performance.now() - t0;
  const sql = sqlClock() - s0;
  await db.$disconnect();
  return {
    events: durations.length,
    eventMeanUs: mean(durations) * 1000,
    driverMeanUs: (sql / n) * 1000,
    wallMeanUs: (wall / n) * 1000,
    sample: shortSql(sample),
  };
}

// ---------------------------------------------------------------------------------------------------------
// One reminder run.

interface ReminderResult {
  tasks: number;
  units: number;
  updates: number;
  messages: number;
  stored: number;
  wallMs: number;
  sqlMs: number;
  repoWallMs: number;
  statements: ShapeRow[];
  executions: number;
  prepares: number;
  repos: string;
  cpu?: ReturnType<typeof summarise>;
  cpuWallMs?: number;
}

async function reminderRun(): Promise<ReminderResult> {
  const dir = mkdtempSync(join(tmpdir(), "duban-profile-rem-"));
  const file = join(dir, "duban.db");
  const directory = join(dir, "directory.json");
  writeBenchDirectory(directory, REM_UNITS);
  const config = readConfig({ DATABASE_URL: `file:${file}`, DUBAN_DEMO: "true", DUBAN_DIRECTORY: directory });
  const clock = fixedClock(zonedInstant(DAY, "09:00"));
  try {
    log(`reminders: building ${REM_TASKS} tasks, ${REM_UNITS} units, ${REM_UPDATES} updates…`);
    (await openApp(config, clock, { logger: silent, quiet: true })).close();
    const planId = rawImport(file, syntheticPlan("提醒基准计划", REM_TASKS, REM_UNITS, 3), zonedInstant(DAY, "09:01"));
    bulkUpdates(file, planId, REM_UPDATES, 4);
    const copies = ["a", "b"].map((c) => {
      const to = join(dir, `${c}.db`);
      copyFileSync(file, to);
      if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${to}-wal`);
      return to;
    });
    const openCopy = (to: string) => openApp({ ...config, databaseUrl: `file:${to}` }, clock, { logger: silent, quiet: true });

    // a: SQL capture and repository timing; the preview (writes nothing) warms the code first.
    let app = await openCopy(copies[0]!);
    await app.reminders.service.preview([DAY], clock.now());
    const probe = installRepoProbe(app.repos);
    const s0 = sqlClock();
    const t0 = performance.now();
    const { result: sent, capture } = await captureSql(() => app.reminders.service.run([DAY], clock.now(), { send: async () => {} }));
    const wallMs = performance.now() - t0;
    const sqlMs = sqlClock() - s0;
    probe.uninstall();
    const stored = await app.db.reminder.count();
    await app.close();
    const statements = shapeRows(capture, 1).sort((x, y) => y.totalUsPerOp - x.totalUsPerOp);
    const out: ReminderResult = {
      tasks: REM_TASKS,
      units: REM_UNITS,
      updates: REM_UPDATES,
      messages: sent.length,
      stored,
      wallMs,
      sqlMs,
      repoWallMs: [...probe.table.values()].reduce((a, x) => a + x.wallMs, 0),
      statements,
      executions: statements.reduce((a, s) => a + s.perOp, 0),
      prepares: statements.reduce((a, s) => a + s.preparesPerOp, 0),
      repos: repoTable(probe.table, 1),
    };

    // b: the same run on a fresh copy under the CPU profiler (probes off).
    if (!NO_CPU) {
      log("reminders: CPU profile of one run…");
      app = await openCopy(copies[1]!);
      await app.reminders.service.preview([DAY], clock.now());
      out.cpu = await cpuProfile("reminders", async () => {
        const t1 = performance.now();
        await app.reminders.service.run([DAY], clock.now(), { send: async () => {} });
        out.cpuWallMs = performance.now() - t1;
      });
      await app.close();
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------

const machine = `${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, node ${process.version}`;
log(`machine: ${machine}; CPU profiles go to ${OUT}`);
const { ops, prismaEvents } = await chatOps();
const rem = await reminderRun();

const print = (s = "") => console.log(s);
print(`machine: ${machine}`);
print(`chat: ${TASKS} tasks, ${UPDATES} updates; reminders: ${REM_TASKS} tasks, ${REM_UNITS} units, ${REM_UPDATES} updates, run on ${DAY}`);
print();
print("Summary per operation (means unless p50; ms):");
print(
  "  op         wall p50   wall mean (probes off)   SQL (driver)   stmts  prepares   repo calls   Prisma = repo − SQL   app without DB (replay)   unexplained",
);
for (const o of ops) {
  const prisma = o.repoWallMsMean - o.repoSqlMsMean;
  const rest = o.wall.mean - o.repoWallMsMean - o.replayMsMean;
  print(
    `  ${o.name.padEnd(9)} ${f2(o.wall.p50).padStart(9)}  ${f2(o.wall.mean).padStart(10)} (${f2(o.wallProbesOff.mean)})  ` +
      `${f2(o.sqlMsMean).padStart(13)}  ${f1(o.statementsPerOp).padStart(6)}  ${f1(o.preparesPerOp).padStart(8)}  ${f2(o.repoWallMsMean).padStart(11)}  ` +
      `${f2(prisma).padStart(20)}  ${f2(o.replayMsMean).padStart(24)}  ${f2(rest).padStart(11)}`,
  );
}
print(
  `  reminders ${f1(rem.wallMs).padStart(9)}  (one run, off: ${f1(rem.cpuWallMs ?? 0)})  ${f1(rem.sqlMs).padStart(13)}  ` +
    `${f1(rem.executions).padStart(6)}  ${f1(rem.prepares).padStart(8)}  ${f1(rem.repoWallMs).padStart(11)}  ` +
    `${f1(rem.repoWallMs - rem.sqlMs).padStart(20)}  ${f1(rem.wallMs - rem.repoWallMs).padStart(24)}  (policy, compose)`,
);
print("  (SQL = prepare + bind + execute in better-sqlite3; Prisma = time inside repository calls that is not SQL;");
print("   app without DB = the same messages through a Bot over recorded repositories; unexplained = wall − repo calls − replay)");

for (const o of ops) {
  print();
  print(`── ${o.name}: ${o.example.slice(0, 120)}`);
  print(
    `   ${o.samples} samples: wall p50 ${f2(o.wall.p50)} ms, p99 ${f2(o.wall.p99)} ms ` +
      `(probes off: p50 ${f2(o.wallProbesOff.p50)}, p99 ${f2(o.wallProbesOff.p99)}); ` +
      `SQL ${f2(o.sqlMsMean)} ms (${f1((o.sqlMsMean / o.wall.mean) * 100)}% of wall)`,
  );
  print(statementTable(o.statements));
  print(o.repos);
  print("   parts timed alone:");
  for (const [k, v] of Object.entries(o.parts)) print(`     ${k.padEnd(44)} ${us(v).padStart(7)} µs`);
  if (o.cpu) {
    print(`   CPU profile, ${o.cpuLoop} × ${o.name} (${f1(o.cpu.totalMs)} ms sampled), self time by module:`);
    print(moduleTable(o.cpu));
  }
}
print();
print(
  `── reminder run: ${rem.messages} messages, ${rem.stored} reminder rows stored; ` +
    `wall ${f1(rem.wallMs)} ms, SQL ${f1(rem.sqlMs)} ms (${f1((rem.sqlMs / rem.wallMs) * 100)}%)`,
);
print(`   ${rem.executions} executions, ${rem.prepares} prepares; statement shapes by total time:`);
print(statementTable(rem.statements, 15).replace("per op", "count "));
print(rem.repos);
if (rem.cpu) {
  print(`   CPU profile of one run on a fresh copy (${f1(rem.cpuWallMs ?? 0)} ms wall, ${f1(rem.cpu.totalMs)} ms sampled):`);
  print(moduleTable(rem.cpu));
}
print();
print(
  `Prisma query events (a separate PrismaClient with log: [{ emit: "event", level: "query" }] over the same adapter, 500 × task.findFirst):` +
    `\n  ${prismaEvents.events} events, event duration mean ${f1(prismaEvents.eventMeanUs)} µs vs driver-level SQL ${f1(prismaEvents.driverMeanUs)} µs ` +
    `vs wall ${f1(prismaEvents.wallMeanUs)} µs per call` +
    `\n  ${prismaEvents.sample}`,
);
print();
print(`CPU profiles: ${OUT}/*.cpuprofile (npx tsx bench/profile/summarise.ts FILE for the top functions)`);
writeFileSync(join(OUT, "profile.json"), JSON.stringify({ machine, ops, rem, prismaEvents }, null, 1));
