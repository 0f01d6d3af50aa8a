import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { extractPercent } from "../src/core/grammar.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { completionWord } from "../src/core/interpreter/progress-figures.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";

/* Issue 25, second blind set: figures said in words, tasks of multi-task lines and weekly reports, and queries. */

const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
const ctx: InterpretContext = {
  commands,
  units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
  subjects: new SubjectIndex(plan.tasks),
};
/** Per segment: [tasks, percent]; null when the message is not read as a certain update. */
function update(text: string, extra: Partial<InterpretContext> = {}): [number[], number | null][] | null {
  const r = interpret(text, { ...ctx, ...extra });
  return r.command === "update" && r.confidence === "certain" ? (r.args.segments ?? []).map((s) => [s.numbers, s.percent]) : null;
}

describe("figures said in words", () => {
  it.each([
    ["目前已完成总体工作量的三分之二左右", 67],
    ["完成了三分之二", 67],
    ["进度约四分之三", 75],
    ["完成2/3", 67],
    ["完成了七八成", 70],
    ["进度六七成吧", 60],
    ["大概七到八成", 70],
    ["联网了一百二十个完成了七八成", 70],
  ])("reads %s as %i", (text, value) => {
    expect(extractPercent(text)?.value).toBe(value);
  });

  it.each(["三分之一的民警已培训", "6/30完成", "剩下三分之一", "还差七八成"])("reads no progress figure in %s", (text) => {
    expect(extractPercent(text)).toBeNull();
  });

  it("records a spoken range at its lower bound and a fraction rounded", () => {
    expect(update("任务二十三进度嗯全县新增的那个监控点位已经联网了一百二十个完成了七八成")).toEqual([[[23], 70]]);
    expect(update("关于第十项任务，数字孪生研究课题目前已完成总体工作量的三分之二左右。")).toEqual([[[10], 67]]);
    expect(update("任务5 差不多完成了三分之一")).toEqual([[[5], 33]]);
  });
});

describe("completion words after a date or a run of spoken clauses", () => {
  it.each([
    ["去年12月就完成了，文件已经印发", "就完成了"],
    ["2023年底已完成", "已完成"],
    ["五月份就弄完了", "就弄完了"],
    ["那个领导小组早就成立了文件也发了就是一直没报已经完成了", "已经完成了"],
    ["设备都装好了其实早就完成了", "早就完成了"],
  ])("finds the completion of the whole task in %s", (text, word) => {
    expect(completionWord(text)).toBe(word);
  });

  it.each(["培训结束了方案已经完成了", "初审过了复审材料已经完成了", "6月底前完成", "文件发了就是还没完成"])(
    "finds no completion of the whole task in %s",
    (text) => {
      expect(completionWord(text)).toBeNull();
    },
  );
});

describe("a formal report that names its task by subject", () => {
  it.each([
    ["智能感知设备迭代升级工作稳步推进，本月新增联网点位八十六个，累计完成年度计划的百分之四十五。", 23, 45],
    ["智能感知设备迭代升级工作按工作计划有序推进，已完成全年计划的六成", 23, 60],
  ])("asks whether %s is about its task, with the figure", (text, task, percent) => {
    const r = interpret(text, ctx);
    expect([r.command, r.confidence, r.tasks[0], r.percent]).toEqual(["update", "likely", task, percent]);
  });

  it("still takes 计划 as a verb for a plan: 计划下月启动", () => {
    expect(interpret("智能感知设备迭代升级计划下月启动，已完成前期调研", ctx).command).toBeNull();
  });
});
