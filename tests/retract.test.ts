import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ordinalAndReason } from "../commands/retract.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const ADMIN = { sender: "@kejiban:bureau.local" };
const ZHANG = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
const LI = { sender: "@li:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };

describe("retracting an update from chat (撤回)", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());

  const live = async (n: number) => {
    const task = (await app.db.task.findFirstOrThrow({ where: { number: n } }))!;
    return app.db.update.findMany({ where: { taskId: task.id, retractedAt: null }, orderBy: { id: "asc" } });
  };
  const task = (n: number) => app.db.task.findFirstOrThrow({ where: { number: n } });

  it("lets a member retract their own latest update on a task, saying which one and the progress after", async () => {
    await app.say("任务6进展：初审完成 30%", ZHANG);
    app.clock.advance(60_000);
    await app.say("任务6进展：复审完成 60%", ZHANG);
    const r = await app.say("撤回 任务6", ZHANG);
    expect(r.text).toContain("已撤回任务6的第2条进展（2024-06-30 10:01");
    expect(r.text).toContain("“复审完成 60%”");
    expect(r.text).toContain("任务6现在的进度为30%，有效进展1条。");
    expect((await live(6)).map((u) => u.text)).toEqual(["初审完成 30%"]);
    expect((await task(6)).progress).toBe(30);
    const entry = await app.db.auditLog.findFirstOrThrow({ where: { action: "retract" } });
    expect(entry).toMatchObject({ actor: ZHANG.sender, outcome: "ok", taskNumber: 6 });
  });

  it("retracts the member's own latest, not a later one by someone else", async () => {
    await app.say("任务6进展：张的内容 30%", ZHANG);
    app.clock.advance(60_000);
    await app.say("任务6进展：李的内容 40%", LI);
    expect((await app.say("撤回任务6", ZHANG)).text).toContain("已撤回任务6的第1条进展");
    expect((await live(6)).map((u) => u.text)).toEqual(["李的内容 40%"]);
  });

  it("refuses a member who has no update of their own on the task, audits the refusal and changes nothing", async () => {
    await app.say("任务6进展：李的内容 40%", LI);
    const r = await app.say("撤回 任务6", ZHANG);
    expect(r.text).toContain("只有该条进展的报送人或科技办管理员可以撤回");
    expect(r.text).toContain("撤回 任务6 第3条 理由");
    expect(await live(6)).toHaveLength(1);
    const refused = await app.db.auditLog.findMany({ where: { outcome: "refused" } });
    expect(refused.map((e) => [e.actor, e.action, e.taskNumber])).toEqual([[ZHANG.sender, "retract", 6]]);
  });

  it("refuses a member naming someone else's update by number, even with a reason", async () => {
    await app.say("任务6进展：李的内容 40%", LI);
    await app.say("任务6进展：张的内容 50%", ZHANG);
    const r = await app.say("撤回 任务6 第1条 误报", ZHANG);
    expect(r.text).toContain("只有该条进展的报送人或科技办管理员可以撤回");
    expect(await live(6)).toHaveLength(2);
    expect(await app.db.auditLog.count({ where: { outcome: "refused", action: "retract" } })).toBe(1);
  });

  it("lets an admin retract a numbered update with a reason, kept in the audit entry; the numbers count retracted ones", async () => {
    await app.say("任务6进展：第一条 10%", ZHANG);
    await app.say("任务6进展：第二条 20%", LI);
    await app.say("任务6进展：第三条 30%", ZHANG);
    expect((await app.say("撤回 任务6 第2条 误报到本任务", ADMIN)).text).toContain("已撤回任务6的第2条进展");
    // 第3条 is still the third, though the second is retracted.
    const r = await app.say("撤回 任务6 第三条 同一条消息拆出", ADMIN);
    expect(r.text).toContain("已撤回任务6的第3条进展");
    expect(r.text).toContain("“第三条 30%”");
    expect(r.text).toContain("任务6现在的进度为10%，有效进展1条。");
    const entries = await app.db.auditLog.findMany({ where: { action: "retract" }, orderBy: { id: "asc" } });
    expect(entries.map((e) => JSON.parse(e.detail) as unknown)).toEqual([{ reason: "误报到本任务" }, { reason: "同一条消息拆出" }]);
    const h = (await app.say("任务6历史", ADMIN)).text;
    expect(h).toMatch(/第3条 \[已撤回\] .*第三条 30%[\s\S]*第2条 \[已撤回\] .*第二条 20%[\s\S]*第1条 .*第一条 10%/);
  });

  it("asks an admin for a reason before retracting a numbered update, and changes nothing", async () => {
    await app.say("任务6进展：李的内容 40%", LI);
    expect((await app.say("撤回 任务6 第1条", ADMIN)).text).toContain("撤回指定的一条进展须写理由，请这样写：撤回 任务6 第1条");
    expect(await live(6)).toHaveLength(1);
  });

  it("does not retract an update twice, and says so for a number the task does not have", async () => {
    await app.say("任务6进展：李的内容 40%", LI);
    await app.say("撤回 任务6 第1条 误报", ADMIN);
    expect((await app.say("撤回 任务6 第1条 误报", ADMIN)).text).toContain("任务6的第1条进展已经撤回，没有再次撤回。");
    expect((await app.say("撤回 任务6 第5条 误报", ADMIN)).text).toContain("任务6没有第5条进展（共1条");
    expect((await app.say("撤回 任务6", LI)).text).toContain("任务6没有您报送的、未撤回的进展");
    expect(await app.db.auditLog.count({ where: { action: "retract" } })).toBe(1);
  });

  it("says so when the task has no update at all", async () => {
    expect((await app.say("撤回 任务6", ZHANG)).text).toContain("任务6还没有进展记录，没有可撤回的。");
  });

  it("retracts one part of a message that was stored on several tasks, and only that part", async () => {
    await app.say("任务6进展：已推荐3名民警，完成40%；任务7进展：完成初稿 20%", { ...ZHANG, eventId: "$split" });
    const parts = await app.repos.updates.parts("$split");
    expect(parts.map((p) => p.eventId)).toEqual(["$split", "$split#2"]);
    expect((await app.say("撤回 任务7 第1条 同一条消息误记", ADMIN)).text).toContain("已撤回任务7的第1条进展");
    expect(await live(7)).toHaveLength(0);
    expect(await live(6)).toHaveLength(1);
  });

  it("changes nothing in an archived plan", async () => {
    await app.say("任务6进展：李的内容 40%", LI);
    const code = (await app.repos.plans.currentPlan())!.code!;
    await app.say(`归档计划 ${code} 已验收`, ADMIN);
    expect((await app.say(`撤回 ${code} 任务6 第1条 误报`, ADMIN)).text).toContain("归档，只能查询，不能再报送或更改");
    expect(await live(6)).toHaveLength(1);
  });

  it("reads the number and reason after the task", () => {
    expect(ordinalAndReason("第3条 误报到本任务")).toEqual({ ordinal: 3, reason: "误报到本任务" });
    expect(ordinalAndReason("第十二条，拆错了")).toEqual({ ordinal: 12, reason: "拆错了" });
    expect(ordinalAndReason("#3 wrong task")).toEqual({ ordinal: 3, reason: "wrong task" });
    expect(ordinalAndReason("写错了")).toEqual({ ordinal: null, reason: "写错了" });
    expect(ordinalAndReason("第3条误报")).toEqual({ ordinal: 3, reason: "误报" });
    expect(ordinalAndReason("#3x")).toEqual({ ordinal: null, reason: "#3x" });
  });
});

