import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InterpretContext } from "../src/core/interpreter/interpret.js";
import { bundledContext, readAs } from "./helpers/interpret-context.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 25, the office's commands said in other words: its consent to close (`同意办结`), applications to close (`T1申请办结🙏 …`),
 * pausing and resuming reminders (`任务16、任务23的催办暂停一周`, `最近别催了`, `即日起恢复全部任务的督办提醒`). Who says it
 * matters, a question is never an order, and talk around the same words changes nothing.
 */

const base = bundledContext();
const OFFICE = { admin: true, leader: false, direct: true };
const LEADER = { leader: true, direct: true };
const OFFICER_IN_ROOM = {};
const read = (text: string, sender: InterpretContext["sender"], bot?: string) => readAs(base, text, sender, bot);

const REMINDER_21 = "【督办提醒】指挥情报中心 · 2024-06-28\n即将到期（1项）：\n🟡 任务21 推进公安大数据资源为核心的运营机制建设 · 2024年底前";
const REQUEST_NOTICE_6 = "【办结申请】任务6：培育“公安数字工匠”\n申请人：张伟\n说明：已完成";

describe("the office's consent to close, in words (interpreter)", () => {
  it.each([
    ["同意办结", REQUEST_NOTICE_6, [6]],
    ["同意办结，材料齐全", REQUEST_NOTICE_6, [6]],
    ["经核实，项目管理办法已正式印发，此项予以办结", "任务2：制定完善科技信息化项目管理办法\n牵头单位：指挥情报中心", [2]],
    ["材料已核，准予办结。", REQUEST_NOTICE_6, [6]],
    ["可以办结", REQUEST_NOTICE_6, [6]],
    ["经科技办审核，任务一各项工作已全部落实到位，佐证材料齐全，同意办结。", undefined, [1]],
    ["任务十二佐证齐全，予以办结", undefined, [12]],
  ])("completes: %s", (text, bot, tasks) => {
    expect(read(text, OFFICE, bot)).toMatchObject({ command: "complete", tasks });
  });

  it.each([
    ["不同意办结", REQUEST_NOTICE_6],
    ["材料不全，暂不同意办结", REQUEST_NOTICE_6],
    ["局长已同意办结", REQUEST_NOTICE_6],
    ["同意办结？", REQUEST_NOTICE_6],
    ["同意办结吗", REQUEST_NOTICE_6],
    ["同意办结", undefined],
  ])("completes nothing, from the office, for %s", (text, bot) => {
    expect(read(text, OFFICE, bot).command).not.toBe("complete");
  });

  it.each(["任务6已经办结了", "任务6已通过验收，局党委同意办结"])("still reads %s, no consent denied or told of, as before: an update", (text) => {
    expect(read(text, OFFICER_IN_ROOM).command).toBe("update");
  });

  it.each(["同意办结", "同意办结，材料齐全", "此项予以办结"])("is no completion and no update from an officer: %s", (text) => {
    const r = read(text, OFFICER_IN_ROOM, REQUEST_NOTICE_6);
    expect(r.command).toBeNull();
    expect(read(text, LEADER, REQUEST_NOTICE_6).command).toBeNull();
  });
});

describe("applying to close in other words (interpreter)", () => {
  it.each([
    ["T1申请办结🙏 文件都在共享盘里了", undefined, [1]],
    ["任务6申请办结👍", undefined, [6]],
    ["指挥情报中心关于第二项任务的办结申请：管理办法已于二〇二四年五月印发实施，任务目标已全部完成，特申请办结，请科技办审核。", undefined, [2]],
    ["任务6已完成，申请办结，请科技办尽快审核", undefined, [6]],
    ["示范点已经市局遴选认定，该项申请办结，佐证材料已发科技办邮箱", "【督办提醒】城关派出所 · 2024-06-28\n🟡 任务18 建立科技兴警基层所队创新示范点", [18]],
  ])("applies: %s", (text, bot, tasks) => {
    expect(read(text, OFFICER_IN_ROOM, bot)).toMatchObject({ command: "request-completion", tasks });
  });

  it.each(["关于任务6的办结申请：什么时候能批", "任务6已完成，申请办结，大家辛苦了", "下周再申请办结，材料还没齐", "他们已申请办结了"])(
    "applies for nothing: %s",
    (text) => {
      expect(read(text, OFFICER_IN_ROOM).command).not.toBe("request-completion");
    },
  );
});

