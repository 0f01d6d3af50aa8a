import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openApp } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";

let app: TempApp;
const zhang = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
const sun = { sender: "@sun:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
const admin = { sender: "@kejiban:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
const updatesOf = (n: number) => app.db.update.findMany({ where: { task: { number: n } }, orderBy: { id: "asc" } });
let seq = 0;
const say = (text: string, who = zhang) => app.say(text, { ...who, eventId: `$e${++seq}` });

describe("asking instead of guessing, on a real SQLite file", () => {
  beforeEach(async () => {
    app = await tempApp();
    seq = 0;
  });
  afterEach(async () => {
    await app.dispose();
  });

  it("asks about a report named only by its subject, stores it as pending, and records it on 是", async () => {
    const asked = await say("数字工匠评选材料已报市局");
    expect(asked.text).toContain("要记录为哪项任务的进展");
    expect(asked.text).toContain("任务6 培育“公安数字工匠”");
    expect(await app.db.update.count()).toBe(0);
    expect(await app.db.pendingUpdate.count({ where: { resolvedAt: null } })).toBe(1);
    const chosen = await say("6");
    expect(chosen.text).toContain("已记录任务6（培育“公安数字工匠”）的第1条进展：数字工匠评选材料已报市局");
    expect(chosen.reaction).toBe("✅");
    const [u] = await updatesOf(6);
    expect(u).toMatchObject({ text: "数字工匠评选材料已报市局", authorId: "@zhang:bureau.local", authorUnit: "刑侦大队", eventId: "$e1" });
    expect((await app.db.pendingUpdate.findFirst())?.resolution).toBe("confirmed");
    // The question is closed: another 是 is ordinary chatter again.
    expect((await say("是")).count).toBe(0);
    expect(await app.db.update.count()).toBe(1);
  });

  it("asks about a numbered task that carries no progress cue, and records on 是 with the author's text", async () => {
    const asked = await say("任务6 两名民警的材料");
    expect(asked.text).toBe("要记录为任务6（培育“公安数字工匠”）的进展吗？“两名民警的材料”\n回复“是”确认（也可点👍），或“否”忽略。24小时内有效。");
    expect((await say("是")).text).toContain("已记录任务6");
    expect((await updatesOf(6))[0]?.text).toBe("两名民警的材料");
  });

  it("records nothing on 否", async () => {
    await say("任务6 两名民警的材料");
    expect((await say("否")).text).toBe("好的，未记录。");
    expect(await app.db.update.count()).toBe(0);
    expect((await app.db.pendingUpdate.findFirst())?.resolution).toBe("declined");
  });

  it("lets only the author or an admin confirm; an admin's confirmation keeps the author", async () => {
    await say("任务6 两名民警的材料");
    expect((await say("是", sun)).count).toBe(0);
    expect(await app.db.update.count()).toBe(0);
    expect((await say("是", admin)).text).toContain("已记录任务6");
    expect((await updatesOf(6))[0]).toMatchObject({ authorId: "@zhang:bureau.local", authorUnit: "刑侦大队" });
  });

  it("lets a question expire after the configured hours and says so", async () => {
    await say("任务6 两名民警的材料");
    app.clock.advance(25 * 3600_000);
    expect((await say("是")).text).toContain("已超过24小时，已失效，未记录");
    expect(await app.db.update.count()).toBe(0);
    expect((await app.db.pendingUpdate.findFirst())?.resolution).toBe("expired");
  });

  it("keeps a pending update across a restart", async () => {
    await say("任务6 两名民警的材料");
    await app.close();
    const config = readConfig(app.env);
    const again = await openApp(config, app.clock, { logger: quietLogger, quiet: true });
    try {
      const r = await again.bot.handle({ transport: "test", eventId: "$after", text: "是", ...zhang });
      expect(r.replies[0]?.text).toContain("已记录任务6");
      expect(await again.db.update.count()).toBe(1);
    } finally {
      await again.close();
    }
    Object.assign(app, { close: async () => {} });
  });

  it("confirms on a 👍 reaction by the author, and ignores one by somebody else", async () => {
    await say("任务6 两名民警的材料");
    const react = (who: typeof zhang, key: string) =>
      app.bot.handle({ transport: "test", kind: "reaction", eventId: `$r${++seq}`, targetEventId: "$e1", text: key, ...who });
    expect((await react(sun, "👍")).replies).toHaveLength(0);
    expect((await react(zhang, "😂")).replies).toHaveLength(0);
    expect(await app.db.update.count()).toBe(0);
    expect((await react(zhang, "👍")).replies[0]?.text).toContain("已记录任务6");
    expect(await app.db.update.count()).toBe(1);
  });

  it("asks again about an edited message instead of keeping the first question", async () => {
    await say("任务6 两名民警的材料");
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      eventId: "$edit",
      targetEventId: "$e1",
      text: "任务6：两名民警的材料已报市局 30%",
      ...zhang,
    });
    expect(r.replies[0]?.text).toContain("已记录任务6");
    expect((await updatesOf(6))[0]).toMatchObject({ percent: 30, eventId: "$e1" });
    expect((await app.db.pendingUpdate.findFirst())?.resolution).toBe("superseded");
  });

  it("withdraws the question when the message is deleted", async () => {
    await say("任务6 两名民警的材料");
    await app.bot.handle({ transport: "test", kind: "redaction", eventId: "$red", targetEventId: "$e1", text: "", ...zhang });
    expect((await say("是")).count).toBe(0);
    expect(await app.db.update.count()).toBe(0);
  });
});

