import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestSchedulerFor, reminderSchedulerFor } from "../src/app.js";
import type { NewReminder } from "../src/core/model.js";
import type { Reply } from "../src/core/reply.js";
import { zonedInstant } from "../src/core/time.js";
import { botClaimOwner, expireEarlierClaims } from "../src/ops/restart-claims.js";
import { ReminderScheduler, sweepResults } from "../src/reminders/reminder-scheduler.js";
import type { Ran } from "../src/schedule/scheduler.js";
import type { ReminderSender } from "../src/reminders/reminder-service.js";
import { quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";
import { reminderRows } from "./helpers/reminder-rows.js";

/** A sender that records what was sent, one room at a time. */
class RecordingSender implements ReminderSender {
  sent: { room: string; text: string; key: string }[] = [];
  async send(rooms: string[], reply: Reply, key: string) {
    for (const room of rooms) this.sent.push({ room, text: reply.text, key });
  }
}

const at = (hhmm: string, day = "2024-12-31") => zonedInstant(day, hhmm);
/** Which unit a reminder message is for: 【督办提醒】刑侦大队 · 2024-12-31 → 刑侦大队. */
const unitOf = (text: string) => /【督办提醒】(\S+)/.exec(text)?.[1] ?? text.slice(0, 20);

let app: TempApp;
let sender: RecordingSender;
let started: ReminderScheduler[];

function schedulerFor(s: ReminderSender | null, policy = app.reminders.policy): ReminderScheduler {
  const scheduler =
    policy === app.reminders.policy
      ? reminderSchedulerFor({ ...app, logger: quietLogger }, s)
      : new ReminderScheduler({
          service: app.reminders.service,
          settings: app.repos.settings,
          clock: app.clock,
          policy,
          calendar: app.reminders.calendar,
          sender: s,
          logger: quietLogger,
        });
  started.push(scheduler);
  return scheduler;
}

/** Fire the scheduler's real wake-up job at `when` (the injected clock is set first): what its sweeps sent. */
async function sweepAt(scheduler: ReminderScheduler, when: Date) {
  app.clock.set(when);
  return sweepResults((await scheduler.wakeTask!.execute()) as Ran[]);
}

/**
 * 2024-12-31's reminders, recorded at 09:00 in every state a row can be in: 刑侦大队's claimed by a process that died
 * after reaching one of its two rooms, 网安大队's claimed by a live process (renewed at `renewedAt`), 政工室's never
 * claimed (recorded by the console), 城关派出所's failed (to be retried by the next run), 指挥情报中心's delivered.
 */
async function recordEveryState(renewedAt: Date) {
  expect((await app.say("绑定本群 刑侦大队", { room: "xingzhen2" })).text).toContain("本群已绑定为刑侦大队的工作群");
  const reminders = app.repos.reminders;
  const rows = await app.reminders.service.dueRows(["2024-12-31"]);
  const of = (unit: string) => rows.filter((r) => r.unit === unit);
  const nine = at("09:00");
  // The day's run is done (recorded as run): the scheduler's wake-up, which also runs what else is due, runs no other.
  await app.repos.settings.set("reminders.lastRunDay", "2024-12-31");
  // Each call records one unit's occurrences in a notice of its own, named in the map it is given.
  const noticeOf = async (unitRows: NewReminder[], token: string) => {
    const notices = new Map<string, number>();
    await reminders.insertClaimed(unitRows, token, nine, notices);
    return [...notices.values()];
  };
  const deadNotice = await noticeOf(of("刑侦大队"), "bot#dead/1");
  await reminders.markRoomDelivered(deadNotice, "xingzhen");
  await reminders.insertClaimed(of("网安大队"), "other#live/1", nine, new Map());
  await reminders.renewClaim("other#live/1", renewedAt);
  await reminders.insertNew(of("政工室"), nine);
  await reminders.markFailed(await noticeOf(of("城关派出所"), "bot#dead/2"), "room unreachable");
  await reminders.markDelivered(await noticeOf(of("指挥情报中心"), "bot#dead/3"), nine);
  return { dead: (await app.db.reminder.findMany({ where: { noticeId: { in: deadNotice } }, select: { id: true } })).map((r) => r.id) };
}

/** Each row's state by unit, to show what a sweep left alone. */
async function states() {
  const rows = await reminderRows(app.db);
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    const state = `${r.deliveredAt ? "delivered" : "open"}:${r.claimToken ?? "-"}:${r.deliveredRooms}`;
    out[r.unit] = [...new Set([...(out[r.unit] ?? []), state])];
  }
  return out;
}