describe("pausing and resuming reminders in other words (interpreter)", () => {
  it.each([
    ["因指挥情报中心近期承担七一安保任务，第二十一项、第二十二项任务的督办提醒暂停发送，七月五日后另行恢复。", [21, 22]],
    ["任务16、任务23的催办暂停一周", [16, 23]],
    // Voice input, with no separator between the tasks.
    ["任务十六任务二十三的催办暂停一周", [16, 23]],
    ["任务3的督办提醒暂停两周", [3]],
    ["市局还没开会，任务3的提醒先暂停吧", [3]],
  ])("pauses %s", (text, tasks) => {
    expect(read(text, OFFICE)).toMatchObject({ command: "pause-reminders", tasks });
  });

  it("pauses the task replied to, verb first: 这个先暂停提醒，…", () => {
    expect(read("这个先暂停提醒，运维平台要等省厅统一招标", OFFICE, REMINDER_21)).toMatchObject({ command: "pause-reminders", tasks: [21] });
  });

  it.each([
    ["市局已经部署下来了，这项恢复提醒吧", [24]],
    ["汛期已过，这个任务的督办提醒即日起恢复", [24]],
  ])("resumes the task replied to: %s", (text, tasks) => {
    expect(read(text, OFFICE, "任务24：推进市视综平台一体化建设应用和能力共享\n牵头单位：指挥情报中心")).toMatchObject({ command: "resume-reminders", tasks });
  });

  it.each([
    ["最近别催了，大家都在忙夏季治安打击整治，7月15号以后再说", LEADER],
    ["别再催了，整训一周", OFFICE],
    ["汛期值守已告一段落，即日起恢复全部任务的督办提醒。", OFFICE],
  ])("takes %s, naming no task, as the instruction with no task", (text, sender) => {
    expect(read(text, sender).tasks).toEqual([]);
    expect(read(text, sender).command).toMatch(/^(?:pause|resume)-reminders$/);
  });

  it.each([
    ["别催了我在写", OFFICER_IN_ROOM],
    ["最近别催了，大家都在忙", OFFICER_IN_ROOM],
    ["最近别催了，大家都在忙", { leader: true }],
    ["别催了我在写", { admin: true }],
    ["别催了吗", OFFICE],
    ["别催他了", OFFICE],
    ["任务3的提醒暂停了吗", OFFICE],
    ["听说任务3的提醒暂停发送了", OFFICE],
    ["任务3的提醒为什么暂停了，市局还没开会", OFFICE],
  ])("pauses and resumes nothing for %s", (text, sender) => {
    expect(["pause-reminders", "resume-reminders"]).not.toContain(read(text, sender).command);
  });
});

