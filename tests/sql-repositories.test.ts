/**
 * The hand-written SQL of the hot paths (src/repositories/sql/) against the Prisma repositories they override,
 * on one real SQLite file: every override must return exactly what Prisma returns (same keys, same Dates, same
 * booleans, same order) for data made varied through chat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply } from "../src/core/reply.js";
import type { ReminderRecord, Repositories, UpdateRecord } from "../src/core/model.js";
import { zonedInstant } from "../src/core/time.js";
import type { ReminderSender } from "../src/reminders/reminder-service.js";
import { sqlOf } from "../src/db/prisma-client.js";
import { PrismaDirectoryChangeRepository } from "../src/repositories/prisma-directory-change-repository.js";
import { PrismaEventLog } from "../src/repositories/prisma-event-log.js";
import { PrismaPendingRepository } from "../src/repositories/prisma-pending-repository.js";
import { PrismaPlanRepository } from "../src/repositories/prisma-plan-repository.js";
import { PrismaReminderRepository } from "../src/repositories/prisma-reminder-repository.js";
import { PrismaRequestRepository } from "../src/repositories/prisma-request-repository.js";
import { PrismaSettings } from "../src/repositories/prisma-settings.js";
import { PrismaUpdateRepository } from "../src/repositories/prisma-update-repository.js";
import { SqlDirectoryChangeRepository } from "../src/repositories/sql/sql-directory-change-repository.js";
import { SqlEventLog } from "../src/repositories/sql/sql-event-log.js";
import { SqlPendingRepository } from "../src/repositories/sql/sql-pending-repository.js";
import { SqlPlanRepository } from "../src/repositories/sql/sql-plan-repository.js";
import { SqlReminderRepository } from "../src/repositories/sql/sql-reminder-repository.js";
import { SqlRequestRepository } from "../src/repositories/sql/sql-request-repository.js";
import { SqlSettings } from "../src/repositories/sql/sql-settings.js";
import { SqlUpdateRepository } from "../src/repositories/sql/sql-update-repository.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";
import { reminderRows } from "./helpers/reminder-rows.js";
import { syntheticPlan } from "../bench/synthetic.js";

const ZHANG = "@zhang:bureau.local"; // 刑侦大队, a lead unit of tasks 4, 5 and 6
const ADMIN = "@kejiban:bureau.local";
const zhang = { sender: ZHANG, room: "xingzhen", isDirect: false, mentionsBot: false };
/** The fields of the ReminderRecord interface (src/core/model.ts). */
const REMINDER_FIELDS = [
  "id",
  "key",
  "taskId",
  "unit",
  "kind",
  "occurrence",
  "dueOn",
  "noticeId",
  "deliveredAt",
  "attempts",
  "lastError",
  "deliveredRooms",
] as const;
const reminderFields = (r: ReminderRecord) => Object.fromEntries(REMINDER_FIELDS.map((k) => [k, r[k]]));

let app: TempApp;
let sqlRepos: Repositories;
let ref: {
  plans: PrismaPlanRepository;
  updates: PrismaUpdateRepository;
  events: PrismaEventLog;
  reminders: PrismaReminderRepository;
  pending: PrismaPendingRepository;
  requests: PrismaRequestRepository;
  directoryChanges: PrismaDirectoryChangeRepository;
};
let planId: number;
/** Task number → task id. */
const ids = new Map<number, number>();
const idOf = (n: number) => ids.get(n)!;
const claimToken = "token-under-test";

async function say(text: string, opts: { sender?: string; room?: string; eventId?: string; isDirect?: boolean; mentionsBot?: boolean } = {}) {
  return app.say(text, opts);
}

/** Advance the fixed clock by a minute, so updates get distinct times (some are sent at one instant on purpose). */
const tick = () => app.clock.advance(60_000);

