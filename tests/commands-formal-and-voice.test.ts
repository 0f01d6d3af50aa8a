import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { bundledContext, readAs } from "./helpers/interpret-context.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 25, the fourth blind set: commands said as an older cadre writes them (`…关于第十八项任务申请办结的请示：…妥否，请批示。`,
 * `经研究，恢复第十九项任务的定期提醒。`) and as voice input or a young officer says them (`…文件也发了我们申请办结一下`,
 * `七一前后先别发提醒了 全部暂停`, `撤回 刚那条发错了`). Talk around the same words changes nothing.
 */

const base = bundledContext();
const OFFICE = { admin: true, leader: false, direct: true };
const OFFICER_IN_ROOM = {};
const read = (text: string, sender: InterpretContext["sender"], bot?: string) => {
  const { command, tasks } = readAs(base, text, sender, bot);
  return { command, tasks };
};

describe("applying to close, formally or by voice (interpreter)", () => {
  it.each([
    ["城关派出所关于第十八项任务申请办结的请示：我所创新示范点已建成并通过局党委验收，特申请该项任务办结，妥否，请批示。", [18]],
    ["指挥情报中心关于申请任务一办结的报告：领导小组已于二〇二三年十二月成立并印发文件，现申请该项任务办结，请科技办予以审核。", [1]],
    ["關於任務十八申請辦結的請示：示範點已建成並通過驗收，特申請該項任務辦結，妥否，請批示", [18]],
    ["关于任务十八办结的申请：示范点已建成并通过验收，现申请办结", [18]],
    ["那个任务一领导小组去年就成立了文件也发了我们申请办结一下", [1]],
    ["任务1领导小组早成立了 我们申请办结", [1]],
    ["#2 管理办法早印发了 申请办结🙏", [2]],
    ["任务2 办法印发了 申请办结", [2]],
  ])("files: %s", (text, tasks) => {
    expect(read(text, OFFICER_IN_ROOM)).toMatchObject({ command: "request-completion", tasks });
  });

  it.each([
    "关于任务十八申请办结的请示还没批下来",
    "关于任务十八申请办结的请示：什么时候能批",
    "任务2 办法还没印发 申请办结要等等",
    "任务2办法印发了，下个月申请办结",
    "任务2办法印发了，过几天再申请办结",
    "他们任务2早弄完了 申请办结了",
    "任务2办法印发了 申请办结了吗",
  ])("files nothing for %s", (text) => {
    expect(read(text, OFFICER_IN_ROOM).command).not.toBe("request-completion");
  });
});

describe("pausing and resuming reminders, formally or by voice (interpreter)", () => {
  it.each([
    ["鉴于任务十九公安网络体系建设已于去年底基本完成，即日起暂停该项任务的督办提醒。", "pause-reminders", [19]],
    ["由于任务21平台要等省厅统一招标，自即日起暂停此项任务的催办", "pause-reminders", [21]],
    ["经研究，即日起暂停任务21、任务22的督办提醒", "pause-reminders", [21, 22]],
    ["任务三这个是长期的先别催了提醒停一下", "pause-reminders", [3]],
    ["任务3、8的提醒都暂停吧", "pause-reminders", [3, 8]],
    ["经研究，恢复第十九项任务的定期提醒。", "resume-reminders", [19]],
    ["经局领导同意，即日起恢复任务19的督办提醒", "resume-reminders", [19]],
    ["鉴于任务十九市局方案已下发，恢复该项任务的提醒", "resume-reminders", [19]],
    ["任务3、8、16、23的提醒都恢复吧", "resume-reminders", [3, 8, 16, 23]],
    ["任务3和任务8的催办也恢复吧", "resume-reminders", [3, 8]],
  ])("reads %s from the office", (text, command, tasks) => {
    expect(read(text, OFFICE)).toMatchObject({ command, tasks });
  });

  it.each([
    ["因七月上旬集中开展中期评估，全部督办提醒暂停发送，评估结束后另行通知。", "pause-reminders"],
    ["中期评估期间所有提醒暂停推送", "pause-reminders"],
    ["七一前后先别发提醒了 全部暂停", "pause-reminders"],
    ["这周先不要发提醒了", "pause-reminders"],
    ["所有任务的提醒恢复正常发送", "resume-reminders"],
    ["提醒恢复正常推送吧", "resume-reminders"],
  ])("reads %s, naming no task, from the office", (text, command) => {
    expect(read(text, OFFICE)).toMatchObject({ command, tasks: [] });
  });

  it.each([
    "因为提醒暂停发送了，大家这周都没收到",
    "任务3我们在写了先别催了",
    "任务3这个是长期的先别催了",
    "听说任务3的提醒都恢复了",
    "上次暂停任务19的提醒是谁定的",
    "恢复任务19的提醒以后记得及时报",
    "经研究，恢复第十九项任务的定期提醒了吗",
    "别发提醒了行不行",
    "提醒恢复正常发送以后大家注意查收",
  ])("changes no reminder for an officer's %s", (text) => {
    expect(String(read(text, OFFICER_IN_ROOM).command)).not.toMatch(/reminders/);
  });

  it.each(["经研究，恢复第十九项任务的定期提醒了吗", "任务3、8的提醒都恢复了吗", "是谁暂停了任务21、任务22的督办提醒"])(
    "changes nothing for the office's question %s",
    (text) => {
      expect(String(read(text, OFFICE).command)).not.toMatch(/reminders/);
    },
  );
});

