import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openApp, reminderSchedulerFor } from "../src/app.js";
import { readConfig } from "../src/config.js";
import type { Reply } from "../src/core/reply.js";
import { addDays, zonedInstant } from "../src/core/time.js";
import { ReminderService, reminderKey, type ReminderMessage, type ReminderSender } from "../src/reminders/reminder-service.js";
import { createWorkingCalendar, workingCalendarFrom } from "../src/reminders/working-calendar.js";
import { catalogue } from "../src/core/i18n/index.js";
import { quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";
import { reminderRows } from "./helpers/reminder-rows.js";
import { syntheticPlan } from "../bench/synthetic.js";
import { SYSTEM_ACTOR } from "../src/plan/import-plan.js";

/** A sender that records what was sent, and can be told to fail for some rooms. */
class RecordingSender implements ReminderSender {
  sent: { rooms: string[]; reply: Reply; key: string; day: string }[] = [];
  failRooms = new Set<string>();
  constructor(private readonly today: () => string) {}
  async send(rooms: string[], reply: Reply, key: string) {
    if (rooms.some((r) => this.failRooms.has(r))) throw new Error(`room ${rooms.join(",")} unreachable`);
    this.sent.push({ rooms, reply, key, day: this.today() });
  }
}

const at9 = (day: string) => zonedInstant(day, "09:00");
const OFFICE = { id: "@kejiban:bureau.local", unit: "科技办", transport: "test", room: "kejiban", eventId: null };
const byUnit = (messages: ReminderMessage[]) => Object.fromEntries(messages.map((m) => [m.unit, m.taskNumbers]));

function schedulerFor(app: TempApp, sender: ReminderSender | null) {
  return reminderSchedulerFor({ ...app, logger: quietLogger }, sender);
}

let app: TempApp;
let sender: RecordingSender;

/** What a ReminderService is built with in these tests, but its repositories. */
const serviceDeps = () => ({
  directory: app.directory,
  calendar: app.reminders.calendar,
  policy: app.reminders.policy,
  t: catalogue("zh"),
  thresholds: app.config.thresholds,
  logger: quietLogger,
});

describe("reminders on a real SQLite file", () => {
  beforeEach(async () => {
    app = await tempApp({ at: "2024-12-31T09:00:00+08:00" });
    sender = new RecordingSender(() => app.clock.now().toISOString().slice(0, 10));
  });
  afterEach(async () => {
    await app.dispose();
  });

  it("sends the 2024-12-31 'due' reminders grouped per unit, and nothing when the same instant runs again", async () => {
    const service = app.reminders.service;
    const first = await service.run(["2024-12-31"], app.clock.now(), sender);
    expect(byUnit(first)).toEqual({
      指挥情报中心: [4, 5, 6, 20, 21, 22, 25],
      刑侦大队: [4, 5, 6],
      网安大队: [6],
      政工室: [4],
      城关派出所: [5],
    });
    expect(first.every((m) => m.kind === "due")).toBe(true);
    expect(sender.sent).toHaveLength(5);
    const xz = sender.sent.find((s) => s.rooms[0] === "xingzhen")!;
    expect(xz.reply.text).toContain("【督办提醒】刑侦大队 · 2024-12-31");
    expect(xz.reply.text).toContain("今天到期（3项）");
    expect(xz.reply.text).toContain("任务6 培育“公安数字工匠” · 2024年底前（今天到期）");
    expect(xz.reply.text).toContain("报送进展请发送：任务N进展:内容 60%");
    expect(xz.reply.mentions).toEqual(["@zhang:bureau.local"]);
    expect(await service.run(["2024-12-31"], app.clock.now(), sender)).toEqual([]);
    expect(sender.sent).toHaveLength(5);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
  });

  it("wires node-cron to 09:00 Asia/Shanghai and sends nothing on National Day", async () => {
    const scheduler = schedulerFor(app, sender);
    app.clock.set(new Date("2024-10-01T08:00:00+08:00"));
    await scheduler.start();
    try {
      // One wake-up a minute; the agenda holds the day's run, due at 09:00 Beijing time.
      const task = scheduler.wakeTask!;
      expect(task.getPattern()).toBe("* * * * *");
      expect((await app.repos.schedule.pending("reminders.run")).map((i) => i.dueAt)).toEqual([new Date("2024-10-01T09:00:00+08:00")]);
      app.clock.set(at9("2024-10-01"));
      await task.execute();
      expect(sender.sent).toEqual([]);
    } finally {
      await scheduler.stop();
    }
  });

  it("walks the plan's whole timeline day by day through the real cron job, sending each reminder once and only on working days", async () => {
    const scheduler = schedulerFor(app, sender);
    app.clock.set(new Date("2023-11-18T08:00:00+08:00"));
    await scheduler.start();
    const calendar = createWorkingCalendar();
    try {
      for (let day = "2023-11-18"; day <= "2026-01-31"; day = addDays(day, 1)) {
        app.clock.set(at9(day));
        expect(scheduler.wakeTask!.match(app.clock.now())).toBe(true);
        await scheduler.wakeTask!.execute();
      }
    } finally {
      await scheduler.stop();
    }
    expect(sender.sent.every((s) => calendar.isWorkday(s.day))).toBe(true);
    const days = new Set(sender.sent.map((s) => s.day));
    for (let d = "2024-02-10"; d <= "2024-02-17"; d = addDays(d, 1)) expect(days.has(d)).toBe(false);
    for (let d = "2024-10-01"; d <= "2024-10-07"; d = addDays(d, 1)) expect(days.has(d)).toBe(false);

    const rows = await reminderRows(app.db);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(rows.every((r) => r.deliveredAt !== null)).toBe(true);
    const task6 = rows.filter((r) => r.task?.number === 6 && r.unit === "刑侦大队");
    const dated = (kind: string) => task6.filter((r) => r.kind === kind).map((r) => `${r.occurrence}@${r.dueOn}`);
    // 30 days before 2024-12-31 is Sunday 2024-12-01: sent on Friday 2024-11-29.
    expect(dated("before")).toEqual(["2024-12-01@2024-11-29", "2024-12-24@2024-12-24", "2024-12-30@2024-12-30"]);
    expect(dated("due")).toEqual(["2024-12-31@2024-12-31"]);
    const overdue = dated("overdue");
    expect(overdue.slice(0, 3)).toEqual(["2025-01-07@2025-01-07", "2025-01-14@2025-01-14", "2025-01-21@2025-01-21"]);
    // Weekly from 2025-01-07 to the last working day of the walk, 2026-01-30.
    expect(overdue.length).toBe(56);
    const escalations = rows.filter((r) => r.task?.number === 6 && r.kind === "escalation");
    expect(escalations[0]).toMatchObject({ unit: "科技办", occurrence: "2025-01-14" });
    // Ongoing task 3 asks for a report on the 25th: Sunday 2024-02-25 moves to Monday 2024-02-26.
    const reports3 = rows.filter((r) => r.task?.number === 3 && r.kind === "report-due").map((r) => `${r.occurrence}@${r.dueOn}`);
    expect(reports3).toContain("2024-02-25@2024-02-26");
    expect(reports3).toContain("2024-01-25@2024-01-25");
    // 2024-02-04 and 2024-02-18 are Sunday makeup working days: the scheduler ran on them.
    expect(await app.repos.settings.get("reminders.lastRunDay")).toBe("2026-01-30");
  }, 120_000);

  it("sends exactly once across a restart, and catches up on runs missed while down, one message per unit", async () => {
    const first = schedulerFor(app, sender);
    app.clock.set(new Date("2024-12-27T08:00:00+08:00"));
    await first.start();
    app.clock.set(at9("2024-12-27"));
    await first.wakeTask!.execute();
    await first.stop();
    const before = sender.sent.length;

    // Down from Monday 2024-12-30 until Thursday 2025-01-02 10:00 (2025-01-01 is a holiday).
    const reopened = await openApp(readConfig(app.env), app.clock, { logger: quietLogger, quiet: true });
    try {
      const second = reminderSchedulerFor({ ...reopened, clock: app.clock, logger: quietLogger }, sender);
      app.clock.set(new Date("2025-01-02T10:00:00+08:00"));
      const caughtUp = await second.start();
      await second.stop();
      const units = caughtUp.map((m) => m.unit);
      expect(new Set(units).size).toBe(units.length);
      const zhzx = caughtUp.find((m) => m.unit === "指挥情报中心")!;
      // 12-30: one day before the 2024 deadlines, and tasks 1 and 2's weekly overdue press; 12-31: due.
      expect(zhzx.kinds).toEqual(["overdue", "due", "before"]);
      expect(zhzx.taskNumbers).toEqual([1, 2, 4, 5, 6, 20, 21, 22, 25]);
      expect(sender.sent.length - before).toBe(caughtUp.length);
      // Starting again the same day sends nothing more.
      expect(await second.catchUp()).toEqual([]);
    } finally {
      await reopened.close();
    }
  });

  it("after the upgrade renaming kind 'report' to 'report-due', sends no report request twice, and the unsent ones once in the same words", async () => {
    const service = app.reminders.service;
    // Sent: November's report requests. Recorded by the console but not sent: December's.
    const november = await service.run(["2024-11-25"], at9("2024-11-25"), sender);
    expect(november.some((m) => m.kinds.includes("report-due"))).toBe(true);
    await service.run(["2024-12-25"], at9("2024-12-25"), null);
    const rows = () => reminderRows(app.db, { kind: { in: ["report", "report-due"] } });
    const recorded = await rows();
    expect(recorded.filter((r) => r.deliveredAt === null).length).toBeGreaterThan(0);
    expect(recorded.filter((r) => r.deliveredAt !== null).length).toBeGreaterThan(0);

    // The database as the release before left it: kind "report", keys taskId:unit:report:occurrence, and the
    // renaming migration not applied yet. Opening the app again applies it, as the restart after the upgrade does.
    const migration = readdirSync(join(import.meta.dirname, "../prisma/migrations")).find((n) => n.endsWith("_reminder_kind_report_due"))!;
    await app.db.$executeRawUnsafe(`UPDATE "Reminder" SET "kind" = 'report', "key" = replace("key", ':report-due:', ':report:') WHERE "kind" = 'report-due'`);
    // That migration reads each row's unit, which an occurrence has held only on its notice since …_slim_occurrences:
    // the row gets it back for the migration's sake, and loses it again after.
    await app.db.$executeRawUnsafe(`ALTER TABLE "Reminder" ADD COLUMN "unit" TEXT`);
    await app.db.$executeRawUnsafe(`UPDATE "Reminder" SET "unit" = (SELECT n."unit" FROM "Notice" n WHERE n."id" = "Reminder"."noticeId")`);
    await app.db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${migration}'`);
    expect((await rows()).every((r) => r.kind === "report" && r.key === `${r.taskId}:${r.unit}:report:${r.occurrence}`)).toBe(true);
    await app.close(); // migrating takes the database to itself
    const reopened = await openApp(readConfig(app.env), app.clock, { logger: quietLogger, quiet: true });
    try {
      await reopened.db.$executeRawUnsafe(`ALTER TABLE "Reminder" DROP COLUMN "unit"`);
      const migrated = await reminderRows(reopened.db, { kind: { in: ["report", "report-due"] } });
      expect(migrated).toEqual(recorded);
      expect(migrated.every((r) => r.key === reminderKey(r.taskId!, r.unit, "report-due", r.occurrence))).toBe(true);

      // Both days again, as a catch-up would: November's are not sent again, December's are sent once.
      const sentBefore = sender.sent.length;
      const again = await reopened.reminders.service.run(["2024-11-25", "2024-12-25"], at9("2024-12-25"), sender);
      const unsent = new Set(recorded.filter((r) => r.deliveredAt === null).map((r) => r.unit));
      const asked = again.filter((m) => m.kinds.includes("report-due"));
      expect(new Set(asked.map((m) => m.unit))).toEqual(unsent);
      for (const m of asked) expect(m.reply.text).toMatch(/请报送本月进展（\d+项）：/);
      expect(sender.sent.length - sentBefore).toBe(again.length);
      expect(await reopened.reminders.service.run(["2024-11-25", "2024-12-25"], at9("2024-12-25"), sender)).toEqual([]);
      // No row was added: November's, delivered under the old keys, were found under the new ones.
      const after = await reminderRows(reopened.db, { kind: { in: ["report", "report-due"] } });
      expect(after.map((r) => [r.id, r.key, r.kind])).toEqual(migrated.map((r) => [r.id, r.key, r.kind]));
      expect(after.every((r) => r.deliveredAt !== null)).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it("never lets two bot processes send one reminder twice", async () => {
    const other = await openApp(readConfig(app.env), app.clock, { logger: quietLogger, quiet: true });
    try {
      const otherSender = new RecordingSender(() => "2024-12-31");
      const [a, b] = await Promise.all([
        app.reminders.service.run(["2024-12-31"], app.clock.now(), sender),
        other.reminders.service.run(["2024-12-31"], app.clock.now(), otherSender),
      ]);
      expect(sender.sent.length + otherSender.sent.length).toBe(5);
      expect(a.length + b.length).toBe(5);
    } finally {
      await other.close();
    }
  });

  it("retries a failed delivery on the next run instead of losing it", async () => {
    sender.failRooms.add("xingzhen");
    await app.reminders.service.run(["2024-12-31"], app.clock.now(), sender);
    expect(sender.sent.map((s) => s.rooms[0])).not.toContain("xingzhen");
    const failed = await reminderRows(app.db, { notice: { deliveredAt: null } });
    expect(failed.map((r) => r.unit)).toEqual(["刑侦大队", "刑侦大队", "刑侦大队"]);
    expect(failed[0]!.lastError).toContain("unreachable");
    sender.failRooms.clear();
    app.clock.set(at9("2025-01-01"));
    expect(await app.reminders.service.run(["2025-01-01"], app.clock.now(), sender)).toEqual([]);
    app.clock.set(at9("2025-01-02"));
    const next = await app.reminders.service.run(["2025-01-02"], app.clock.now(), sender);
    const xz = next.find((m) => m.unit === "刑侦大队")!;
    expect(xz.taskNumbers).toEqual([4, 5, 6]);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
  });

  it("sends nothing for a completed or paused task, and records who paused it and why", async () => {
    app.clock.set(new Date("2024-12-30T10:00:00+08:00"));
    expect((await app.say("办结 6")).text).toContain("请写明理由");
    expect((await app.say("办结 6 确认 市局已验收")).text).toContain("任务6“培育“公安数字工匠””已办结");
    expect((await app.say("暂停提醒 4 已报市局协调")).text).toBe("已暂停任务4的提醒。原因：已报市局协调");
    expect((await app.say("暂停提醒 5")).text).toContain("请说明暂停原因");
    expect((await app.say("暂停提醒 5 原因", { sender: "@zhang:bureau.local" })).text).toBe("此操作只能由科技办管理员办理，未作任何更改。");
    app.clock.set(at9("2024-12-31"));
    const messages = await app.reminders.service.run(["2024-12-31"], app.clock.now(), sender);
    expect(byUnit(messages)).toEqual({ 指挥情报中心: [5, 20, 21, 22, 25], 刑侦大队: [5], 城关派出所: [5] });
    const audit = await app.db.auditLog.findMany({ where: { action: { not: "import" } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actor, a.action, a.outcome, a.taskNumber])).toEqual([
      ["@kejiban:bureau.local", "complete", "ok", 6],
      ["@kejiban:bureau.local", "pause-reminders", "ok", 4],
      ["@zhang:bureau.local", "pause-reminders", "refused", 5],
    ]);
    expect(JSON.parse(audit[1]!.detail)).toMatchObject({ reason: "已报市局协调" });
    expect((await app.say("任务4")).text).toContain("提醒已暂停：已报市局协调");
    expect((await app.say("恢复提醒 4")).text).toBe("已恢复任务4的提醒。");
  });

  it("sends nothing for a task that a re-import no longer lists", async () => {
    await app.db.task.update({ where: { planId_number: { planId: 1, number: 6 } }, data: { inDocument: false } });
    const messages = await app.reminders.service.run(["2024-12-31"], app.clock.now(), sender);
    expect(byUnit(messages)).toMatchObject({ 刑侦大队: [4, 5], 指挥情报中心: [4, 5, 20, 21, 22, 25] });
    expect(byUnit(messages).网安大队).toBeUndefined();
  });

  it("escalates to the office after 14 days overdue, mentioning the lead units' leaders", async () => {
    app.clock.set(at9("2025-01-14"));
    const messages = await app.reminders.service.run(["2025-01-14"], app.clock.now(), sender);
    const office = messages.find((m) => m.unit === "科技办")!;
    expect(office.kind).toBe("escalation");
    expect(office.rooms).toEqual(["kejiban"]);
    expect(office.reply.text).toContain("督办升级：以下任务逾期14天以上（6项）");
    expect(office.reply.mentions).toEqual(expect.arrayContaining(["@li:bureau.local", "@ye:bureau.local", "@zhou:bureau.local"]));
    expect(messages.find((m) => m.unit === "刑侦大队")!.kind).toBe("overdue");
  });

  it("previews the next run in chat without writing anything", async () => {
    app.clock.set(new Date("2024-12-30T10:00:00+08:00"));
    const r = await app.say("提醒预览");
    expect(r.text).toContain("下次提醒：2024-12-31 09:00，共5条消息");
    expect(r.text).toContain("• 刑侦大队：到期提醒，任务4、5、6");
    expect(await app.db.reminder.count()).toBe(0);
  });

  it("tells the office once about a deadline it cannot read, and once about a year the calendar lacks", async () => {
    const calendar = workingCalendarFrom(
      (d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()),
      (y) => y < 2025,
    );
    const service = new ReminderService({
      repos: app.repos,
      directory: app.directory,
      calendar,
      policy: app.reminders.policy,
      t: catalogue("zh"),
      thresholds: { warnDays: 30, staleDays: 30 },
      logger: quietLogger,
    });
    await app.db.task.update({
      where: { planId_number: { planId: 1, number: 12 } },
      data: { deadlineText: "视情况而定", deadlineKind: "unknown", deadlineDate: null },
    });
    const first = await service.run(["2025-01-02"], at9("2025-01-02"), sender);
    const office = first.find((m) => m.unit === "科技办")!;
    expect(office.reply.text).toContain("任务12的完成时限“视情况而定”无法识别");
    expect(office.reply.text).toContain("工作日历缺少2025年的节假日数据");
    const second = await service.run(["2025-01-03"], at9("2025-01-03"), sender);
    expect(second.find((m) => m.unit === "科技办")?.reply.text ?? "").not.toContain("无法识别");
  });

  it("a task completed while a run is sending is left out of the messages still to come", async () => {
    const done: ReminderSender = {
      send: async (rooms, reply, key) => {
        await sender.send(rooms, reply, key);
        // After the first message, the office completes every task of the plan.
        if (sender.sent.length === 1)
          for (const task of await app.repos.plans.tasks(1))
            if (!task.completedAt) await app.repos.plans.complete(task.id, "验收通过", OFFICE, app.clock.now());
      },
    };
    const messages = await app.reminders.service.run(["2024-12-31"], app.clock.now(), done);
    expect(messages).toHaveLength(1);
    expect(sender.sent).toHaveLength(1);
    // The others' reminders are recorded as skipped, not left to send later.
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
    expect(await app.db.reminder.count({ where: { note: { startsWith: "skipped: task done" } } })).toBeGreaterThan(0);
  });

  it("stops when another instance takes its claim over mid-run, and that instance sends the rest, each once", async () => {
    const deps = serviceDeps();
    const now = app.clock.now();
    const stale = new Date(now.getTime() - 20 * 60_000);
    let marks = 0;
    // After the first message is sent and marked, instance B takes over: it frees A's claim and claims what is left.
    const reminders = Object.assign(Object.create(app.repos.reminders) as typeof app.repos.reminders, {
      markDelivered: async (ids: number[], at: Date, note?: string) => {
        await app.repos.reminders.markDelivered(ids, at, note);
        if (note === undefined && ++marks === 1) {
          await app.repos.reminders.releaseClaims("A#1/");
          expect((await app.repos.reminders.claimPending("B#1/run", now, stale)).length).toBeGreaterThan(0);
        }
      },
    });
    const a = await new ReminderService({ ...deps, repos: { ...app.repos, reminders }, claimOwner: "A#1" }).run(["2024-12-31"], now, sender);
    expect(a).toHaveLength(1);
    expect(sender.sent).toHaveLength(1);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null, claimToken: "B#1/run" } } })).toBeGreaterThan(0);
    // B's next run (its claim freed, as a restart under its name would be) sends the rest; nothing goes twice.
    await app.repos.reminders.releaseClaims("B#1/");
    const b = await new ReminderService({ ...deps, repos: app.repos, claimOwner: "B#2" }).run(["2024-12-31"], now, sender);
    expect(b).toHaveLength(4);
    expect(new Set(sender.sent.map((x) => x.reply.text)).size).toBe(5);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
  });

  it("sends what the console recorded while the run was recording, in the same run", async () => {
    const deps = serviceDeps();
    let first = true;
    // The console records the day's reminders (unclaimed) just before the run inserts its own.
    const reminders = Object.assign(Object.create(app.repos.reminders) as typeof app.repos.reminders, {
      insertClaimed: async (rows: Parameters<typeof app.repos.reminders.insertClaimed>[0], token: string, at: Date, notices: Map<string, number>) => {
        if (first) {
          first = false;
          await app.repos.reminders.insertNew(rows, at);
        }
        return app.repos.reminders.insertClaimed(rows, token, at, notices);
      },
    });
    const sent = await new ReminderService({ ...deps, repos: { ...app.repos, reminders } }).run(["2024-12-31"], app.clock.now(), sender);
    expect(sent).toHaveLength(5);
    expect(byUnit(sent).刑侦大队).toEqual([4, 5, 6]);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
  });

  it("catching up on two working days in one run, tells the office each notice once", async () => {
    const calendar = workingCalendarFrom(
      (d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()),
      (y) => y < 2025,
    );
    const deps = {
      repos: app.repos,
      directory: app.directory,
      policy: app.reminders.policy,
      t: catalogue("zh"),
      thresholds: { warnDays: 30, staleDays: 30 },
      logger: quietLogger,
    };
    await app.db.task.update({
      where: { planId_number: { planId: 1, number: 12 } },
      data: { deadlineText: "视情况而定", deadlineKind: "unknown", deadlineDate: null },
    });
    const sent = await new ReminderService({ ...deps, calendar }).run(["2025-01-02", "2025-01-03"], at9("2025-01-03"), sender);
    const office = sent.find((m) => m.unit === "科技办")!.reply.text;
    expect(office.split("任务12的完成时限“视情况而定”无法识别")).toHaveLength(2);
    expect(office.split("工作日历缺少2025年的节假日数据")).toHaveLength(2);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
    // The console, which records and shows without sending, shows each once too.
    const shown = await new ReminderService({ ...deps, calendar }).run(["2025-01-06", "2025-01-07"], at9("2025-01-07"), null);
    const toOffice = shown.find((m) => m.unit === "科技办")!.reply.text;
    expect(toOffice.split("任务12的完成时限“视情况而定”无法识别")).toHaveLength(2);
  });

  it("tracks delivery per room: when one of a unit's two rooms fails, only that room is retried", async () => {
    expect((await app.say("绑定本群 刑侦大队", { room: "xingzhen2" })).text).toContain("本群已绑定为刑侦大队的工作群");
    sender.failRooms.add("xingzhen2");
    const service = app.reminders.service;
    await service.run(["2024-12-31"], app.clock.now(), sender);
    const toXz = () => sender.sent.filter((s) => s.reply.text.includes("【督办提醒】刑侦大队")).map((s) => s.rooms.join(","));
    expect(toXz()).toEqual(["xingzhen"]);
    const rows = await reminderRows(app.db, { notice: { unit: "刑侦大队" } });
    expect(rows.every((r) => r.deliveredAt === null && r.deliveredRooms === '["xingzhen"]')).toBe(true);
    sender.failRooms.clear();
    await service.run(["2024-12-31"], app.clock.now(), sender);
    expect(toXz()).toEqual(["xingzhen", "xingzhen2"]);
    expect((await reminderRows(app.db, { notice: { unit: "刑侦大队" } })).every((r) => r.deliveredAt !== null)).toBe(true);
    // The unit's notice records the rooms it was addressed to, and those it reached.
    const [notice] = await app.db.notice.findMany({ where: { unit: "刑侦大队" } });
    expect([notice?.rooms, notice?.deliveredRooms, notice?.attempts]).toEqual(['["xingzhen","xingzhen2"]', '["xingzhen"]', 2]);
  });

  it("renews its claim before every message, so a slow run is never taken over by another process", async () => {
    const { CLAIM_TTL_MS } = await import("../src/reminders/reminder-service.js");
    let stolen = -1;
    let sends = 0;
    const slow: ReminderSender = {
      send: async (rooms, reply, key) => {
        // Each send takes 8 minutes (within the transport's 10-minute retry window); the whole run takes 40.
        app.clock.advance(8 * 60_000);
        await sender.send(rooms, reply, key);
        if (++sends === 3) {
          const now = app.clock.now();
          stolen = (await app.repos.reminders.claimPending("another-process", now, new Date(now.getTime() - CLAIM_TTL_MS))).length;
        }
      },
    };
    const messages = await app.reminders.service.run(["2024-12-31"], app.clock.now(), slow);
    expect(messages).toHaveLength(5);
    expect(stolen).toBe(0);
    expect(sender.sent).toHaveLength(5);
  });

  it("without a chat transport records and shows reminders but delivers none, and keeps its own last run", async () => {
    const shown = await app.reminders.service.run(["2024-12-31"], app.clock.now(), null);
    expect(byUnit(shown).刑侦大队).toEqual([4, 5, 6]);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: { not: null } } } })).toBe(0);
    const console = schedulerFor(app, null);
    await console.start();
    await console.stop();
    expect(await app.repos.settings.get("reminders.lastRunDay")).toBeNull();
    expect(await app.repos.settings.get("reminders.lastRunDay.console")).not.toBeNull();
    // A bot with a transport on the same database then sends every one of them.
    const sent = await app.reminders.service.run(["2024-12-31"], app.clock.now(), sender);
    expect(byUnit(sent)).toEqual(byUnit(shown));
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
  });

  it("a run reads each task once, in its pages, and none again to compose the messages unless it changed, a retry of a failed room included", async () => {
    const plans = app.repos.plans;
    const calls = { pages: 0, byIds: [] as number[] };
    const counting = Object.assign(Object.create(plans) as typeof plans, {
      reminderTasks: async (planId: number, page?: { after: number; limit: number }) => {
        calls.pages++;
        return plans.reminderTasks(planId, page);
      },
      tasksByIds: async (ids: number[]) => {
        calls.byIds.push(ids.length);
        return plans.tasksByIds(ids);
      },
    });
    const deps = serviceDeps();
    const service = new ReminderService({ ...deps, repos: { ...app.repos, plans: counting } });
    sender.failRooms.add("xingzhen");
    const first = await service.run(["2024-12-31"], app.clock.now(), sender);
    expect(byUnit(first).刑侦大队).toEqual([4, 5, 6]);
    expect(calls).toEqual({ pages: 1, byIds: [] });
    // The next run claims the failed rows first; their tasks are in its pages too, so it still reads none again.
    sender.failRooms.clear();
    calls.byIds = [];
    const again = await service.run(["2024-12-31"], app.clock.now(), sender);
    expect(byUnit(again)).toEqual({ 刑侦大队: [4, 5, 6] });
    expect(calls).toEqual({ pages: 2, byIds: [] });
    expect(sender.sent.filter((s) => s.rooms[0] === "xingzhen")).toHaveLength(1);
    // A task written while the run sends (an update to it) is read again, alone, before the next message that shows it.
    await app.db.notice.updateMany({ data: { deliveredAt: null, claimToken: null } });
    const last = first[first.length - 1]!;
    const changing: ReminderSender = {
      send: async (rooms, reply, key) => {
        await sender.send(rooms, reply, key);
        if (reply.text.includes(`【督办提醒】${first[0]!.unit}`))
          expect((await app.say(`任务${last.taskNumbers[0]}进展：提醒期间报送 80%`)).text).toContain("已记录");
      },
    };
    const third = await service.run(["2024-12-31"], app.clock.now(), changing);
    expect(third.map((m) => m.unit)).toEqual(first.map((m) => m.unit));
    expect(third[third.length - 1]!.reply.text).toMatch(new RegExp(`任务${last.taskNumbers[0]} [^\n]*进度80%`));
    expect(calls.byIds).toEqual([1]);
  });

  it("reads a big plan page by page, finding the same reminders as one read of the whole plan, and sends each unit one message", async () => {
    await app.repos.plans.importPlan(syntheticPlan("超大计划", 4500, 40), app.clock.now(), SYSTEM_ACTOR);
    const day = "2024-12-31";
    const plans = app.repos.plans;
    const pages: number[] = [];
    const counting = Object.assign(Object.create(plans) as typeof plans, {
      reminderTasks: async (planId: number, page?: { after: number; limit: number }) => {
        const rows = await plans.reminderTasks(planId, page);
        pages.push(rows.length);
        return rows;
      },
    });
    // The reference reads the whole plan as one page.
    const whole = Object.assign(Object.create(plans) as typeof plans, {
      reminderTasks: async (planId: number, page?: { after: number }) => (page && page.after > 0 ? [] : plans.reminderTasks(planId)),
    });
    const deps = { ...serviceDeps(), taskPage: 2000 };
    const paged = await new ReminderService({ ...deps, repos: { ...app.repos, plans: counting } }).dueRows([day]);
    const reference = await new ReminderService({ ...deps, repos: { ...app.repos, plans: whole } }).dueRows([day]);
    // Every plan in progress is read: the bundled plan's 25 tasks, then the big one in pages.
    expect(pages).toEqual([25, 2000, 2000, 500]);
    expect(paged.length).toBeGreaterThan(1000);
    expect(paged.map((r) => r.key).sort()).toEqual(reference.map((r) => r.key).sort());
    expect(new Set(paged.map((r) => r.key)).size).toBe(paged.length);

    const sent = await new ReminderService({ ...deps, repos: app.repos }).run([day], app.clock.now(), sender);
    expect(sent.map((m) => m.unit).sort()).toEqual([...new Set(paged.map((r) => r.unit))].sort());
    expect(sender.sent).toHaveLength(sent.length);
    expect(await app.db.reminder.count({ where: { notice: { deliveredAt: null } } })).toBe(0);
    expect(await app.db.reminder.count()).toBe(paged.length);
    expect(await app.reminders.service.run([day], app.clock.now(), sender)).toEqual([]);
  });

  it("stores a run's occurrences slim across its pages and days: no unit, and createdAt and dueOn only where they are not their notice's", async () => {
    await app.repos.plans.importPlan(syntheticPlan("超大计划", 4500, 40), app.clock.now(), SYSTEM_ACTOR);
    const deps = { ...serviceDeps(), repos: app.repos, taskPage: 2000 };
    // A catch-up over two working days, in pages: a unit's notice is made on its first page, later pages add to it.
    const days = ["2024-12-30", "2024-12-31"];
    const due = await new ReminderService(deps).dueRows(days);
    const sent = await new ReminderService(deps).run(days, app.clock.now(), sender);
    expect(sent.length).toBeGreaterThan(40);
    const [one] = await app.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "Reminder" LIMIT 1`);
    expect(Object.keys(one!)).not.toContain("unit");
    const stored = await app.db.$queryRawUnsafe<{ key: string; createdAt: string | null; dueOn: string | null; noticeDueOn: string }[]>(
      `SELECT r."key", r."createdAt", r."dueOn", n."dueOn" AS "noticeDueOn" FROM "Reminder" r JOIN "Notice" n ON n."id" = r."noticeId"`,
    );
    expect(stored).toHaveLength(due.length);
    expect(stored.filter((r) => r.createdAt !== null)).toEqual([]);
    expect(stored.filter((r) => r.dueOn !== null && r.dueOn === r.noticeDueOn)).toEqual([]);
    // The earlier day's occurrences of a notice made on the later day, or the other way round, keep their own.
    expect(stored.some((r) => r.dueOn !== null)).toBe(true);
    expect(stored.filter((r) => r.dueOn === null).length).toBeGreaterThan(stored.length / 2);
    // And read back as the run found them, unit and day, by the reports' history as by the helper.
    const found = new Map(due.map((r) => [r.key, [r.unit, r.dueOn]]));
    const history = (await Promise.all((await app.repos.plans.activePlans()).map((p) => app.repos.history.reminders(p.id)))).flat();
    expect(new Map(history.map((r) => [r.key, [r.unit, r.dueOn]]))).toEqual(found);
    expect(new Map((await reminderRows(app.db)).map((r) => [r.key, [r.unit, r.dueOn]]))).toEqual(found);
    expect((await reminderRows(app.db)).every((r) => r.createdAt.getTime() === app.clock.now().getTime())).toBe(true);
  });
});
