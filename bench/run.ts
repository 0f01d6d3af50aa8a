/**
 * `npm run bench`: latency, throughput and memory figures, each next to a baseline measured in the same run, then
 * a table of issue 11's goals (each figure, its goal, its same-run baseline). `--quick` uses smaller synthetic data;
 * `--json` prints one JSON object. `--matrix [--samples N] [--json]` runs only the Matrix latency benchmark (bench/matrix.ts).
 * `--scale [--quick] [--json]` runs only the SQLite-against-PostgreSQL benchmark (bench/scale.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { benchCli } from "./cli.js";
import { benchCore, coreTable, type CoreFigures } from "./core.js";
import { benchInterpreter } from "./interpreter.js";
import { fmt, mb } from "./stats.js";

const argv = process.argv.slice(2);

if (argv.includes("--matrix")) {
  // Only the Matrix latency benchmark, in its own process; its output and exit code are ours.
  const pass: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") pass.push(a);
    else if (a === "--samples" && argv[i + 1] !== undefined) pass.push(a, argv[++i]!);
    else if (a.startsWith("--samples=")) pass.push(a);
  }
  const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "matrix.ts"), ...pass], { stdio: "inherit" });
  if (r.error) {
    process.stderr.write(`bench --matrix: ${r.error.message}\n`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}

if (argv.includes("--scale")) {
  // Only the scale benchmark (SQLite and PostgreSQL side by side), in its own process.
  const pass = argv.filter((a) => a === "--quick" || a === "--json");
  const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "scale.ts"), ...pass], { stdio: "inherit" });
  if (r.error) {
    process.stderr.write(`bench --scale: ${r.error.message}\n`);
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}

const quick = argv.includes("--quick");
const json = argv.includes("--json");
const log = (s: string) => {
  if (!json) process.stderr.write(`${s}\n`);
};
const sizes = quick ? { tasks: 1_000, updates: 100_000 } : { tasks: 10_000, updates: 1_000_000 };
const reminderSizes = quick ? [10_000, 50, 20_000] : [100_000, 500, 200_000];

const machine = { cpu: cpus()[0]?.model ?? "?", cores: cpus().length, node: process.version };
log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}${quick ? " (quick)" : ""}`);

log("interpreter over the labelled corpus…");
const interpreter = benchInterpreter(quick ? 5 : 20);

const core: CoreFigures[] = [];
log("bundled plan (25 tasks):");
core.push(await benchCore("bundled", sizes, log));
log(`synthetic plan (${sizes.tasks} tasks, ${sizes.updates} updates):`);
core.push(await benchCore("synthetic", sizes, log));

const reminderScript = join(import.meta.dirname, "reminders.ts");
// The measured processes run the app as `npm start` does: compiled when the build is current (see the script).
const reminderRun = join(import.meta.dirname, "reminder-run.mjs");
const remDir = mkdtempSync(join(tmpdir(), "duban-bench-rem-"));
let reminders: Record<string, number>;
let reminderFrom = "";
try {
  // The database is built by one child process and measured by another, so the run's RSS is not the builder's.
  log(`reminders: building ${reminderSizes[0]} tasks, ${reminderSizes[1]} units, ${reminderSizes[2]} updates (child process)…`);
  const built = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", reminderScript, "--build", remDir, ...reminderSizes.map(String)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    })
      .trim()
      .split("\n")
      .pop()!,
  ) as { buildMs: number };
  const copy = `${remDir}-copy`;
  cpSync(remDir, copy, { recursive: true });
  log("reminders: compute and preview (a child process, on a copy of the database)…");
  let preview: Record<string, number>;
  try {
    preview = JSON.parse(
      execFileSync(process.execPath, [reminderRun, "--preview", copy], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
        .trim()
        .split("\n")
        .pop()!,
    ) as Record<string, number>;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  // The floor (issue 26 §2): the run's own reads and writes in plain better-sqlite3, on another copy.
  log("reminders: the raw-SQL floor, the same reads and writes without the app (a child process, on a copy)…");
  cpSync(remDir, copy, { recursive: true });
  try {
    const raw = JSON.parse(
      execFileSync(process.execPath, [reminderRun, "--raw", copy], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
        .trim()
        .split("\n")
        .pop()!,
    ) as Record<string, number>;
    preview.rawMs = raw.rawMs!;
    preview.rawCheckpointMs = raw.rawCheckpointMs!;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  log("reminders: one run (another child process, which only opens the app and runs)…");
  const limitMs = (quick ? 3 : 15) * 60_000; // a stuck run fails the bench with a message instead of growing until it runs out of memory
  let out: string;
  try {
    out = execFileSync(process.execPath, [reminderRun, "--run", remDir], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "inherit"],
      timeout: limitMs,
      killSignal: "SIGKILL",
    });
  } catch (e) {
    const signal = (e as { signal?: string }).signal;
    throw new Error(
      signal ? `bench: the reminder run did not finish within ${limitMs / 1000} s (${signal})` : `bench: the reminder run failed: ${(e as Error).message}`,
    );
  }
  const { from, ...run } = JSON.parse(out.trim().split("\n").pop()!) as Record<string, number> & { from: string };
  reminderFrom = from;
  // A run that left reminders unsent, or sent other messages than the preview composed, measured something else.
  if (run.undelivered !== 0 || run.sentMessages !== preview.messages)
    throw new Error(`bench: the reminder run sent ${run.sentMessages} of ${preview.messages} messages and left ${run.undelivered} rows undelivered`);
  reminders = { ...preview, ...run, buildMs: built.buildMs };
} finally {
  rmSync(remDir, { recursive: true, force: true });
}

log("command line: node bin/duban.js say 任务6, 5 runs after one that creates the database; baseline node -e 0…");
const cli = benchCli(5);

// ---- Goals (issue 11). The goals are for the full sizes; --quick figures are shown but marked as not comparable.

interface GoalRow {
  id: string;
  figure: string;
  /** The number the goal is about (same unit as the goal). */
  measured: number;
  measuredText: string;
  goal: { op: "≤" | "≥"; value: number; unit: string; text: string };
  baseline: { what: string; text: string; [k: string]: unknown };
  meets: boolean;
  /** False for size-dependent figures measured at --quick sizes. */
  comparable: boolean;
}