describe("the same, through Bot.handle on a real database", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const OFFICE_DM = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: true, mentionsBot: true };
  const ZHANG = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const LIU = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false, mentionsBot: false };
  const task = (number: number) => app.db.task.findFirstOrThrow({ where: { number } });
  const updates = async (number: number) => app.db.update.findMany({ where: { taskId: (await task(number)).id }, orderBy: { id: "asc" } });

  it("completes on the office's 同意办结 in reply to a request, and not on anyone else's", async () => {
    await app.say("任务1申请办结 领导小组已成立，任务已完成", LIU);
    const notice = "【办结申请】任务1：成立科技兴警工作领导小组及其办公室,完善公安科技信息化指挥决策体系\n申请人：刘洋\n说明：已完成";
    for (const who of [LIU, ZHANG, { sender: "@ye:bureau.local", room: "zhzx" }]) {
      await app.say("同意办结", { ...who, replyTo: { text: notice } });
      expect((await task(1)).completedAt).toBeNull();
    }
    expect(await updates(1)).toEqual([]);
    await app.say("同意办结", { ...OFFICE_DM, replyTo: { text: notice } });
    expect((await task(1)).completedAt).not.toBeNull();
    expect(await app.db.request.findMany({ where: { taskId: (await task(1)).id, state: "pending" } })).toEqual([]);
  });

  it("completes nothing on 暂不同意办结 or a question, and records no update", async () => {
    for (const text of ["任务1材料不全，暂不同意办结", "任务1同意办结吗"]) await app.say(text, OFFICE_DM);
    expect((await task(1)).completedAt).toBeNull();
    expect(await updates(1)).toEqual([]);
    await app.say("经科技办审核，任务一各项工作已全部落实到位，佐证材料齐全，同意办结。", OFFICE_DM);
    expect((await task(1)).completedAt).not.toBeNull();
  });

  it("files an application with an emoji for punctuation, and none for one that asks", async () => {
    await app.say("关于任务1的办结申请：什么时候能批", LIU);
    expect(await app.db.request.count()).toBe(0);
    const r = await app.say("T1申请办结🙏 文件都在共享盘里了", LIU);
    expect(r.text).toContain("已提交任务1");
    expect(await app.db.request.findMany({ where: { taskId: (await task(1)).id, state: "pending" } })).toHaveLength(1);
  });

  it("pauses two tasks for a week from the office, stored before the reply; refuses an officer and changes nothing", async () => {
    const officer = await app.say("这个先暂停提醒，运维平台要等省厅统一招标", { ...LIU, replyTo: { text: REMINDER_21 } });
    expect(officer.text).toContain("只能由科技办管理员办理");
    expect((await task(21)).remindersPaused).toBe(false);
    const r = await app.say("任务16、任务23的催办暂停一周", OFFICE_DM);
    expect(r.text).toContain("已暂停任务16的提醒");
    expect(await task(16)).toMatchObject({ remindersPaused: true, pauseReason: "任务16、任务23的催办暂停一周" });
    expect((await task(23)).remindersPaused).toBe(true);
  });

  it("passes a leader's 最近别催了 on to the office, pausing nothing, and takes an officer's 别催了 as talk", async () => {
    const talk = await app.say("别催了我在写", ZHANG);
    expect(talk.count).toBe(0);
    const leader = await app.say("最近别催了，大家都在忙夏季治安打击整治，7月15号以后再说", {
      sender: "@juzhang:bureau.local",
      room: "dm-juzhang",
      isDirect: true,
      mentionsBot: true,
    });
    expect(leader.text).toBe("暂停或恢复提醒只能由科技办办理，已为您转告科技办，目前未作任何更改。");
    expect(await app.db.task.count({ where: { remindersPaused: true } })).toBe(0);
    const passed = await app.bot.handle({
      transport: "test",
      sender: "@ye:bureau.local",
      room: "zhzx",
      text: "这个先暂停提醒，运维平台要等省厅统一招标",
      isDirect: false,
      mentionsBot: false,
      replyTo: { text: REMINDER_21 },
    });
    expect(passed.replies.map((r) => r.text)).toEqual(["暂停或恢复提醒只能由科技办办理，已为您转告科技办，目前未作任何更改。"]);
    expect(passed.notices?.[0]).toMatchObject({ rooms: ["kejiban"] });
    expect(passed.notices?.[0]?.reply.text).toContain("请求暂停提醒（任务21）：这个先暂停提醒，运维平台要等省厅统一招标");
    expect((await task(21)).remindersPaused).toBe(false);
    expect(await app.db.auditLog.count({ where: { outcome: "refused", action: "pause-reminders" } })).toBe(2);
  });

  it("resumes every paused task on 恢复全部任务的督办提醒, and the one replied to on 这项恢复提醒吧", async () => {
    await app.say("暂停提醒 3 等市局通知", OFFICE_DM);
    await app.say("暂停提醒 7 汛期值守", OFFICE_DM);
    await app.say("暂停提醒 24 市局平台未部署", OFFICE_DM);
    await app.say("这项恢复提醒了吗", { ...OFFICE_DM, replyTo: { text: "任务24：推进市视综平台一体化建设应用和能力共享" } });
    expect((await task(24)).remindersPaused).toBe(true);
    await app.say("市局已经部署下来了，这项恢复提醒吧", { ...OFFICE_DM, replyTo: { text: "任务24：推进市视综平台一体化建设应用和能力共享" } });
    expect((await task(24)).remindersPaused).toBe(false);
    const r = await app.say("汛期值守已告一段落，即日起恢复全部任务的督办提醒。", OFFICE_DM);
    expect(r.text).toContain("已恢复任务3的提醒");
    expect(await app.db.task.count({ where: { remindersPaused: true } })).toBe(0);
  });

  it("lists the paused tasks, resuming none, when no task and not all are named", async () => {
    await app.say("暂停提醒 3 等市局通知", OFFICE_DM);
    const r = await app.say("提醒恢复吧", OFFICE_DM);
    expect(r.text).toContain("恢复哪些");
    expect((await task(3)).remindersPaused).toBe(true);
  });
});