describe("messages as officers write them, recorded on a real SQLite file", () => {
  beforeEach(async () => {
    app = await tempApp();
    seq = 0;
  });
  afterEach(async () => {
    await app.dispose();
  });

  it.each([
    ["6号任务进展：已推荐3名民警参加市级数字工匠评选，完成40%", 6, 40, "已推荐3名民警参加市级数字工匠评选，完成40%"],
    ["任务6：已完成初审，进度60%", 6, 60, "已完成初审，进度60%"],
    ["第6项任务已完成80%", 6, 80, "已完成80%"],
    ["【任务6】本周组织图像侦查培训一次，进度约五成", 6, 50, "本周组织图像侦查培训一次，进度约五成"],
    ["报告：任务11本周完成3个派出所设备调试，累计完成率45%", 11, 45, "本周完成3个派出所设备调试，累计完成率45%"],
    ["任务６：已完成初审", 6, null, "已完成初审"],
    ["第六项任务全部完成", 6, 100, "全部完成"],
    ["任务11：设备上线后识别成功率提升了20%", 11, null, "设备上线后识别成功率提升了20%"],
  ])("records %j for task %i at %s", async (text, n, percent, body) => {
    const r = await say(text);
    expect(r.reaction).toBe("✅");
    expect((await updatesOf(n))[0]).toMatchObject({ text: body, percent });
  });

  it("records 任务6、7进展… for both tasks, under two keys of one event", async () => {
    const r = await say("任务6、7进展：数字工匠和工作室材料均已报市局");
    expect(r.text).toContain("已记录任务6");
    expect(r.text).toContain("已记录任务7");
    expect((await updatesOf(6))[0]?.eventId).toBe("$e1");
    expect((await updatesOf(7))[0]?.eventId).toBe("$e1#2");
  });

  it("splits 任务6：…；任务7：… into two updates, and a redaction retracts both", async () => {
    await say("任务6：两名候选人通过初审，进度60%；任务7：工作室挂牌方案已报局党委，进度20%");
    expect((await updatesOf(6))[0]).toMatchObject({ text: "两名候选人通过初审，进度60%", percent: 60 });
    expect((await updatesOf(7))[0]).toMatchObject({ text: "工作室挂牌方案已报局党委，进度20%", percent: 20 });
    const r = await app.bot.handle({ transport: "test", kind: "redaction", eventId: "$red", targetEventId: "$e1", text: "", ...zhang });
    expect(r.replies.map((x) => x.text)).toEqual(["已撤回任务6的一条进展，记录中标注为已撤回。", "已撤回任务7的一条进展，记录中标注为已撤回。"]);
    expect((await app.db.task.findFirst({ where: { number: 7 } }))?.progress).toBeNull();
  });

  it("refuses an edit of a multi-task update whole when one part is bad, revising no part", async () => {
    await say("任务6：两名候选人通过初审，进度60%；任务7：工作室挂牌方案已报局党委，进度20%");
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      eventId: "$ed",
      targetEventId: "$e1",
      text: "任务6：已复审 70%；任务7：挂牌 150%",
      ...zhang,
    });
    expect(r.replies[0]?.text).toContain("进度150%不在0–100之间");
    expect((await updatesOf(6))[0]).toMatchObject({ text: "两名候选人通过初审，进度60%", percent: 60, editedAt: null });
  });

  it("refuses a whole multi-task update, storing nothing, when one of its tasks does not exist", async () => {
    expect((await say("任务6、99进展：材料已报")).text).toContain("没有任务99");
    expect(await app.db.update.count()).toBe(0);
  });

  it.each([
    ["任务6目前啥进度？", "任务6：培育“公安数字工匠”"],
    ["帮我查一下任务6", "任务6：培育“公安数字工匠”"],
    ["@督办 任务6", "任务6：培育“公安数字工匠”"],
    ["督办：任务6进度", "任务6：培育“公安数字工匠”"],
    ["看看逾期的", "逾期任务"],
    ["有哪些快到期的任务", "30天内没有到期的任务"],
    ["刑侦大队负责哪些任务", "刑侦大队牵头的任务"],
    ["我们单位的任务", "你所在单位（刑侦大队）牵头的任务"],
  ])("answers %j in a group room", async (text, expected) => {
    expect((await say(text)).text).toContain(expected);
  });

  it.each(["收到", "好的，明天下午3点开会", "今天任务挺多的", "成功率提升了20%", "第二季度的考核材料发我一下", "任务6的材料明天交", "谁有任务6的原始文件"])(
    "stays silent on %j and stores nothing",
    async (text) => {
      expect((await say(text)).count).toBe(0);
      expect(await app.db.update.count()).toBe(0);
      expect(await app.db.pendingUpdate.count()).toBe(0);
    },
  );

  it("gives a short hint to an addressed message it does not understand", async () => {
    expect((await say("督办 今天天气不错")).text).toContain("没看懂这条消息");
  });
});

