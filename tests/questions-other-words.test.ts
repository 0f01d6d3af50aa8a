import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hideMoney, othersDoIt, othersFigures, plansHeading } from "../src/core/interpreter/not-progress.js";
import { aggregateOf, toPerson } from "../src/core/interpreter/questions.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * Issue 25, "Leaders' questions" and "Chatter stays safe": read-only questions said in other words (how to use the bot,
 * the sender's own tasks, the next reminders, a task's history or status asked freely) are answered; questions put to a
 * colleague, money figures, other units' figures and plans, and urging are left alone. Each case is a kind, shown by
 * the corpus line that found it and by variants of our own.
 */

const REMINDER_16 =
  "【督办提醒】国保大队 · 2024-06-28\n请报送本期进展（1项）：\n🟡 任务16 强化维护国家安全智能应用 · 持续推进\n报送进展请发送：任务N进展:内容 60%";
const REMINDER_9 =
  "【督办提醒】刑侦大队 · 2024-06-28\n请报送本期进展（1项）：\n🟡 任务9 推动地方特色的实验室建设 · 持续推进\n报送进展请发送：任务N进展:内容 60%";
const STATUS_11 =
  "任务11：加强关键核心技术攻关\n牵头单位：治安大队、指挥情报中心\n责任单位：局属各单位\n完成时限：持续推进（长期任务）\n状态：🟡 需关注（尚无进展）";
const CONFIRMED_15 = "已记录任务15（创新发展公安政务服务应用）的第4条进展，进度40%";

