import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

// Issue 25, "Ask instead of giving up": through Bot.handle on a real SQLite file, with the bundled plan.
const group = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
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
    expect(lines[4]).toBe("发送“帮助”查看全部用法。");
  });

  it("shows the usual examples when nothing in the catalogue is close", async () => {
    const r = await app.say("督办 今天天气不错", group);
    expect(r.text).toBe("没看懂这条消息。可以这样写：\n• 任务6\n• 总览\n• 任务6进展:完成初审 60%\n发送“帮助”查看全部用法。");
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

  it("answers in English with English examples when DUBAN_LANG=en", async () => {
    const en = await tempApp({ env: { DUBAN_LANG: "en" } });
    try {
      const r = await en.say("督办 show me the overdue ones please", group);
      const lines = r.text.split("\n");
      expect(lines[0]).toBe("I did not understand that. Messages like these work:");
      expect(lines[1]).toMatch(/overdue/);
      expect(lines.slice(1, 4).join(" ")).not.toMatch(/[\u4e00-\u9fff]/u);
      expect(lines[4]).toBe('Send "help" for everything I can do.');
    } finally {
      await en.dispose();
    }
  });
});
