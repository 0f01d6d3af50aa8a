import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { extractPercent } from "../src/core/grammar.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { buildLexicon } from "../src/core/interpreter/lexicon.js";
import { completionWord } from "../src/core/interpreter/progress-figures.js";
import { itemHeadStart } from "../src/core/interpreter/segment-heads.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";

/* Issue 25, second blind set: figures said in words, tasks of multi-task lines and weekly reports, and queries. */

const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
/** The directory's units and the plan's own (`局属各单位`, its 责任单位), as the bot's vocabulary has them. */
const units = [...loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })), { name: "局属各单位", aliases: [] as string[] }];
const ctx: InterpretContext = {
  commands,
  units,
  subjects: new SubjectIndex(plan.tasks),
  lexicon: buildLexicon(plan.tasks, units),
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

  it.each(["三分之一的民警已培训", "6/30完成", "剩下三分之一", "还差七八成", "七八成的所队还没开始", "六七成的民警已培训"])(
    "reads no progress figure in %s",
    (text) => {
      expect(extractPercent(text)).toBeNull();
    },
  );

  // The review of issue 25: a figure someone demands, aims at or passed on is asked about, never recorded at once.
  it.each([
    "任务6 七八成的所队还没开始",
    "局长说任务6要完成三分之二",
    "任务6 要完成三分之二",
    "局长说任务6要完成60%",
    "任务6 要求完成七八成",
    "刑侦那边说任务6完成了七八成",
    "市局要求任务6年底达到60%",
    "任务6的目标是完成三分之二",
    "任务6要达到百分之七十",
  ])("asks first rather than records %s", (text) => {
    expect(update(text)).toBeNull();
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

  it("still takes 计划 as a verb for a plan: 计划下月启动 gives no figure, and the done work beside it is only asked about", () => {
    // The forecast clause is hidden (i25-safe); 已完成前期调研 is done work on a task named by subject: asked, never recorded.
    const r = interpret("智能感知设备迭代升级计划下月启动，已完成前期调研", ctx);
    expect([r.command, r.confidence, r.tasks[0], r.percent]).toEqual(["update", "likely", 23, null]);
    expect(interpret("智能感知设备迭代升级计划下月启动", ctx).command).toBeNull();
  });
});

describe("multi-task lines and weekly reports", () => {
  it("starts a segment after a comma where the clause says its task is done", () => {
    expect(update("任务2的方案5月已经上报，任务1去年就完成了")).toEqual([
      [[2], null],
      [[1], 100],
    ]);
    expect(update("任务6复审材料已提交，任务7上个月就弄完了")).toEqual([
      [[6], null],
      [[7], 100],
    ]);
  });

  it("keeps a task named after a comma in the body when its clause is not a completion", () => {
    expect(update("任务6复审材料已提交，任务12的材料下周报")).toEqual([[[6], null]]);
  });

  it("reads items numbered inline with no line break, each with its own figure", () => {
    expect(update("6月工作小结：1.任务20完成 移动终端全部换发到位 2.任务21 65% 3.任务22 已完成 4.其他：机房空调更换")).toEqual([
      [[20], 100],
      [[21], 65],
      [[22], 100],
    ]);
    expect(update("本月情况 1、任务9 进度40% 2、任务10 完成了七八成 3、值班备勤")).toEqual([
      [[9], 40],
      [[10], 70],
    ]);
  });

  it("does not take 2.5 for a list item", () => {
    expect(update("任务6 完成评审 2.5万元经费已到位，任务7的材料下周报")).toEqual([[[6], null]]);
  });

  it("reads 一是 / 二是 as list heads, each item ending at the next", () => {
    const r = interpret("这周主要三件事 一是任务8大数据生态这块跟两家企业对接了 二是任务14研判模型又上了两个 三是值班", ctx);
    expect(r.args.segments?.map((s) => [s.numbers, s.body])).toEqual([
      [[8], "大数据生态这块跟两家企业对接了"],
      [[14], "研判模型又上了两个"],
    ]);
    expect(update("本周两项，一是任务3方案已上报，二是任务5完成六成")).toEqual([
      [[3], null],
      [[5], 60],
    ]);
  });

  it("reads a subject with its task in brackets at a line's head", () => {
    const text =
      "城关所6月工作小结\n1. 辖区入户走访312户\n2. 科技兴警示范点（任务18）：智慧警务室已建成投用，完成约75%\n3. 创新团队（任务5）：团队成员调整到位\n4. 反诈宣传进社区6场";
    expect(update(text)).toEqual([
      [[18], 75],
      [[5], null],
    ]);
    expect(update("网安周报\n- 数字工匠(任务6)：复审已通过，进度八成\n- 等保测评：下周开始")).toEqual([[[6], 80]]);
  });

  it("does not take a bracketed task in a line's body for a head", () => {
    expect(update("任务6：已配合（任务12）完成设备调试，进度50%")).toEqual([[[6], 50]]);
  });

  it("records tasks under 一、 heads, both tasks of a joined head at 100", () => {
    const text =
      "上半年工作回顾\n一、任务1、任务2已于2023年底完成\n二、任务19：新增接入点位23个，进度九成\n三、任务14：研判模型上线5个\n四、共发布预警信息1532条";
    expect(update(text)).toEqual([
      [[1, 2], 100],
      [[19], 90],
      [[14], null],
    ]);
  });

  it("leaves out a line that reports nothing, and records nothing when no line reports", () => {
    expect(update("网安本周小结\n1. 任务13 进展：无\n2. 任务6：复审材料已提交，进度65%\n3. 网吧巡查21家")).toEqual([[[6], 65]]);
    expect(update("本周小结\n1. 任务13：暂无\n2. 任务6 本周无进展")).toBeNull();
    expect(interpret("任务13 进展：无", ctx).command).toBeNull();
  });

  it("records nothing for an item of a pasted list that only plans", () => {
    expect(interpret("交警大队6月月报：1.完成驾驶人考试3120人次，合格率78% 2.新增电子警察点位9处 3.任务15相关材料下周报科技办", ctx).command).toBeNull();
    expect(interpret("本周：1.完成值班备勤 2.任务9方案下周上报", ctx).command).toBeNull();
  });
});

describe("queries", () => {
  const asked = (text: string, extra: Partial<InterpretContext> = {}) => {
    const r = interpret(text, { ...ctx, ...extra });
    return [r.command, r.tasks, r.args.name ?? null];
  };

  it.each([
    ["4、5、6三个任务分别到什么程度了？", [4, 5, 6]],
    ["7和8两项任务现在怎么样", [7, 8]],
    ["3、4号这两个任务进展如何", [3, 4]],
  ])("reads the status of several bare-numbered tasks counted by 任务: %s", (text, tasks) => {
    expect(asked(text, { sender: { direct: true } })).toEqual(["status", tasks, null]);
  });

  it("reads no list of tasks when the count is not the list's", () => {
    expect(interpret("今年3、4五个任务都要完成", ctx).tasks).toEqual([]);
  });

  it.each(["咱们室有啥任务 🤔", "我们所的任务有哪些嗯就是现在还没完成的", "咱们中心有什么任务啊", "本室有哪些任务"])(
    "reads %s as the sender's own unit's tasks",
    (text) => {
      expect(asked(text)[0]).toBe("mine");
    },
  );

  it.each([
    ["警保有啥仁务", "警保"],
    ["刑侦有什么人物", "刑侦"],
  ])("reads a homophone of 任务 after 有啥 in a unit's question: %s", (text, unit) => {
    expect(asked(text, { sender: { direct: true } })).toEqual(["unit", [], unit]);
  });
});

describe("questions of the office and in replies to the bot", () => {
  it.each(["关于局属各单位本月进展报送情况，请统计一下哪些单位尚未报送。", "局属各单位有哪些还没报送进展？", "各单位这个月谁还没报"])(
    "reads %s as who has not reported, not as one unit's tasks",
    (text) => {
      expect(interpret(text, { ...ctx, sender: { direct: true } }).command).toBe("unreported");
    },
  );

  const reply = (text: string, task: number) => {
    const r = interpret(text, { ...ctx, replyTo: { tasks: [task] }, sender: {} });
    return [r.command, r.tasks];
  };

  it.each([
    ["截止时间是哪天", 13, "status"],
    ["这个啥时候到期？", 13, "status"],
    ["完成时限是几号", 6, "status"],
    ["牵头的除了警保还有谁？", 12, "status"],
    ["这个是谁牵头的？", 12, "status"],
    ["之前报过哪些？都调出来", 6, "history"],
    ["这个之前都报过哪些了？我看一下再补", 13, "history"],
  ])("reads %s in reply to the bot's message on its task as a question about it", (text, task, command) => {
    expect(reply(text, task)).toEqual([command, [task]]);
  });

  it("still reads a question about a unit's other tasks in a reply as about the unit", () => {
    expect(reply("指挥中心牵头的还有哪些任务？", 12)[0]).not.toBe("status");
  });
});

describe("replies that correct a figure or say the work is nearly done", () => {
  const inReply = (text: string, task: number) => update(text, { replyTo: { tasks: [task] } });

  it.each([
    ["这条进度写错了，应该是35不是53", 35],
    ["写错了 应为40 不是80", 40],
    ["更正为40%，而不是80%", 40],
    ["应该是35%不是53%", 35],
  ])("records the corrected figure of %s", (text, percent) => {
    expect(inReply(text, 24)).toEqual([[[24], percent]]);
  });

  it("never takes the rejected figure", () => {
    expect(extractPercent("是40%而不是80%")?.value).toBe(40);
  });

  it.each(["弄得差不多了，就剩智能运维那块", "搞得差不多了", "平台建得差不多了，还剩联调"])("records %s with no figure", (text) => {
    expect(inReply(text, 21)).toEqual([[[21], null]]);
  });

  it.each(["差不多了吧", "差不多就行"])("records nothing for %s", (text) => {
    expect(inReply(text, 21)).toBeNull();
  });
});

describe("neighbours of the fresh set's misses", () => {
  it("gives each task after a comma its own figure", () => {
    expect(update("任务5完成60%，任务6完成80%")).toEqual([
      [[5], 60],
      [[6], 80],
    ]);
    expect(update("任务5 进度六成，任务6 七成")).toEqual([
      [[5], 60],
      [[6], 70],
    ]);
  });

  it("keeps a task named after a comma without a figure of its own in the body", () => {
    expect(update("任务6进度60%，任务12的材料也报了")).toEqual([[[6], 60]]);
  });

  it.each([
    ["任务7 早在去年就完成了", 7],
    ["任务3 上周五就已经全部弄好了", 3],
    ["任务9 2024年5月已完成", 9],
  ])("records %s at 100", (text, task) => {
    expect(update(text)).toEqual([[[task], 100]]);
  });

  it("does not take a step done somewhere for the whole task: 在市局完成了评审", () => {
    expect(update("任务6 在市局完成了评审")).toEqual([[[6], null]]);
  });

  it("reads 第一，… 第二，… as list heads", () => {
    expect(update("第一，任务6初审已通过；第二，任务7工作室挂牌了")).toEqual([
      [[6], null],
      [[7], null],
    ]);
  });

  it("reads 百分之六七十 at its lower bound", () => {
    expect(extractPercent("完成百分之六七十")?.value).toBe(60);
  });

  it("reads several tasks counted by 这几个", () => {
    expect(interpret("4，5，6这几个任务怎么样了", { ...ctx, sender: { direct: true } }).tasks).toEqual([4, 5, 6]);
  });

  it("reads 这个牵头单位是哪个 in reply to the bot as about the task replied to", () => {
    const r = interpret("这个牵头单位是哪个", { ...ctx, replyTo: { tasks: [12] }, sender: {} });
    expect([r.command, r.tasks]).toEqual(["status", [12]]);
  });
});

describe("a document issued, and a draft", () => {
  // The corpus's convention (updates.jsonl, blind2-voice-young.jsonl:15): issuing a task's document with no completion
  // word or figure is done work with no figure; a clerk writes 100 only when the author says the task is done.
  it.each([
    [
      "任务2的管理办法5月已经印发，任务1去年就完成了",
      [
        [[2], null],
        [[1], 100],
      ],
    ],
    ["任务2 项目管理办法已正式出台", [[[2], null]]],
    ["任务2 管理办法初稿已完成，待局党委会审议后印发", [[[2], null]]],
    ["任务19 建设方案一期已完成", [[[19], null]]],
  ])("records %s with no figure for the document or the draft", (text, segments) => {
    expect(update(text)).toEqual(segments);
  });

  it("still records a task completed by a word of its title at 100: tsk19 网络改造弄完了", () => {
    expect(update("tsk19 网络改造弄完了")).toEqual([[[19], 100]]);
  });
});

describe("figures half typed or said with a verb", () => {
  it.each([
    ["进度有五成了", 50],
    ["已经发了一半了", 50],
    ["设备装了一半", 50],
  ])("reads %s as %i", (text, value) => {
    expect(extractPercent(text)?.value).toBe(value);
  });

  it("reads no figure in 材料看了一半 (reading is no work on the task)", () => {
    expect(extractPercent("材料看了一半")).toBeNull();
  });

  it.each([
    ["#9 实验室设备到齐 装好了 进zhan 50", [[[9], 50]]],
    ["任务6 进du 60%", [[[6], 60]]],
    ["任务6 jinzhan：复审通过 65%", [[[6], 65]]],
  ])("reads 进展 or 进度 half typed in pinyin in %s", (text, segments) => {
    expect(update(text)).toEqual(segments);
  });

  it("leaves other pinyin as it is", () => {
    expect(interpret("jinzhang 你好", ctx).command).toBeNull();
  });
});

describe("voice input that runs two reports together", () => {
  it.each([
    [
      "任务6完成了百分之六十任务7完成了百分之八十",
      [
        [[6], 60],
        [[7], 80],
      ],
    ],
    [
      "任务6 60% 任务7 80%",
      [
        [[6], 60],
        [[7], 80],
      ],
    ],
    [
      "任务6已经完成了任务7也弄完了",
      [
        [[6], 100],
        [[7], 100],
      ],
    ],
  ])("gives each task of %s its own figure", (text, segments) => {
    expect(update(text)).toEqual(segments);
  });

  it.each([
    ["任务6进度60%任务12配合推进", [[[6], 60]]],
    ["任务6 进度60% 任务12配合完成", [[[6], 60]]],
    ["任务6已经完成了任务7还在弄", [[[6], 100]]],
    ["任务6完成任务书编写", [[[6], null]]],
  ])("keeps a task with no figure of its own in the body of %s", (text, segments) => {
    expect(update(text)).toEqual(segments);
  });
});

describe("a range of tasks", () => {
  it.each([
    ["任务4到6进展如何", [4, 5, 6]],
    ["第4至6项怎么样了", [4, 5, 6]],
    ["4-6号任务进度", [4, 5, 6]],
    ["任务十到十二的情况", [10, 11, 12]],
  ])("reads %s as every task of the range", (text, tasks) => {
    expect(interpret(text, { ...ctx, sender: { direct: true } }).tasks).toEqual(tasks);
  });

  it.each([
    ["任务4-6月完成了调研", [4]],
    ["任务6-3进展", [6]],
  ])("reads no range in %s", (text, tasks) => {
    expect(interpret(text, ctx).tasks).toEqual(tasks);
  });
});

describe("more inline list heads", () => {
  it.each([
    "本周：（1）任务6完成60%（2）任务7完成80%",
    "本周：①任务6完成60%②任务7完成80%",
    "A.任务6 完成60% B.任务7 完成80%",
    "(一)任务6完成60% (二)任务7完成80%",
  ])("gives each item of %s its own figure", (text) => {
    expect(update(text)).toEqual([
      [[6], 60],
      [[7], 80],
    ]);
  });
});

describe("a goal is not a level reached", () => {
  it.each([
    ["完成60%，目标是年底100%", 60],
    ["进度70%，确保年底前完成", 70],
  ])("reads the level in %s", (text, value) => {
    expect(extractPercent(text)?.value).toBe(value);
  });

  it.each(["任务6 60%的目标", "百分之八十的要求", "进度六成的目标", "力争年底达到80%"])("reads no level in %s", (text) => {
    expect(extractPercent(text)).toBeNull();
  });

  it("records no goal as progress: 任务6 60%的目标 任务7 80%的目标 都得年底前完成", () => {
    expect(update("任务6 60%的目标 任务7 80%的目标 都得年底前完成")).toBeNull();
  });
});

describe("only a reference that says 任务 heads a segment by what its clause says", () => {
  it.each([
    "任务1进展：已完成，编号2已完成，进度10%",
    "任务1进展：已完成，第12项已完成，进度10%",
    "任务1进展：已完成，【16】已完成，进度10%",
    "任务1进展：已完成，任务9也在推进 已完成，进度10%",
    "任务1 60% #7 80%",
  ])("writes %s to task 1 only", (text) => {
    expect(update(text)?.map(([tasks]) => tasks)).toEqual([[1]]);
  });
});

describe("the sender's own unit", () => {
  it.each(["咱们大队还有啥没弄完的", "我这边有哪些任务", "本所的任务完成得怎么样", "我们科有什么任务吗"])("reads %s as the sender's unit's tasks", (text) => {
    expect(interpret(text, ctx).command).toBe("mine");
  });

  it.each(["我们都报了", "我这边都报了", "咱们都报了", "我这边有"])("answers nothing to %s in a group room: it asks for no list", (text) => {
    expect(interpret(text, ctx).command).toBeNull();
  });

  it("still answers 我们单位 in a direct chat", () => {
    expect(interpret("我们单位", { ...ctx, sender: { direct: true } }).command).toBe("mine");
  });
});

describe("more hedged and mixed figures", () => {
  it.each([
    ["完成40%-50%", 40],
    ["完成40-50%", 40],
    ["进度40%到50%", 40],
    ["完成了30%~40%", 30],
    ["从60%到70%", 70],
    ["快八成了", 80],
    ["估计六成吧", 60],
    ["进度将近一半", 50],
    ["已完成百分之30", 30],
    ["完成60%，5-6月完成调试", 60],
  ])("reads %s as %i", (text, value) => {
    expect(extractPercent(text)?.value).toBe(value);
  });

  it("still reads a sign that is no range's dash: 进度-5% is refused later by the update rules", () => {
    expect(extractPercent("进度-5%")?.value).toBe(-5);
  });
});

describe("regressions the gated corpus caught", () => {
  it.each([
    ["任务目标全部完成 100%", 100],
    ["累计完成年度目标的55%", 55],
    ["完成年度目标的八成", 80],
  ])("reads the level reached in %s (a share of the goal, not the goal)", (text, value) => {
    expect(extractPercent(text)?.value).toBe(value);
  });

  it("records an item with goods arrived beside a plan for the rest", () => {
    expect(update("警保室本周\n1.任务12：新型装备到货三成，剩余下周到货\n2.完成被装发放")).toEqual([[[12], null]]);
  });

  it("records nothing for an item of goods still to arrive", () => {
    expect(update("本周\n1.任务12：设备下周到货\n2.完成被装发放")).toBeNull();
  });
});

describe("the head of a segment, read near its reference (review of issue 25: long reports were three times slower)", () => {
  it("finds an inline item's head and a bracketed subject at the head of a line, after a long text too", () => {
    const pad = "本周工作小结，各单位情况如下，请阅。".repeat(20);
    for (const lead of ["", pad]) {
      const inline = `${lead}小结：1.任务20完成 2.任务21 65%`;
      expect(itemHeadStart(inline, { start: inline.indexOf("任务21"), end: inline.indexOf("任务21") + 4 })).toBe(inline.indexOf("2.任务21"));
      const bracketed = `${lead}\n2. 科技兴警示范点（任务18）：已挂牌`;
      const at = bracketed.indexOf("任务18");
      expect(itemHeadStart(bracketed, { start: at, end: at + 4 })).toBe(bracketed.indexOf("2. 科技"));
      // A head far before the reference heads nothing: `1.` then a long clause.
      const far = `${lead}1.${"全县新增监控点位已联网，".repeat(6)}任务6完成`;
      expect(itemHeadStart(far, { start: far.indexOf("任务6"), end: far.indexOf("任务6") + 3 })).toBe(-1);
    }
  });

  it("does not rescan the whole text before each reference", () => {
    const text = "任务6完成60%\n".repeat(20_000);
    const at = performance.now();
    for (let i = 0; i < 500; i++) {
      const start = text.length - 9 * (i + 1);
      itemHeadStart(text, { start, end: start + 3 });
    }
    expect(performance.now() - at).toBeLessThan(300);
  });
});
