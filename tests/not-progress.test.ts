import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { forwardedReport, hideForecasts } from "../src/core/interpreter/not-progress.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { buildLexicon } from "../src/core/interpreter/lexicon.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";

/* Issue 25, "Chatter stays safe": forecasts, forwarded reports, files shared with a request, plans in a list, routine lines. */

const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
const units = loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] }));
const ctx: InterpretContext = { commands, units, subjects: new SubjectIndex(plan.tasks), lexicon: buildLexicon(plan.tasks, units) };
/** Per segment: [tasks, percent]; null when the message is not read as an update at all (neither recorded nor asked). */
function update(text: string, extra: Partial<InterpretContext> = {}): [number[], number | null][] | null {
  const r = interpret(text, { ...ctx, ...extra });
  return r.command === "update" && r.confidence !== "unlikely" ? (r.args.segments ?? []).map((s) => [s.numbers, s.percent]) : null;
}

describe("a forecast is not progress", () => {
  it.each([
    "T24 预计下周能到60%",
    "任务24预计月底能达到百分之六十",
    "任务6争取下个月完成八成",
    "任务6 下个月能到八成",
    "6号任务力争年底前全部完成",
    "任务12计划下周达到70%",
    "任务9有望年底完成",
    "任务12 计划6月底前配发完毕",
    "任务12 目标是年底前全覆盖",
    "任务19 年内能完成",
    "任务24 估计下周能弄完",
  ])("records nothing for %s", (text) => {
    expect(update(text)).toBeNull();
  });

  it.each([
    ["任务6完成60%，争取年底完成", 60],
    ["任务6已完成60%，预计下周达到80%", 60],
    ["任务23 累计完成年度计划的百分之四十五", 45],
    ["任务20：新增授权民警56名，完成年度目标的八成", 80],
    ["任务6我看有个五成，估计下个月能到八成", 50],
    ["任务6已完成计划任务的60%", 60],
  ])("still reads the figure reached in %s", (text, percent) => {
    expect(update(text)?.[0]?.[1]).toBe(percent);
  });

  it("still asks about work done named by its subject, with a forecast after it", () => {
    const r = interpret("数字工匠评选材料已报市局，预计下周出结果", ctx);
    expect([r.command, r.confidence]).toEqual(["update", "likely"]);
    expect(r.tasks.slice(0, 3)).toContain(6);
  });

  it("hides the forecast clause only, keeping offsets", () => {
    const low = "任务6完成60%，预计下周达到80%";
    const hidden = hideForecasts(low);
    expect(hidden).toHaveLength(low.length);
    expect(hidden.startsWith("任务6完成60%，")).toBe(true);
    expect(hidden).not.toContain("80");
  });
});

describe("a report forwarded or quoted from others is not ours", () => {
  it.each([
    "转发刑侦周报：\n1. 任务6：2名民警通过初审，进度60%\n2. 任务10：场景建模3个\n@吴昊 你们所参考这个格式写",
    "科技办上周各单位进展汇总（摘自督办系统）：\n1. 任务6 刑侦报60%\n2. 任务12 警保报55%",
    "转自网安大队：任务25 等保测评完成80%",
    "任务6：2名民警通过初审，进度60%\n大家参照这个格式报",
    "各所队本月进展：\n1.任务18 示范点建成投用\n2.任务11 完成选点",
    "转：刑侦大队任务6进展60%",
    "以下是刑侦大队的周报，供参考：1.任务6 完成60%",
    "示例：任务6进展：两名民警通过初审 60%",
    "科技办汇总：刑侦 任务6 60%；警保 任务12 55%",
    "上周汇总：1. 任务6 刑侦报60% 2. 任务12 警保报55%",
  ])("records and asks nothing for %s", (text) => {
    expect(update(text)).toBeNull();
    expect(update(text, { sender: { direct: true } })).toBeNull();
  });

  it.each(["周报摘录：\n1. 任务19：改造完成，进度90%", "刑侦大队本周工作汇总：\n1. 任务6：2名民警通过初审，进度60%"])(
    "still records a unit's own summary: %s",
    (text) => {
      expect(forwardedReport(text)).toBeNull();
      expect(update(text)?.[0]).toEqual([[expect.any(Number)], expect.any(Number)]);
    },
  );
});

describe("a file shared for people to act on is not progress", () => {
  it.each(["第二十三项的点位清单已发群文件，请各所核对后于周三前反馈。", "任务12的配发表已上传共享盘，请各所队核对", "任务6申报模板发群里了，请大家按时填报"])(
    "records nothing for %s",
    (text) => {
      expect(update(text)).toBeNull();
    },
  );

  it("still records work done beside a shared file", () => {
    expect(update("任务6已完成初审，材料已发群文件，请各位领导审阅")?.[0]?.[0]).toEqual([6]);
  });
});

describe("a task line that only plans, among lines of other work", () => {
  it.each([
    "交警大队6月月报：1.完成驾驶人考试3120人次，合格率78% 2.新增电子警察点位9处 3.任务15相关材料下周报科技办",
    "本周：\n1.完成值班备勤\n2.任务17材料下周报送",
  ])("records nothing for %s", (text) => {
    expect(update(text)).toBeNull();
  });

  it("still records a line with a figure and a plan", () => {
    expect(update("警保室本周\n1.任务12：新型装备到货三成，剩余下周到货\n2.完成被装发放")?.[0]?.[0]).toEqual([12]);
  });
});

describe("routine lines whose words merely overlap a subject", () => {
  it.each([
    "警保室本周：\n1. 完成6月份工资发放\n2. 采购办公用品一批，约3.2万元\n3. 7月1日起车辆统一派车审批\n4. 下周盘点单警装备库存",
    "机房本周运维情况：\n1. 服务器CPU平均利用率43%\n2. 存储扩容完成60%\n3. 网络中断0次",
    "截至目前，市局尚未下发今年数字工匠评选的正式通知，待通知下达后我大队再行组织申报。",
    "截至目前，我所民警人均配备执法记录仪一点二台，警用无人机两架。",
  ])("asks nothing about %s", (text) => {
    expect(update(text)).toBeNull();
  });

  it("still asks about a list line headed by a task's subject", () => {
    const r = interpret("本周科技兴警工作：\n1. 数字工匠：我队推荐的2名民警进入市局复审\n2. 创新团队：申报材料已报送市局\n3. 值班备勤3天", ctx);
    expect(r.command).toBe("update");
    expect(r.tasks.slice(0, 3)).toContain(6);
  });
});

describe("chatter that names a task", () => {
  it.each(["#12 的发票找到了 在我抽屉里", "任务6 的会议室钥匙在我这", "#6 报名表在我桌上"])("asks nothing about a thing of the task's: %s", (text) => {
    expect(update(text)).toBeNull();
  });

  it.each(["T9 啥时候开会讨论啊", "任务6什么时候碰个头"])("does not answer a question about meeting as status: %s", (text) => {
    expect(interpret(text, ctx).command).toBeNull();
  });

  it("still answers when a task is due", () => {
    expect(interpret("任务9什么时候到期", ctx).command).toBe("status");
  });
});
