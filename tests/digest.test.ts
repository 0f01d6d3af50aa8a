import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestSchedulerFor, openApp, type App } from "../src/app.js";
import { readConfig } from "../src/config.js";
import type { Reply } from "../src/core/reply.js";
import { addDays, dayOf, zonedInstant } from "../src/core/time.js";
import { digestDue, digestResult, type DigestScheduler } from "../src/reports/digest-scheduler.js";
import type { Ran } from "../src/schedule/scheduler.js";
import type { ReminderSender } from "../src/reminders/reminder-service.js";
import { createWorkingCalendar } from "../src/reminders/working-calendar.js";
import { quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";

/** A sender that records what was sent (and on which Shanghai day), and can be told to fail. */
class RecordingSender implements ReminderSender {
  sent: { rooms: string[]; reply: Reply; key: string; day: string }[] = [];
  fail = false;
  constructor(private readonly today: () => string) {}
  async send(rooms: string[], reply: Reply, key: string) {
    if (this.fail) throw new Error(`room ${rooms.join(",")} unreachable`);
    this.sent.push({ rooms, reply, key, day: this.today() });
  }
}

const calendar = createWorkingCalendar();
const at = (day: string, hhmm = "09:00") => zonedInstant(day, hhmm);
const WEEKLY = "0 9 * * 1";

let app: TempApp;
let sender: RecordingSender;
/** Every scheduler a test starts; stopped after it, so no node-cron timer outlives a test. */
let started: DigestScheduler[];

function schedulerFor(
  a: Pick<App, "reminders" | "repos" | "clock" | "logger" | "directory" | "reports">,
  s: ReminderSender | null,
  onRun?: (week: string, r: Reply) => void,
) {
  const scheduler = digestSchedulerFor({ ...a, logger: quietLogger }, s, onRun);
  started.push(scheduler);
  return scheduler;
}

/** Fire the scheduler's real wake-up job at `when` (the injected clock is set first): the digest it sent, if any. */
async function fire(scheduler: DigestScheduler, when: Date): Promise<Reply | null> {
  app.clock.set(when);
  return digestResult((await scheduler.wakeTask!.execute()) as Ran[]);
}

/** A second "process" on the same SQLite file, sharing the test's clock. */
async function reopen(): Promise<App> {
  return openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true });
}

const ROOT = join(import.meta.dirname, "..");
const src = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, "src", path)).href);

/**
 * One bot process with only the digest scheduler: started at Monday 2024-09-02 08:00 (nothing due), it prints
 * "ready", waits for "go" on stdin, then fires the scheduler's real wake-up at 09:00 and prints what it sent as JSON.
 */
const PROCESS_SCRIPT = `
import { createInterface } from "node:readline";
const { digestSchedulerFor, openApp } = await import(${src("app.ts")});
const { readConfig } = await import(${src("config.ts")});
const { fixedClock } = await import(${src("core/clock.ts")});
const clock = fixedClock(new Date("2024-09-02T08:00:00+08:00"));
const logger = { info() {}, warn() {}, error(m, c) { process.stderr.write(m + " " + JSON.stringify(c) + "\\n"); } };
const app = await openApp(readConfig({ DATABASE_URL: process.argv[2], DUBAN_DEMO: "true", DUBAN_RATE_LIMIT: "0" }), clock, { logger, quiet: true });
const sent = [];
const scheduler = digestSchedulerFor({ ...app, logger }, { send: async (rooms, reply, key) => void sent.push({ rooms, key }) });
if ((await scheduler.start()) !== null) throw new Error("sent before 09:00");
process.stdout.write("ready\\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === "go") break;
clock.set(new Date("2024-09-02T09:00:00+08:00"));
const returned = (await scheduler.wakeTask.execute()).some((r) => r.kind === "digest" && r.result !== null);
process.stdout.write(JSON.stringify({ sent, returned }) + "\\n");
await scheduler.stop();
await app.close();
process.exit(0);
`;

