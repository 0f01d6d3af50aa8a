import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

// Issue 25, "Ask instead of giving up": through Bot.handle on a real SQLite file, with the bundled plan.
const group = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
const mentioned = { ...group, mentionsBot: true };
const direct = { sender: "@juzhang:bureau.local", room: "!dm-juzhang", isDirect: true, mentionsBot: true };

describe("没看懂 with the examples closest to what was written", () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(() => app.dispose());

  it("answers an addressed message it cannot read with three close examples and a pointer to 帮助", async () => {
    const r = await app.say("督办 逾期没弄完的那些都给我汇总一下吧", group);
    const lines = r.text.split("\n");
    expect(lines[0]).toBe("没看懂这条消息。可以这样写：");
    expect(lines.slice(1, 4)).toHaveLength(3);
    expect(lines.slice(1, 4).every((l) => l.startsWith("• "))).toBe(true);
    // The overdue list comes first: 逾期 is what the text shares with it.
    expect(lines[1]).toMatch(/逾期/);
    expect(lines[4]).toBe("发送“帮助”查看用法。");
  });

  it("shows the usual examples when nothing in the catalogue is close", async () => {
    const r = await app.say("督办 今天天气不错", group);
    expect(r.text).toBe("没看懂这条消息。可以这样写：\n• 任务6\n• 总览\n• 任务6进展:完成初审 60%\n发送“帮助”查看用法。");
  });

  it("gives the same answer to the same text, in a direct chat too", async () => {
    const a = await app.say("最近咋没动静了", direct);
    const b = await app.say("最近咋没动静了", direct);
    expect(a.text).toMatch(/^没看懂这条消息/);
    expect(b.text).toBe(a.text);
  });

  it("stays silent on chatter in a group room that is not addressed to the bot", async () => {
    expect((await app.say("今天天气不错", group)).count).toBe(0);
    expect((await app.say("逾期没弄完的那些都给我汇总一下吧", group)).count).toBe(0);
  });

  it("answers in English with English examples when DUBAN_LANG=en, and asks in English", async () => {
    const en = await tempApp({ env: { DUBAN_LANG: "en" } });
    try {
      const r = await en.say("督办 show me the overdue ones please", group);
      const lines = r.text.split("\n");
      expect(lines[0]).toBe("I did not understand that. Messages like these work:");
      expect(lines[1]).toMatch(/overdue/);
      expect(lines.slice(1, 4).join(" ")).not.toMatch(/[\u4e00-\u9fff]/u);
      expect(lines[4]).toBe('Send "help" for everything I can do.');
      expect((await en.say("督办 任务6 材料", group)).text.split("\n")[0]).toBe('Did you mean the status of task 6 (培育“公安数字工匠”)? Reply "yes"');
    } finally {
      await en.dispose();
    }
  });
});

describe("a message addressed to the bot that names a task but says too little is asked about (two-stage fallback)", () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(() => app.dispose());

  const nothingStored = async () => {
    expect(await app.db.update.count()).toBe(0);
  };

  it("asks `督办 任务6 材料` with its best guess and answers the status on 是, recording nothing", async () => {
    const r = await app.say("督办 任务6 材料", group);
    expect(r.text.split("\n")[0]).toBe("您是想查看任务6（培育“公安数字工匠”）的进度吗？回复“是”");
    // Other commands about the task, close to what was written: its evidence (佐证材料).
    expect(r.text).toMatch(/也可以发送：.*佐证材料 6/);
    const pending = await app.db.pendingUpdate.findMany({ where: { room: "xingzhen" } });
    expect(pending.map((p) => [p.kind, p.candidates])).toEqual([["status", "[6]"]]);
    const answer = await app.say("是", group);
    expect(answer.text).toMatch(/^任务6：培育“公安数字工匠”/);
    await nothingStored();
  });

  it("asks a message that mentions the bot (a mention pill) the same way, and a 👍 answers it", async () => {
    const r = await app.say("任务12 设备", mentioned);
    expect(r.text.split("\n")[0]).toBe("您是想查看任务12（推动智慧单警装备体系化建设和规模化应用）的进度吗？回复“是”");
    expect((await app.say("👍", group)).text).toMatch(/^任务12：/);
    await nothingStored();
  });

  it("takes a 👍 reaction from the asker on Matrix as 是, and ignores anyone else's", async () => {
    await app.bot.handle({ transport: "test", eventId: "$ask-react", text: "督办 任务9 场地", ...group });
    const react = (sender: string, id: string) =>
      app.bot.handle({ transport: "test", kind: "reaction", eventId: id, targetEventId: "$ask-react", text: "👍", ...group, sender });
    expect((await react("@sun:bureau.local", "$r1")).replies).toEqual([]);
    expect((await react(group.sender, "$r2")).replies[0]?.text).toMatch(/^任务9：/);
    await nothingStored();
  });

  it("reads `6号那个` in a direct chat as a guess at task 6, and a number offered answers it", async () => {
    const r = await app.say("6号那个", direct);
    expect(r.text).toBe("您是想查看任务6（培育“公安数字工匠”）的进度吗？回复“是”");
    expect((await app.say("6", direct)).text).toMatch(/^任务6：/);
    await nothingStored();
  });

  it("leaves the question alone on anything else, and a 否 drops it", async () => {
    await app.say("督办 任务7 材料", group);
    expect((await app.say("今天天气不错", group)).count).toBe(0);
    expect((await app.say("否", group)).text).toBe("好的。");
    const open = await app.db.pendingUpdate.findMany({ where: { room: "xingzhen", resolution: null } });
    expect(open).toEqual([]);
  });

  it("never asks about chatter in a group room that is not addressed to the bot", async () => {
    for (const text of ["任务6 材料", "6号那个", "任务6的材料在哪"]) expect((await app.say(text, group)).count).toBe(0);
    expect(await app.db.pendingUpdate.count({ where: { room: "xingzhen", text: { in: ["任务6 材料", "6号那个", "任务6的材料在哪"] } } })).toBe(0);
    await nothingStored();
  });

  it("does not guess at a task the plan does not have: 没看懂 with examples instead", async () => {
    expect((await app.say("督办 任务30 材料", group)).text).toMatch(/^没看懂这条消息/);
  });

  it("does not turn a message that says it reports nothing into a question", async () => {
    expect((await app.say("上个月报的任务14是30%，这个月先不报了", direct)).text).toMatch(/^没看懂这条消息/);
  });

  it("shows in explain the cue that led to the question", async () => {
    const i = await app.bot.explain("督办 任务6 材料");
    expect(i).toMatchObject({ command: "status", confidence: "likely", tasks: [6], args: { ask: true } });
    expect(i.cues).toContain("ask-instead:任务N→6");
    expect((await app.bot.explain("6号那个")).cues).toContain("ask-instead:N号→6");
  });
});