describe("questions in other words and chatter that is not ours, through Bot.handle on a real SQLite file", () => {
  let app: TempApp;
  let seq = 0;
  const leader = { sender: "@juzhang:bureau.local", room: "!dm-juzhang", isDirect: true, mentionsBot: true };
  const officer = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const say = (text: string, who: object = officer, replyTo?: string) =>
    app.say(text, { ...who, eventId: `$ow${++seq}`, ...(replyTo ? { replyTo: { text: replyTo } } : {}) });
  /** Nothing said, nothing recorded, nothing asked. */
  const silent = async (text: string, who: object = officer, replyTo?: string) => {
    const before = await app.db.update.count();
    const r = await say(text, who, replyTo);
    expect({ text, replies: r.count }).toEqual({ text, replies: 0 });
    expect(await app.db.update.count()).toBe(before);
    expect(await app.db.pendingUpdate.count({ where: { eventId: `$ow${seq}` } })).toBe(0);
  };
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it("answers how to use the bot, asked in any words, in a group room too", async () => {
    for (const text of [
      "@督办 进展咋报 格式是啥 🤔",
      "怎么查某个任务的进度？",
      "请问怎样通过系统上报任务进展",
      "进度咋查啊",
      "這個進展咋報",
      "报进展的格式是什么样的",
    ])
      expect((await say(text)).text, text).toMatch(/^督办机器人跟踪计划任务的进展/);
    expect((await say("请问如何通过本系统查询某项任务的进展？", leader)).text).toMatch(/^督办机器人跟踪计划任务的进展/);
    // A form or a how-to with nothing of ours is the room's own business.
    expect((await say("請問怎麼查某個任務的進度")).text).toMatch(/^督办机器人跟踪计划任务的进展/);
    expect((await say("怎么样才能查到我们单位的任务")).text).toMatch(/^督办机器人跟踪计划任务的进展/);
    await silent("这个表格怎么填啊");
    await silent("这个平台能做什么");
    await silent("周报模板见附件，第3条请填写任务完成百分比。");
  });

  it("lists the sender's own unit's tasks when asked in any words, and says nothing to a statement about them", async () => {
    for (const text of [
      "偶们所有啥仁务啊 新来的 不太清楚",
      "请问我大队牵头的任务共有几项，完成时限分别是什么？",
      "咱们队都有啥任务",
      "请问本大队承担的任务有几项？",
    ])
      expect((await say(text)).text, text).toMatch(/^你所在单位（刑侦大队）牵头的任务/);
    expect((await say("偶们队有哪些人物")).text).toMatch(/^你所在单位（刑侦大队）牵头的任务/);
    expect((await say("俺们队牵头啥任务")).text).toMatch(/^你所在单位（刑侦大队）牵头的任务/);
    // Voice input, no punctuation.
    expect((await say("我们所里都有哪些任务啊我刚调过来")).text).toMatch(/^你所在单位（刑侦大队）牵头的任务/);
    await silent("我们所有任务都按时报了");
    expect((await say("我们单位牵头的事项有哪些")).text).toMatch(/^你所在单位（刑侦大队）牵头的任务/);
    // Today's duty is not the plan, nor are any other things of ours.
    await silent("我们今天有啥任务");
    await silent("我们所有啥活动吗");
    await silent("我们有啥事项要注意的吗");
    await silent("我们的任务都报完了");
  });

  it("previews the next reminders when asked whom they go to, even in reply to a reminder, but not about one already sent", async () => {
    expect((await say("请告知下一轮督办提醒将发送至哪些单位。", { ...leader, sender: "@kejiban:bureau.local" })).text).toMatch(/^下次提醒：/);
    expect((await say("下一次提醒会发给谁？我们大队联络人换了", officer, REMINDER_16)).text).toMatch(/^下次提醒：/);
    for (const text of ["催办会发给哪些单位？", "下回提醒发谁", "提醒会发给谁", "明天提醒都发给哪些单位", "本轮督办提醒什么时候发"])
      expect((await say(text)).text, text).toMatch(/^下次提醒：/);
    await silent("刚才那条督办提醒是发给我们的还是发错群了？");
    await silent("提醒收到了");
    // 提醒 as a verb asks a person to remind.
    await silent("明天提醒我开会好吗");
    await silent("下次提醒大家带证件吗");
  });

  it("answers what was reported on a task with its history, and whether it was reported with its status", async () => {
    expect((await say("关于第七项任务，此前各单位都报送过哪些进展情况？请逐条列出。", leader)).text).toBe("任务7还没有进展记录。");
    expect((await say("任务7此前报送过哪些进展", leader)).text).toBe("任务7还没有进展记录。");
    expect((await say("这是第几条了？前面的我看看", officer, CONFIRMED_15)).text).toMatch(/^任务15还没有进展记录|^任务15（/);
    expect((await say("前面几条我看一下", officer, CONFIRMED_15)).text).toMatch(/^任务15还没有进展记录|^任务15（/);
    // Whether it was reported at all: the status, which shows the latest.
    expect((await say("治安大队那边这个月报了没有？", leader, STATUS_11)).text).toMatch(/^任务11：/);
    expect((await say("任务11报了吗", leader)).text).toMatch(/^任务11：/);
  });

  it("answers a task's status asked as a request, tersely, or about two subjects at once", async () => {
    expect((await say("请将第十八项任务截至目前的推进情况报我。", leader)).text).toMatch(/^任务18：/);
    expect((await say("把任务18到现在的进展情况跟我说一下", leader)).text).toMatch(/^任务18：/);
    // The state asked for (近期推进情况) states no work done.
    expect((await say("请汇报一下任务九近期推进情况", leader)).text).toMatch(/^任务9：/);
    expect((await say("等保的进度", leader)).text).toMatch(/^任务25：/);
    expect((await say("等保的進度", leader)).text).toMatch(/^任务25：/);
    expect((await say("一网通办进展？", leader)).text).toMatch(/^任务15：/);
    const two = (await say("跟我说下一网通办现在的进度，还有移动警务那个", leader)).text;
    expect(two).toMatch(/^任务15：/);
    expect(two).toContain("任务20：");
    expect((await say("一网通办还有移动警务现在进度咋样", leader)).text).toContain("任务20：");
    const again = (await say("等保和一网通办的进度", leader)).text;
    expect(again).toContain("任务25：");
    expect(again).toContain("任务15：");
    // Who leads the task replied to, asked as a surprise: its status shows the lead units.
    expect((await say("这项不是指挥中心牵头吗，怎么提醒到我们这了？", { ...officer, sender: "@xu:bureau.local", room: "guobao" }, REMINDER_16)).text).toMatch(
      /^任务16：/,
    );
    // Voice input, no punctuation: 吗 followed by 为啥 is a question all the same.
    expect((await say("这项不是网安牵头的吗为啥提醒到我们这", { ...officer, sender: "@xu:bureau.local", room: "guobao" }, REMINDER_16)).text).toMatch(
      /^任务16：/,
    );
    await silent("等下我来报任务6的进展");
    await silent("今天的进展");
  });

  it("leaves a question put to a colleague alone, but still records a report that names one", async () => {
    await silent("@孙磊 任务9进展怎么样了，回我一下", { ...officer, sender: "@zhou:bureau.local", room: "wangan" });
    await silent("@张伟 T7 工作室门牌你问下做好没", { ...officer, sender: "@sun:bureau.local", room: "wangan" });
    await silent("@刘洋 任务6进度咋样了");
    await silent("王队，任务6怎么样了");
    await silent("刘哥 任务6到哪一步了");
    await silent("@王强 任务6的进度你问问");
    await silent("任务5进展咋样啊 @李明 你们报了没");
    // A question to the room is not a report, whatever 弄完 it holds.
    await silent("任务5还要多久能弄完啊 有谁清楚");
    await silent("仁务18 示范点牌子要做多大尺寸啊 有人知道不", { ...officer, sender: "@wu:bureau.local", room: "chengguan" });
    await silent("任务6 展板要做多大的 谁知道");
    // The bot mentioned as well (the transport takes its mention out of the text): the bot answers too.
    expect((await say("@孙磊 任务9进展怎么样了", { ...officer, mentionsBot: true })).text).toMatch(/^任务9：/);
    const r = await say("@科技办 任务6 已完成60%");
    expect(r.text).toContain("已记录任务6");
  });

  it("records no figure of money, and still records the work beside it", async () => {
    await silent("关于第十二项任务所需装备的采购经费，目前仅拨付百分之三十，其余部分待财政审批后拨付。", {
      ...officer,
      sender: "@ye2:bureau.local",
      room: "jingbao",
    });
    await silent("任务12 资金到位率百分之五十", { ...officer, sender: "@ye2:bureau.local", room: "jingbao" });
    await silent("任务12采购资金目前到位百分之四十", { ...officer, sender: "@ye2:bureau.local", room: "jingbao" });
    await silent("任务12设备款已付百分之七十", { ...officer, sender: "@ye2:bureau.local", room: "jingbao" });
    const r = await say("任务12 经费已到位，设备安装完成60%", { ...officer, sender: "@ye2:bureau.local", room: "jingbao" });
    expect(r.text).toContain("已记录任务12");
    const last = await app.db.update.findFirst({ orderBy: { id: "desc" } });
    expect(last?.percent).toBe(60);
  });

  it("records nothing when the sender says another unit does the work, or that nothing is new", async () => {
    await silent("实验室这块我们是配合，主要是网安在弄，我问下他们", officer, REMINDER_9);
    await silent("这事归网安管 我问问他们", officer, REMINDER_9);
    await silent("任务9我们是配合单位，主要是网安在弄");
    // 主要是我们在弄 says the sender's own unit does it (and 主要是 holds no 要是, no supposition): a report.
    expect((await say("这项主要是我们在弄 设备都装好了", officer, REMINDER_9)).text).toContain("已记录任务9");
    await silent("这个月无人机那块没什么新进展，下月一起报", { ...officer, sender: "@feng:bureau.local", room: "zhian" }, REMINDER_16);
    await silent("本月没啥新进展 下次一起报", officer, REMINDER_16);
  });

  it("does not answer a complaint about its own answer with the same answer again", async () => {
    // In a direct chat a message the bot does not take up gets the usual 没看懂 with examples; nothing else happens.
    for (const text of ["怎么一条进展都没有？", "为什么一点动静都没有"]) {
      const r = await say(text, leader, STATUS_11);
      expect(r.text, text).not.toContain("任务11");
    }
    expect(await app.db.update.count({ where: { task: { number: 11 } } })).toBe(0);
    await silent("怎么一条进展都没有？", officer, STATUS_11);
  });

  it("leaves other bodies' figures, routine statistics, plans and urging alone", async () => {
    await silent("上半年治安大队主要工作数据：\n1.查处治安案件312起，同比上升6%\n2.行政拘留87人\n3.检查重点单位146家次，隐患整改完成率100%", {
      ...officer,
      sender: "@feng:bureau.local",
      room: "zhian",
    });
    await silent("市局网安支队周报摘要：\n1. 全市等保测评完成率81%\n2. 关基设施排查完成3家\n供参考", {
      ...officer,
      sender: "@sun:bureau.local",
      room: "wangan",
    });
    await silent("省厅通报：全省等保测评完成率85%");
    await silent("国保大队下周计划\n1. 任务16：预警模块需求评审会（周二）\n2. 七一前后重点对象稳控\n3. 完成二季度台账归档，归档率要求100%", {
      ...officer,
      sender: "@you:bureau.local",
      room: "guobao",
    });
    await silent("下周工作安排\n1. 任务6：组织数字工匠评审\n2. 完成台账归档");
    await silent("任务25年底前要基本完成，这个节点不能误", { ...officer, sender: "@ye:bureau.local", room: "zhzx" });
    await silent("任务6务必在年底前完成");
    await silent("任务6在年底前必须完成 大家抓紧");
    await silent("下周安排：任务6组织评审；任务7挂牌");
    // Done work is still a report.
    expect((await say("任务6已基本完成")).text).toContain("已记录任务6");
  });

  it("does not take routine police work for a plan task's report by a few common words", async () => {
    await silent("本周安全生产检查发现隐患3处，已整改2处");
    await silent("本周消防安全检查发现隐患5处 已全部整改");
    await silent("上周查处治安案件14起，隐患排查完成");
    await silent("本月查处交通违法1200起 整治完成率95%");
    // The plan's own work, named by its subject, is still asked about.
    const r = await say("等保测评发现问题3处，已整改2处");
    expect(r.text).toContain("任务25");
    expect(await app.db.pendingUpdate.count({ where: { eventId: `$ow${seq}` } })).toBe(1);
  });
});

