import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { CommandRegistry } from "../src/core/command-registry.js";
import { defineCommand } from "../src/core/command.js";
import { chineseNumber, extractPercent, normalize, taskNumber } from "../src/core/grammar.js";
import { interpret } from "../src/core/interpreter/interpret.js";
import { z } from "zod";

const registry = new CommandRegistry(commands);
const units = [{ name: "刑侦大队", aliases: ["刑侦"] }];
const route = (raw: string) => {
  const m = interpret(raw, { commands, units });
  if (!m.command || m.confidence === "unlikely") return null;
  const { numbers, name, explicit } = m.args;
  return { name: m.command, args: numbers ? { numbers } : name !== undefined ? { name, explicit } : {} };
};
const parseUpdate = (raw: string) => {
  const m = interpret(raw, { commands, units });
  const s = m.command === "update" ? m.args.segments?.[0] : undefined;
  return s ? { number: s.numbers[0], body: s.body } : null;
};

describe("the chat grammar", () => {
  it.each([
    ["status task 6", "status", "6"],
    ["status 6", "status", "6"],
    ["Status Task 6", "status", "6"],
    ["task 6", "status", "6"],
    ["任务6", "status", "6"],
    ["任务 6", "status", "6"],
    ["任务６", "status", "6"],
    ["6号任务", "status", "6"],
    ["6号任务进度", "status", "6"],
    ["任务六", "status", "六"],
    ["第六项任务", "status", "六"],
    ["第二十五项任务", "status", "二十五"],
    ["查询任务6", "status", "6"],
    ["任务6进展", "status", "6"],
    ["任务6进展？", "status", "6"],
    ["任务6进展?", "status", "6"],
    ["任务6的进度", "status", "6"],
    ["任务6进展 怎么样了？", "status", "6"],
    ["任务6的进度如何", "status", "6"],
    ["任务6进展 ?", "status", "6"],
  ])("reads %j as a status query", (raw, name, number) => {
    expect(route(raw)).toEqual({ name, args: { numbers: [Number(number) || taskNumber(number)] } });
  });

  it.each([
    ["status", "overview"],
    ["总览", "overview"],
    ["汇总", "overview"],
    ["overview", "overview"],
    ["overdue", "overdue"],
    ["逾期", "overdue"],
    ["due soon", "due-soon"],
    ["临期", "due-soon"],
    ["即将到期", "due-soon"],
    ["my tasks", "mine"],
    ["我的任务", "mine"],
    ["help", "help"],
    ["帮助", "help"],
    ["帮助 办结", "help-topic"],
    ["help reports", "help-topic"],
    ["提醒预览", "reminders-preview"],
    ["reminders preview", "reminders-preview"],
    ["暂停提醒 6 已报市局协调", "pause-reminders"],
    ["pause reminders 6 waiting", "pause-reminders"],
    ["恢复提醒 6", "resume-reminders"],
    ["办结 6", "complete"],
    ["complete task 6", "complete"],
    ["撤回 任务5", "retract"],
    ["撤回任务5", "retract"],
    ["撤回 任务5 第3条 误报", "retract"],
    ["retract task 5", "retract"],
    ["撤回任务5的进展", "retract"],
    ["任务5的进展撤回", "retract"],
  ])("reads %j as the %s command", (raw, name) => {
    expect(route(raw)?.name).toBe(name);
  });

  it.each([
    ["unit 刑侦大队", "刑侦大队"],
    ["刑侦大队的任务", "刑侦大队"],
    ["刑侦大队任务", "刑侦大队"],
    ["刑侦的任务", "刑侦"],
  ])("reads %j as a unit query for %s", (raw, name) => {
    expect(route(raw)).toMatchObject({ name: "unit", args: { name } });
  });

  it.each([
    ["history 6", "6"],
    ["任务6历史", "6"],
    ["任务6进展记录", "6"],
  ])("reads %j as a history query", (raw, number) => {
    expect(route(raw)).toEqual({ name: "history", args: { numbers: [Number(number)] } });
  });

  it.each([
    ["update task 6: first review passed 60%", 6, "first review passed 60%"],
    ["update 6 first review", 6, "first review"],
    ["任务6进展:两名民警通过市级数字工匠初审 60%", 6, "两名民警通过市级数字工匠初审 60%"],
    ["任务6进展：完成初审", 6, "完成初审"],
    ["任务 6 进展 ： 完成初审", 6, "完成初审"],
    ["任务６进展：完成初审", 6, "完成初审"],
    ["任务六进展:完成初审", 6, "完成初审"],
    ["进展 6 完成初审", 6, "完成初审"],
    ["任务6进展:", 6, ""],
    ["update 6", 6, ""],
  ])("reads %j as an update to task %i", (raw, number, body) => {
    expect(route(raw)?.name).toBe("update");
    expect(parseUpdate(raw)).toMatchObject({ number, body });
  });

  it("keeps multi-line update text as written", () => {
    expect(parseUpdate("任务6进展：第一行\n第二行 <b>x</b>")?.body).toBe("第一行\n第二行 <b>x</b>");
  });

  it.each(["大家好", "今天开会", "任务", "6", "状态不错", "进展顺利"])("ignores ordinary chatter %j", (raw) => {
    expect(route(raw)).toBeNull();
  });

  it.each([
    ["完成初审 60%", 60],
    ["进度60%", 60],
    ["进度 60", 60],
    ["完成六成", 60],
    ["百分之八十", 80],
    ["60％", 60],
    ["从40%提高到70%", 70],
    ["120%", 120],
    ["培训2名民警", null],
    ["进度 3 项完成", null],
    ["进度6成", 60],
    ["完成2项，进度60%，剩余40%", 60],
    ["还差40%", null],
  ])("finds the percentage in %j", (text, value) => {
    expect(extractPercent(text)?.value ?? null).toBe(value);
  });

  it.each([
    ["六", 6],
    ["十", 10],
    ["十二", 12],
    ["二十", 20],
    ["二十五", 25],
    ["一百零一", 101],
    ["两", 2],
  ])("reads the Chinese numeral %s as %i", (text, n) => {
    expect(chineseNumber(text)).toBe(n);
    expect(taskNumber(text)).toBe(n);
  });

  it("normalises full-width text, spaces and trailing question marks", () => {
    expect(normalize("  任务６　进展？ ")).toBe("任务6 进展");
    expect(normalize("STATUS 6")).toBe("status 6");
  });
});

