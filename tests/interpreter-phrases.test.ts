import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildLexicon, subjectSoundHits, unitSoundHit } from "../src/core/interpreter/lexicon.js";
import { soundsLike } from "../src/core/interpreter/normalise.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * Phrasings of the blind set (issue 25) that named no command word the rules knew: the office's instructions with no
 * task, a retraction with 刚才, completion and hedged words, aggregates and unit nicknames asked in other words.
 */
describe("phrasings officers, leaders and the office write (issue 25's blind set)", () => {
  let app: TempApp;
  let seq = 0;
  const office = { sender: "@kejiban:bureau.local", room: "!dm-kejiban", isDirect: true, mentionsBot: true };
  const officeRoom = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: false, mentionsBot: false };
  const leader = { sender: "@juzhang:bureau.local", room: "!dm-juzhang", isDirect: true, mentionsBot: true };
  const officer = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const handle = (text: string, who: typeof office) => app.bot.handle({ transport: "test", eventId: `$p${++seq}`, text, ...who });
  const say = async (text: string, who: typeof office) => (await handle(text, who)).replies.map((r) => r.text).join("\n");
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it("asks the office which tasks when it pauses reminders without naming one, and pauses nothing", async () => {
    const r = await handle("这周局里集中整训，提醒先停一下", office);
    expect(r.interpretation?.command).toBe("pause-reminders");
    expect(r.replies[0]!.text).toBe("暂停哪些任务的提醒？请写任务编号和原因，例如：暂停提醒 6、7 这周局里集中整训");
    expect((await handle("先暂停一下所有提醒，国庆后再恢复", officeRoom)).interpretation?.command).toBe("pause-reminders");
    expect((await handle("提醒先停一下 國慶後再開", office)).interpretation?.command).toBe("pause-reminders");
    expect((await app.db.task.findMany({ where: { remindersPaused: true } })).length).toBe(0);
  });

  it("shows the office the paused tasks when it resumes reminders without naming one", async () => {
    expect(await say("提醒恢复吧", office)).toBe("目前没有暂停提醒的任务。");
    expect(await say("任务3先暂停提醒，等市局联席会议的通知再说", office)).toBe("已暂停任务3的提醒。原因：等市局联席会议的通知再说");
    expect(await say("提醒恢复吧", office)).toBe("目前暂停提醒的任务：任务3（等市局联席会议的通知再说）。恢复哪些？例如：恢复提醒 6");
    expect(await say("恢复提醒 3", office)).toBe("已恢复任务3的提醒。");
  });

  it("leaves these words alone from anyone but the office, and in other senses", async () => {
    expect((await handle("提醒先停一下", officer)).replies).toHaveLength(0);
    // A leader's word said to the bot is read as the pause (issue 25, commands in other words); only the office pauses.
    expect((await handle("提醒先停一下", leader)).interpretation?.command).toBe("pause-reminders");
    expect(await app.db.task.count({ where: { remindersPaused: true } })).toBe(0);
    expect((await handle("提醒停车的事", office)).interpretation?.command ?? null).toBeNull();
    expect((await handle("提醒先停了吗", office)).interpretation?.command ?? null).toBeNull();
  });

  it("retracts the update named with 刚才 and 那条, in traditional characters with T6", async () => {
    await say("任务6进展：推荐3名民警参加评选，完成40%", officer);
    const r = await handle("撤回剛才T6那條 報錯了", officer);
    expect(r.interpretation?.command).toBe("retract");
    expect(r.interpretation?.tasks).toEqual([6]);
    expect(await app.db.update.count({ where: { retractedAt: null } })).toBe(0);
  });

  it("answers the reminders preview, due-before-the-year's-end and a unit asked with 有什么 / 有啥", async () => {
    expect(await say("下一轮提醒会发给哪些单位，先给我看看", office)).toMatch(/^下次提醒：2024-07-01 09:00/);
    expect(await say("今年底前要交的有啥", leader)).toMatch(/^2024-12-31前到期、尚未完成的任务/);
    expect(await say("國保那邊有什麼任務", leader)).toMatch(/^国保大队牵头的任务/);
    // 有什么问题 asks nothing of the bot.
    expect((await handle("国保那边有什么问题", officer)).replies).toHaveLength(0);
  });

  it("takes a unit's short name framed as a unit (网安的任务) as the unit, though a task's title holds it too", async () => {
    expect(await say("網安的任務咋樣了", leader)).toMatch(/^网安大队牵头的任务/);
    expect(await say("网安那项怎么样了", leader)).toMatch(/^任务25：/);
  });

  it("reads 可以办结了 from the office as 办结 (which asks its reason), and from an officer as a report of 100%", async () => {
    const office1 = await handle("T1 可以辦結了", office);
    expect(office1.interpretation?.command).toBe("complete");
    expect(office1.replies[0]!.text).toBe("请写明理由，例如：办结 1 市局已验收。未作任何更改。");
    expect((await handle("把第1项标记为已完成", officeRoom)).interpretation?.command).toBe("complete");
    expect((await app.db.task.findFirst({ where: { number: 1 } }))?.completedAt ?? null).toBeNull();
    const officer4 = await handle("任务4可以办结了", officer);
    expect(officer4.interpretation?.command).toBe("update");
    expect(officer4.interpretation?.percent).toBe(100);
  });

  it("leaves talk of the chat group, of where files are, and a file's name alone", async () => {
    for (const text of ["任务6的群建好了，拉你们进去", "task 6 docs are in the shared drive", "任务6进展情况汇总表（6月）.xlsx"]) {
      const r = await handle(text, officer);
      expect(r.interpretation?.command ?? null, text).toBeNull();
      expect(r.replies, text).toHaveLength(0);
    }
    expect(await app.db.pendingUpdate.count()).toBe(0);
  });

  it("reads 无新进展 as a statement (asked about as a report), and 有没有新进展 as a question", async () => {
    const none = await handle("第20项任务 本周无新进展，等市局终端到货", { ...officer, sender: "@liu:bureau.local", room: "zhzx" });
    expect(none.interpretation?.command).toBe("update");
    expect(none.interpretation?.confidence).toBe("likely");
    expect((await handle("任务20有没有新进展", leader)).interpretation?.command).toBe("status");
  });

  it("takes a list headed 本周任务 for work to do, and records nothing", async () => {
    const list = "本周任务：\n1.迎接市局检查\n2.完成平安建设满意度电话测评，目标满意率95%以上\n3.落实夏季治安打击整治";
    const r = await handle(list, { ...officer, sender: "@chu:bureau.local", room: "zhian" });
    expect(r.replies).toHaveLength(0);
    expect(await app.db.pendingUpdate.count({ where: { eventId: `$p${seq}` } })).toBe(0);
  });

  it("records a report on one task and leaves out the task that only waits (；任务6还在等市局通知)", async () => {
    const r = await handle("任务4：一名民警入选市级领军人才候选名单，进度60%；任务6还在等市局通知", officer);
    expect(r.interpretation?.tasks).toEqual([4]);
    const stored = await app.db.update.findMany({ where: { eventId: { startsWith: `$p${seq}` } }, include: { task: true } });
    expect(stored.map((u) => [u.task.number, u.percent])).toEqual([[4, 60]]);
  });

  it("answers a question whose subject or unit voice input wrote as it sounds (等宝 for 等保, 行政大队 for 刑侦大队)", async () => {
    const r = await handle("那个等宝测评的事情 现在到哪一步了", leader);
    expect(r.interpretation?.tasks).toEqual([25]);
    expect(r.interpretation?.cues).toContain("subject:25(≈等宝=等保) 6");
    expect(r.replies[0]!.text).toMatch(/^任务25：/);
    expect(await say("行政大队的任务怎么样了", leader)).toMatch(/^刑侦大队牵头的任务/);
    // Not a question: nothing is answered, whatever it sounds like.
    expect((await handle("等宝的材料我放桌上了", officer)).replies).toHaveLength(0);
  });

  it("asks about a report by subject that a step was settled (實驗室那個 場地定了), and leaves 时间定了 alone", async () => {
    const r = await handle("實驗室那個 場地定了", { ...officer, sender: "@sun:bureau.local", room: "wangan" });
    expect(r.interpretation?.confidence).toBe("likely");
    expect(r.interpretation?.tasks[0]).toBe(9);
    expect((await handle("时间定了，周三下午开会", officer)).replies).toHaveLength(0);
  });

  it("answers a question about deadlines in a year already over with the overdue tasks, and this year's with due-soon", async () => {
    expect((await handle("2023年底到期的还有哪些没完成", leader)).interpretation?.command).toBe("overdue");
    expect((await handle("去年底到期的有哪些", leader)).interpretation?.command).toBe("overdue");
    expect((await handle("2024年底到期的还有哪些", leader)).interpretation?.command).toBe("due-soon");
  });
});

describe("sound-alike names, derived from any plan", () => {
  it("hears a homophone keeping one character of a short name, and a unit with -n/-ng blurred and its suffix as written", () => {
    expect(soundsLike("等宝", "等保")).toBe(true);
    expect(soundsLike("行政", "刑侦")).toBe(false);
    expect(soundsLike("行政", "刑侦", true)).toBe(true);
    const taining = parsePlan(readFileSync(join(import.meta.dirname, "fixtures", "plans", "taining-zhihui.txt"), "utf8"));
    const lexicon = buildLexicon(taining.tasks, [{ name: "法制大队", aliases: [] }]);
    // 执法办案 is a short name of 泰宁's task 4: heard as 执法半案 it is still found, and plain talk names nothing.
    expect(subjectSoundHits(lexicon, "执法半案那块到哪一步了").map(([h, a]) => [h, a])).toContainEqual(["执法半案", "执法办案"]);
    expect(subjectSoundHits(lexicon, "今天天气不错")).toEqual([]);
    expect(unitSoundHit(lexicon, "法治大队那边怎么样")).toEqual(["法治大队", "法制大队"]);
    expect(unitSoundHit(lexicon, "法制大队那边怎么样")).toBeNull();
  });
});