describe("a responsible unit's target move waits for a lead unit, on a real SQLite file", () => {
  // Task 6: lead units 刑侦大队 (zhang, room xingzhen), 网安大队 (sun, wangan), 指挥情报中心 (liu, zhzx);
  // responsible: 局属各单位, so 城关派出所 (wu) may report on it but not move its target.
  const wu = { sender: "@wu:bureau.local", room: "chengguan", isDirect: false, mentionsBot: false };
  const inRoom = (who: { sender: string }, room: string) => ({ sender: who.sender, room, isDirect: false, mentionsBot: false });
  const handle = (text: string, who: { sender: string; room: string; isDirect: boolean; mentionsBot: boolean }) =>
    app.bot.handle({ transport: "test", eventId: `$t${++seq}`, text, ...who });
  const target6 = async () => (await app.db.target.findMany({ where: { task: { number: 6 } }, include: { changes: true } }))[0]!;

  beforeEach(async () => {
    app = await tempApp();
    seq = 0;
  });
  afterEach(async () => {
    await app.dispose();
  });

  const request = async () => {
    const r = await handle("任务6进展：王五入选市级数字工匠 指标+1", wu);
    const update = await app.db.update.findFirstOrThrow();
    return { r, update };
  };

  it("records the update, leaves the count, and asks each lead unit's room", async () => {
    const { r, update } = await request();
    const text = r.replies.map((x) => x.text).join("\n");
    expect(text).toContain("已记录任务6（培育“公安数字工匠”）的第1条进展");
    expect(text).toContain(
      "指标变动（市级“公安数字工匠” +1）须由牵头单位（刑侦大队、网安大队、指挥情报中心）或科技办确认，已请其确认，24小时内有效；确认前指标不变。",
    );
    expect(text).not.toContain("0→1");
    expect(update).toMatchObject({ authorId: "@wu:bureau.local", authorUnit: "城关派出所" });
    expect((await target6()).current).toBe(0);
    expect(r.notices?.map((n) => n.rooms)).toEqual([["xingzhen"], ["wangan"], ["zhzx"]]);
    expect(r.notices?.[0]?.reply.text).toBe(
      "任务6（培育“公安数字工匠”）：城关派出所报送“王五入选市级数字工匠 指标+1”，申请指标变动：市级“公安数字工匠” +1。\n" +
        "牵头单位人员或科技办管理员回复“是”确认（也可点👍），或“否”不予计入。24小时内有效。",
    );
    expect(r.notices?.[0]?.reply.asks).toBe(`target-${update.id}-xingzhen`);
    expect(await app.db.pendingUpdate.count({ where: { kind: "target", resolvedAt: null } })).toBe(3);
  });

  it("withdraws the questions when the reporter retracts the update, in chat or by deleting the message", async () => {
    const { update } = await request();
    const retracted = await handle("撤回 任务6", wu);
    expect(retracted.replies[0]?.text).toContain("撤回");
    expect(await app.db.pendingUpdate.count({ where: { kind: "target", resolvedAt: null } })).toBe(0);
    expect(await app.db.pendingUpdate.count({ where: { kind: "target", resolution: "withdrawn" } })).toBe(3);
    // A lead member's 是 in the room is no longer an answer to it, and the count stays.
    await handle("是", inRoom(zhang, "xingzhen"));
    expect((await target6()).current).toBe(0);

    const second = await handle("任务6进展：赵六入选市级数字工匠 指标+1", wu);
    expect(second.notices?.length).toBe(3);
    const next = await app.db.update.findFirstOrThrow({ where: { id: { not: update.id } } });
    await app.bot.handle({ transport: "test", kind: "redaction", eventId: "$del", targetEventId: next.eventId!, text: "", ...wu });
    expect(await app.db.pendingUpdate.count({ where: { kind: "target", resolvedAt: null } })).toBe(0);
  });

  it("asks in the reply itself when the reporter posts in a lead unit's room, where 是 or a 👍 on the reply answers", async () => {
    const r = await handle("任务6进展：王五入选市级数字工匠 指标+1", inRoom(wu, "xingzhen"));
    const update = await app.db.update.findFirstOrThrow();
    expect(r.replies[0]?.text).toContain("申请指标变动：市级“公安数字工匠” +1。");
    expect(r.replies[0]?.asks).toBe(`target-${update.id}-xingzhen`);
    expect(r.notices?.map((n) => n.rooms)).toEqual([["wangan"], ["zhzx"]]);
    const react = await app.bot.handle({
      transport: "test",
      kind: "reaction",
      eventId: "$thumb",
      targetEventId: r.replies[0]!.asks!,
      text: "👍",
      ...inRoom(zhang, "xingzhen"),
    });
    expect(react.replies[0]?.text).toContain("0→1/2名");
    expect((await target6()).current).toBe(1);
  });

  it("applies the move once when a lead unit's member answers 是, and tells the reporter's room", async () => {
    const { update } = await request();
    const r = await handle("是", inRoom(zhang, "xingzhen"));
    expect(r.replies[0]?.text).toBe("已确认任务6的指标变动：\n指标：市级“公安数字工匠” 0→1/2名");
    expect(r.notices).toEqual([
      { rooms: ["chengguan"], reply: expect.objectContaining({ text: "任务6的指标变动已由刑侦大队确认：\n指标：市级“公安数字工匠” 0→1/2名" }) },
    ]);
    const t = await target6();
    expect(t.current).toBe(1);
    expect(t.changes).toMatchObject([{ fromCount: 0, toCount: 1, actor: "@zhang:bureau.local", actorUnit: "刑侦大队", updateId: update.id }]);
    // The other lead rooms' questions are closed: a second 是 moves nothing.
    expect((await handle("是", inRoom({ sender: "@liu:bureau.local" }, "zhzx"))).replies).toHaveLength(0);
    expect((await target6()).current).toBe(1);
    expect((await app.db.pendingUpdate.findMany({ orderBy: { id: "asc" } })).map((p) => p.resolution)).toEqual(["confirmed", "superseded", "superseded"]);
    expect(await app.db.auditLog.count({ where: { action: "target-confirm", outcome: "ok" } })).toBe(1);
    // A retraction of the update takes the confirmed move back with it.
    await app.bot.handle({ transport: "test", kind: "redaction", eventId: "$red", targetEventId: update.eventId!, text: "", ...wu });
    expect((await target6()).current).toBe(0);
  });

  it("applies it on a lead unit member's 👍 on the question, and ignores anyone else's", async () => {
    const { update } = await request();
    const react = (who: { sender: string }, room: string) =>
      app.bot.handle({
        transport: "test",
        kind: "reaction",
        eventId: `$r${++seq}`,
        targetEventId: `target-${update.id}-${room}`,
        text: "👍",
        ...inRoom(who, room),
      });
    expect((await react({ sender: "@feng:bureau.local" }, "wangan")).replies).toHaveLength(0);
    expect((await react(wu, "wangan")).replies).toHaveLength(0);
    expect((await target6()).current).toBe(0);
    expect((await react(sun, "wangan")).replies[0]?.text).toContain("0→1/2名");
    expect((await react(zhang, "xingzhen")).replies).toHaveLength(0);
    expect((await target6()).current).toBe(1);
  });

  it("lets the request expire after the confirm hours, moving nothing", async () => {
    await request();
    app.clock.advance(25 * 3600_000);
    expect((await handle("是", inRoom(zhang, "xingzhen"))).replies[0]?.text).toBe("这项指标变动申请已超过24小时，已失效，指标未变动。如仍需计入，请重新报送。");
    expect((await target6()).current).toBe(0);
    expect((await app.db.pendingUpdate.findFirstOrThrow({ where: { room: "xingzhen" } })).resolution).toBe("expired");
  });

  it("refuses a confirmation by someone outside the lead units, and an admin may confirm", async () => {
    await request();
    const refused = await handle("是", inRoom({ sender: "@feng:bureau.local" }, "xingzhen"));
    expect(refused.replies[0]?.text).toBe("任务6的指标变动只能由牵头单位（刑侦大队、网安大队、指挥情报中心）的人员或科技办管理员确认，未作任何更改。");
    expect((await handle("是", inRoom(wu, "xingzhen"))).replies[0]?.text).toContain("只能由牵头单位");
    expect((await target6()).current).toBe(0);
    expect(await app.db.auditLog.count({ where: { action: "target-confirm", outcome: "refused" } })).toBe(2);
    expect((await handle("是", inRoom(admin, "xingzhen"))).replies[0]?.text).toContain("0→1/2名");
    expect((await target6()).current).toBe(1);
  });

  it("leaves the count on 否, and tells the reporter's room", async () => {
    await request();
    const r = await handle("否", inRoom(sun, "wangan"));
    expect(r.replies[0]?.text).toBe("好的，任务6的指标变动不予计入，指标不变。");
    expect(r.notices?.[0]).toMatchObject({ rooms: ["chengguan"], reply: { text: "任务6的指标变动（市级“公安数字工匠” +1）未获网安大队确认，指标不变。" } });
    expect((await target6()).current).toBe(0);
    expect(await app.db.pendingUpdate.count({ where: { resolvedAt: null } })).toBe(0);
  });

  it("still refuses a request past the promise, storing nothing", async () => {
    const r = await handle("任务6进展：三人入选 指标+3", wu);
    expect(r.replies[0]?.text).toContain("承诺2名，现为0名，这样会变成3名，超过承诺数，本条进展未记录");
    expect(await app.db.update.count()).toBe(0);
    expect(await app.db.pendingUpdate.count()).toBe(0);
  });

  it("keeps the target moves as they are when the reporter edits the update", async () => {
    const { update } = await request();
    await handle("是", inRoom(zhang, "xingzhen"));
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      eventId: "$ed",
      targetEventId: update.eventId!,
      text: "任务6进展：王五、赵六入选 指标+2",
      ...wu,
    });
    expect(r.replies[0]?.text).toContain("已修改任务6");
    expect(r.replies[0]?.text).toContain("修改中的指标变动未生效");
    expect((await target6()).current).toBe(1);
    // A typo fixed, the move unchanged: nothing to say.
    const again = await app.bot.handle({
      transport: "test",
      kind: "edit",
      eventId: "$ed2",
      targetEventId: update.eventId!,
      text: "任务6进展：王五入选市级数字工匠。 指标+1",
      ...wu,
    });
    expect(again.replies[0]?.text).not.toContain("指标变动未生效");
    expect((await target6()).current).toBe(1);
  });
});