describe("the kinds, one function each", () => {
  it("names the aggregate a question asks for by its words", () => {
    expect(aggregateOf("下一次提醒会发给谁？")).toBe("reminders-preview");
    expect(aggregateOf("请告知下一轮督办提醒将发送至哪些单位。")).toBe("reminders-preview");
    expect(aggregateOf("刚才那条督办提醒是发给我们的还是发错群了？")).toBeNull();
    expect(aggregateOf("进展咋报")).toBe("help");
    expect(aggregateOf("这个表格怎么填")).toBeNull();
    expect(aggregateOf("偶们所有啥任务啊")).toBe("mine");
  });

  it("tells a message put to a colleague", () => {
    expect(toPerson("@孙磊 任务9进展怎么样了")).toBe("@孙磊");
    expect(toPerson("王队，任务6怎么样了")).toBe("王队，");
    expect(toPerson("示范点牌子要做多大 有人知道不")).toBe("有人知道不");
    expect(toPerson("@督办 任务6")).toBeNull();
    expect(toPerson("任务6怎么样了")).toBeNull();
  });

  it("hides a clause with a figure of money, not one with the work's", () => {
    expect(hideMoney("任务12经费仅拨付百分之三十")).not.toContain("三十");
    expect(hideMoney("经费已到位，设备安装完成60%")).toContain("60%");
    expect(hideMoney("电诈资金流研判工具获奖")).toBe("电诈资金流研判工具获奖");
  });

  it("finds another unit doing the work, a plan's heading, and figures not the plan's", () => {
    expect(othersDoIt("实验室这块我们是配合，主要是网安在弄")).toBe("我们是配合");
    expect(othersDoIt("我们配合网安完成了部署")).toBeNull();
    expect(plansHeading("国保大队下周计划\n1. 任务16：…")).toBe("国保大队下周计划");
    expect(plansHeading("本周工作\n1. 任务16：…")).toBeNull();
    expect(othersFigures("市局网安支队周报摘要：\n1. …")).not.toBeNull();
    expect(othersFigures("上半年治安大队主要工作数据：\n1.查处…")).not.toBeNull();
    expect(othersFigures("刑侦大队本周工作：\n1. 任务6 …")).toBeNull();
  });
});
