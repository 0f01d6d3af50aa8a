import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * Issue 25, "Chatter stays safe", the fourth blind set: messages that hold task numbers, completion words and figures
 * but report nothing — an explanation of what a goal means, a figure the sender disowns or will check before reporting,
 * a draft sent to someone for review, a hand-made recap that defers to the system, a plan of next week's supervision, a
 * figure of money. Each kind shown by the corpus line that found it and by variants of our own, with the neighbours that
 * are reports and must still be recorded.
 */

const REMINDER_23 =
  "【督办提醒】指挥情报中心 · 2024-06-28\n请报送本月进展（1项）：\n⚪ 任务23 加快智能感知设备迭代升级 · 持续推进\n报送进展请发送：任务N进展:内容 60%";

describe("numbers and figures that report nothing, through Bot.handle on a real SQLite file", () => {
  let app: TempApp;
  let seq = 0;
  const officer = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const say = (text: string, replyTo?: string) => app.say(text, { ...officer, eventId: `$nr${++seq}`, ...(replyTo ? { replyTo: { text: replyTo } } : {}) });
  /** Nothing said, nothing recorded, nothing asked. */
  const silent = async (text: string, replyTo?: string) => {
    const before = await app.db.update.count();
    const r = await say(text, replyTo);
    expect({ text, replies: r.count }).toEqual({ text, replies: 0 });
    expect(await app.db.update.count()).toBe(before);
    expect(await app.db.pendingUpdate.count({ where: { eventId: `$nr${seq}` } })).toBe(0);
  };
  /** Recorded at once on `task` with `percent`. */
  const recorded = async (text: string, task: number, percent: number | null) => {
    const before = await app.db.update.count();
    const r = await say(text);
    expect(r.text, text).toMatch(new RegExp(`^已记录任务${task}（`));
    if (percent === null) expect(r.text, text).not.toMatch(/进度\d+%/);
    else expect(r.text, text).toContain(`进度${percent}%`);
    expect(await app.db.update.count()).toBe(before + 1);
  };
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it("leaves an explanation of what a goal means alone, whatever completion word it quotes", async () => {
    await silent("特此说明：任务二十五中“二〇二四年底前基本完成”是指等保定级备案工作，测评整改为持续推进事项。");
    await silent("任务6里说的完成指的是两名民警都通过市局评审");
    await silent("说明一下，任务12的60%意思是单警装备配发率");
    await silent("需要说明的是，第十九项任务“基本建成”应理解为主干网络建成");
    // 说明 as the heading of a report is still a report.
    await recorded("情况说明：任务6两名民警通过市局初审，进度60%", 6, 60);
  });

  it("leaves a figure the sender disowns, or will check before reporting, alone", async () => {
    await silent("各位，上周汇总表里任务20那一栏的65%是上月数字，我这周重新核一下再报。");
    await silent("任务20的65%是上个月的，核实后再报");
    await silent("任务12那个40%不对，我确认一下再报");
    await silent("任务9 等设备到了再报");
    await silent("冯，月报第三条的92%是应接尽接率不是进度，下次分开写清楚。");
    await silent("8月份招标完了再报", REMINDER_23);
    await silent("等方案定了再上报", REMINDER_23);
    // Work reported beside the put-off part is still reported.
    await recorded("任务20 之前报的是上月数字，现在进度70%", 20, 70);
    await recorded("任务6已完成60%，剩下的等设备到了再报", 6, 60);
    await recorded("任务9 场地改造完毕 进度40%，具体材料下周再细报", 9, 40);
  });

  it("leaves a draft sent to someone for review alone, but not a report that ends 请审阅 nor work on a draft", async () => {
    await silent("@沈大 本周周报我先发您过目，改好了再发群里：\n1.酒驾12起\n2.任务15 新增事项4项\n3.事故下降6%");
    await silent("@王 任务6、任务9的进展先发给你看看，没问题我再报：\n任务6 60%\n任务9 30%");
    await silent("周报先给领导看一下，定好了再发：\n1. 任务12 执法记录仪换装完毕\n2. 任务13 头盔到货");
    await recorded("各位领导：任务17申报材料已于本月完成，相关文件已归档，请审阅", 17, null);
    await recorded("任务5 创新团队申报材料已完成初稿，约四成", 5, 40);
  });

  it("leaves a hand-made recap that defers to the system's record alone", async () => {
    await silent("附：6月任务进度统计表（手工版）\n任务19 90%\n任务20 65%\n任务21 50%\n有出入的以督办系统记录为准。");
    await silent("6月进度手工汇总如下：\n任务6 60%\n任务9 30%\n如有出入，以系统为准");
    await silent("任务19 90% 任务20 65%，仅作核对用，以台账记录为准");
  });

  it("leaves a plan of next week's supervision alone, whatever words sit between 下周 and 安排", async () => {
    await silent("下周督办工作安排：\n1. 周一汇总6月进展\n2. 周三中期推进会\n3. 周五前对任务1、任务2办结材料进行审核");
    await silent("下月科技兴警工作计划：\n1. 任务6完成市局复审\n2. 任务9实验室设备到位");
    await recorded("本周工作情况：\n1. 任务6两名民警通过市局初审 60%", 6, 60);
  });

  it("leaves a query called off in a direct chat alone, but answers one asked", async () => {
    const leader = { sender: "@juzhang:bureau.local", room: "!dm-juzhang-nr", isDirect: true, mentionsBot: true };
    for (const text of ["任务13先不用查了，我下午当面问叶主任", "任务13不必再查了", "任务6先不用报了，等我通知"]) {
      const r = await app.say(text, { ...leader, eventId: `$nr${++seq}` });
      // No status offered nor given: at most the direct chat's 没看懂 with examples.
      expect({ text, reply: r.text }).not.toEqual({ text, reply: expect.stringMatching(/您是想查看|状态：|牵头单位/) });
    }
    const r = await app.say("任务13查一下", { ...leader, eventId: `$nr${++seq}` });
    expect(r.text).toMatch(/任务13/);
  });

  it("reads no figure of money as a report on a task named by its subject", async () => {
    await silent("单警装备今年的预算只剩40%了，下半年省着点花");
    await silent("无人机管控的经费只拨付了三成，其余待财政审批");
    // A figure of the work, named by its subject, is still asked about.
    const r = await say("单警装备配发进度七成了");
    expect(r.text).toMatch(/任务12/);
    expect(await app.db.pendingUpdate.count({ where: { eventId: `$nr${seq}` } })).toBe(1);
  });
});
