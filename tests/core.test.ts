import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syntheticPlan } from "../bench/synthetic.js";
import { SYSTEM_ACTOR } from "../src/plan/import-plan.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

let app: TempApp;
const updatesOf = (n: number) => app.db.update.findMany({ where: { task: { number: n } }, orderBy: { id: "asc" } });

describe("status, overview and updates on a real SQLite file", () => {
  beforeEach(async () => {
    app = await tempApp();
  });
  afterEach(async () => {
    await app.dispose();
  });

  it("answers status task 6 with units, deadline, days left, light and update count", async () => {
    const r = await app.say("status task 6");
    expect(r.text).toContain("任务6：培育“公安数字工匠”");
    expect(r.text).toContain("牵头单位：刑侦大队、网安大队、指挥情报中心");
    expect(r.text).toContain("责任单位：局属各单位");
    expect(r.text).toContain("完成时限：2024年底前（2024-12-31，剩余184天）");
    expect(r.text).toContain("🟡");
    expect(r.text).toContain("进展条数：0");
  });

  it("stores an update before confirming it, with author, unit, room and percentage", async () => {
    const r = await app.say("任务6进展:两名民警通过市级数字工匠初审 60%", {
      sender: "@zhang:bureau.local",
      room: "xingzhen",
      isDirect: false,
      mentionsBot: false,
    });
    expect(r.text).toContain("已记录任务6");
    expect(r.reaction).toBe("✅");
    const [u] = await updatesOf(6);
    expect(u).toMatchObject({
      text: "两名民警通过市级数字工匠初审 60%",
      percent: 60,
      authorId: "@zhang:bureau.local",
      authorUnit: "刑侦大队",
      room: "xingzhen",
    });
    const status = await app.say("任务6");
    expect(status.text).toContain("最新进度：60%");
    expect(status.text).toContain("张伟（刑侦大队）：两名民警通过市级数字工匠初审 60%");
    expect(status.text).toContain("进展条数：1");
    // No longer stale; still yellow because its target (2 数字工匠 by 2024-12-31) is behind: 1 is due by now, 0 counted.
    expect(status.text).not.toContain("未报送进展");
    expect(status.text).toContain("状态：🟡 需关注（指标滞后：市级“公安数字工匠”）");
    expect(status.text).toContain("指标：市级“公安数字工匠” 0/2名（2024-12-31） ⚠滞后");
  });

  it.each([
    ["任务6进展:", "进展内容为空，未记录"],
    ["任务6进展: 做了一半 150%", "进度150%不在0–100之间，未记录"],
    ["任务99进展: 完成", "没有任务99。本计划的任务编号为1–25"],
    [`任务6进展:${"很".repeat(4001)}`, "消息过长"],
  ])("refuses %j clearly and stores nothing", async (text, message) => {
    const r = await app.say(text);
    expect(r.text).toContain(message);
    expect(await app.db.update.count()).toBe(0);
    expect((await app.db.task.findFirst({ where: { number: 6 } }))?.updateCount).toBe(0);
  });

  it("names the valid range for an unknown task number", async () => {
    expect((await app.say("任务30")).text).toBe("没有任务30。本计划的任务编号为1–25。");
  });

  it("stays silent on chatter in a group room but hints in a direct chat", async () => {
    expect((await app.say("今天天气不错", { isDirect: false, mentionsBot: false })).count).toBe(0);
    expect((await app.say("今天的任务", { isDirect: false, mentionsBot: false })).count).toBe(0);
    expect((await app.say("今天天气不错")).text).toContain("发送“帮助”");
    expect((await app.say("今天天气不错", { isDirect: false, mentionsBot: true })).text).toContain("发送“帮助”");
  });

  it("escapes user text in the HTML form", async () => {
    await app.say("任务6进展:<b>x</b><script>alert(1)</script>");
    const r = await app.say("任务6");
    expect(r.html).toContain("&lt;b&gt;x&lt;/b&gt;&lt;script&gt;");
    expect(r.html).not.toContain("<script>");
    expect(r.text).toContain("<b>x</b><script>");
  });

  it("lists overdue and due-soon tasks by date", async () => {
    expect((await app.say("逾期")).text).toMatch(/逾期任务（2项）[\s\S]*任务1[\s\S]*逾期182天[\s\S]*任务2/);
    app.clock.set(new Date("2024-12-10T10:00:00+08:00"));
    const soon = await app.say("临期");
    expect(soon.text).toContain("30天内到期的任务（7项）");
    expect(soon.text).toContain("任务4");
    expect(soon.text).toContain("剩余21天");
  });

  it("marks tasks 1 and 2 red and lists every light in the overview", async () => {
    const r = await app.say("总览");
    expect(r.text).toContain("共25项任务");
    expect(r.text).toContain("🔴 逾期（2项）\n  1 成立科技兴警工作领导小组… · 逾期182天，225天未报送\n  2 制定完善科技信息化项目管… · 逾期182天");
  });

  it("names each task of the overview with a short title, and says why a yellow one needs attention", async () => {
    await app.say("任务5进展:团队已遴选");
    expect((await app.say("总览")).text).toContain("🟢 正常推进（1项）\n  5 遴选培育公安科技创新团队\n");
    app.clock.set(new Date("2024-12-10T10:00:00+08:00"));
    await app.say("任务4进展:人选已确定");
    const r = (await app.say("总览")).text;
    expect(r).toContain("\n  4 挖掘培养科技创新领军人才 · 剩余21天\n");
    expect(r).toContain("\n  6 培育“公安数字工匠” · 剩余21天，388天未报送，指标滞后\n");
  });

  it("answers a unit by name or alias, and my tasks from the directory", async () => {
    const byAlias = await app.say("刑侦的任务");
    expect(byAlias.text).toContain("刑侦大队牵头的任务（9项）");
    expect((await app.say("unit 网安大队")).text).toContain("网安大队牵头的任务");
    const mine = await app.say("我的任务", { sender: "@wu:bureau.local" });
    expect(mine.text).toContain("你所在单位（城关派出所）牵头的任务（3项）");
    // Strangers cannot query unless DUBAN_OPEN_QUERIES is on (see tests/permissions.test.ts).
    expect((await app.say("我的任务", { sender: "@stranger:elsewhere" })).text).toContain("您不在督办名录中，暂不能查询");
    expect((await app.say("unit 不存在大队")).text).toContain("没有名为“不存在大队”的单位");
  });

  it("shows history newest first, with retracted updates marked", async () => {
    await app.say("任务6进展:初审 30%", { eventId: "$a" });
    app.clock.advance(60_000);
    await app.say("任务6进展:复审 60%", { eventId: "$b" });
    await app.bot.handle({
      transport: "test",
      kind: "redaction",
      targetEventId: "$b",
      eventId: "$r",
      room: "console",
      sender: "@kejiban:bureau.local",
      text: "",
      isDirect: true,
      mentionsBot: false,
    });
    const h = await app.say("任务6历史");
    expect(h.text).toMatch(/共2条[\s\S]*\[已撤回\] .*复审 60%[\s\S]*初审 30%/);
    expect((await app.say("任务6")).text).toContain("最新进度：30%");
  });

  it("revises an edited update and keeps the earlier text", async () => {
    await app.say("任务6进展:初审 30%", { eventId: "$orig" });
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      targetEventId: "$orig",
      eventId: "$edit",
      room: "console",
      sender: "@kejiban:bureau.local",
      text: "任务6进展:初审通过 40%",
      isDirect: true,
      mentionsBot: false,
    });
    expect(r.replies[0]?.text).toContain("已修改任务6");
    const [u] = await updatesOf(6);
    expect(u).toMatchObject({ text: "初审通过 40%", percent: 40 });
    expect(JSON.parse(u!.revisions)).toEqual([expect.objectContaining({ text: "初审 30%", percent: 30 })]);
    expect((await app.say("任务6")).text).toContain("最新进度：40%");
  });

  it("records a corrected edit of a rejected update once, and revises it on a second edit", async () => {
    const edit = (eventId: string, text: string) =>
      app.bot.handle({
        transport: "test",
        kind: "edit",
        targetEventId: "$bad",
        eventId,
        room: "console",
        sender: "@zhang:bureau.local",
        text,
        isDirect: true,
        mentionsBot: false,
      });
    expect((await app.say("任务6进展:完成 150%", { eventId: "$bad" })).text).toContain("不在0–100之间");
    expect((await edit("$e1", "任务6进展:完成 60%")).replies[0]?.text).toContain("已记录任务6");
    expect((await edit("$e2", "任务6进展:完成 70%")).replies[0]?.text).toContain("已修改任务6");
    const rows = await updatesOf(6);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventId: "$bad", text: "完成 70%", percent: 70 });
  });

  it("never stores a redelivered event twice", async () => {
    await app.say("任务6进展:初审 30%", { eventId: "$same" });
    await app.say("任务6进展:初审 30%", { eventId: "$same" });
    await app.bot.markHandled("$same", "console");
    const third = await app.say("任务6进展:初审 30%", { eventId: "$same" });
    expect(third.count).toBe(0);
    expect(await updatesOf(6)).toHaveLength(1);
  });

  it("answers in English with DUBAN_LANG=en", async () => {
    const en = await tempApp({ env: { DUBAN_LANG: "en" } });
    try {
      const r = await en.say("status 6");
      expect(r.text).toContain("Task 6: 培育“公安数字工匠”");
      expect(r.text).toContain("Deadline: 2024年底前 (2024-12-31, 184 days left)");
      expect((await en.say("任务99")).text).toBe("There is no task 99. Task numbers in this plan run from 1 to 25.");
    } finally {
      await en.dispose();
    }
  });

  it("apologises without detail when a handler fails unexpectedly, and logs it", async () => {
    await app.db.$executeRawUnsafe(`UPDATE "Task" SET "leadUnits" = 'not json' WHERE "number" = 6`);
    const r = await app.say("任务6");
    expect(r.text).toContain("抱歉，处理这条消息时出错了");
  });
});

describe("the overview of a large plan", () => {
  it("lists at most 30 tasks per light, then counts the rest and says how to see them", async () => {
    const big = await tempApp({ at: "2026-01-10T10:00:00+08:00" });
    try {
      await big.repos.plans.importPlan(syntheticPlan("大型计划", 200, 10), big.clock.now(), SYSTEM_ACTOR, { code: "大计划" });
      const r = (await big.say("大计划 总览", { sender: "@kejiban:bureau.local" })).text;
      const red = r.slice(r.indexOf("🔴 逾期（120项）"), r.indexOf("🟡 需关注"));
      expect(red.split("\n").filter((l) => /^ {2}\d+ 合成任务/.test(l))).toHaveLength(30);
      expect(red).toContain("  …另90项，发送“逾期”查看全部逾期任务，或“导出 xlsx”");
      expect(r).toContain("  …另50项，发送“导出 xlsx”查看全部任务");
    } finally {
      await big.dispose();
    }
  });
});
