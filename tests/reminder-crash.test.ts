import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqlitePathFromUrl } from "../src/db/migrate.js";
import { holdDatabase } from "../src/ops/holders.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const ROOT = join(import.meta.dirname, "..");
const src = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, "src", path)).href);

/**
 * One bot process on the SQLite file, started the way src/main.ts starts a Matrix bot on SQLite (a claim owner of its
 * own, the file held, its previous process's claims marked abandoned and its scheduled items freed, the reminder
 * scheduler started with catch-up), at the instant argv[3] on a clock the parent moves through stdin ("sweep <ISO>"
 * fires the scheduler's real wake-up then).
 * Its sender prints each room it reaches as a JSON line, and after argv[4] sends hangs for ever, as a send stuck
 * in a Matrix outage would: the parent kills it there with SIGKILL.
 */
const BOT_SCRIPT = `
import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
const { openApp, reminderSchedulerFor } = await import(${src("app.ts")});
const { readConfig } = await import(${src("config.ts")});
const { fixedClock } = await import(${src("core/clock.ts")});
const { sqlitePathFromUrl } = await import(${src("db/migrate.ts")});
const { holdDatabase, liveHolders } = await import(${src("ops/holders.ts")});
const { botClaimOwner, expireEarlierClaims, releaseEarlierItems } = await import(${src("ops/restart-claims.ts")});
const [url, startAt, hangAfter] = process.argv.slice(2);
const say = (v) => writeSync(1, JSON.stringify(v) + "\\n");
const clock = fixedClock(new Date(startAt));
const logger = { info() {}, warn() {}, error(m, c) { process.stderr.write(m + " " + JSON.stringify(c) + "\\n"); } };
const owner = botClaimOwner(undefined, randomUUID().slice(0, 8));
const app = await openApp(readConfig({ DATABASE_URL: url, DUBAN_DEMO: "true", DUBAN_RATE_LIMIT: "0" }), clock, { logger, quiet: true, instance: owner });
const path = sqlitePathFromUrl(url);
holdDatabase(path);
const others = liveHolders(path).length;
say({ owner, expired: (await expireEarlierClaims(app.repos, owner, others)).reminders, items: await releaseEarlierItems(app.repos, owner, others) });
let sends = 0;
const sender = {
  async send(rooms, reply, key) {
    if (++sends > Number(hangAfter)) {
      say({ hang: rooms });
      await new Promise(() => {});
    }
    say({ sent: rooms, unit: /【督办提醒】(\\S+)/.exec(reply.text)?.[1] ?? "?", at: clock.now().toISOString() });
  },
};
const scheduler = reminderSchedulerFor({ ...app, logger }, sender);
say({ started: (await scheduler.start()).length });
for await (const line of createInterface({ input: process.stdin })) {
  if (line.startsWith("sweep ")) {
    clock.set(new Date(line.slice(6)));
    say({ swept: (await scheduler.wakeTask.execute()).filter((r) => r.kind === "reminders.sweep").flatMap((r) => r.result).length });
  } else if (line === "quit") break;
}
await scheduler.stop();
await app.close();
process.exit(0);
`;

interface Line {
  owner?: string;
  expired?: number;
  items?: number;
  sent?: string[];
  unit?: string;
  at?: string;
  hang?: string[];
  started?: number;
  swept?: number;
}

function startBot(script: string, url: string, at: string, hangAfter: number) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--import", "tsx", script, url, at, String(hangAfter)], { cwd: ROOT });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const lines = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Line);
  /** The first line with `field`, after `skip` such lines; rejects if the process exits first. */
  const line = async (field: keyof Line, skip = 0): Promise<Line> => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const found = lines().filter((l) => field in l)[skip];
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`bot process: no "${field}" line (exit ${child.exitCode}); stdout:\n${out}\nstderr:\n${err}`);
  };
  return { child, exited, lines, line };
}

let app: TempApp;
let bots: ReturnType<typeof startBot>[];