describe("withdrawals said in shorthand or by voice (interpreter)", () => {
  const CONFIRMED_24 = "已记录任务24（推进市视综平台一体化建设应用和能力共享）的第2条进展，进度50%：新增高清点位120个接入";
  it.each(["撤回 刚那条发错了🙈", "刚那条不算 撤回", "刚才那条说错了不算撤回一下", "撤回 这条不算", "不对，刚才那条是23的，撤回"])(
    "withdraws the sender's latest on %s",
    (text) => {
      expect(read(text, OFFICER_IN_ROOM)).toMatchObject({ command: "retract", tasks: [] });
    },
  );

  it.each(["不对，刚才那条是23的，撤回", "刚才那条应该是任务23的 撤回吧"])("withdraws the record replied to, not the task it belongs to: %s", (text) => {
    expect(read(text, OFFICER_IN_ROOM, CONFIRMED_24)).toMatchObject({ command: "retract", tasks: [24] });
  });

  it.each(["刚那条他说不算", "刚那条不算吧", "刚那条撤回了吗", "刚才那条是23的", "不对，刚才那条是23的，不用撤回"])("withdraws nothing on %s", (text) => {
    expect(read(text, OFFICER_IN_ROOM).command).not.toBe("retract");
  });
});

describe("questions in the office's register, and a query called off (interpreter)", () => {
  const OFFICE_ROOM = { admin: true };
  const LEADER_DM = { leader: true, direct: true };
  it.each(["本月度尚未报送进展的单位有哪些？", "这个月还没报进展的单位有哪些", "本周尚未上报的单位", "截至目前仍未报送的单位有哪些"])(
    "lists the units that have not reported: %s",
    (text) => {
      expect(read(text, OFFICE_ROOM).command).toBe("unreported");
    },
  );

  it.each(["报送进展的单位有哪些", "这个月报进展的单位有哪些", "尚未报送进展的单位要通报批评", "本月度尚未报送进展的单位请抓紧报送"])(
    "lists nothing for %s",
    (text) => {
      expect(read(text, OFFICE_ROOM).command).not.toBe("unreported");
    },
  );

  it.each(["请调取任务十四自启动以来各单位报送的全部进展记录。", "调取一下任务14的进展记录", "請調取任務十四的全部進展記錄"])(
    "shows the history: %s",
    (text) => {
      expect(read(text, { direct: true })).toMatchObject({ command: "history", tasks: [14] });
    },
  );

  it.each(["任务13先不用查了，我下午当面问叶主任", "任务13不用查了", "任务13不必再查", "13号先别查了"])("answers nothing, asks nothing, for %s", (text) => {
    expect(read(text, LEADER_DM).command).toBeNull();
  });

  it.each([
    ["9号和13号呢", [9, 13]],
    ["那7、8号呢", [7, 8]],
    ["还有3号和5号怎么样", [3, 5]],
  ])("answers a leader's follow-up about several tasks by number alone in a direct chat: %s", (text, tasks) => {
    expect(read(text, LEADER_DM)).toMatchObject({ command: "status", tasks });
  });

  it.each([
    ["9号和13号呢", OFFICER_IN_ROOM],
    ["9号和13号开会", LEADER_DM],
    ["9号和13号都行", LEADER_DM],
  ])("answers nothing for %s", (text, sender) => {
    expect(read(text, sender).command).toBeNull();
  });

  const REMINDER_7 = "【督办提醒】网安大队 · 2024-06-24\n🟡 任务7 推动“数字工匠创新工作室”建立 · 2025年底前";
  it.each(["我们这个现在系统里记的多少了", "系统里记的多少？", "台账里现在是几成了？"])("answers, in reply to task 7's reminder, %s", (text) => {
    expect(read(text, OFFICER_IN_ROOM, REMINDER_7)).toMatchObject({ command: "status", tasks: [7] });
  });

  it.each(["我们记的多少不重要先把活干完", "算多少都行，先把活干完"])("answers nothing, in reply to a reminder, for %s", (text) => {
    expect(read(text, OFFICER_IN_ROOM, REMINDER_7).command).not.toBe("status");
  });

  it.each([
    ["一网通办", [15]],
    ["實驗室", [9]],
  ])("asks about the task of a subject typed alone in a direct chat: %s", (text, tasks) => {
    const r = interpret(text, { ...base, sender: LEADER_DM });
    expect(r).toMatchObject({ command: "status", confidence: "likely", tasks });
  });

  it.each([
    ["一网通办", OFFICER_IN_ROOM],
    ["好的收到", LEADER_DM],
    ["辛苦了", LEADER_DM],
    ["一网通办的咨询电话转到交警那边了", LEADER_DM],
  ])("asks nothing for %s", (text, sender) => {
    expect(read(text, sender).command).toBeNull();
  });

  it("still answers 任务13查一下", () => {
    expect(read("任务13查一下", LEADER_DM)).toMatchObject({ command: "status", tasks: [13] });
  });
});