const synthetic = core.find((c) => c.database === "synthetic")!;
const r = reminders;
const ms = (x: number, d = 2) => `${fmt(x, d)} ms`;
const goals: GoalRow[] = [];
const goal = (row: Omit<GoalRow, "meets" | "comparable">, sizeDependent = true) =>
  goals.push({
    ...row,
    meets: row.goal.op === "≤" ? row.measured <= row.goal.value : row.measured >= row.goal.value,
    comparable: !(quick && sizeDependent),
  });
const on = `${synthetic.tasks} tasks / ${synthetic.updates} updates`;

goal({
  id: "status",
  figure: `status task N (${on})`,
  measured: synthetic.status.p99,
  measuredText: `p50 ${ms(synthetic.status.p50)}, p99 ${ms(synthetic.status.p99)}`,
  goal: { op: "≤", value: 2, unit: "ms", text: "p99 ≤ 2 ms" },
  baseline: {
    what: "raw better-sqlite3: task row + latest update, same task numbers, same database",
    text: `raw read p50 ${ms(synthetic.raw.status.p50, 3)}, p99 ${ms(synthetic.raw.status.p99, 3)}`,
    p50: synthetic.raw.status.p50,
    p99: synthetic.raw.status.p99,
  },
});
goal({
  id: "update",
  figure: `update 任务N进展 (${on})`,
  measured: synthetic.update.p99,
  measuredText: `p50 ${ms(synthetic.update.p50)}, p99 ${ms(synthetic.update.p99)}`,
  goal: { op: "≤", value: 2, unit: "ms", text: "p99 ≤ 2 ms" },
  baseline: {
    what: "raw better-sqlite3: one update row + task counter bump, one transaction, per row",
    text: `raw insert p50 ${ms(synthetic.raw.update.p50, 3)}, p99 ${ms(synthetic.raw.update.p99, 3)}`,
    p50: synthetic.raw.update.p50,
    p99: synthetic.raw.update.p99,
  },
});
goal({
  id: "ingestion",
  figure: `ingestion, pipeline ÷ raw (${on})`,
  measured: synthetic.ratio,
  measuredText: `${fmt(synthetic.ratio, 3)}× (${fmt(synthetic.pipelinePerSec, 0)} upd/s)`,
  goal: { op: "≥", value: 0.5, unit: "×", text: "≥ 0.5× raw" },
  baseline: { what: "raw better-sqlite3 inserts of the same rows", text: `raw ${fmt(synthetic.rawPerSec, 0)} upd/s`, perSec: synthetic.rawPerSec },
});
goal({
  id: "overview",
  figure: `overview 总览 (${synthetic.tasks} tasks)`,
  // The harder of the two: each overview follows an update, so it re-reads a changed task.
  measured: Math.max(synthetic.overview.p50, synthetic.overviewAfterUpdate.p50),
  measuredText:
    `p50 ${ms(synthetic.overview.p50)} (after an update ${ms(synthetic.overviewAfterUpdate.p50)}), ` +
    `p99 ${ms(synthetic.overview.p99)} (${ms(synthetic.overviewAfterUpdate.p99)})`,
  goal: { op: "≤", value: 20, unit: "ms", text: "p50 ≤ 20 ms" },
  baseline: {
    what: "raw better-sqlite3: SELECT * FROM Task WHERE planId = ? ORDER BY number, same plan",
    text: `raw select p50 ${ms(synthetic.raw.overview.p50)}`,
    p50: synthetic.raw.overview.p50,
    p99: synthetic.raw.overview.p99,
  },
});
goal({
  id: "reminderRun",
  figure: `reminder full run (${r.tasks} tasks, ${r.units} units; ${reminderFrom === "dist" ? "dist/" : "src/ via tsx"})`,
  measured: r.runMs!,
  measuredText: ms(r.runMs!, 0),
  goal: { op: "≤", value: 1000, unit: "ms", text: "≤ 1,000 ms" },
  baseline: {
    what:
      "raw better-sqlite3: the run's statements and transactions (task pages and targets, claims, inserts per page, per unit its claim check, " +
      "changed tasks and delivered mark; bench/reminder-run.mjs --raw); " +
      "and the policy's compute",
    text:
      `raw SQL ${ms(r.rawMs!, 0)} (run ${fmt(r.runMs! / r.rawMs!, 1)}×, goal ≤ 1.3×); compute ${ms(r.computeMs!, 0)}; ` +
      `the WAL checkpoint each leaves for after it: run ${ms(r.checkpointMs ?? 0, 0)}, raw ${ms(r.rawCheckpointMs ?? 0, 0)}`,
    ms: r.rawMs,
    computeMs: r.computeMs,
  },
});
goal({
  id: "reminderRss",
  figure: `reminder run peak RSS (${r.tasks} tasks)`,
  measured: r.peakRss! / 1024 / 1024,
  measuredText: mb(r.peakRss!),
  goal: { op: "≤", value: 256, unit: "MB", text: "≤ 256 MB" },
  baseline: { what: "RSS after opening the app, same process", text: `after open ${mb(r.baselineRss!)}`, bytes: r.baselineRss },
});
goal(
  {
    id: "cliSay",
    figure: `${cli.command} (${cli.from === "dist" ? "dist/" : "src/ via tsx"})`,
    measured: cli.medianMs,
    measuredText: `median ${ms(cli.medianMs, 0)}${cli.maxRss !== null ? `, max RSS ${mb(cli.maxRss)}` : ""}`,
    goal: { op: "≤", value: 500, unit: "ms", text: "≤ 500 ms" },
    baseline: {
      what: `${cli.baseline.command}, median of ${cli.runs}`,
      text: `node -e 0 ${ms(cli.baseline.medianMs, 0)}${cli.baseline.maxRss !== null ? `, ${mb(cli.baseline.maxRss)}` : ""}`,
      medianMs: cli.baseline.medianMs,
      maxRss: cli.baseline.maxRss,
    },
  },
  false,
);

