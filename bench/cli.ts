/**
 * Start-up of the command line: `node bin/duban.js say 任务6`, process start to exit, on a temporary database
 * created by one earlier run that is not measured. The baseline in the same run is `node -e 0`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const TIME = "/usr/bin/time";

export interface CliFigures {
  command: string;
  runs: number;
  /** Whether bin/duban.js ran the compiled dist/ (build newer than src/ and commands/) or src/ through tsx. */
  from: "dist" | "source";
  /** Median wall time from spawn to exit, in ms. */
  medianMs: number;
  samplesMs: number[];
  /** The largest peak RSS of the child over the runs (bytes), when /usr/bin/time exists. */
  maxRss: number | null;
  baseline: { command: string; medianMs: number; samplesMs: number[]; maxRss: number | null };
  /** Whether the wall times include /usr/bin/time's own exec (both the command's and the baseline's do). */
  timedThroughUsrBinTime: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function newest(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return n;
}

/** The same test as bin/launch.js. */
function fromDist(env: NodeJS.ProcessEnv): boolean {
  const stamp = join(root, "dist", ".built");
  if (!existsSync(stamp) || env.DUBAN_FROM_SOURCE === "1") return false;
  const built = statSync(stamp).mtimeMs;
  return newest(join(root, "src")) <= built && newest(join(root, "commands")) <= built;
}

/** Run `args` under node `runs` times; wall ms of each run and the largest child peak RSS. */
function timeRuns(args: string[], env: NodeJS.ProcessEnv, runs: number, dir: string): { samplesMs: number[]; maxRss: number | null } {
  const withTime = existsSync(TIME);
  const rssFile = join(dir, "rss.txt");
  const samplesMs: number[] = [];
  let maxRss: number | null = null;
  for (let i = 0; i < runs; i++) {
    const [cmd, argv] = withTime ? [TIME, ["-f", "%M", "-o", rssFile, process.execPath, ...args]] : [process.execPath, args];
    const t = performance.now();
    execFileSync(cmd, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    samplesMs.push(performance.now() - t);
    if (withTime) {
      const kb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
      if (Number.isFinite(kb)) maxRss = Math.max(maxRss ?? 0, kb * 1024);
    }
  }
  return { samplesMs, maxRss };
}

export function benchCli(runs = 5): CliFigures {
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-cli-"));
  try {
    const env = {
      ...process.env,
      DATABASE_URL: `file:${join(dir, "duban.db")}`,
      DUBAN_DEMO: "true",
      DUBAN_NOW: "2024-06-30T10:00:00+08:00",
      CHECKPOINT_DISABLE: "1",
    };
    const args = ["bin/duban.js", "say", "任务6"];
    // Not measured: creates and migrates the database and imports the bundled plan.
    const first = execFileSync(process.execPath, args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (!first.includes("6")) throw new Error(`bench: \`duban say 任务6\` printed no reply about task 6:\n${first}`);
    const from = fromDist(env) ? "dist" : "source";
    const cli = timeRuns(args, env, runs, dir);
    const base = timeRuns(["-e", "0"], env, runs, dir);
    return {
      command: "node bin/duban.js say 任务6",
      runs,
      from,
      medianMs: median(cli.samplesMs),
      samplesMs: cli.samplesMs,
      maxRss: cli.maxRss,
      baseline: { command: "node -e 0", medianMs: median(base.samplesMs), samplesMs: base.samplesMs, maxRss: base.maxRss },
      timedThroughUsrBinTime: existsSync(TIME),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