describe("the help text", () => {
  it.each(commands.flatMap((c) => c.examples.map((e) => [e, c.name] as const)))("reads its own example %j as %s", (example, name) => {
    expect(interpret(example, { commands, units }).command).toBe(name);
  });
});

describe("the command registry", () => {
  const cmd = (name: string) =>
    defineCommand({
      name,
      summary: "help",
      examples: ["x"],
      cues: { kind: "list-query", words: [name] },
      args: z.object({}),
      handle: async () => ({ replies: [] }),
    });

  it("rejects a duplicate command name", () => {
    expect(() => new CommandRegistry([cmd("a"), cmd("a")])).toThrow(/duplicate command name: a/);
  });

  it("rejects a command without a handler", () => {
    const broken = { ...cmd("b"), handle: undefined } as unknown as ReturnType<typeof cmd>;
    expect(() => new CommandRegistry([broken])).toThrow(/handle must be a function/);
  });

  it("registers every shipped command once", () => {
    expect(registry.commands.map((c) => c.name)).toEqual([
      "update",
      "history",
      "status",
      "overview",
      "overdue",
      "due-soon",
      "unreported",
      "mine",
      "unit",
      "reminders-preview",
      "pause-reminders",
      "resume-reminders",
      "request-completion",
      "review-extension",
      "review-completion",
      "request-extension",
      "set-deadline",
      "set-target",
      "add-target",
      "remove-target",
      "set-lead-units",
      "reopen",
      "complete",
      "retract",
      "evidence",
      "audit",
      "digest",
      "scorecard",
      "report",
      "export",
      "chart",
      "bind-room",
      "archive-plan",
      "restore-plan",
      "unbind",
      "bind",
      "help-topic",
      "help",
    ]);
  });
});
