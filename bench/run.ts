/**
 * `npm run bench`: latency, throughput and memory figures, each next to a baseline measured in
 * the same run. `--quick` uses smaller synthetic data; `--json` prints one JSON object.
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { benchCore, coreTable, type CoreFigures } from "./core.js";
import { benchInterpreter } from "./interpreter.js";
import { fmt, mb } from "./stats.js";

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");
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

log(`reminders: one run over ${reminderSizes[0]} tasks and ${reminderSizes[1]} units (child process)…`);
const out = execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "reminders.ts"), ...reminderSizes.map(String)], {
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
const reminders = JSON.parse(out.trim().split("\n").pop()!) as Record<string, number>;

if (json) {
  console.log(JSON.stringify({ machine, quick, interpreter, core, reminders }, null, 2));
} else {
  console.log(`\nmachine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}${quick ? " (quick sizes)" : ""}`);
  const i = interpreter;
  console.log(`\nInterpreter, pure CPU, over the ${i.messages} corpus messages × ${i.rounds} rounds:`);
  console.log(`  per message          mean ${fmt(i.perMessage.mean, 4)} ms, p50 ${fmt(i.perMessage.p50, 4)} ms, p99 ${fmt(i.perMessage.p99, 4)} ms`);
  console.log(`  baseline (NFKC + lower-case of the same text) mean ${fmt(i.baselinePerMessage.mean, 4)} ms → interpreter is ${fmt(i.ratio, 0)}× the baseline`);
  console.log("\nChat pipeline, in process through Bot.handle (grammar, zod, repositories, Prisma, rendering):");
  console.log(coreTable(core));
  console.log("pipeline/raw: update ingestion through the whole pipeline divided by raw better-sqlite3 inserts of the same rows (WAL, synchronous=NORMAL, one transaction per row).");
  const r = reminders;
  console.log(`\nReminders: one run on ${r.day} over ${r.tasks} tasks, ${r.units} units, ${r.updates} updates in the database:`);
  console.log(`  due reminders        ${r.reminders} rows → ${r.messages} grouped messages`);
  console.log(`  compute (policy)     ${fmt(r.computeMs!, 0)} ms`);
  console.log(`  preview (+ compose)  ${fmt(r.previewMs!, 0)} ms`);
  console.log(`  full run (record, claim, compose, deliver, mark) ${fmt(r.runMs!, 0)} ms, ${r.stored} rows stored`);
  console.log(`  memory: RSS ${mb(r.baselineRss!)} after opening the app → peak ${mb(r.peakRss!)} (${fmt(r.peakRss! / r.baselineRss!, 2)}× the baseline)`);
}