describe("the sweep (补发): abandoned claims are sent within minutes, on a real SQLite file", () => {
  beforeEach(async () => {
    app = await tempApp({ at: "2024-12-31T08:00:00+08:00" });
    sender = new RecordingSender();
    started = [];
  });
  afterEach(async () => {
    for (const s of started) await s.stop();
    await app.dispose();
  });

  it("claims only the abandoned claims and sends them to the rooms not reached yet, once, leaving every other row as it was", async () => {
    await recordEveryState(at("09:15"));
    const before = await states();
    const service = app.reminders.service;
    // At 09:10 the dead process's claim is 10 minutes old: it could still be a slow live one.
    expect(await service.sweep(at("09:10"), sender)).toEqual([]);
    expect(await states()).toEqual(before);
    // At 09:21 it is older than the 20-minute time to live: the sweep takes it, and only it.
    const swept = await service.sweep(at("09:21"), sender);
    expect(swept.map((m) => [m.unit, m.taskNumbers])).toEqual([["刑侦大队", [4, 5, 6]]]);
    expect(sender.sent.map((s) => [s.room, unitOf(s.text)])).toEqual([["xingzhen2", "刑侦大队"]]);
    const after = await states();
    expect(after.刑侦大队).toEqual([`delivered:-:["xingzhen"]`]);
    expect({ ...after, 刑侦大队: before.刑侦大队 }).toEqual(before);
    // Swept once: the next sweep finds nothing of it (网安大队's live claim, renewed at 09:15, is still left alone).
    expect(await service.sweep(at("09:30"), sender)).toEqual([]);
    expect(sender.sent).toHaveLength(1);
  });

  it("runs on the real cron job every sweepMinutes, on working days after the day's run time, and only with a chat transport", async () => {
    const { dead } = await recordEveryState(at("09:15"));
    const console = schedulerFor(null);
    await console.start({ catchUp: false });
    expect(await console.schedule.wake()).toEqual([]);
    const every15 = schedulerFor(sender, { ...app.reminders.policy, sweepMinutes: 15 });
    await every15.start({ catchUp: false });
    const job = every15.wakeTask!;
    expect(job.getPattern()).toBe("* * * * *");
    expect(job.match(at("09:21"))).toBe(true);
    // Claims still live at 09:07; the sweep then waits 15 minutes, so 09:21 does nothing although the claim is stale.
    expect(await sweepAt(every15, at("09:07"))).toEqual([]);
    expect(await sweepAt(every15, at("09:21"))).toEqual([]);
    expect(await app.db.reminder.count({ where: { id: { in: dead }, notice: { deliveredAt: null } } })).toBe(dead.length);
    const swept = await sweepAt(every15, at("09:22"));
    expect(swept.map((m) => m.unit)).toEqual(["刑侦大队"]);
    expect(sender.sent.map((s) => s.room)).toEqual(["xingzhen2"]);
  });

  it("settles a claimed notice none of whose occurrences is left to send, instead of claiming it again at every sweep", async () => {
    // A process noted every occurrence of 刑侦大队's notice skipped (its tasks done meanwhile) and stopped before settling it.
    const reminders = app.repos.reminders;
    const rows = (await app.reminders.service.dueRows(["2024-12-31"])).filter((r) => r.unit === "刑侦大队");
    const notices = new Map<string, number>();
    const ids = await reminders.insertClaimed(rows, "bot#dead/1", at("09:00"), notices);
    await reminders.markSkipped([...ids.values()], "skipped: task done, reminders paused, or completion under review");
    expect(await reminders.claimAbandoned("sweep", at("09:30"), at("09:10"))).toEqual([]);
    const notice = await app.db.notice.findUniqueOrThrow({ where: { id: notices.get("刑侦大队")! } });
    expect(notice).toMatchObject({ claimToken: null, lastError: "skipped: nothing left to send" });
    expect(notice.deliveredAt).not.toBeNull();
    expect(await app.db.notice.count({ where: { deliveredAt: null } })).toBe(0);
    // Its occurrences still say why they were not sent: the scorecard counts none of them.
    expect((await reminderRows(app.db)).every((r) => r.lastError?.startsWith("skipped: task done"))).toBe(true);
  });

  it("does not sweep before the day's run time nor on a day off", async () => {
    const nine = at("09:00", "2024-12-30");
    const rows = await app.reminders.service.dueRows(["2024-12-30"]);
    await app.repos.reminders.insertClaimed(rows, "bot#dead/1", nine, new Map());
    const scheduler = schedulerFor(sender);
    await scheduler.start({ catchUp: false });
    // 2024-12-31 08:59: the claim is a day old, but today's run time has not come.
    expect(await sweepAt(scheduler, at("08:59"))).toEqual([]);
    // 2025-01-01 (New Year's Day) at noon: a holiday.
    expect(await sweepAt(scheduler, at("12:00", "2025-01-01"))).toEqual([]);
    expect(sender.sent).toEqual([]);
    expect((await sweepAt(scheduler, at("09:00"))).length).toBeGreaterThan(0);
  });

  it("a restart marks its previous process's claims abandoned, so the first sweep sends them at once, and no one else's", async () => {
    const reminders = app.repos.reminders;
    const rows = await app.reminders.service.dueRows(["2024-12-31"]);
    const nine = at("09:00");
    await reminders.insertClaimed(
      rows.filter((r) => r.unit === "刑侦大队"),
      "bot#1a2b3c4d/run",
      nine,
      new Map(),
    );
    await reminders.insertClaimed(
      rows.filter((r) => r.unit === "网安大队"),
      "bot-two#5e6f7a8b/run",
      nine,
      new Map(),
    );
    await reminders.insertClaimed(
      rows.filter((r) => r.unit === "政工室"),
      "0c1d2e3f-cli-run",
      nine,
      new Map(),
    );
    // The previous process had run the day: what it left goes out in the sweep (the wake-up runs what else is due too).
    await app.repos.settings.set("reminders.lastRunDay", "2024-12-31");
    const owner = botClaimOwner(undefined, "99999999");
    expect(owner).toBe("bot#99999999");
    // Another bot process on the file: its claims may be live, so nothing is touched.
    expect(await expireEarlierClaims(app.repos, owner, 1)).toEqual({ reminders: 0, digests: 0 });
    // Its one notice (刑侦大队's message), whatever the number of occurrences it carries.
    expect(await expireEarlierClaims(app.repos, owner, 0)).toEqual({ reminders: 1, digests: 0 });
    const scheduler = schedulerFor(sender);
    await scheduler.start({ catchUp: false });
    const swept = await sweepAt(scheduler, at("09:01"));
    expect(swept.map((m) => m.unit)).toEqual(["刑侦大队"]);
    expect(sender.sent.map((s) => s.room)).toEqual(["xingzhen"]);
    // The other bot's and the command line's claims wait for their time to live, then go in a sweep too.
    expect(await sweepAt(scheduler, at("09:06"))).toEqual([]);
    expect((await sweepAt(scheduler, at("09:21"))).map((m) => m.unit).sort()).toEqual(["政工室", "网安大队"].sort());
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
  });

  it("a restart frees the weekly digest its previous process claimed and did not send, and the digest's catch-up sends it", async () => {
    // Monday 2024-09-02: the previous process claimed the week's digest at 09:00 and was killed while sending it.
    const nine = at("09:00", "2024-09-02");
    await app.db.digest.create({ data: { week: "2024-09-02", createdAt: nine, claimToken: "bot#1a2b3c4d/digest", claimedAt: nine } });
    expect(await expireEarlierClaims(app.repos, "bot#99999999", 0)).toEqual({ reminders: 0, digests: 1 });
    app.clock.set(at("09:02", "2024-09-02"));
    const digest = digestSchedulerFor({ ...app, logger: quietLogger }, sender);
    try {
      expect(await digest.start()).not.toBeNull();
    } finally {
      await digest.stop();
    }
    expect(sender.sent.map((s) => [s.room, s.key])).toEqual([["kejiban", "digest-2024-09-02"]]);
    expect((await app.db.digest.findUniqueOrThrow({ where: { week: "2024-09-02" } })).deliveredAt).not.toBeNull();
  });

  it("logs a failed sweep and tries again at the next interval, without failing the minute's job", async () => {
    const errors: string[] = [];
    let calls = 0;
    const failing = Object.create(app.reminders.service) as typeof app.reminders.service;
    failing.sweep = async (now, s) => {
      if (++calls === 1) throw new Error("database is locked");
      return app.reminders.service.sweep(now, s);
    };
    const scheduler = new ReminderScheduler({
      service: failing,
      settings: app.repos.settings,
      clock: app.clock,
      policy: app.reminders.policy,
      calendar: app.reminders.calendar,
      sender,
      logger: { ...quietLogger, error: (msg, ctx) => void errors.push(`${msg} ${JSON.stringify(ctx)}`) },
    });
    started.push(scheduler);
    await scheduler.start({ catchUp: false });
    await app.repos.reminders.insertClaimed(await app.reminders.service.dueRows(["2024-12-31"]), "bot#dead/1", at("09:00"), new Map());
    // The dead process had run the day; the wake-up runs what else is due too, and only the sweep has work.
    await app.repos.settings.set("reminders.lastRunDay", "2024-12-31");
    expect(await sweepAt(scheduler, at("09:21"))).toEqual([]);
    expect(errors).toEqual([expect.stringContaining("database is locked")]);
    expect(await sweepAt(scheduler, at("09:22"))).toEqual([]);
    expect((await sweepAt(scheduler, at("09:26"))).length).toBe(5);
  });
});
