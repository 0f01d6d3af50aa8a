import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLexicon, subjectAliases, subjectHits, unitAliases, unitHit } from "../src/core/interpreter/lexicon.js";
import { isAsked, questionSignals } from "../src/core/interpreter/questions.js";
import { courtesyOf } from "../src/core/pipeline/courtesy.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", "plans", name), "utf8");
const bundled = () => parsePlan(readFileSync(join(import.meta.dirname, "..", "src", "plan", "bundled", "mingxi-2023-2025.txt"), "utf8"));

describe("a lexicon derived from the plan and the directory (issue 25)", () => {
  it("shortens unit names the way officials do: without the suffix, a two-word stem split, first characters", () => {
    expect(unitAliases("交警大队")).toEqual(expect.arrayContaining(["交警", "交警队"]));
    expect(unitAliases("指挥情报中心")).toEqual(expect.arrayContaining(["指挥中心", "情报中心"]));
    expect(unitAliases("警务保障室")).toEqual(expect.arrayContaining(["警保室", "警保"]));
    expect(unitAliases("巡特警反恐大队")).toEqual(expect.arrayContaining(["巡特警"]));
    expect(unitAliases("城关派出所")).toEqual(expect.arrayContaining(["城关所"]));
  });

  it("abbreviates subjects by the first character of each word, and leaves a middle word out", () => {
    expect(subjectAliases("严格落实国家网络安全等级保护制度")).toEqual(expect.arrayContaining(["网安", "等保"]));
    expect(subjectAliases("推广移动警务终端")).toEqual(expect.arrayContaining(["移动警务终端", "移动终端"]));
    expect(subjectAliases("培育“公安数字工匠”")).toEqual(expect.arrayContaining(["公安数字工匠", "数字工匠"]));
  });

  it("works on the bundled plan: 等保 is task 25, 一网通办 task 15, 交警队 the 交警大队", () => {
    const plan = bundled();
    const lexicon = buildLexicon(plan.tasks, [
      { name: "交警大队", aliases: ["交警"] },
      { name: "科技办", aliases: [] },
    ]);
    expect(subjectHits(lexicon, "等保测评做完了没有")[0]).toEqual(["等保", [25]]);
    expect(subjectHits(lexicon, "一网通办推进得怎么样")[0]).toEqual(["一网通办", [15]]);
    // 数字工匠 is task 6's; task 7 (数字工匠创新工作室) does not take it as a leading-words short name.
    expect(subjectHits(lexicon, "数字工匠现在培养出几个了")[0]).toEqual(["数字工匠", [6]]);
    expect(unitHit(lexicon, "交警队负责哪些")).toEqual(["交警队", "交警大队"]);
    // 科技 (from 科技办) is a word of half the plan's titles: it names no unit.
    expect(unitHit(lexicon, "科技兴警这些任务的整体情况")).toBeNull();
  });

  it("works on other bureaus' plans, never written for them (泰宁, 清流)", () => {
    const taining = parsePlan(fixture("taining-zhihui.txt"));
    const units = [...new Set(taining.tasks.flatMap((t) => t.leadUnits))].map((name) => ({ name, aliases: [] }));
    const lexicon = buildLexicon(taining.tasks, units);
    expect(subjectHits(lexicon, "视频专网扩容到哪一步了").map(([, t]) => t)).toContainEqual([1]);
    expect(subjectHits(lexicon, "执法办案管理中心那块怎么样").map(([, t]) => t)).toContainEqual([4]);
    expect(unitHit(lexicon, "法制那边的几项")).toEqual(["法制", "法制大队"]);
    const qingliu = parsePlan(fixture("qingliu-fengqiao.txt"));
    const q = buildLexicon(qingliu.tasks, [{ name: "治安大队", aliases: [] }]);
    expect(subjectHits(q, "一窗通办试点怎么样了").map(([, t]) => t)).toContainEqual([4]);
    expect(unitHit(q, "治安的任务")).toEqual(["治安", "治安大队"]);
  });
});

describe("questions by evidence", () => {
  it("scores question forms and asking words, and counts talk to people and stated figures against", () => {
    const dm = { direct: true };
    expect(isAsked(questionSignals("麻烦帮我查一下任务20现在到什么程度了，谢谢", dm), dm)).toBe(true);
    expect(isAsked(questionSignals("那任务7呢？", dm), dm)).toBe(true);
    // In a group room a bare question form is the room's own question; an asking word about progress is for the bot.
    expect(isAsked(questionSignals("那任务7呢？"))).toBe(false);
    expect(isAsked(questionSignals("任务7进展如何"))).toBe(true);
    expect(isAsked(questionSignals("叶主任，你看下任务21、22年底前能不能弄完", { direct: false }))).toBe(false);
    expect(isAsked(questionSignals("任务6完成率才40%，刑侦、网安要加把劲"))).toBe(false);
    expect(isAsked(questionSignals("刘洋，任务6你抓一下"))).toBe(false);
  });

  it("answers courtesy in a direct chat, and acknowledgements with nothing", () => {
    expect(courtesyOf("多谢")).toBe("thanks");
    expect(courtesyOf("谢谢，辛苦了！")).toBe("thanks");
    expect(courtesyOf("好的")).toBe("ack");
    expect(courtesyOf("收到，知道了")).toBe("ack");
    // A greeting is not an acknowledgement: the direct chat answers it with the usage hint (tests/e2e/matrix-encrypted.test.ts).
    expect(courtesyOf("你好")).toBeNull();
    expect(courtesyOf("您好！")).toBeNull();
    expect(courtesyOf("谢谢，任务6怎么样了")).toBeNull();
  });
});