describe("the same, through Bot.handle on a real database", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const OFFICE_DM = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: true, mentionsBot: true };
  const LIU = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false, mentionsBot: false };
  const task = (number: number) => app.db.task.findFirstOrThrow({ where: { number } });
  const pending = async (number: number) => app.db.request.findMany({ where: { taskId: (await task(number)).id, state: "pending" } });

  it("files a formal 请示 to close, stored before the reply, and none for one not yet due", async () => {
    await app.say("任务2管理办法印发了，下个月申请办结", LIU);
    expect(await app.db.request.count()).toBe(0);
    const r = await app.say("指挥情报中心关于申请任务一办结的报告：领导小组已成立并印发文件，现申请该项任务办结，妥否，请批示。", LIU);
    expect(r.text).toContain("已提交任务1");
    expect(await pending(1)).toHaveLength(1);
    expect(await app.db.update.count()).toBe(0);
  });

  it("asks the office which tasks on 全部督办提醒暂停发送, pausing none, and resumes all on 所有任务的提醒恢复正常发送", async () => {
    await app.say("暂停提醒 3 等市局通知", OFFICE_DM);
    const r = await app.say("因七月上旬集中开展中期评估，全部督办提醒暂停发送，评估结束后另行通知。", OFFICE_DM);
    expect(r.text).toContain("暂停哪些任务的提醒");
    expect(await app.db.task.count({ where: { remindersPaused: true } })).toBe(1);
    await app.say("所有任务的提醒恢复正常发送", OFFICE_DM);
    expect(await app.db.task.count({ where: { remindersPaused: true } })).toBe(0);
  });

  it("pauses the task a formal notice points back at, and resumes it in the same register", async () => {
    const r = await app.say("鉴于任务十九公安网络体系建设已于去年底基本完成，即日起暂停该项任务的督办提醒。", OFFICE_DM);
    expect(r.text).toContain("已暂停任务19的提醒");
    expect((await task(19)).remindersPaused).toBe(true);
    expect(await app.db.update.count()).toBe(0);
    await app.say("经研究，恢复第十九项任务的定期提醒。", OFFICE_DM);
    expect((await task(19)).remindersPaused).toBe(false);
  });

  it("pauses nothing on an officer's 全部暂停", async () => {
    const r = await app.say("七一前后先别发提醒了 全部暂停", LIU);
    expect(await app.db.task.count({ where: { remindersPaused: true } })).toBe(0);
    expect(r.text).not.toContain("已暂停");
  });

  it("withdraws the update replied to when it is said to be another task's, and the latest one on 撤回 刚那条发错了", async () => {
    const confirmation = (await app.say("任务24进展：新增高清点位120个接入，进度50%", LIU)).text;
    await app.say("不对，刚才那条是23的，撤回", { ...LIU, replyTo: { text: confirmation } });
    const on24 = await app.db.update.findMany({ where: { taskId: (await task(24)).id } });
    expect(on24).toHaveLength(1);
    expect(on24[0]!.retractedAt).not.toBeNull();
    expect(await app.db.update.count({ where: { taskId: (await task(23)).id } })).toBe(0);
    await app.say("任务22进展：已接入省厅两项服务，进度40%", LIU);
    await app.say("刚那条他说不算", LIU);
    expect(await app.db.update.count({ where: { retractedAt: { not: null } } })).toBe(1);
    await app.say("撤回 刚那条发错了🙈", LIU);
    expect(await app.db.update.count({ where: { taskId: (await task(22)).id, retractedAt: { not: null } } })).toBe(1);
  });

  it("answers the office's 本月度尚未报送进展的单位有哪些 in its own room, and stays silent on a leader's 任务13先不用查了", async () => {
    const r = await app.say("本月度尚未报送进展的单位有哪些？", { ...OFFICE_DM, isDirect: false, mentionsBot: false });
    expect(r.count).toBe(1);
    expect(r.text).toMatch(/未报送|单位/);
    const off = await app.say("任务13先不用查了，我下午当面问叶主任", {
      sender: "@juzhang:bureau.local",
      room: "dm-juzhang",
      isDirect: true,
      mentionsBot: true,
    });
    expect(off.text).not.toContain("任务13（");
    expect(await app.db.pendingUpdate.count()).toBe(0);
  });

  it("asks a leader who types only 一网通办 in a direct chat about task 15, and answers 9号和13号呢 for both tasks", async () => {
    const JU = { sender: "@juzhang:bureau.local", room: "dm-juzhang", isDirect: true, mentionsBot: true };
    const asked = await app.say("一网通办", JU);
    expect(asked.text).toContain("任务15");
    expect(asked.text).toContain("吗");
    const both = await app.say("9号和13号呢", JU);
    expect(both.text).toContain("任务9");
    expect(both.text).toContain("任务13");
    expect(await app.db.update.count()).toBe(0);
  });
});
