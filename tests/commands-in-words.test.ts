import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { tasksOfBotMessage } from "../src/core/interpreter/reply-context.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/* Issue 25: the office's instructions said in words, with the task named or replied to (pause and resume reminders, 申请办结). */

const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
const ctx: InterpretContext = {
  commands,
  units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
  subjects: new SubjectIndex(plan.tasks),
  sender: { admin: true, direct: true },
};
const REMINDER_23 = "【督办提醒】指挥情报中心 · 2024-06-28\n请报送本期进展（1项）：\n⚪ 任务23 加快智能感知设备迭代升级 · 持续推进";
const STATUS_3 = "任务3：完善公安科技创新体系,建立市县公安科技兴警联席会议制度\n完成时限：长期持续";
const read = (text: string, bot?: string) => {
  const r = interpret(text, { ...ctx, ...(bot ? { replyTo: { tasks: tasksOfBotMessage(bot) } } : {}) });
  return [r.command, r.tasks, r.args.reason ?? null];
};

describe("pausing and resuming reminders in words", () => {
  it.each([
    ["任务3是长期任务，先暂停提醒吧", [3], "长期任务"],
    ["任务12还在招标，暂停催办", [12], "还在招标"],
    ["第七项的提醒先停一下，等省厅通知", [7], "等省厅通知"],
    ["任务9先别催了，市局还没开会", [9], "市局还没开会"],
    ["暂停任务6的提醒吧，等市局通知", [6], "等市局通知"],
  ])("pauses %s", (text, tasks, reason) => {
    expect(read(text)).toEqual(["pause-reminders", tasks, reason]);
  });

  it.each([
    ["这个提醒能不能先停掉，雪亮二期要等县里立项下来才能动", "雪亮二期要等县里立项下来才能动"],
    ["这个先别催了，市局还没开会", "市局还没开会"],
    ["该项催办暂停一下吧，设备还没到", "设备还没到"],
  ])("pauses the task replied to: %s", (text, reason) => {
    expect(read(text, REMINDER_23)).toEqual(["pause-reminders", [23], reason]);
  });

  it.each([
    ["十九号任务的催办重新打开", [19]],
    ["任务十九的提醒恢复一下", [19]],
    ["任务7的提醒可以重新开启了", [7]],
  ])("resumes %s", (text, tasks) => {
    expect(read(text).slice(0, 2)).toEqual(["resume-reminders", tasks]);
  });

  it.each(["这个恢复提醒吧，市局方案已经下发了", "这个任务的催办重新打开吧"])("resumes the task replied to: %s", (text) => {
    expect(read(text, STATUS_3).slice(0, 2)).toEqual(["resume-reminders", [3]]);
  });

  it.each([
    "不要暂停提醒",
    "下周恢复提醒",
    "提醒怎么停不了",
    "任务3的提醒停了吗？",
    "这个提醒是谁发的",
    // The review of issue 25: a question or a remark about a reminder that stopped is no request.
    "任务3提醒停了，怎么回事",
    "任务3的催办关掉了？谁关的",
    "提醒停了？",
    "任务3提醒停了",
    "任务3的提醒关掉了",
    "这个提醒停掉了？",
    "任务3先别催了？",
    "任务3提醒暂停了吗",
    "任务3是长期任务，暂停提醒了",
    "这个提醒谁停掉的，市局还没开会",
    "任务3的提醒恢复了？谁恢复的",
    "这个提醒恢复了吗",
    "任务3的催办为什么重新打开了",
  ])("pauses or resumes no task for %s", (text) => {
    expect(["pause-reminders", "resume-reminders"]).not.toContain(read(text, REMINDER_23)[0]);
    const [command, tasks] = read(text);
    if (command === "pause-reminders" || command === "resume-reminders") expect(tasks).toEqual([]);
  });
});

describe("withdrawing in words, with no task named or replied to", () => {
  const member = (text: string) => {
    const r = interpret(text, { ...ctx, sender: {} });
    return [r.command, r.tasks];
  };
  it.each([
    ["麻烦撤回一下我刚才报的", []],
    ["我想撤回上一条", []],
    ["请撤回我刚才报送的任务六进展", [6]],
    ["我刚才报的任务6那条撤回", [6]],
  ])("withdraws %s", (text, tasks) => {
    expect(member(text)).toEqual(["retract", tasks]);
  });

  it.each([
    "撤回吧",
    "删掉吧",
    "我要撤回",
    "领导说撤回",
    "怎么撤回",
    "刚才那条我撤回了，发错群了",
    // The review of issue 25: a withdrawal told of, with 的 or 了 after the verb, withdraws nothing more.
    "刚才撤回的那条数字写错了",
    "刚才删除的那条进展",
    "之前删掉的那条进展",
    "刚才撤销的是40不是80",
    "我刚才删除了那条进展",
    "上一条已经作废了",
    "刚才报的撤回了",
    "刚才撤回掉的那条",
  ])("takes %s, which points at no report, for no withdrawal", (text) => {
    expect(member(text)[0]).not.toBe("retract");
  });

  it("reads a long run of its words in linear time (请予 is 请 and 予, one way only)", () => {
    for (const text of [`${"请予".repeat(400)}撤回x`, `${"这条".repeat(400)}撤回x`, `${"刚才的".repeat(300)}撤回 x`]) {
      const at = performance.now();
      interpret(text, ctx);
      expect(performance.now() - at).toBeLessThan(1000);
    }
  });

  it("still withdraws the update replied to with a bare 撤回吧", () => {
    expect(read("撤回吧", "已记录任务6（培育“公安数字工匠”）的第2条进展，进度40%：推荐3名民警").slice(0, 2)).toEqual(["retract", [6]]);
  });
});

