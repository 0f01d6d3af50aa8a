import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractPercent } from "../src/core/grammar.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * Issue 25, "Replies to the bot" and "Hedged figures", the fourth blind set: in reply to a reminder about one task, a
 * figure of where the whole stands (`目前五成左右`, `整体四成`), a completion said of the sender's share (`我们这块弄完了`),
 * and a report whose subject holds 目标 as a thing watched (`反恐重点目标预警模型…有进展`) are recorded as a clerk would;
 * a share of something (`目前三成的民警`) is no figure and a goal (`目标是年底前…`) no report.
 */

const reminder = (unit: string, n: number, title: string) =>
  `【督办提醒】${unit} · 2024-06-24\n请报送本月进展（1项）：\n⚪ 任务${n} ${title} · 持续推进\n报送进展请发送：任务N进展:内容 60%`;
const R6 = reminder("刑侦大队", 6, "培育“公安数字工匠”");
const R5 = reminder("城关派出所", 5, "遴选培育公安科技创新团队");
const R9 = reminder("网安大队", 9, "推动地方特色的实验室建设");
const R16 = reminder("巡特警反恐大队", 16, "强化维护国家安全智能应用");
const R13 = reminder("警务保障室", 13, "加强新技术创新整合应用");

describe("figures and completions in replies to a reminder, through Bot.handle on a real SQLite file", () => {
  let app: TempApp;
  let seq = 0;
  const officer = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const reply = (text: string, to: string) => app.say(text, { ...officer, eventId: `$rf${++seq}`, replyTo: { text: to } });
  const recorded = async (text: string, to: string, task: number, percent: number | null) => {
    const r = await reply(text, to);
    const rows = await app.db.update.findMany({ where: { eventId: `$rf${seq}` }, include: { task: { select: { number: true } } } });
    expect(
      rows.map((u) => [u.task.number, u.percent]),
      `${text} → ${r.text}`,
    ).toEqual([[task, percent]]);
  };
  const silent = async (text: string, to: string) => {
    const before = await app.db.update.count();
    const r = await reply(text, to);
    expect({ text, replies: r.count }).toEqual({ text, replies: 0 });
    expect(await app.db.update.count()).toBe(before);
    expect(await app.db.pendingUpdate.count({ where: { eventId: `$rf${seq}` } })).toBe(0);
  };
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it.each([
    ["目前五成左右", 50],
    ["整体四成", 40],
    ["整体有四成", 40],
    ["现在八成了", 80],
    ["总体算六成", 60],
    ["目前三成的民警已培训", null],
    ["整体三成的点位还没装", null],
  ])("reads where the whole stands: %s → %s", (text, value) => {
    expect(extractPercent(text)?.value ?? null).toBe(value);
  });

  it("records where the whole stands, said in tenths after 目前, 整体 or 总体", async () => {
    await recorded("已推荐两名民警参加市级评选，目前五成左右", R6, 6, 50);
    await recorded("6月进展：\n1. 实验室场地改造完毕\n2. 取证设备合同已签\n整体四成", R9, 9, 40);
    await recorded("场地改造完毕，总体有六成", R9, 9, 60);
    await recorded("民警培训开始了，目前三成的民警已培训", R6, 6, null);
  });

  it("records 100 when the sender says its own share is done", async () => {
    await recorded("创新团队材料报到市局了，我们这块弄完了", R5, 5, 100);
    await recorded("我所这边已经完成了", R5, 5, 100);
    // A step of the work done is no completion of the task.
    await recorded("我们初稿弄完了", R5, 5, null);
  });

  it("records a part of the goods delivered as a report with no figure, the rest still to come", async () => {
    await recorded("智能头盔到了三成，剩下的要等7月中旬才到", R13, 13, null);
    await recorded("设备到了三成，剩下的厂家说下个月才发货", R13, 13, null);
    await recorded("头盔到货一半了，其余的还在路上", R13, 13, null);
    await recorded("执法记录仪换了大半", R13, 13, null);
    // A part still to come, or people arriving, is no report.
    await silent("下个月到了三成再说", R13);
    await silent("预计月底到货一半", R13);
    await silent("参训民警到了三成，其他人下午到", R13);
  });

  it("reads 目标 as a thing watched, not a goal, in a reply that reports progress", async () => {
    await recorded("反恐重点目标预警模型在试运行，有进展，具体数据月底报", R16, 16, null);
    await recorded("重点目标视频监控已接入平台，进度七成", R16, 16, 70);
    await silent("目标是年底前全部建成", R16);
    await silent("局里定的目标是80%", R16);
  });
});