describe("leaders' questions through the bot, on a real SQLite file", () => {
  let app: TempApp;
  let seq = 0;
  const direct = { sender: "@juzhang:bureau.local", room: "!dm-juzhang", isDirect: true, mentionsBot: true };
  const group = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const ask = (text: string, who = direct) => app.say(text, { ...who, eventId: `$q${++seq}` });
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it("answers questions with extra words and politeness about a numbered task", async () => {
    expect((await ask("麻烦帮我查一下任务20现在到什么程度了，谢谢")).text).toContain("任务20");
    expect((await ask("请报告任务十二目前的推进情况。")).text).toContain("任务12");
    expect((await ask("那任务7呢？")).text).toContain("任务7");
    const done = await ask("任务19算完成了吗？");
    expect(done.text).toContain("任务19");
    expect(done.text).not.toContain("已记录");
    expect(await app.db.update.count()).toBe(0);
  });

  it("answers a question by subject or abbreviation when one task fits, and asks with guesses when several do", async () => {
    expect((await ask("等保测评做完了没有")).text).toContain("任务25");
    expect((await ask("一网通办推进得怎么样")).text).toContain("任务15");
    expect((await ask("创新团队报上去没")).text).toContain("任务5");
    const which = await ask("无人机那一块现在怎么样了");
    expect(which.text).toBe("您是想查看：任务11（加强关键核心技术攻关）、任务13（加强新技术创新整合应用）的进度吗？回复“是”或编号");
    // 是 answers with the first guess, a number with the one chosen; then the question is closed.
    expect((await ask("是")).text).toMatch(/^任务11：加强关键核心技术攻关/);
    expect((await ask("是")).text).not.toContain("任务11");
    await ask("无人机那一块现在怎么样了");
    expect((await ask("13")).text).toMatch(/^任务13：加强新技术创新整合应用/);
    await ask("无人机那一块现在怎么样了");
    expect((await ask("否")).text).toBe("好的。");
    expect(await app.db.update.count()).toBe(0);
  });

  it("understands unit nicknames, derived and from the directory", async () => {
    expect((await ask("出入境那边怎么样")).text).toContain("出入境大队牵头的任务");
    expect((await ask("巡特警的几项进展如何")).text).toContain("巡特警反恐大队牵头的任务");
    expect((await ask("交警队负责哪些")).text).toContain("交警大队牵头的任务");
    expect((await ask("指挥中心牵头的那么多项，哪些还没动？")).text).toContain("指挥情报中心牵头的任务");
  });

  it("answers aggregates: due before the year's end, the overview, and the new 未报送", async () => {
    // To the year's end (2024-12-31 on the test clock of 2024-06-30), not the 14-day warning window.
    const yearEnd = await ask("年底前要完成的还有几个");
    expect(yearEnd.text).toMatch(/^2024-12-31前到期、尚未完成的任务（\d+项）：/);
    expect(yearEnd.text).toContain("任务4");
    expect((await ask("总体进展怎么样了")).text).toContain("总览");
    const silent = await ask("本月还有谁没交进展");
    expect(silent.text).toMatch(/^本报送周期（\d{4}-\d{2}-\d{2}以来）未报送进展的牵头单位（\d+个）：/);
    expect(silent.text).toMatch(/• 指挥情报中心：任务1、2/);
    expect((await ask("未报送")).text).toContain("未报送进展的牵头单位");
  });

  it("answers 多谢 and 辛苦了 in a direct chat, says nothing to 好的, and stays silent in a group room", async () => {
    expect((await ask("多谢")).text).toBe("不客气，有需要随时找我。");
    expect((await ask("辛苦了")).text).toBe("不客气，有需要随时找我。");
    expect((await ask("好的")).count).toBe(0);
    expect((await ask("辛苦了", group)).count).toBe(0);
  });

  it("stays silent on talk to people in a group room, and records nothing", async () => {
    expect((await ask("刘洋，任务6你抓一下，下周给我个说法", group)).count).toBe(0);
    expect((await ask("巡特警那几项我下午亲自过去看看", group)).count).toBe(0);
    expect((await ask("一网通办的咨询电话转到交警那边了吗？", group)).count).toBe(0);
    expect(await app.db.update.count()).toBe(0);
  });
});