/** Terminal columns of a string: CJK and full-width characters take two. */
const width = (s: string) =>
  [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1), 0);
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));

function goalsTable(rows: GoalRow[]): string {
  const cells = rows.map((g) => [
    g.figure,
    g.measuredText,
    g.goal.text,
    g.baseline.text,
    `${g.meets ? "yes" : "no"}${g.comparable ? "" : " (quick sizes: not comparable)"}`,
  ]);
  const head = ["figure", "measured", "goal", "baseline (same run)", "meets goal?"];
  const widths = head.map((h, i) => Math.max(width(h), ...cells.map((c) => width(c[i]!))));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : pad(x, widths[i]!))).join(" | ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)].join("\n");
}

if (json) {
  console.log(JSON.stringify({ machine, quick, interpreter, core, reminders, cli, goals }, null, 2));
} else {
  console.log(`\nmachine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}${quick ? " (quick sizes)" : ""}`);
  const i = interpreter;
  console.log(`\nInterpreter, pure CPU, over the ${i.messages} corpus messages × ${i.rounds} rounds:`);
  console.log(`  per message          mean ${fmt(i.perMessage.mean, 4)} ms, p50 ${fmt(i.perMessage.p50, 4)} ms, p99 ${fmt(i.perMessage.p99, 4)} ms`);
  console.log(`  baseline (NFKC + lower-case of the same text) mean ${fmt(i.baselinePerMessage.mean, 4)} ms → interpreter is ${fmt(i.ratio, 0)}× the baseline`);
  console.log("\nChat pipeline, in process through Bot.handle (grammar, zod, repositories, Prisma, rendering):");
  console.log(coreTable(core));
  console.log(
    "pipeline/raw: update ingestion through the whole pipeline divided by raw better-sqlite3 inserts of the same rows " +
      "(WAL, synchronous=NORMAL, one transaction per row).",
  );
  console.log(
    "in bursts: the same 2,000 updates in bursts of 50, each burst stored in one group commit " +
      "as the Matrix transport stores a sync batch (informational; the goal is on pipeline/raw).",
  );
  console.log(`\nReminders: one run on ${r.day} over ${r.tasks} tasks, ${r.units} units, ${r.updates} updates in the database:`);
  console.log(`  due reminders        ${r.reminders} rows → ${r.messages} grouped messages`);
  console.log(`  compute (policy)     ${fmt(r.computeMs!, 0)} ms`);
  console.log(`  preview (+ compose)  ${fmt(r.previewMs!, 0)} ms`);
  console.log(
    `  full run (claim, record, compose, deliver, mark) ${fmt(r.runMs!, 0)} ms, ${r.stored} rows stored, ` +
      `${r.undelivered} left undelivered (${reminderFrom === "dist" ? "compiled, from dist/" : "from src/ through tsx: the build is not current"})`,
  );
  console.log(`  then the WAL checkpoint the run held until its end (queued after it, off the timer) ${fmt(r.checkpointMs ?? 0, 0)} ms`);
  console.log(`  memory: RSS ${mb(r.baselineRss!)} after opening the app → peak ${mb(r.peakRss!)} (${fmt(r.peakRss! / r.baselineRss!, 2)}× the baseline)`);
  console.log(
    `  (database built in another process; compute and preview measured in a third, on a copy; ` +
      `the run's process started at RSS ${mb(r.startRss!)} before opening the app)`,
  );
  if (r.previewPeakRss) console.log(`  compute + preview peak RSS, in their own process: ${mb(r.previewPeakRss)}`);
  console.log(`\nGoals (issue 11; set for 10,000 tasks / 1,000,000 updates and 100,000 tasks / 500 units${quick ? "; this run uses the quick sizes" : ""}):`);
  console.log(goalsTable(goals));
  console.log(
    `status/update/overview baselines: raw better-sqlite3 with prepared statements in the same run; ` +
      `say 任务6: ${cli.runs} runs after one unmeasured run that created the database` +
      `${cli.timedThroughUsrBinTime ? ", each (and node -e 0) through /usr/bin/time for the child's RSS" : ""}.`,
  );
}
