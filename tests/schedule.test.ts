import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestSchedulerFor, openApp, reminderSchedulerFor, scheduleFor, type App } from "../src/app.js";
import { readConfig } from "../src/config.js";
import type { Reply } from "../src/core/reply.js";
import { zonedInstant } from "../src/core/time.js";
import type { ReminderSender } from "../src/reminders/reminder-service.js";
import { takeOver } from "../src/ops/leadership.js";
import { addWorkingHours, workingHoursOf } from "../src/reminders/working-hours.js";
import { nextCronFire } from "../src/schedule/cron-fire.js";
import { ITEM_CLAIM_TTL_MS, RETRY_MS, type DueItem, type Scheduler } from "../src/schedule/scheduler.js";
import { quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";

/** A sender that records each room and key it sends to. */
class RecordingSender implements ReminderSender {
  sent: { room: string; key: string; text: string }[] = [];
  async send(rooms: string[], reply: Reply, key: string) {
    for (const room of rooms) this.sent.push({ room, key, text: reply.text });
  }
}

const at = (day: string, hhmm = "09:00") => zonedInstant(day, hhmm);

let app: TempApp;
let sender: RecordingSender;
/** Every scheduler a test starts and every app it opens besides `app`, stopped and closed after it. */
let started: Scheduler[];
let opened: App[];

/** Another process on the same database: a new app, its own connection, the same clock. */
async function reopen(): Promise<App> {
  const other = await openApp(readConfig({ ...app.env, DUBAN_RATE_LIMIT: "0" }), app.clock, { logger: quietLogger, quiet: true });
  opened.push(other);
  return other;
}

/** The one scheduler of a bot process on `a` (a chat transport: the database's agenda), with a follow-up kind that records what it ran. */
function followUps(a: App, ran: { key: string; payload: unknown; at: Date }[]): Scheduler {
  const schedule = scheduleFor({ ...a, clock: app.clock, logger: quietLogger }, sender);
  schedule.on("renotify", async (item: DueItem) => void ran.push({ key: item.key, payload: item.payload, at: app.clock.now() }));
  started.push(schedule);
  return schedule;
}

/** Fire the scheduler's real wake-up job at `when` (the injected clock is set first). */
async function wakeAt(schedule: Scheduler, when: Date) {
  app.clock.set(when);
  return (await schedule.wakeTask!.execute()) as Awaited<ReturnType<Scheduler["wake"]>>;
}

describe("the one scheduler: a persisted agenda and one wake-up", () => {
  beforeEach(async () => {
    app = await tempApp({ at: "2024-12-27T16:00:00+08:00" });
    sender = new RecordingSender();
    started = [];
    opened = [];
  });
  afterEach(async () => {
    for (const s of started) await s.stop();
    for (const a of opened) await a.close();
    await app.dispose();
  });

  it("runs a follow-up due in 4 working hours from Friday 16:00 on Monday at 11:00 through the real wake-up, not before, across a restart", async () => {
    const ran: { key: string; payload: unknown; at: Date }[] = [];
    const first = followUps(app, ran);
    expect(await first.start()).toEqual([]);
    expect(first.wakeTask!.getPattern()).toBe("* * * * *");
    // Friday 16:00–17:30 is 1.5 hours; Monday 08:30–11:00 the other 2.5.
    const item = await first.scheduleIn("renotify", 4, { notice: 7 }, { key: "renotify/7" });
    const due = at("2024-12-30", "11:00");
    expect(item.dueAt).toEqual(due);
    expect(due).toEqual(addWorkingHours(at("2024-12-27", "16:00"), 4, workingHoursOf(app.reminders.policy), app.reminders.calendar));
    // Scheduling it again, as another instance would, adds nothing.
    expect((await first.scheduleIn("renotify", 4, { notice: 7 }, { key: "renotify/7" })).id).toBe(item.id);
    for (const when of [at("2024-12-27", "17:30"), at("2024-12-28", "11:00"), at("2024-12-29", "20:00"), at("2024-12-30", "10:59")])
      expect(await wakeAt(first, when), when.toISOString()).toEqual([]);
    expect(ran).toEqual([]);

    // A restart on Monday at 10:59: a new process on the same database, the item still waiting.
    await first.stop();
    const second = followUps(await reopen(), ran);
    expect(await second.start()).toEqual([]);
    expect(ran).toEqual([]);
    expect((await wakeAt(second, due)).map((r) => r.key)).toEqual(["renotify/7"]);
    expect(ran).toEqual([{ key: "renotify/7", payload: { notice: 7 }, at: due }]);
    // Done once: neither the next minute nor another restart runs it again.
    expect(await wakeAt(second, at("2024-12-30", "11:01"))).toEqual([]);
    await second.stop();
    app.clock.set(at("2024-12-30", "11:05"));
    const third = followUps(await reopen(), ran);
    expect(await third.start()).toEqual([]);
    expect(ran).toHaveLength(1);
    expect(await app.db.scheduleItem.findUniqueOrThrow({ where: { key: "renotify/7" } })).toMatchObject({ doneAt: due, claimToken: null, attempts: 1 });
  });

  it("a restart neither skips nor repeats: the run and the digest done before it are not done again, and what fell due while down runs once", async () => {
    // Monday 2024-12-30, 08:00: one scheduler with the day's run, the sweep and the digest on it, as src/main.ts starts it.
    app.clock.set(at("2024-12-30", "08:00"));
    const bot = (a: App) => {
      const schedule = scheduleFor({ ...a, clock: app.clock, logger: quietLogger }, sender);
      reminderSchedulerFor({ ...a, clock: app.clock, logger: quietLogger }, sender, undefined, schedule);
      digestSchedulerFor({ ...a, clock: app.clock, logger: quietLogger }, sender, undefined, schedule);
      started.push(schedule);
      return schedule;
    };
    const first = bot(app);
    expect(await first.start()).toMatchObject([
      { kind: "reminders.run", result: [] },
      { kind: "digest", result: null },
    ]);
    expect(sender.sent).toEqual([]);
    const nine = await wakeAt(first, at("2024-12-30"));
    expect(nine.map((r) => r.kind).sort()).toEqual(["digest", "reminders.run", "reminders.sweep"]);
    const monday = sender.sent.length;
    expect(sender.sent.filter((s) => s.key === "digest-2024-12-30")).toHaveLength(1);
    expect(monday).toBeGreaterThan(1);
    await first.stop();

    // Restarted a minute later: everything of 09:00 is done, so nothing is run again.
    app.clock.set(at("2024-12-30", "09:01"));
    const second = bot(await reopen());
    expect(await second.start()).toEqual([]);
    expect(sender.sent).toHaveLength(monday);
    await second.stop();

    // Down from Monday 09:01 to Thursday 2025-01-02 10:00 (Wednesday is New Year's Day): the run missed on Tuesday
    // and today's, whose time has passed, go out once at start; the digest of the week was sent already.
    app.clock.set(at("2025-01-02", "10:00"));
    const third = bot(await reopen());
    const caughtUp = await third.start();
    expect(caughtUp.map((r) => r.kind).sort()).toEqual(["digest", "reminders.run"]);
    expect(caughtUp.find((r) => r.kind === "digest")!.result).toBeNull();
    expect(await app.repos.settings.get("reminders.lastRunDay")).toBe("2025-01-02");
    const keys = sender.sent.map((s) => `${s.room} ${s.key}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(sender.sent.length).toBeGreaterThan(monday);
    const afterCatchUp = sender.sent.length;
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
    await third.stop();

    // Started again at the same instant: nothing more.
    const fourth = bot(await reopen());
    expect(await fourth.start()).toEqual([]);
    expect(sender.sent).toHaveLength(afterCatchUp);
    // Each recurring kind has exactly its next occurrence pending: the run on Friday at 09:00.
    const pending = await app.db.scheduleItem.findMany({ where: { doneAt: null }, orderBy: { kind: "asc" } });
    expect(pending.map((i) => i.kind)).toEqual(["digest", "reminders.run", "reminders.sweep"]);
    expect(pending.find((i) => i.kind === "reminders.run")!.dueAt).toEqual(at("2025-01-03"));
    // Nothing was run twice: the run's items are each done once.
    const runs = await app.db.scheduleItem.findMany({ where: { kind: "reminders.run", doneAt: { not: null } } });
    expect(runs.every((i) => i.attempts === 1)).toBe(true);
    expect(new Set(runs.map((i) => i.key)).size).toBe(runs.length);
  });

  it("a process that died between running an occurrence and adding the next gets the next one added, without running it again", async () => {
    app.clock.set(at("2024-12-30", "08:00"));
    const schedule = scheduleFor({ ...app, logger: quietLogger }, sender);
    reminderSchedulerFor({ ...app, logger: quietLogger }, sender, undefined, schedule);
    started.push(schedule);
    await schedule.start();
    expect((await wakeAt(schedule, at("2024-12-30"))).map((r) => r.kind)).toContain("reminders.run");
    // The next occurrence is lost, as if the process had died before adding it.
    await app.db.scheduleItem.deleteMany({ where: { kind: "reminders.run", doneAt: null } });
    expect((await wakeAt(schedule, at("2024-12-30", "09:01"))).map((r) => r.kind)).not.toContain("reminders.run");
    expect((await app.repos.schedule.pending("reminders.run")).map((i) => i.dueAt)).toEqual([at("2024-12-31")]);
  });

  it("renews the day's run's claim before each unit's message: a run held up past the claim's time to live is not run again elsewhere", async () => {
    app.clock.set(at("2024-12-30", "08:00"));
    const warnings: string[] = [];
    let rival: Scheduler | null = null;
    const rivalRan: string[] = [];
    let sends = 0;
    // Each message takes 15 minutes (a homeserver that does not answer); during the second, the other instance wakes.
    const slow: ReminderSender = {
      send: async (rooms, reply, key) => {
        await sender.send(rooms, reply, key);
        app.clock.set(new Date(app.clock.now().getTime() + 15 * 60_000));
        if (++sends === 2) rivalRan.push(...(await rival!.wake()).map((r) => r.kind));
      },
    };
    const logger = { ...quietLogger, warn: (m: string) => void warnings.push(m) };
    const first = scheduleFor({ ...app, logger }, slow);
    reminderSchedulerFor({ ...app, logger }, slow, undefined, first);
    started.push(first);
    const other = await reopen();
    rival = scheduleFor({ ...other, clock: app.clock, logger: quietLogger }, new RecordingSender());
    reminderSchedulerFor({ ...other, clock: app.clock, logger: quietLogger }, new RecordingSender(), undefined, rival);
    started.push(rival);
    await first.start();
    await rival.start();

    expect((await wakeAt(first, at("2024-12-30"))).map((r) => r.kind)).toContain("reminders.run");
    // The run outlasted the claim's time to live, and the other instance woke inside it, past that time.
    expect(sends * 15 * 60_000).toBeGreaterThan(ITEM_CLAIM_TTL_MS);
    expect(sends).toBeGreaterThan(2);
    expect(rivalRan).not.toContain("reminders.run");
    expect(warnings).toEqual([]);
    const runs = await app.db.scheduleItem.findMany({ where: { kind: "reminders.run", doneAt: { not: null } } });
    expect(runs.find((i) => i.dueAt.getTime() === at("2024-12-30").getTime())).toMatchObject({ attempts: 1, claimToken: null });
  });

  it("of two instances on one agenda, only one runs an item", async () => {
    const ran: { key: string; payload: unknown; at: Date }[] = [];
    const a = followUps(app, ran);
    const b = followUps(await reopen(), ran);
    await a.start();
    await b.start();
    await a.schedule("renotify", at("2024-12-27", "16:30"), { notice: 1 });
    await a.schedule("renotify", at("2024-12-27", "16:31"), { notice: 2 });
    app.clock.set(at("2024-12-27", "16:45"));
    const [fromA, fromB] = await Promise.all([a.wakeTask!.execute(), b.wakeTask!.execute()]);
    expect(ran.map((r) => r.payload)).toEqual(expect.arrayContaining([{ notice: 1 }, { notice: 2 }]));
    expect(ran).toHaveLength(2);
    expect(((fromA as unknown[]).length ?? 0) + ((fromB as unknown[]).length ?? 0)).toBe(2);
  });

  it("tries a failed item again RETRY_MS later, and runs one a dead process held once its claim is freed or stale", async () => {
    const errors: string[] = [];
    const ran: unknown[] = [];
    let failures = 1;
    const schedule = scheduleFor({ ...app, logger: { ...quietLogger, error: (m, c) => void errors.push(`${m} ${JSON.stringify(c)}`) } }, sender);
    schedule.on("escalate", async (item) => {
      if (failures-- > 0) throw new Error("room unreachable");
      ran.push(item.payload);
    });
    started.push(schedule);
    await schedule.start();
    const now = app.clock.now().getTime();
    await schedule.schedule("escalate", new Date(now), { task: 6 });
    expect(await wakeAt(schedule, new Date(now))).toEqual([]);
    expect(errors).toEqual([expect.stringContaining("room unreachable")]);
    expect(await app.db.scheduleItem.findFirstOrThrow({ where: { kind: "escalate" } })).toMatchObject({
      doneAt: null,
      claimToken: null,
      lastError: "room unreachable",
    });
    expect(await wakeAt(schedule, new Date(now + RETRY_MS - 60_000))).toEqual([]);
    expect((await wakeAt(schedule, new Date(now + RETRY_MS))).map((r) => r.kind)).toEqual(["escalate"]);
    expect(ran).toEqual([{ task: 6 }]);

    // An item a process claimed and died holding: left alone while the claim may be live, run once it is freed…
    const t = now + RETRY_MS;
    const held = await schedule.schedule("escalate", new Date(t), { task: 7 });
    expect(await app.repos.schedule.claim(held.id, "bot#dead1/x", new Date(t), new Date(t - ITEM_CLAIM_TTL_MS))).toBe(true);
    expect(await wakeAt(schedule, new Date(t + 60_000))).toEqual([]);
    expect(await app.repos.schedule.releaseClaims("bot#")).toBe(1);
    expect((await wakeAt(schedule, new Date(t + 120_000))).map((r) => r.kind)).toEqual(["escalate"]);
    // …or once it is older than its time to live.
    const stale = await schedule.schedule("escalate", new Date(t), { task: 8 });
    await app.repos.schedule.claim(stale.id, "other#dead2/x", new Date(t), new Date(t - ITEM_CLAIM_TTL_MS));
    expect(await wakeAt(schedule, new Date(t + ITEM_CLAIM_TTL_MS - 60_000))).toEqual([]);
    expect((await wakeAt(schedule, new Date(t + ITEM_CLAIM_TTL_MS + 60_000))).map((r) => r.kind)).toEqual(["escalate"]);
    expect(ran).toEqual([{ task: 6 }, { task: 7 }, { task: 8 }]);
  });

  it("a standby taking over from a lost active instance runs at once the item the lost one was running", async () => {
    const ran: { key: string; payload: unknown; at: Date }[] = [];
    const b = followUps(app, ran);
    await b.start();
    const now = app.clock.now();
    expect((await takeOver(app.repos, "A#1", now)).previous).toBeNull();
    const item = await b.schedule("renotify", now, { notice: 3 }, "renotify/3");
    expect(await app.repos.schedule.claim(item.id, "A#1/0c1d", now, new Date(now.getTime() - ITEM_CLAIM_TTL_MS))).toBe(true);
    expect(await wakeAt(b, new Date(now.getTime() + 60_000))).toEqual([]);
    expect(await takeOver(app.repos, "B#2", new Date(now.getTime() + 60_000))).toMatchObject({ previous: "A#1", schedule: 1 });
    expect((await wakeAt(b, new Date(now.getTime() + 120_000))).map((r) => r.key)).toEqual(["renotify/3"]);
    expect(ran.map((r) => r.payload)).toEqual([{ notice: 3 }]);
  });

  it("keeps the console's agenda in memory: its runs never stand in for a chat transport's", async () => {
    app.clock.set(at("2024-12-31", "10:00"));
    const console = scheduleFor(app, null);
    reminderSchedulerFor(app, null, undefined, console);
    started.push(console);
    expect((await console.start()).map((r) => r.kind)).toEqual(["reminders.run"]);
    expect(await app.db.scheduleItem.count()).toBe(0);
    expect(await app.repos.settings.get("reminders.lastRunDay.console")).toBe("2024-12-31");
  });
});

describe("nextCronFire", () => {
  it("finds the first instant after, in the time zone, on the cron's days only", () => {
    expect(nextCronFire("0 9 * * *", at("2024-12-31", "08:59"), "Asia/Shanghai")).toEqual(at("2024-12-31"));
    expect(nextCronFire("0 9 * * *", at("2024-12-31"), "Asia/Shanghai")).toEqual(at("2025-01-01"));
    // Friday 2024-12-27 10:00 → Monday 09:00 for working weekdays.
    expect(nextCronFire("0 9 * * 1-5", at("2024-12-27", "10:00"), "Asia/Shanghai")).toEqual(at("2024-12-30"));
    expect(nextCronFire("30 8,14 * * *", at("2024-12-31", "09:00"), "Asia/Shanghai")).toEqual(at("2024-12-31", "14:30"));
    // 00:30 in Beijing is the previous day in UTC.
    expect(nextCronFire("30 0 * * *", new Date("2024-12-31T12:00:00Z"), "Asia/Shanghai")).toEqual(new Date("2024-12-31T16:30:00Z"));
    expect(nextCronFire("0 9 29 2 *", at("2024-03-01"), "Asia/Shanghai")).toEqual(at("2028-02-29"));
  });
});