describe("applying to close (申请办结) in words", () => {
  const REMINDER_1_2 =
    "【督办提醒】指挥情报中心 · 2024-06-24\n已逾期，请抓紧办理（2项）：\n🔴 任务1 成立科技兴警工作领导小组及其办公室,完善公安科技信息化指挥决策体系 · 2023年底前\n" +
    "🔴 任务2 制定完善科技信息化项目管理办法 · 2023年底前";
  it.each([
    ["任务一各项工作已全部落实到位，现申请办结。", [1], "各项工作已全部落实到位"],
    ["任务二十一已经全部弄完了申请办结", [21], "已经全部弄完了"],
    ["第12项任务单警装备已全部配发到位，特此申请办结", [12], "单警装备已全部配发到位"],
    ["T9 实验室已挂牌运行 申请办结", [9], "实验室已挂牌运行"],
    ["任务6 全部完成 请求办结", [6], "全部完成"],
    ["任务6 已完成 申请销号", [6], "已完成"],
  ])("is the request, not an update: %s", (text, tasks, reason) => {
    expect(read(text)).toEqual(["request-completion", tasks, reason]);
  });

  it("applies for every task of the reminder replied to when the reply says both", () => {
    expect(read("这两项都是去年底就办完的，申请办结", REMINDER_1_2).slice(0, 2)).toEqual(["request-completion", [1, 2]]);
  });

  it.each([
    "下周再申请办结",
    "任务6已经完成了，能不能申请办结",
    "任务6还没完成，先不申请办结",
    "任务6可以申请办结了吗",
    "任务6如果完成了就申请办结",
    "等市局验收后再申请办结",
    // The review of issue 25: negations, third persons, questions and requests already made file nothing.
    "任务6还没完成，无法申请办结",
    "任务6还没完成，没法申请办结",
    "任务6已完成，不用申请办结",
    "任务6已完成，无需申请办结",
    "任务6已完成，别申请办结",
    "任务6已完成，暂缓申请办结",
    "任务6已经完成了，还没申请办结",
    "任务6已经完成了，他们已申请办结了",
    "任务6尚未全部完成，申请办结",
    "任务6未完成申请办结",
    "任务6已经完成了，已经申请办结了",
    "任务6已完成，已申请办结",
    "任务6她说已经弄完了，申请办结",
    "刑侦那边说任务6已完成，申请办结",
    "任务6已完成，为什么申请办结",
    "任务6已完成，谁申请办结",
    "任务6已完成的话申请办结",
  ])("is no request: %s", (text) => {
    expect(read(text, REMINDER_23)[0]).not.toBe("request-completion");
    expect(read(text)[0]).not.toBe("request-completion");
  });
});

describe("pausing in words, stored before the bot confirms it", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const ADMIN = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: true, mentionsBot: true };

  it("pauses and resumes the task replied to, and refuses a member", async () => {
    const r = await app.say("这个先别催了，市局还没开会", { ...ADMIN, replyTo: { text: REMINDER_23 } });
    expect(r.text).toContain("已暂停任务23的提醒");
    expect(await app.db.task.findFirstOrThrow({ where: { number: 23 } })).toMatchObject({ remindersPaused: true, pauseReason: "市局还没开会" });
    const member = await app.say("这个恢复提醒吧", { sender: "@liu:bureau.local", room: "zhzx", replyTo: { text: REMINDER_23 } });
    expect(member.text).toContain("只能由科技办管理员办理");
    expect((await app.db.task.findFirstOrThrow({ where: { number: 23 } })).remindersPaused).toBe(true);
    expect((await app.say("任务二十三的催办重新打开", ADMIN)).text).toContain("已恢复任务23的提醒");
    expect((await app.db.task.findFirstOrThrow({ where: { number: 23 } })).remindersPaused).toBe(false);
  });

  it("pauses nothing when the words after a pause ask why (任务3的提醒暂停了，为什么)", async () => {
    for (const text of ["任务3的提醒暂停了，为什么", "任务3提醒暂停了？", "暂停提醒 3 谁停的"]) {
      const r = await app.say(text, ADMIN);
      expect(r.text).not.toContain("已暂停");
      expect((await app.db.task.findFirstOrThrow({ where: { number: 3 } })).remindersPaused).toBe(false);
    }
  });

  it("resumes nothing when the words ask about a resumed reminder (任务3提醒恢复了，怎么回事)", async () => {
    await app.say("暂停提醒 3 等市局通知", ADMIN);
    for (const text of ["任务3提醒恢复了，怎么回事", "任务3的提醒恢复了？谁恢复的", "恢复提醒 3 为什么"]) {
      expect((await app.say(text, ADMIN)).text).not.toContain("已恢复");
      expect((await app.db.task.findFirstOrThrow({ where: { number: 3 } })).remindersPaused).toBe(true);
    }
  });

  it("files 申请办结 said in words as the request, and records no update", async () => {
    const r = await app.say("任务二十一已经全部弄完了申请办结", { sender: "@liu:bureau.local", room: "zhzx" });
    expect(r.text).toContain("已提交任务21");
    const task = await app.db.task.findFirstOrThrow({ where: { number: 21 } });
    expect(await app.db.request.findMany({ where: { taskId: task.id, state: "pending" } })).toHaveLength(1);
    expect(await app.db.update.count({ where: { taskId: task.id } })).toBe(0);
  });
});
