import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { closestExamples, exampleCatalogue, grams } from "../src/core/example-catalogue.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

// The examples shown with "没看懂" (issue 25, "Ask instead of giving up").
const zh = exampleCatalogue(commands, "zh");
const en = exampleCatalogue(commands, "en");
const commandOf = (text: string) => zh.examples.find((e) => e.text === text)?.command ?? en.examples.find((e) => e.text === text)?.command;

describe("the example catalogue", () => {
  it("is built once per command list and language", () => {
    expect(exampleCatalogue(commands, "zh")).toBe(zh);
    expect(exampleCatalogue(commands, "en")).toBe(en);
  });

  it("draws on the commands' own examples, in one language each, and leaves the office's decisions out", () => {
    const texts = zh.examples.map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(["任务6", "逾期", "任务6历史", "任务6佐证", "申请办结 6 两名民警已入选市级数字工匠", "任务6 过半"]));
    expect(texts.every((t) => /[\u4e00-\u9fff]/u.test(t))).toBe(true);
    expect(en.examples.map((e) => e.text).every((t) => !/[\u4e00-\u9fff]/u.test(t))).toBe(true);
    for (const office of ["review-completion", "review-extension", "complete", "set-deadline", "bind", "set-target", "archive-plan"])
      expect(zh.examples.filter((e) => e.command === office)).toEqual([]);
  });
});

describe("grams", () => {
  it("are the Chinese characters and their pairs and the Latin words, without spaces, digits or punctuation", () => {
    expect([...grams("督办 任务6：材料 overdue")].sort()).toEqual(["任", "任务", "务", "办", "督", "督办", "料", "材", "材料", "overd", "overdue"].sort());
  });
});

describe("closestExamples", () => {
  it("shows the overdue list first for a wordy question about overdue tasks", () => {
    const shown = closestExamples(zh, "逾期的有哪些情况汇总一下给我");
    expect(shown).toHaveLength(3);
    expect(commandOf(shown[0]!)).toBe("overdue");
  });

  it("shows examples about task 6 for `任务6的材料在哪`: its status and its evidence", () => {
    const shown = closestExamples(zh, "任务6的材料在哪");
    expect(shown.map(commandOf)).toEqual(expect.arrayContaining(["status", "evidence"]));
    expect(shown.every((s) => s.includes("6"))).toBe(true);
  });

  it("names the task the text names: `任务12的材料在哪` gets 任务12 and 佐证材料 12", () => {
    const shown = closestExamples(zh, "任务12的材料在哪");
    expect(shown).toEqual(expect.arrayContaining(["任务12", "佐证材料 12"]));
  });

  it("puts the task named into examples written for another task: `撤回刚才那条任务6` gets 撤回 任务6", () => {
    expect(closestExamples(zh, "撤回刚才那条任务6")).toContain("撤回 任务6");
  });

  it("shows at most one example per command, and only close ones before the usual three", () => {
    expect(closestExamples(zh, "本月谁还没交")[0]).toBe("本月还有谁没交进展");
    expect(new Set(closestExamples(zh, "本月谁还没交").map(commandOf)).size).toBe(3);
    expect(closestExamples(zh, "今天天气不错")).toEqual(["任务6", "总览", "任务6进展:完成初审 60%"]);
    expect(closestExamples(en, "what a lovely day")).toEqual(["status task 6", "overview", "update task 6: first review passed 60%"]);
  });

  it("leaves out the commands asked, and the usual ones when told", () => {
    const shown = closestExamples(zh, "任务6 材料", { except: ["status"], usual: false, n: 2 });
    expect(shown.map(commandOf)).not.toContain("status");
    expect(closestExamples(zh, "今天天气不错", { usual: false })).toEqual([]);
  });

  it("is deterministic and takes well under a millisecond a message", () => {
    const texts = ["逾期的有哪些情况汇总一下给我", "任务6的材料在哪", "今天天气不错", "我们队还有啥没弄", "數字工匠評上了嗎", "本月谁还没交"];
    const first = texts.map((t) => closestExamples(zh, t));
    const runs = 300;
    const shown: string[][] = [];
    const start = performance.now();
    for (let i = 0; i < runs; i++) for (const t of texts) shown.push(closestExamples(zh, t));
    const perMessage = (performance.now() - start) / (runs * texts.length);
    expect(shown).toEqual(Array.from({ length: runs }, () => first).flat());
    expect(perMessage).toBeLessThan(0.5);
  });
});

describe("every example shown is one the bot understands", () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(() => app.dispose());

  it.each([...zh.examples, ...en.examples].map((e) => [e.text, e.command]))("reads %j as %s", async (text, command) => {
    const i = await app.bot.explain(text);
    expect([i.command, i.confidence]).toEqual([command, "certain"]);
  });
});