beforeAll(async () => {
  app = await tempApp({ at: "2024-12-20T10:00:00+08:00" });
  sqlRepos = app.repos;
  ref = {
    plans: new PrismaPlanRepository(app.db),
    updates: new PrismaUpdateRepository(app.db),
    events: new PrismaEventLog(app.db),
    reminders: new PrismaReminderRepository(app.db),
    pending: new PrismaPendingRepository(app.db),
    requests: new PrismaRequestRepository(app.db),
    directoryChanges: new PrismaDirectoryChangeRepository(app.db),
  };
  const plan = await ref.plans.currentPlan();
  planId = plan!.id;
  for (const t of await ref.plans.tasks(planId)) ids.set(t.number, t.id);

  // Updates, with and without a percent, on several tasks; two on task 4 at one instant (the id breaks the tie).
  expect((await say("任务4进展：人才推荐材料已上报 30%", { ...zhang, eventId: "$u1" })).text).toContain("已记录任务4");
  tick();
  expect((await say("任务5进展：创新团队申报材料准备中", { ...zhang, eventId: "$u2" })).text).toContain("已记录任务5");
  tick();
  // A target move (指标+1) on task 6.
  expect((await say("任务6进展：张三入选市级数字工匠 指标+1", { ...zhang, eventId: "$u3" })).text).toContain("已记录任务6");
  tick();
  expect((await say("任务4进展：初审通过 50%", { ...zhang, eventId: "$u4a" })).text).toContain("已记录任务4");
  expect((await say("任务4进展：复审材料已补充", { ...zhang, eventId: "$u4b" })).text).toContain("已记录任务4");
  tick();
  // An update retracted: task 6's latest is then $u3 again.
  expect((await say("任务6进展：李四材料初审 20%", { ...zhang, eventId: "$u5" })).text).toContain("已记录任务6");
  tick();
  await app.bot.handle({
    transport: "test",
    kind: "redaction",
    targetEventId: "$u5",
    eventId: "$r5",
    room: "xingzhen",
    sender: ZHANG,
    text: "",
    isDirect: false,
    mentionsBot: false,
  });
  // An update edited: revisions and editedAt are set.
  expect((await say("任务12进展：方案已起草 40%", { eventId: "$u6" })).text).toContain("已记录任务12");
  tick();
  const edited = await app.bot.handle({
    transport: "test",
    kind: "edit",
    targetEventId: "$u6",
    eventId: "$e6",
    room: "console",
    sender: ADMIN,
    text: "任务12进展：方案已定稿 60%",
    isDirect: true,
    mentionsBot: false,
  });
  expect(edited.replies[0]?.text).toContain("已修改任务12");
  tick();
  expect((await say("任务13进展：设备到货", { eventId: "$u7" })).text).toContain("已记录任务13");
  tick();

  // A completion request (pending), an extension request (pending), an admin completion, a pause, a deadline set.
  expect((await say("申请办结 5 创新团队已获市级认定", { ...zhang, eventId: "$req5", isDirect: true, mentionsBot: true })).text).toContain("办结申请");
  tick();
  expect((await say("申请延期 4 2025年3月底前 市局评选推迟", { ...zhang, eventId: "$ext4", isDirect: true, mentionsBot: true })).text).toContain(
    "延期至2025年3月底前",
  );
  tick();
  expect((await say("办结 12 市局已验收")).text).toContain("已办结");
  tick();
  expect((await say("暂停提醒 13 已报市局协调")).text).toContain("暂停");
  tick();
  expect((await say("调整时限 6 2025年6月底前 市局统一调整")).text).toContain("调整为2025年6月底前");
  tick();

  // Directory changes from chat: bind, unbind, bind a room.
  expect((await say("绑定 @xiaoma:bureau.local 刑侦大队")).text).toBe("已将@xiaoma:bureau.local绑定为刑侦大队成员。");
  expect((await say("解绑 @ye2:bureau.local 警务保障室")).text).toBe("已将@ye2:bureau.local从警务保障室解绑。");
  tick();
  expect((await say("绑定本群 网安大队", { room: "!new:bureau.local" })).text).toContain("本群已绑定为网安大队的工作群");
  tick();

  // Questions the bot asks ("ask first"): one declined, then open ones, two of them at one instant.
  expect((await say("任务6 王五的材料", { ...zhang, eventId: "$q0" })).text).toContain("要记录为任务6");
  expect((await say("否", { ...zhang, eventId: "$q0n" })).text).toBe("好的，未记录。");
  tick();
  expect((await say("数字工匠评选材料已报市局", { ...zhang, eventId: "$q1" })).text).toContain("要记录为哪项任务的进展");
  expect((await say("任务4 两名民警的推荐表", { ...zhang, eventId: "$q2" })).text).toContain("要记录为任务4");
  tick();
  expect((await say("任务6 赵六的材料", { sender: ZHANG, room: "zhenggong", isDirect: false, mentionsBot: false, eventId: "$q3" })).text).toContain(
    "要记录为任务6",
  );

  // Events marked handled by a transport.
  await app.bot.markHandled("$u1", "xingzhen");
  await app.bot.markHandled("$q1", "xingzhen");

  // Reminders: a run that reaches some rooms and fails for one (attempts, lastError, deliveredRooms), then a
  // recording-only run on a later day, leaving undelivered rows for the claim below.
  app.clock.set(zonedInstant("2024-12-31", "09:00"));
  const failing: ReminderSender = {
    send: async (rooms: string[], _reply: Reply, _key: string) => {
      if (rooms.includes("xingzhen") || rooms.includes("zhzx")) throw new Error("room unreachable");
      return undefined;
    },
  };
  const sent = await app.reminders.service.run(["2024-12-31"], app.clock.now(), failing);
  expect(sent.length).toBeGreaterThan(0);
  app.clock.set(zonedInstant("2025-01-07", "09:00"));
  await app.reminders.service.run(["2025-01-07"], app.clock.now(), null);
  // A notice that reached one of its rooms before another failed (what the run records room by room).
  const failed = (await app.db.notice.findFirstOrThrow({ where: { deliveredAt: null, attempts: { gt: 0 } }, orderBy: { id: "asc" } })).id;
  await app.repos.reminders.markRoomDelivered([failed], "kejiban");
}, 60_000);

afterAll(async () => {
  await app?.dispose();
});

