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