describe("a withdrawal said in words (issue 25)", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());

  const liveTexts = async (n: number) => {
    const task = await app.db.task.findFirstOrThrow({ where: { number: n } });
    return (await app.db.update.findMany({ where: { taskId: task.id, retractedAt: null }, orderBy: { id: "asc" } })).map((u) => u.text);
  };
  const confirmation = (n: number, m: number) => ({ replyTo: { text: `已记录任务${n}（…）的第${m}条进展，进度80%：俩人都过市里初审了` } });

  it.each(["撤回上一条", "那个刚才报的那条撤回一下嗯数字说错了", "刚才报的那条删掉吧", "上一条作废，数据报错了"])(
    "takes back the sender's own latest update with no task named: %s",
    async (text) => {
      await app.say("任务6进展：张的内容 30%", ZHANG);
      app.clock.advance(60_000);
      await app.say("任务7进展：张的另一条 20%", ZHANG);
      app.clock.advance(60_000);
      await app.say("任务7进展：李的内容 40%", LI);
      const r = await app.say(text, ZHANG);
      expect(r.text).toContain("已撤回任务7的第1条进展");
      expect(await liveTexts(7)).toEqual(["李的内容 40%"]);
      expect(await liveTexts(6)).toEqual(["张的内容 30%"]);
    },
  );

  it("asks for the task rather than take back an update older than a day, and changes nothing", async () => {
    await app.say("任务6进展：张的内容 30%", ZHANG);
    app.clock.advance(25 * 3600_000);
    expect((await app.say("撤回上一条", ZHANG)).text).toContain("请写明任务，如：撤回 任务6");
    expect(await liveTexts(6)).toEqual(["张的内容 30%"]);
  });

  it("takes back the task named in a formal withdrawal, and asks for the right figure again", async () => {
    await app.say("任务22进展：数据对接完成 80%", ZHANG);
    const r = await app.say("刚才所报第二十二项进度有误，请予撤回，核实后重新报送。", ZHANG);
    expect(r.text).toContain("已撤回任务22的第1条进展");
    expect(r.text).toContain("核实后请重新报送正确的进展");
    expect(await liveTexts(22)).toEqual([]);
    const audit = await app.db.auditLog.findFirstOrThrow({ where: { action: "retract" } });
    expect(audit.detail ?? "").toContain("进度有误");
  });

  it.each(["撤回，这条发错群了", "所报数字有误，此条请先予撤回。", "撤回 打错了 是40不是80", "不对，这条是任务7工作室的，不是6"])(
    "takes back the update of the confirmation replied to: %s",
    async (text) => {
      await app.say("任务6进展：俩人都过市里初审了 80%", ZHANG);
      const r = await app.say(text, { ...ZHANG, ...confirmation(6, 1) });
      expect(r.text).toContain("已撤回任务6的第1条进展");
      expect(await liveTexts(6)).toEqual([]);
    },
  );

  it.each(["刚才那条我撤回了，发错群了", "不要撤回", "张三撤回了一条消息", "任务6的材料先撤回来改一下", "撤回吗？"])("leaves %s alone", async (text) => {
    await app.say("任务6进展：张的内容 30%", ZHANG);
    const r = await app.say(text, ZHANG);
    expect(r.text).not.toContain("已撤回");
    expect(await liveTexts(6)).toEqual(["张的内容 30%"]);
  });

  it.each(["这条数字有误，撤回", "撤回吧", "这条删掉", "所报数字有误，此条请先予撤回。"])(
    "refuses to take back someone else's update confirmed, and takes back none of the sender's: %s",
    async (text) => {
      await app.say("任务6进展：张的内容 30%", ZHANG);
      app.clock.advance(60_000);
      const li = await app.say("任务6进展：李的内容 80%", LI);
      const r = await app.say(text, { ...ZHANG, replyTo: { text: li.text } });
      expect(r.text).toContain("这条不是您报的进展");
      expect(await liveTexts(6)).toEqual(["张的内容 30%", "李的内容 80%"]);
      // An update already withdrawn is said so, not swapped for another.
      await app.say("撤回 任务6", LI);
      expect((await app.say(text, { ...LI, replyTo: { text: li.text } })).text).toContain("已经撤回");
      expect(await liveTexts(6)).toEqual(["张的内容 30%"]);
    },
  );

  it.each(["这个删掉吧", "撤回吧", "这条撤回", "刚才报的撤回一下"])(
    "takes back no update older than a day in reply to a reminder, and one from today: %s",
    async (text) => {
      const reminder = { replyTo: { text: "【督办提醒】刑侦大队 · 2024-07-01\n请报送本期进展（1项）：\n⚪ 任务6 培育“公安数字工匠” · 持续推进" } };
      await app.say("任务6进展：张的内容 30%", ZHANG);
      app.clock.advance(3 * 24 * 3600_000);
      const r = await app.say(text, { ...ZHANG, ...reminder });
      expect(r.text).not.toContain("已撤回");
      expect(await liveTexts(6)).toEqual(["张的内容 30%"]);
      await app.say("任务6进展：张的新内容 40%", ZHANG);
      app.clock.advance(60_000);
      expect((await app.say(text, { ...ZHANG, ...reminder })).text).toContain("已撤回任务6的第2条进展");
      expect(await liveTexts(6)).toEqual(["张的内容 30%"]);
    },
  );

  it("takes back the update the confirmation replied to names, not the sender's later one", async () => {
    const first = await app.say("任务6进展：俩人都过市里初审了 80%", ZHANG);
    app.clock.advance(60_000);
    await app.say("任务6进展：复审材料已提交 85%", ZHANG);
    const r = await app.say("撤回 打错了 是40不是80", { ...ZHANG, replyTo: { text: first.text } });
    expect(r.text).toContain("已撤回任务6的第1条进展");
    expect(await liveTexts(6)).toEqual(["复审材料已提交 85%"]);
  });
});