describe("a bot killed mid-run (SIGKILL) on a real SQLite file, and restarted", () => {
  beforeEach(async () => {
    app = await tempApp({ at: "2024-12-31T08:00:00+08:00" });
    bots = [];
  });
  afterEach(async () => {
    for (const b of bots) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill("SIGKILL");
    await Promise.all(bots.map((b) => b.exited));
    await app.dispose();
  });

  it("sends the rest of the run within the sweep interval of the restart, each reminder exactly once", async () => {
    const script = join(app.dir, "bot-process.mts");
    writeFileSync(script, BOT_SCRIPT);
    const url = app.env.DATABASE_URL!;
    // The first process runs 2024-12-31's reminders at 09:00 (five units, one room each) and is killed on the third send.
    const first = startBot(script, url, "2024-12-31T09:00:00+08:00", 2);
    bots.push(first);
    expect((await first.line("expired")).expired).toBe(0);
    await first.line("hang");
    first.child.kill("SIGKILL");
    await first.exited;
    const sentBefore = first.lines().filter((l) => l.sent);
    expect(sentBefore).toHaveLength(2);
    const owner = first.lines()[0]!.owner!;
    const held = await app.db.notice.count({ where: { deliveredAt: null, claimToken: { startsWith: `${owner}/` } } });
    expect(held).toBeGreaterThan(0);

    // Restarted two minutes later: the dead process's claims (two minutes old, far inside the 20-minute time to live)
    // are its own, so they go out now instead of at the next day's run.
    const second = startBot(script, url, "2024-12-31T09:02:00+08:00", 99);
    bots.push(second);
    // The scheduler's item of the day's run, which the dead process held, is freed too: the catch-up runs it again.
    expect(await second.line("expired")).toMatchObject({ expired: held, items: 1 });
    await second.line("started");
    second.child.stdin.write("sweep 2024-12-31T09:07:00+08:00\n");
    await second.line("swept");
    const sentAfter = second.lines().filter((l) => l.sent);
    expect(sentAfter.length).toBeGreaterThan(0);
    expect(sentAfter.every((l) => new Date(l.at!).getTime() <= new Date("2024-12-31T09:07:00+08:00").getTime())).toBe(true);
    second.child.stdin.write("quit\n");
    await second.exited;

    // Every unit once, across both processes; nothing left undelivered or claimed.
    const units = [...sentBefore, ...sentAfter].map((l) => l.unit).sort();
    expect(units).toEqual(["刑侦大队", "城关派出所", "指挥情报中心", "政工室", "网安大队"].sort());
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
    expect(await app.db.reminder.count({ where: { notice: { claimToken: { not: null } } } })).toBe(0);
    // The day's run item the dead process held was run again by the restart, not left claimed for its time to live.
    expect(await app.db.scheduleItem.count({ where: { claimToken: { not: null } } })).toBe(0);
    expect(await app.db.scheduleItem.count({ where: { kind: "reminders.run", doneAt: { not: null } } })).toBe(1);
  }, 120_000);

  it("with another bot on the file, leaves the dead claims to age, and the sweep sends them once their time to live is past", async () => {
    const script = join(app.dir, "bot-process.mts");
    writeFileSync(script, BOT_SCRIPT);
    const url = app.env.DATABASE_URL!;
    const first = startBot(script, url, "2024-12-31T09:00:00+08:00", 2);
    bots.push(first);
    await first.line("hang");
    first.child.kill("SIGKILL");
    await first.exited;
    const sentBefore = first.lines().filter((l) => l.sent);
    // This test process holds the file too, as a second bot would: its claims might be live, so the restart frees nothing.
    const release = holdDatabase(sqlitePathFromUrl(url));
    try {
      const second = startBot(script, url, "2024-12-31T09:02:00+08:00", 99);
      bots.push(second);
      expect(await second.line("expired")).toMatchObject({ expired: 0, items: 0 });
      expect((await second.line("started")).started).toBe(0);
      second.child.stdin.write("sweep 2024-12-31T09:07:00+08:00\n");
      await second.line("swept");
      expect(second.lines().filter((l) => l.sent)).toEqual([]);
      // 09:21: the claims, last renewed at 09:00, are past the 20-minute time to live; the sweep takes them.
      second.child.stdin.write("sweep 2024-12-31T09:21:00+08:00\n");
      await second.line("swept", 1);
      const sentAfter = second.lines().filter((l) => l.sent);
      second.child.stdin.write("quit\n");
      await second.exited;
      const units = [...sentBefore, ...sentAfter].map((l) => l.unit).sort();
      expect(units).toEqual(["刑侦大队", "城关派出所", "指挥情报中心", "政工室", "网安大队"].sort());
      expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
    } finally {
      release();
    }
  }, 120_000);
});