describe("the SQL repositories on a real SQLite file", () => {
  it("are the ones the app uses, over Prisma's own connection", () => {
    expect(sqlOf(app.db)).not.toBeNull();
    expect(sqlRepos.plans).toBeInstanceOf(SqlPlanRepository);
    expect(sqlRepos.updates).toBeInstanceOf(SqlUpdateRepository);
    expect(sqlRepos.events).toBeInstanceOf(SqlEventLog);
    expect(sqlRepos.reminders).toBeInstanceOf(SqlReminderRepository);
    expect(sqlRepos.pending).toBeInstanceOf(SqlPendingRepository);
    expect(sqlRepos.requests).toBeInstanceOf(SqlRequestRepository);
    expect(sqlRepos.directoryChanges).toBeInstanceOf(SqlDirectoryChangeRepository);
    expect(sqlRepos.settings).toBeInstanceOf(SqlSettings);
    // The reference is plain Prisma, not a SQL subclass.
    expect(ref.plans).not.toBeInstanceOf(SqlPlanRepository);
    expect(ref.updates).not.toBeInstanceOf(SqlUpdateRepository);
  });

  describe("plans", () => {
    it("currentPlan", async () => {
      const prisma = await ref.plans.currentPlan();
      expect(prisma).not.toBeNull();
      expect(prisma!.importedAt).toBeInstanceOf(Date);
      expect(await sqlRepos.plans.currentPlan()).toStrictEqual(prisma);
    });

    it("the data is varied: the reference shows every state the comparisons rely on", async () => {
      const t4 = (await ref.plans.task(planId, 4))!;
      const t5 = (await ref.plans.task(planId, 5))!;
      const t6 = (await ref.plans.task(planId, 6))!;
      const t12 = (await ref.plans.task(planId, 12))!;
      const t13 = (await ref.plans.task(planId, 13))!;
      expect(t4).toMatchObject({ progress: 50, updateCount: 3 });
      expect(t4.lastUpdateAt).toBeInstanceOf(Date);
      expect(t5).toMatchObject({ progress: null, updateCount: 1, reviewPending: true });
      expect(t6.targets.find((t) => t.current === 1)).toBeDefined();
      expect(t6.originalDeadline).not.toBeNull();
      expect(t6.deadlineChange).toBe("adjusted");
      expect(t12.completedAt).toBeInstanceOf(Date);
      expect(t12).toMatchObject({ progress: 60, completedBy: ADMIN });
      expect(t13).toMatchObject({ remindersPaused: true, pauseReason: "已报市局协调" });
      expect(t6.section).not.toBeNull();
    });

    it("task(planId, n) for every task and a missing one", async () => {
      for (let n = 1; n <= 25; n++) {
        const prisma = await ref.plans.task(planId, n);
        expect(prisma, `task ${n}`).not.toBeNull();
        expect(await sqlRepos.plans.task(planId, n), `task ${n}`).toStrictEqual(prisma);
      }
      expect(await ref.plans.task(planId, 99)).toBeNull();
      expect(await sqlRepos.plans.task(planId, 99)).toBeNull();
    });

    it("taskById for several ids and a missing one", async () => {
      for (const n of [1, 4, 5, 6, 12, 13, 18, 25]) {
        const prisma = await ref.plans.taskById(idOf(n));
        expect(prisma?.number).toBe(n);
        expect(await sqlRepos.plans.taskById(idOf(n)), `task ${n}`).toStrictEqual(prisma);
      }
      expect(await ref.plans.taskById(999_999)).toBeNull();
      expect(await sqlRepos.plans.taskById(999_999)).toBeNull();
    });

    it("tasks(planId)", async () => {
      const prisma = await ref.plans.tasks(planId);
      expect(prisma).toHaveLength(25);
      expect(prisma.some((t) => t.targets.length > 0)).toBe(true);
      expect(await sqlRepos.plans.tasks(planId)).toStrictEqual(prisma);
      expect(await sqlRepos.plans.tasks(999_999)).toStrictEqual(await ref.plans.tasks(999_999));
    });

    it("tasksByIds, in any order of ids, with a missing id", async () => {
      const some = [idOf(18), idOf(6), idOf(1), 999_999, idOf(12), idOf(5)];
      const prisma = await ref.plans.tasksByIds(some);
      expect(prisma.map((t) => t.number)).toEqual([1, 5, 6, 12, 18]);
      expect(await sqlRepos.plans.tasksByIds(some)).toStrictEqual(prisma);
      expect(await sqlRepos.plans.tasksByIds([])).toStrictEqual(await ref.plans.tasksByIds([]));
    });

    it("reminderTasks, whole and paged", async () => {
      const prisma = await ref.plans.reminderTasks(planId);
      expect(prisma).toHaveLength(25);
      expect(prisma.some((t) => t.completedAt instanceof Date)).toBe(true);
      expect(prisma.some((t) => t.paused)).toBe(true);
      expect(prisma.some((t) => t.reviewPending)).toBe(true);
      expect(prisma.some((t) => t.lastUpdateAt instanceof Date)).toBe(true);
      expect(await sqlRepos.plans.reminderTasks(planId)).toStrictEqual(prisma);
      const page = await ref.plans.reminderTasks(planId, { after: 10, limit: 5 });
      expect(page.map((t) => t.number)).toEqual([11, 12, 13, 14, 15]);
      expect(await sqlRepos.plans.reminderTasks(planId, { after: 10, limit: 5 })).toStrictEqual(page);
      const last = await ref.plans.reminderTasks(planId, { after: 23, limit: 5 });
      expect(last.map((t) => t.number)).toEqual([24, 25]);
      expect(await sqlRepos.plans.reminderTasks(planId, { after: 23, limit: 5 })).toStrictEqual(last);
    });

    it("numberRange", async () => {
      const prisma = await ref.plans.numberRange(planId);
      expect(prisma).toStrictEqual({ min: 1, max: 25, count: 25 });
      expect(await sqlRepos.plans.numberRange(planId)).toStrictEqual(prisma);
      expect(await sqlRepos.plans.numberRange(999_999)).toStrictEqual(await ref.plans.numberRange(999_999));
    });

    it("unitNames (as sets: the order may differ)", async () => {
      // The SQL orders the units by their first task's number, then by name; Prisma's `distinct` has no orderBy and
      // keeps the table's order (first task, lead units before responsible ones, document position). They do
      // differ on the bundled plan (task 1: Prisma 指挥情报中心, 局属各单位; SQL 局属各单位, 指挥情报中心), so only the
      // members are compared: the callers use the list as a set, except for the order of names in messages.
      const prisma = await ref.plans.unitNames(planId);
      const sql = await sqlRepos.plans.unitNames(planId);
      expect(prisma.length).toBeGreaterThan(5);
      expect(new Set(prisma).size).toBe(prisma.length);
      expect(new Set(sql).size).toBe(sql.length);
      expect([...sql].sort()).toStrictEqual([...prisma].sort());
    });
  });

  describe("updates", () => {
    it("latest(taskId) for tasks with updates, a retracted one, an edited one, and none", async () => {
      const latest4 = await ref.updates.latest(idOf(4));
      // Two updates at one instant: the later id wins.
      expect(latest4?.eventId).toBe("$u4b");
      const latest6 = await ref.updates.latest(idOf(6));
      expect(latest6?.eventId).toBe("$u3"); // $u5 was retracted
      const latest12 = await ref.updates.latest(idOf(12));
      expect(latest12?.editedAt).toBeInstanceOf(Date);
      expect(latest12?.revisions).toHaveLength(1);
      for (const n of [1, 4, 5, 6, 12, 13, 25]) {
        const prisma = await ref.updates.latest(idOf(n));
        expect(await sqlRepos.updates.latest(idOf(n)), `task ${n}`).toStrictEqual(prisma);
      }
      expect(await ref.updates.latest(idOf(1))).toBeNull();
    });
  });

  describe("events", () => {
    it("seen(eventId) for handled and unknown ids", async () => {
      for (const id of ["$u1", "$q1", "$u2", "$never"]) expect(await sqlRepos.events.seen(id), id).toBe(await ref.events.seen(id));
      expect(await ref.events.seen("$u1")).toBe(true);
      expect(await ref.events.seen("$never")).toBe(false);
    });
  });

  describe("requests", () => {
    it("pending(taskId) and pending(taskId, kind)", async () => {
      expect(await ref.requests.pending(idOf(5))).toHaveLength(1);
      expect(await ref.requests.pending(idOf(4), "extension")).toHaveLength(1);
      for (const n of [4, 5, 6, 12]) {
        expect(await sqlRepos.requests.pending(idOf(n)), `task ${n}`).toStrictEqual(await ref.requests.pending(idOf(n)));
        for (const kind of ["completion", "extension"] as const)
          expect(await sqlRepos.requests.pending(idOf(n), kind), `task ${n} ${kind}`).toStrictEqual(await ref.requests.pending(idOf(n), kind));
      }
    });
  });

  describe("pending", () => {
    it("unresolved(room)", async () => {
      const prisma = await ref.pending.unresolved("xingzhen");
      expect(prisma.map((p) => p.eventId)).toEqual(["$q2", "$q1"]);
      expect(prisma.some((p) => p.candidates.length > 0)).toBe(true);
      for (const room of ["xingzhen", "zhenggong", "console", "nowhere"])
        expect(await sqlRepos.pending.unresolved(room), room).toStrictEqual(await ref.pending.unresolved(room));
    });
  });

  describe("directoryChanges", () => {
    it("list()", async () => {
      const prisma = await ref.directoryChanges.list();
      expect(prisma.map((c) => c.op)).toEqual(["bind", "unbind", "bind-room"]);
      expect(prisma[0]!.at).toBeInstanceOf(Date);
      expect(await sqlRepos.directoryChanges.list()).toStrictEqual(prisma);
    });
  });

  describe("settings", () => {
    it("get(): what Prisma wrote, a value set twice, an empty one, and null for a key never set", async () => {
      const prisma = new PrismaSettings(app.db);
      const joined = JSON.stringify({ "!xingzhen:bureau.local": [ZHANG, "@李四:bureau.local"] });
      await prisma.set("test.joined", "[]");
      await prisma.set("test.joined", joined);
      await prisma.set("test.empty", "");
      expect(await prisma.setOnce("test.once", "督办")).toBe(true);
      for (const key of ["test.joined", "test.empty", "test.once", "test.never"]) expect(await sqlRepos.settings.get(key), key).toBe(await prisma.get(key));
      expect(await sqlRepos.settings.get("test.joined")).toBe(joined);
      expect(await sqlRepos.settings.get("test.never")).toBeNull();
    });
  });

  describe("reminders", () => {
    it("claimPending claims and returns every undelivered row, as Prisma reads them", async () => {
      const undelivered = await ref.reminders.pending();
      expect(undelivered.length).toBeGreaterThan(1);
      expect(undelivered.some((r) => r.attempts > 0 && r.lastError !== null)).toBe(true);
      expect(undelivered.some((r) => r.attempts === 0 && r.lastError === null)).toBe(true);
      expect(undelivered.some((r) => r.deliveredRooms.length > 0)).toBe(true);
      const now = app.clock.now();
      const sql = await sqlRepos.reminders.claimPending(claimToken, now, new Date(now.getTime() - 15 * 60_000));
      // The SQL returns the interface's fields only.
      for (const r of sql) expect(Object.keys(r).sort()).toStrictEqual([...REMINDER_FIELDS].sort());
      expect(sql.map(reminderFields)).toStrictEqual(undelivered.map(reminderFields));
      expect(await app.db.reminder.count({ where: { notice: { claimToken, deliveredAt: null } } })).toBe(undelivered.length);
      // Claimed now, they are nobody else's until the claim is stale.
      expect(await sqlRepos.reminders.claimPending("another-token", now, new Date(now.getTime() - 15 * 60_000))).toStrictEqual([]);
      expect(await ref.reminders.claimPending("another-token", now, new Date(now.getTime() - 15 * 60_000))).toStrictEqual([]);
      // Freed, they are Prisma's to claim: the same rows, oldest first.
      expect(await sqlRepos.reminders.releaseClaims(claimToken)).toBe(new Set(undelivered.map((r) => r.noticeId)).size);
      const prisma = await ref.reminders.claimPending("prisma-token", now, new Date(now.getTime() - 15 * 60_000));
      expect(prisma.map(reminderFields)).toStrictEqual(undelivered.map(reminderFields));
      await sqlRepos.reminders.releaseClaims("prisma-token");
      expect((await sqlRepos.reminders.claimPending(claimToken, now, new Date(now.getTime() - 15 * 60_000))).length).toBe(undelivered.length);
    });

    it("claimAbandoned claims only claims older than the stale instant, on the SQL path as on Prisma's, and expireClaims makes them so", async () => {
      await sqlRepos.reminders.releaseClaims(claimToken); // the test before leaves them claimed
      const undelivered = await ref.reminders.pending();
      const now = app.clock.now();
      const stale = new Date(now.getTime() - 15 * 60_000);
      // Nothing claimed yet: never-claimed and failed rows are not abandoned.
      expect(await sqlRepos.reminders.claimAbandoned("sweep", now, stale)).toStrictEqual([]);
      expect(await ref.reminders.claimAbandoned("sweep", now, stale)).toStrictEqual([]);
      expect((await sqlRepos.reminders.claimPending("dead#1/run", now, stale)).length).toBe(undelivered.length);
      // Claimed now: live, for both.
      expect(await sqlRepos.reminders.claimAbandoned("sweep", now, stale)).toStrictEqual([]);
      expect(await ref.reminders.claimAbandoned("sweep", now, stale)).toStrictEqual([]);
      // Expired by another owner's prefix: untouched; by its own: abandoned, and the SQL sweep takes them, as Prisma reads them.
      expect(await sqlRepos.reminders.expireClaims("dead#2/")).toBe(0);
      expect(await sqlRepos.reminders.expireClaims("dead#")).toBe(new Set(undelivered.map((r) => r.noticeId)).size);
      const sql = await sqlRepos.reminders.claimAbandoned("sql-sweep", now, stale);
      expect(sql.map(reminderFields)).toStrictEqual(undelivered.map(reminderFields));
      expect(await sqlRepos.reminders.claimAbandoned("again", now, stale)).toStrictEqual([]);
      await ref.reminders.expireClaims("sql-sweep");
      const prisma = await ref.reminders.claimAbandoned("prisma-sweep", now, stale);
      expect(prisma.map(reminderFields)).toStrictEqual(undelivered.map(reminderFields));
      expect(await app.db.reminder.count({ where: { notice: { claimToken: "prisma-sweep" } } })).toBe(undelivered.length);
      // As the test before left them, for the tests after.
      await ref.reminders.releaseClaims("prisma-sweep");
      expect((await sqlRepos.reminders.claimPending(claimToken, now, stale)).length).toBe(undelivered.length);
    });

    it("insertClaimed inserts the new keys already claimed and returns their ids, and leaves existing keys alone, as Prisma does", async () => {
      const at = app.clock.now();
      const row = (key: string, n: number) => ({ key, taskId: idOf(n), unit: "刑侦大队", kind: "overdue", occurrence: "2024-12-20", dueOn: "2024-12-20" });
      const existing = (await ref.reminders.pending())[0]!.key;
      const sqlNotices = new Map<string, number>();
      const prismaNotices = new Map<string, number>();
      const bySql = await sqlRepos.reminders.insertClaimed([row("test:sql-1", 4), row(existing, 4), row("test:sql-2", 5)], "sql-token", at, sqlNotices);
      const byPrisma = await ref.reminders.insertClaimed(
        [row("test:prisma-1", 4), row("test:sql-1", 4), row(existing, 4), row("test:prisma-2", 5)],
        "prisma-token",
        at,
        prismaNotices,
      );
      expect([...bySql.keys()]).toEqual(["test:sql-1", "test:sql-2"]);
      expect([...byPrisma.keys()]).toEqual(["test:prisma-1", "test:prisma-2"]);
      const stored = async (key: string) => (await reminderRows(app.db, { key }))[0]!;
      // Each call records 刑侦大队's new occurrences in one new notice of its own, added to the map it is given.
      for (const [key, id] of bySql) expect(await stored(key), key).toMatchObject({ id, noticeId: sqlNotices.get("刑侦大队") });
      for (const [key, id] of byPrisma) expect(await stored(key), key).toMatchObject({ id, noticeId: prismaNotices.get("刑侦大队") });
      expect(sqlNotices.get("刑侦大队")).not.toBe(prismaNotices.get("刑侦大队"));
      // The same row either way, but for its key, id, notice and claim.
      const shape = (r: Awaited<ReturnType<typeof stored>>) => ({ ...r, id: 0, key: "", noticeId: 0, claimToken: r.claimToken?.replace(/^(sql|prisma)-/, "") });
      expect(shape(await stored("test:sql-1"))).toStrictEqual(shape(await stored("test:prisma-1")));
      expect(await stored("test:sql-1")).toMatchObject({ claimToken: "sql-token", claimedAt: at, deliveredAt: null, attempts: 0, createdAt: at });
      // The existing row is untouched: still claimed by the claim above, not by either insert.
      expect((await stored(existing)).claimToken).toBe(claimToken);
      expect(await sqlRepos.reminders.insertClaimed([], "sql-token", at, new Map())).toStrictEqual(new Map());
      // A unit all of whose occurrences were recorded before gets no new notice.
      const notices = await app.db.notice.count();
      const into = new Map<string, number>();
      expect(await sqlRepos.reminders.insertClaimed([row(existing, 4)], "sql-token", at, into)).toStrictEqual(new Map());
      expect(await ref.reminders.insertClaimed([row(existing, 4)], "prisma-token", at, into)).toStrictEqual(new Map());
      expect([await app.db.notice.count(), into]).toStrictEqual([notices, new Map()]);
    });

    it("insertClaimed writes each occurrence slim, as Prisma does: no unit, and createdAt and dueOn NULL where they are its notice's", async () => {
      type Raw = { key: string; createdAt: string | null; dueOn: string | null };
      const raw = async (prefix: string) =>
        (await app.db.$queryRawUnsafe<Raw[]>(`SELECT "key", "createdAt", "dueOn" FROM "Reminder" WHERE "key" LIKE ? ORDER BY "id"`, `${prefix}%`)).map((r) => ({
          ...r,
          createdAt: r.createdAt === null ? null : new Date(r.createdAt).toISOString(),
        }));
      const columns = (await app.db.$queryRawUnsafe<{ name: string }[]>(`PRAGMA table_info("Reminder")`)).map((c) => c.name);
      expect(columns).not.toContain("unit");
      const at = app.clock.now();
      const later = new Date(at.getTime() + 60_000);
      const row = (key: string, n: number, dueOn: string) => ({ key, taskId: idOf(n), unit: "刑侦大队", kind: "overdue", occurrence: dueOn, dueOn });
      for (const [name, repo] of [
        ["sql", sqlRepos.reminders],
        ["prisma", ref.reminders],
      ] as const) {
        const p = `test:slim-${name}-`;
        const run = new Map<string, number>();
        // A catch-up's first page: the notice is made on the unit's first row's day; an occurrence of a later day keeps its own.
        await repo.insertClaimed([row(`${p}1`, 4, "2024-12-19"), row(`${p}2`, 5, "2024-12-20")], `${name}-slim`, at, run);
        // A later page of the same run: into the same notice, repeating nothing of it.
        await repo.insertClaimed([row(`${p}3`, 6, "2024-12-19")], `${name}-slim`, at, run);
        // Another run's map naming that notice, at another instant: the occurrence keeps its own day and instant.
        await repo.insertClaimed([row(`${p}4`, 6, "2024-12-19")], `${name}-slim`, later, new Map(run));
        expect(await raw(p), name).toEqual([
          { key: `${p}1`, createdAt: null, dueOn: null },
          { key: `${p}2`, createdAt: null, dueOn: "2024-12-20" },
          { key: `${p}3`, createdAt: null, dueOn: null },
          { key: `${p}4`, createdAt: later.toISOString(), dueOn: "2024-12-19" },
        ]);
        const notice = await app.db.notice.findUniqueOrThrow({ where: { id: run.get("刑侦大队")! } });
        expect(notice, name).toMatchObject({ unit: "刑侦大队", dueOn: "2024-12-19", createdAt: at });
        // Every reader reads the values they stand for: the unit and, where it holds none, the day and instant of its notice.
        const expected = [
          [`${p}1`, "2024-12-19", at],
          [`${p}2`, "2024-12-20", at],
          [`${p}3`, "2024-12-19", at],
          [`${p}4`, "2024-12-19", later],
        ] as const;
        for (const read of [await ref.reminders.pending(), await sqlRepos.reminders.pending(), await app.repos.history.reminders(planId)])
          expect(
            read.filter((r) => r.key.startsWith(p)).map((r) => [r.key, r.unit, r.dueOn]),
            name,
          ).toEqual(expected.map(([key, dueOn]) => [key, "刑侦大队", dueOn]));
        expect((await reminderRows(app.db, { key: { startsWith: p } })).map((r) => [r.key, r.unit, r.dueOn, r.createdAt])).toEqual(
          expected.map(([key, dueOn, createdAt]) => [key, "刑侦大队", dueOn, createdAt]),
        );
      }
      // Gone again, for the tests after.
      await app.db.$executeRawUnsafe(`DELETE FROM "Reminder" WHERE "key" LIKE 'test:slim-%'`);
      await app.db.notice.deleteMany({ where: { claimToken: { in: ["sql-slim", "prisma-slim"] } } });
    });

    it("a notice that carries occurrences cannot be deleted, so their keys never go and come back to be sent again; an empty one can", async () => {
      const carried = (await ref.reminders.pending())[0]!;
      const occurrences = await app.db.reminder.count();
      await expect(app.db.notice.delete({ where: { id: carried.noticeId } })).rejects.toThrow();
      await expect(app.db.$executeRawUnsafe(`DELETE FROM "Notice" WHERE "id" = ${carried.noticeId}`)).rejects.toThrow();
      expect(await app.db.reminder.count()).toBe(occurrences);
      expect(await app.db.notice.count({ where: { id: carried.noticeId } })).toBe(1);
      // What write() does with a new notice none of whose occurrences was new.
      const empty = await app.db.notice.create({ data: { kind: "reminder", unit: "刑侦大队", dueOn: "2024-12-20", createdAt: app.clock.now() } });
      await app.db.notice.deleteMany({ where: { id: { in: [empty.id] } } });
      expect(await app.db.notice.count({ where: { id: empty.id } })).toBe(0);
    });
  });

  describe("changesSince", () => {
    const changeCounterTitle =
      "SQLite's change counter and the audit log (PostgreSQL's stand-in) both name the tasks duban changed; an import the audit log cannot place";
    it(changeCounterTitle, async () => {
      const [sql0, audit0] = [(await sqlRepos.plans.changesSince(null))!, (await ref.plans.changesSince(null))!];
      expect([sql0.taskIds.size, audit0.taskIds.size]).toEqual([0, 0]);
      expect(await app.say("任务5进展：计数器测试 70%", zhang)).toMatchObject({ text: expect.stringContaining("已记录任务5") });
      const admin = { id: "@kejiban:bureau.local", unit: "科技办", transport: "test", room: "kejiban", eventId: null };
      await ref.plans.setPaused(idOf(7), true, "测试", admin, app.clock.now());
      // A refusal, audited with or without a task, changes nothing.
      await app.repos.audit.append({ at: app.clock.now(), actor: admin, action: "complete", outcome: "refused", task: { id: idOf(8), number: 8 }, detail: {} });
      await app.repos.audit.append({ at: app.clock.now(), actor: admin, action: "directory-reload", outcome: "refused", detail: {} });
      const [sql1, audit1] = [(await sqlRepos.plans.changesSince(sql0.marker))!, (await ref.plans.changesSince(audit0.marker))!];
      expect([...sql1.taskIds].sort()).toEqual([idOf(5), idOf(7)].sort());
      expect([...audit1.taskIds].sort()).toEqual([idOf(5), idOf(7)].sort());
      // Nothing since: no tasks, the same markers.
      expect(await sqlRepos.plans.changesSince(sql1.marker)).toEqual({ marker: sql1.marker, taskIds: new Set() });
      expect(await ref.plans.changesSince(audit1.marker)).toEqual({ marker: audit1.marker, taskIds: new Set() });
      // An import is audited without a task: the audit log cannot tell which tasks it wrote.
      // An edit that moves an update to another task changed both, but names one: the audit log cannot tell either.
      await app.repos.audit.append({ at: app.clock.now(), actor: admin, action: "edit-move", task: { id: idOf(9), number: 9 }, detail: {} });
      expect(await ref.plans.changesSince(audit1.marker)).toBeNull();
      await ref.plans.importPlan(syntheticPlan("计数器测试计划", 3, 2), app.clock.now(), admin);
      expect(await ref.plans.changesSince(audit1.marker)).toBeNull();
      expect((await sqlRepos.plans.changesSince(sql1.marker))!.taskIds.size).toBeGreaterThan(0);
    });
  });

  describe("updates.record", () => {
    it("records like Prisma: the same shape, an audit entry each, the task moved the same way", async () => {
      const taskId = idOf(6);
      const target = (await ref.plans.taskById(taskId))!.targets.find((t) => t.current === 1)!;
      // Room for both +1s: a move past the promised count (2) is refused since issue 22.
      await app.db.target.update({ where: { id: target.id }, data: { count: 5 } });
      const before = (await ref.plans.taskById(taskId))!;
      const auditBefore = await app.db.auditLog.count();
      const base = { taskId, authorId: ZHANG, authorUnit: "刑侦大队", room: "xingzhen", transport: "test", targetMoves: [{ targetId: target.id, delta: 1 }] };

      const atSql = new Date(app.clock.now().getTime() + 60_000);
      const sql = await sqlRepos.updates.record({ ...base, text: "SQL记录的进展", percent: 70, eventId: "$rec-sql", at: atSql });
      const afterSql = (await ref.plans.taskById(taskId))!;
      const auditAfterSql = await app.db.auditLog.findMany({ where: { id: { gt: 0 } }, orderBy: { id: "desc" }, take: 1 });

      const atPrisma = new Date(atSql.getTime() + 60_000);
      const prisma = await ref.updates.record({ ...base, text: "Prisma记录的进展", percent: 80, eventId: "$rec-prisma", at: atPrisma });
      const afterPrisma = (await ref.plans.taskById(taskId))!;
      const auditAfterPrisma = await app.db.auditLog.findMany({ orderBy: { id: "desc" }, take: 1 });

      // The same keys and types.
      const shape = (u: UpdateRecord) =>
        Object.fromEntries(Object.entries(u).map(([k, v]) => [k, v instanceof Date ? "Date" : Array.isArray(v) ? "array" : v === null ? "null" : typeof v]));
      expect(shape(sql.update)).toStrictEqual(shape(prisma.update));
      expect(Object.keys(sql).sort()).toStrictEqual(Object.keys(prisma).sort());
      expect(sql.update.createdAt).toBeInstanceOf(Date);
      expect(sql.update.revisions).toStrictEqual([]);
      // The values: each what its input said, read back the same by Prisma.
      expect(sql.update).toStrictEqual({ ...prisma.update, id: sql.update.id, text: "SQL记录的进展", percent: 70, eventId: "$rec-sql", createdAt: atSql });
      expect(prisma.update.id).toBe(sql.update.id + 1);
      expect(await ref.updates.byEventId("$rec-sql")).toStrictEqual(sql.update);
      expect(await ref.updates.byEventId("$rec-prisma")).toStrictEqual(prisma.update);
      expect(sql.updateCount).toBe(before.updateCount + 1);
      expect(prisma.updateCount).toBe(sql.updateCount + 1);
      expect(sql.targets).toStrictEqual([{ targetId: target.id, name: target.name, from: 1, to: 2 }]);
      expect(prisma.targets).toStrictEqual([{ targetId: target.id, name: target.name, from: 2, to: 3 }]);

      // The task moved the same way after each.
      expect(afterSql).toMatchObject({ updateCount: before.updateCount + 1, progress: 70, lastUpdateAt: atSql });
      expect(afterPrisma).toMatchObject({ updateCount: before.updateCount + 2, progress: 80, lastUpdateAt: atPrisma });
      expect(afterSql.targets.find((t) => t.id === target.id)!.current).toBe(2);
      expect(afterPrisma.targets.find((t) => t.id === target.id)!.current).toBe(3);
      // Each stored its target change.
      const changes = await app.db.targetChange.findMany({ where: { updateId: { in: [sql.update.id, prisma.update.id] } }, orderBy: { id: "asc" } });
      expect(
        changes.map(({ updateId, fromCount, toCount, actor, actorUnit, reason, at }) => ({ updateId, fromCount, toCount, actor, actorUnit, reason, at })),
      ).toStrictEqual([
        { updateId: sql.update.id, fromCount: 1, toCount: 2, actor: ZHANG, actorUnit: "刑侦大队", reason: null, at: atSql },
        { updateId: prisma.update.id, fromCount: 2, toCount: 3, actor: ZHANG, actorUnit: "刑侦大队", reason: null, at: atPrisma },
      ]);

      // One audit entry each, of the same form, and the chain still verifies.
      expect(await app.db.auditLog.count()).toBe(auditBefore + 2);
      const [a] = auditAfterSql;
      const [b] = auditAfterPrisma;
      expect(a!.at).toStrictEqual(atSql);
      expect(b!.at).toStrictEqual(atPrisma);
      const strip = (e: NonNullable<typeof a>) => ({ ...e, id: 0, at: 0, eventId: 0, after: 0, prevHash: 0, hash: 0 });
      expect(strip(a!)).toStrictEqual(strip(b!));
      expect(a).toMatchObject({ action: "update", actor: ZHANG, actorUnit: "刑侦大队", taskId, taskNumber: 6, eventId: "$rec-sql", outcome: "ok" });
      expect(JSON.parse(a!.after!)).toStrictEqual({ updateId: sql.update.id, text: "SQL记录的进展", percent: 70, targets: sql.targets });
      expect(JSON.parse(b!.after!)).toStrictEqual({ updateId: prisma.update.id, text: "Prisma记录的进展", percent: 80, targets: prisma.targets });
      expect(b!.prevHash).toBe(a!.hash);
      const verified = await app.repos.audit.verify();
      expect(verified.ok).toBe(true);
      expect(verified.firstBroken).toBeNull();
    });

    it("records a percent-less update like Prisma: progress stays", async () => {
      const taskId = idOf(5);
      const before = (await ref.plans.taskById(taskId))!;
      const at = new Date(app.clock.now().getTime() + 10 * 60_000);
      const sql = await sqlRepos.updates.record({
        taskId,
        text: "无百分比",
        percent: null,
        authorId: ZHANG,
        authorUnit: "刑侦大队",
        room: null,
        transport: "test",
        eventId: null,
        at,
      });
      const afterSql = (await ref.plans.taskById(taskId))!;
      const prisma = await ref.updates.record({
        taskId,
        text: "无百分比",
        percent: null,
        authorId: ZHANG,
        authorUnit: "刑侦大队",
        room: null,
        transport: "test",
        eventId: null,
        at,
      });
      const afterPrisma = (await ref.plans.taskById(taskId))!;
      expect(sql.update).toStrictEqual({ ...prisma.update, id: sql.update.id });
      expect(sql.targets).toStrictEqual(prisma.targets);
      expect(afterSql).toStrictEqual({ ...before, updateCount: before.updateCount + 1, lastUpdateAt: at });
      expect(afterPrisma).toStrictEqual({ ...afterSql, updateCount: before.updateCount + 2 });
      expect((await app.repos.audit.verify()).ok).toBe(true);
    });

    it("returns the stored row for a duplicate eventId and stores nothing new", async () => {
      const counts = async () => ({
        updates: await app.db.update.count(),
        audit: await app.db.auditLog.count(),
        targetChanges: await app.db.targetChange.count(),
        task: (await ref.plans.taskById(idOf(6)))!,
      });
      const target = (await ref.plans.taskById(idOf(6)))!.targets[0]!;
      const input = {
        taskId: idOf(6),
        text: "重复投递",
        percent: 99,
        authorId: ZHANG,
        authorUnit: "刑侦大队",
        room: "xingzhen",
        transport: "test",
        at: new Date(app.clock.now().getTime() + 3_600_000),
        targetMoves: [{ targetId: target.id, delta: 5 }],
      };
      for (const eventId of ["$rec-sql", "$u3", "$rec-prisma"]) {
        const was = await counts();
        const sql = await sqlRepos.updates.record({ ...input, eventId });
        expect(await counts(), eventId).toStrictEqual(was);
        expect(sql.update, eventId).toStrictEqual(await ref.updates.byEventId(eventId));
        expect(sql.update.text).not.toBe("重复投递");
        expect(sql.targets).toStrictEqual([]);
        expect(sql.updateCount).toBe(was.task.updateCount);
        // Prisma's answer to the same redelivery is the same.
        expect(sql, eventId).toStrictEqual(await ref.updates.record({ ...input, eventId }));
        expect(await counts(), eventId).toStrictEqual(was);
      }
    });
  });
});
