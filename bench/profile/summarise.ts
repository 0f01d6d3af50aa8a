/**
 * Group a V8 CPU profile's self time by module: Prisma's runtime, the query compiler (wasm), the driver
 * adapter, SQLite (native, via better-sqlite3), zod, dayjs, the interpreter, the app's own files, Node
 * internals, garbage collection. Natives and builtins (no file) are charged to the nearest caller that has
 * one, so JSON.parse called by Prisma counts as Prisma, and better-sqlite3's native `all` as SQLite.
 *
 * `npx tsx bench/profile/summarise.ts FILE.cpuprofile…` prints the table for each file.
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ModuleShare {
  module: string;
  ms: number;
  share: number;
}

export interface FunctionShare {
  fn: string;
  module: string;
  ms: number;
  share: number;
}

/** The module a frame with a file belongs to; null for natives and builtins without a file. */
export function moduleOf(url: string, fn: string): string | null {
  if (fn === "(garbage collector)") return "garbage collection";
  if (fn === "(program)" || fn === "(root)") return "V8, no JS frame (program, root)";
  if (fn === "(idle)") return "idle";
  if (!url) return null;
  if (url.startsWith("wasm://")) return "Prisma query compiler (wasm)";
  if (url.includes("/node_modules/@prisma/client/runtime/query_compiler")) return "Prisma query compiler (wasm)";
  if (url.includes("/node_modules/@prisma/client/")) return "Prisma client runtime (JS)";
  if (url.includes("/src/generated/prisma/")) return "Prisma client runtime (JS)";
  if (url.includes("/node_modules/@prisma/adapter-better-sqlite3/") || url.includes("/node_modules/@prisma/driver-adapter-utils/"))
    return "Prisma driver adapter (JS)";
  if (url.includes("/node_modules/better-sqlite3/")) return "SQLite + better-sqlite3";
  if (url.includes("/node_modules/@prisma/")) return "Prisma client runtime (JS)";
  if (url.includes("/node_modules/zod/")) return "zod";
  if (url.includes("/node_modules/dayjs/")) return "dayjs";
  if (url.includes("/node_modules/")) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return `other package: ${m?.[1] ?? "?"}`;
  }
  if (url.includes("/bench/profile/")) return "profiling probe (bench/profile)";
  if (url.includes("/bench/")) return "bench harness";
  if (url.includes("/src/core/interpreter/") || url.includes("/src/core/grammar.")) return "app: interpreter + grammar";
  if (url.includes("/src/repositories/")) return "app: repositories (mapping rows)";
  if (/\/src\/core\/(task-view|task-status|reply|time)\.|\/src\/core\/i18n\//.test(url)) return "app: rendering (task-view, status, reply, i18n)";
  if (url.includes("/src/reminders/")) return "app: reminders (policy, compose)";
  if (url.includes("/commands/")) return "app: commands";
  if (url.includes("/src/")) return "app: other src";
  if (url.startsWith("node:") || !url.includes("/")) return "Node internals";
  return "other";
}

const SQLITE_NATIVES = new Set(["Statement", "all", "run", "get", "iterate", "bind", "raw", "columns", "exec", "pluck", "expand", "prepare"]);

/** Self time (ms) per module and per function, largest first. Idle time is left out of the shares. */
export function summarise(profile: CpuProfile): { totalMs: number; modules: ModuleShare[]; functions: FunctionShare[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const moduleCache = new Map<number, string>();
  const resolve = (id: number): string => {
    const hit = moduleCache.get(id);
    if (hit) return hit;
    const n = byId.get(id)!;
    let m = moduleOf(n.callFrame.url, n.callFrame.functionName);
    // better-sqlite3's natives (the prepare constructor and the statement methods): V8 may inline the adapter's
    // performIO into Prisma's caller and drop its frame, so they are recognised by name, not by caller.
    if (m === null && SQLITE_NATIVES.has(n.callFrame.functionName)) m = "SQLite + better-sqlite3";
    if (m === null) {
      // A native or builtin: charge it to its nearest caller with a file. The probe's wrappers around
      // better-sqlite3's natives count as SQLite: they only call through.
      const p = parent.get(id);
      const pm = p === undefined ? "Node internals" : resolve(p);
      m = pm === "profiling probe (bench/profile)" || pm === "Prisma driver adapter (JS)" ? "SQLite + better-sqlite3" : pm;
      if (n.callFrame.functionName === "" && pm.startsWith("V8")) m = "Node internals";
    }
    moduleCache.set(id, m);
    return m;
  };
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // The time between sample i and i+1 belongs to sample i.
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const modules = new Map<string, number>();
  const functions = new Map<string, { module: string; us: number }>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const m = resolve(id);
    if (m === "idle") continue;
    total += us;
    modules.set(m, (modules.get(m) ?? 0) + us);
    const f = byId.get(id)!.callFrame;
    const file = f.url ? f.url.replace(/^.*\/(node_modules\/(?:@[^/]+\/)?[^/]+|src|commands|bench)\//, "$1/") : "(native)";
    const key = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
    const e = functions.get(key) ?? { module: m, us: 0 };
    e.us += us;
    functions.set(key, e);
  }
  const sorted = [...modules].sort((a, b) => b[1] - a[1]).map(([module, us]) => ({ module, ms: us / 1000, share: us / total }));
  const fns = [...functions].sort((a, b) => b[1].us - a[1].us).map(([fn, e]) => ({ fn, module: e.module, ms: e.us / 1000, share: e.us / total }));
  return { totalMs: total / 1000, modules: sorted, functions: fns };
}

export function moduleTable(s: ReturnType<typeof summarise>, top = 12): string {
  const lines = s.modules.slice(0, top).map((m) => `  ${m.module.padEnd(48)} ${m.ms.toFixed(0).padStart(7)} ms ${(m.share * 100).toFixed(1).padStart(6)}%`);
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ""))) {
  for (const file of process.argv.slice(2)) {
    const s = summarise(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
    console.log(`${file}: ${s.totalMs.toFixed(0)} ms of samples (idle excluded)`);
    console.log(moduleTable(s, 20));
    console.log("  top functions (self time):");
    for (const f of s.functions.slice(0, 15)) console.log(`    ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}  [${f.module}]`);
  }
}
