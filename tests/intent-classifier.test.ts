import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL_PATH, modelFile } from "../scripts/train-intents.js";
import { learnedLine } from "../src/cli/explain.js";
import { classifyIntent } from "../src/core/interpreter/intent-classifier.js";
import { loadCorpus } from "./corpus/load-corpus.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

// Issue 25, the learned signal: a naive Bayes over character n-grams, one signal among the rules, used only where the
// rules read nothing, the bot is addressed and the classifier is sure. Through Bot.handle on a real SQLite file.
const group = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
const mentioned = { ...group, mentionsBot: true };
const direct = { sender: "@zhang:bureau.local", room: "!dm-zhang", isDirect: true, mentionsBot: true };

/** Commands that change something: the classifier never runs them. */
const CHANGES = ["retract", "pause-reminders", "resume-reminders", "request-completion", "complete", "update"];

describe("the committed model", () => {
  it("is what scripts/train-intents.ts makes of the gated corpus (nobody edits it by hand)", () => {
    expect(readFileSync(MODEL_PATH, "utf8") === modelFile()).toBe(true);
  });

  it("stays small", () => {
    expect(readFileSync(MODEL_PATH, "utf8").length).toBeLessThan(400_000);
  });

  it("reads an intent with its probability, best first", () => {
    const [best, second] = classifyIntent("撤回撤回 手滑了");
    expect(best!.intent).toBe("retract");
    expect(best!.p).toBeGreaterThan(second!.p);
  });
});

describe("the learned signal in the bot", () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(() => app.dispose());

  it("offers the exact command for a withdrawal the rules miss, and withdraws nothing", async () => {
    await app.say("任务6进展：已推荐2名民警参加评选 40%", group);
    const before = await app.db.update.count();
    const r = await app.say("上一条报错了麻烦撤掉 任务6", direct);
    expect(r.text).toBe("您是想撤回您在任务6的最近一条进展吗？这类更改须由您本人发送命令：撤回 任务6");
    expect(await app.db.update.count()).toBe(before);
    expect(await app.db.update.count({ where: { retractedAt: { not: null } } })).toBe(0);
  });

  it("asks with the command form where the withdrawal names no task", async () => {
    // `撤回撤回 手滑了` owns a slip and is read by the rules (it takes back an update sent just now); a bare `撤回撤回` is not.
    const r = await app.say("撤回撤回", direct);
    expect(r.text).toBe("您是想撤回您在某项任务的最近一条进展吗？这类更改须由您本人发送命令：撤回 任务N");
  });

  it("never pauses reminders on its word: a pause said with a reason gets the command to send", async () => {
    const r = await app.say("督办 任务6的提醒先别发了 市局还没批", group);
    expect(r.text).toBe("您是想暂停任务6的提醒吗？这类更改须由您本人发送命令：暂停提醒 6 原因");
    expect((await app.bot.explain("任务6的提醒先别发了 市局还没批")).command).toBeNull();
  });

  it("answers a read-only question said in words the rules never saw", async () => {
    const r = await app.say("怎么给你报进度啊", direct);
    expect(r.text).toMatch(/^督办机器人跟踪计划任务的进展/);
    const i = await app.bot.explain("怎么给你报进度啊");
    expect(i.command).toBe("help");
    expect(i.learned?.used).toBe("answered");
  });

  it("answers more read-only questions in words the rules never saw: due soon, the next reminders", async () => {
    for (const [text, command] of [
      ["快到点的任务列一下", "due-soon"],
      ["明天会提醒哪些单位", "reminders-preview"],
    ] as const) {
      const i = await app.bot.explain(text);
      expect([i.command, i.learned?.used]).toEqual([command, "answered"]);
      expect((await app.say(text, direct)).text).not.toMatch(/^没看懂/);
    }
  });

  it("stays silent in a group room when the message is not addressed to the bot, whatever the classifier says", async () => {
    for (const text of ["撤回撤回", "怎么给你报进度啊", "任务6的提醒先别发了 市局还没批"]) expect((await app.say(text, group)).count).toBe(0);
  });

  it("answers a mention in a group room as a direct chat", async () => {
    expect((await app.say("撤回撤回", mentioned)).text).toMatch(/^您是想撤回/);
  });

  it("never routes the gated corpus's chatter, even addressed to the bot in a direct chat", async () => {
    const routed: string[] = [];
    for (const e of loadCorpus().filter((x) => x.intent === "none")) {
      const i = await app.bot.explain(e.text);
      if (i.learned?.used) routed.push(e.text);
    }
    expect(routed).toEqual([]);
  });

  it("never runs a command that changes something, nor records, on its own word", async () => {
    const ran: string[] = [];
    for (const e of loadCorpus()) {
      const i = await app.bot.explain(e.text);
      if (i.learned?.used === "answered" && CHANGES.includes(i.command ?? "")) ran.push(e.text);
    }
    expect(ran).toEqual([]);
  });

  it("shows in explain its best intents with their probabilities and whether it was used", async () => {
    const i = await app.bot.explain("撤回撤回");
    expect(learnedLine(i)).toMatch(/^学习信号 learned: retract [01]\.\d{3} · \S+ 0\.\d{3} · \S+ 0\.\d{3}（阈值 0\.96，已用：提示命令 suggested）$/);
    expect(i.cues.some((c) => c.startsWith("learned:retract@"))).toBe(true);
    const chatter = await app.bot.explain("今天天气不错");
    expect(learnedLine(chatter)).toMatch(/^学习信号 learned: none .*未用 not used）$/);
  });
});