function startProcess(script: string, dbUrl: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--import", "tsx", script, dbUrl], { cwd: ROOT });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  /** The first stdout line starting with `prefix`; rejects if the process exits first. */
  const line = async (prefix: string): Promise<string> => {
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; ) {
      const found = out.split("\n").find((l) => l.startsWith(prefix));
      if (found) return found;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`digest process: no "${prefix}" line (exit ${child.exitCode}); stdout:\n${out}\nstderr:\n${err}`);
  };
  return { child, exited, line };
}

describe("digestDue: which day a week's digest goes out on", () => {
  it("is the scheduled Monday in a normal week, whatever day of the week is asked about", () => {
    for (const day of ["2024-09-02", "2024-09-04", "2024-09-08"]) {
      expect(digestDue(day, WEEKLY, calendar), day).toEqual({ week: "2024-09-02", sendOn: "2024-09-02" });
    }
    expect(digestDue("2024-09-09", WEEKLY, calendar)).toEqual({ week: "2024-09-09", sendOn: "2024-09-09" });
  });

  it("moves a holiday Monday to the next working day of the same week", () => {
    // 中秋节 2024: 09-15..17 off, Wednesday 09-18 is the first working day.
    expect([calendar.isWorkday("2024-09-16"), calendar.isWorkday("2024-09-17"), calendar.isWorkday("2024-09-18")]).toEqual([false, false, true]);
    expect(digestDue("2024-09-16", WEEKLY, calendar)).toEqual({ week: "2024-09-16", sendOn: "2024-09-18" });
    expect(digestDue("2024-09-20", WEEKLY, calendar)).toEqual({ week: "2024-09-16", sendOn: "2024-09-18" });
    // 国庆节 2024: 10-01..07 off; Monday 09-30 still works, Monday 10-07 does not.
    expect(digestDue("2024-10-02", WEEKLY, calendar)).toEqual({ week: "2024-09-30", sendOn: "2024-09-30" });
    expect(digestDue("2024-10-07", WEEKLY, calendar)).toEqual({ week: "2024-10-07", sendOn: "2024-10-08" });
    // 端午节 2024-06-10 (Monday).
    expect(digestDue("2024-06-10", WEEKLY, calendar)).toEqual({ week: "2024-06-10", sendOn: "2024-06-11" });
    // 春节 2024: 02-10..17 off, Sunday 02-18 is a make-up working day — the last day of that week.
    expect(digestDue("2024-02-12", WEEKLY, calendar)).toEqual({ week: "2024-02-12", sendOn: "2024-02-18" });
  });

  it("has no day to send on when the week has no working day on or after the scheduled day", () => {
    // Scheduled on Fridays: Friday 2024-10-04 and the weekend after it are all National Day holidays.
    expect(calendar.isWorkday("2024-10-04")).toBe(false);
    expect(digestDue("2024-10-01", "0 17 * * 5", calendar)).toEqual({ week: "2024-10-04", sendOn: null });
    expect(digestDue("2024-09-02", "0 17 * * 5", calendar)).toEqual({ week: "2024-09-06", sendOn: "2024-09-06" });
    // Scheduled on Saturdays: a normal weekend never works; Saturday 2024-10-12 is a make-up working day.
    expect(digestDue("2024-09-03", "0 9 * * 6", calendar)).toEqual({ week: "2024-09-07", sendOn: null });
    expect(digestDue("2024-10-09", "0 9 * * 6", calendar)).toEqual({ week: "2024-10-12", sendOn: "2024-10-12" });
  });
});

describe("the weekly digest scheduler on a real SQLite file", () => {
  beforeEach(async () => {
    started = [];
    app = await tempApp({ at: "2024-09-02T08:00:00+08:00" });
    sender = new RecordingSender(() => dayOf(app.clock.now()));
  });
  afterEach(async () => {
    for (const s of started) await s.stop();
    await app.dispose();
  });

  it("wires node-cron to 09:00 Asia/Shanghai and sends at 09:00 on Monday, exactly once that week, across a restart", async () => {
    const scheduler = schedulerFor(app, sender);
    expect(await scheduler.start()).toBeNull();
    // One wake-up a minute; the agenda holds the digest's check, due at 09:00 Beijing time.
    const task = scheduler.wakeTask!;
    expect(task.getPattern()).toBe("* * * * *");
    expect((await app.repos.schedule.pending("digest")).map((i) => i.dueAt)).toEqual([at("2024-09-02")]);

    expect(await fire(scheduler, at("2024-09-02", "08:59"))).toBeNull();
    expect(sender.sent).toEqual([]);

    const r = await fire(scheduler, at("2024-09-02"));
    expect(sender.sent).toHaveLength(1);
    const [s] = sender.sent;
    expect(s!.rooms).toEqual(app.directory.officeRooms());
    expect(s!.rooms).toEqual(["kejiban"]);
    expect(s!.key).toBe("digest-2024-09-02");
    expect(s!.day).toBe("2024-09-02");
    expect(s!.reply.text.startsWith("【督办周报】")).toBe(true);
    expect(s!.reply.html.startsWith("<b>【督办周报】")).toBe(true);
    expect(s!.reply.mentions).toEqual(app.directory.data.leaders);
    expect(s!.reply.mentions).toEqual(["@juzhang:bureau.local"]);
    expect(r?.text).toBe(s!.reply.text);
    const row = await app.db.digest.findUniqueOrThrow({ where: { week: "2024-09-02" } });
    expect(row.deliveredAt).toEqual(at("2024-09-02"));
    expect(JSON.parse(row.deliveredRooms)).toEqual(["kejiban"]);
    expect(row).toMatchObject({ claimToken: null, attempts: 1, lastError: null });

    // Again the same day, and the rest of the week: nothing.
    expect(await fire(scheduler, at("2024-09-02", "15:00"))).toBeNull();
    expect(await fire(scheduler, at("2024-09-03"))).toBeNull();
    expect(sender.sent).toHaveLength(1);
    await scheduler.stop();
    expect(scheduler.wakeTask).toBeNull();

    // A restart: a new process on the same database, the same week.
    const other = await reopen();
    try {
      const restarted = schedulerFor(other, sender);
      app.clock.set(at("2024-09-04", "10:00"));
      expect(await restarted.start()).toBeNull();
      expect(await fire(restarted, at("2024-09-05"))).toBeNull();
      expect(sender.sent).toHaveLength(1);
      // The next Monday is a new week.
      await fire(restarted, at("2024-09-09"));
      expect(sender.sent.map((x) => x.key)).toEqual(["digest-2024-09-02", "digest-2024-09-09"]);
      await restarted.stop();
    } finally {
      await other.close();
    }
    expect(await app.db.digest.count()).toBe(2);
  });

  it("catches up at start on this week's digest missed while down, but never sends early", async () => {
    // Down on Monday; started on Wednesday 10:00 of the same week.
    app.clock.set(at("2024-09-04", "10:00"));
    const first = schedulerFor(app, sender);
    const caughtUp = await first.start();
    expect(caughtUp?.text.startsWith("【督办周报】")).toBe(true);
    expect(sender.sent.map((s) => `${s.key}@${s.day}`)).toEqual(["digest-2024-09-02@2024-09-04"]);
    expect(await fire(first, at("2024-09-05"))).toBeNull();
    await first.stop();

    // Started again the next Monday at 08:00: nothing until 09:00.
    app.clock.set(at("2024-09-09", "08:00"));
    const second = schedulerFor(app, sender);
    expect(await second.start()).toBeNull();
    expect(await fire(second, at("2024-09-09", "08:59"))).toBeNull();
    expect(sender.sent).toHaveLength(1);
    expect(await fire(second, at("2024-09-09"))).not.toBeNull();
    expect(sender.sent.map((s) => `${s.key}@${s.day}`)).toEqual(["digest-2024-09-02@2024-09-04", "digest-2024-09-09@2024-09-09"]);
  });

  it("sends nothing on a day off, not even a catch-up or a retry", async () => {
    // Down all week; started on Saturday 2024-09-07 10:00: this week's digest is not sent on the weekend.
    app.clock.set(at("2024-09-07", "10:00"));
    const scheduler = schedulerFor(app, sender);
    await scheduler.start();
    await fire(scheduler, at("2024-09-08"));
    // A failed send on Monday 2024-09-30 (a working day); the next day's retry falls on National Day.
    sender.fail = true;
    await fire(scheduler, at("2024-09-30"));
    sender.fail = false;
    await fire(scheduler, at("2024-10-01"));
    expect(sender.sent.map((s) => s.day).filter((d) => !calendar.isWorkday(d))).toEqual([]);
  });

  it("sends a holiday Monday's digest on the next working day of that week, walking the real cron job day by day", async () => {
    app.clock.set(at("2024-09-16", "08:00"));
    const scheduler = schedulerFor(app, sender);
    expect(await scheduler.start()).toBeNull();
    // 中秋节 week: nothing on Monday or Tuesday (holidays), nothing on Wednesday before 09:00.
    for (const day of ["2024-09-16", "2024-09-17"]) {
      expect(await fire(scheduler, at(day)), day).toBeNull();
    }
    expect(sender.sent).toEqual([]);
    expect(await fire(scheduler, at("2024-09-18", "08:59"))).toBeNull();
    expect(sender.sent).toEqual([]);
    await fire(scheduler, at("2024-09-18"));
    expect(sender.sent.map((s) => `${s.key}@${s.day}`)).toEqual(["digest-2024-09-16@2024-09-18"]);

    // Every day at 09:00 from 09-19 to the end of October: one digest a week, on its working day.
    for (let day = "2024-09-19"; day <= "2024-10-31"; day = addDays(day, 1)) {
      expect(scheduler.wakeTask!.match(at(day))).toBe(true);
      await fire(scheduler, at(day));
    }
    expect(sender.sent.map((s) => `${s.key}@${s.day}`)).toEqual([
      "digest-2024-09-16@2024-09-18",
      "digest-2024-09-23@2024-09-23",
      "digest-2024-09-30@2024-09-30",
      "digest-2024-10-07@2024-10-08",
      "digest-2024-10-14@2024-10-14",
      "digest-2024-10-21@2024-10-21",
      "digest-2024-10-28@2024-10-28",
    ]);
    expect(sender.sent.every((s) => calendar.isWorkday(s.day))).toBe(true);
    expect(await app.db.digest.count({ where: { deliveredAt: null } })).toBe(0);
  }, 60_000);

  it("never lets two bot processes on one database send one week's digest twice", async () => {
    // Two real processes: one thread cannot hold two SQLite connections that wait on each other's lock.
    const script = join(app.dir, "digest-process.mts");
    writeFileSync(script, PROCESS_SCRIPT);
    const dbUrl = app.env.DATABASE_URL!;
    const procs = [0, 1].map(() => startProcess(script, dbUrl));
    try {
      await Promise.all(procs.map((p) => p.line("ready")));
      for (const p of procs) p.child.stdin.write("go\n");
      const outcomes = await Promise.all(
        procs.map(async (p) => JSON.parse(await p.line("{")) as { sent: { rooms: string[]; key: string }[]; returned: boolean }),
      );
      expect(outcomes.flatMap((o) => o.sent)).toEqual([{ rooms: ["kejiban"], key: "digest-2024-09-02" }]);
      expect(outcomes.filter((o) => o.returned)).toHaveLength(1);
      await Promise.all(procs.map((p) => p.exited));
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
    const row = await app.db.digest.findUniqueOrThrow({ where: { week: "2024-09-02" } });
    expect(row).toMatchObject({ attempts: 1, claimToken: null, deliveredRooms: JSON.stringify(["kejiban"]) });
    expect(row.deliveredAt).toEqual(at("2024-09-02"));
    // Later that day, both processes' schedulers in this one: still nothing more.
    const other = await reopen();
    try {
      const a = schedulerFor(app, sender);
      const b = schedulerFor({ ...other, clock: app.clock }, sender);
      app.clock.set(at("2024-09-02", "09:30"));
      expect(await a.start()).toBeNull();
      expect(await b.start()).toBeNull();
      expect(sender.sent).toEqual([]);
      await b.stop();
    } finally {
      await other.close();
    }
  }, 60_000);

  it("marks nothing delivered when the send fails, and delivers once on the next day's tick", async () => {
    const scheduler = schedulerFor(app, sender);
    await scheduler.start();
    sender.fail = true;
    await fire(scheduler, at("2024-09-02"));
    expect(sender.sent).toEqual([]);
    const failed = await app.db.digest.findUniqueOrThrow({ where: { week: "2024-09-02" } });
    expect(failed).toMatchObject({ deliveredAt: null, deliveredRooms: "[]", claimToken: null, attempts: 1 });
    expect(failed.lastError).toContain("unreachable");

    sender.fail = false;
    await fire(scheduler, at("2024-09-03"));
    expect(sender.sent.map((s) => `${s.key}@${s.day}`)).toEqual(["digest-2024-09-02@2024-09-03"]);
    const delivered = await app.db.digest.findUniqueOrThrow({ where: { week: "2024-09-02" } });
    expect(delivered.deliveredAt).toEqual(at("2024-09-03"));
    expect(JSON.parse(delivered.deliveredRooms)).toEqual(["kejiban"]);
    expect(delivered.attempts).toBe(2);
    expect(await fire(scheduler, at("2024-09-04"))).toBeNull();
    expect(sender.sent).toHaveLength(1);
  });

  it("on the console (no sender) hands the digest to onRun once a week, keeping it in settings, not in the Digest table", async () => {
    const runs: { week: string; reply: Reply }[] = [];
    const scheduler = schedulerFor(app, null, (week, reply) => void runs.push({ week, reply }));
    expect(await scheduler.start()).toBeNull();
    await fire(scheduler, at("2024-09-02", "08:59"));
    expect(runs).toEqual([]);
    await fire(scheduler, at("2024-09-02"));
    await fire(scheduler, at("2024-09-02", "17:00"));
    await fire(scheduler, at("2024-09-03"));
    expect(runs.map((r) => r.week)).toEqual(["2024-09-02"]);
    expect(runs[0]!.reply.text.startsWith("【督办周报】")).toBe(true);
    expect(await app.repos.settings.get("digest.lastWeek.console")).toBe("2024-09-02");
    expect(await app.db.digest.count()).toBe(0);
    await fire(scheduler, at("2024-09-09"));
    expect(runs.map((r) => r.week)).toEqual(["2024-09-02", "2024-09-09"]);
    expect(await app.db.digest.count()).toBe(0);

    // The console's record never stands in for a chat transport's: a Matrix bot on this database still sends.
    const chat = schedulerFor(app, sender);
    app.clock.set(at("2024-09-09", "10:00"));
    await chat.start();
    expect(sender.sent.map((s) => s.key)).toEqual(["digest-2024-09-09"]);
  });

  it("schedules nothing when the policy turns the digest off", async () => {
    const file = join(app.dir, "reminders.yaml");
    writeFileSync(file, "digestEnabled: false\n");
    const off = await tempApp({ at: "2024-09-02T10:00:00+08:00", env: { DUBAN_REMINDERS: file } });
    try {
      expect(off.reminders.policy.digestEnabled).toBe(false);
      const offSender = new RecordingSender(() => "2024-09-02");
      const scheduler = schedulerFor(off, offSender);
      expect(await scheduler.start()).toBeNull();
      expect(scheduler.wakeTask).toBeNull();
      expect(offSender.sent).toEqual([]);
      expect(await off.db.digest.count()).toBe(0);
      await scheduler.stop();
    } finally {
      await off.dispose();
    }
  });
});
