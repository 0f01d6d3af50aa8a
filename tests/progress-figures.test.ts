import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { completionOfSubject, completionWord, progressWord } from "../src/core/interpreter/progress-figures.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/* Issue 25: what an update says about progress (completion words, hedged figures, words with no number, pasted lists). */

const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
const ctx: InterpretContext = {
  commands,
  units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
  subjects: new SubjectIndex(plan.tasks),
};
/** Per segment: [tasks, percent]; null when the message is not read as an update. */
function update(text: string): [number[], number | null][] | null {
  const r = interpret(text, ctx);
  return r.command === "update" && r.confidence === "certain" ? (r.args.segments ?? []).map((s) => [s.numbers, s.percent]) : null;
}

describe("completion words", () => {
  it.each([
    ["任务4已经完成了", 4],
    ["任务1已经完成了，领导小组去年12月就发文成立了，文件我让刘洋补报", 1],
    ["任务2进展：项目管理办法局党委会已审议通过，正式印发了，可以算完成了", 2],
    ["领导小组的人物 嗯 那个任务一 今天发文了 算是完成了", 1],
    ["任务3上个月就弄完了", 3],
    ["各位领导：1号、2号任务均已于本月完成，相关文件已归档，请审阅", 1],
    ["1号任务 领导小组及办公室已经成立 文件已经印发 这项可以销号了", 1],
  ])("records %s at 100", (text, n) => {
    const segs = update(text);
    expect(segs?.[0]?.[0]).toContain(n);
    expect(segs?.[0]?.[1]).toBe(100);
  });

  it.each(["任务6进展：完成初审", "任务7：方案已于本月完成，下一步组织实施", "任务6还没完成", "任务6基本完成", "任务6争取年底前完成"])(
    "does not read a step, a denial or a plan as the task done: %s",
    (text) => {
      expect(update(text)?.[0]?.[1] ?? null).toBeNull();
    },
  );

  it.each(["任务2要是弄完了就赶紧报办结，别拖", "叶主任，你看下任务21、22年底前能不能弄完，不行的话早点跟我说"])(
    "does not record a completion only supposed or asked about: %s",
    (text) => {
      expect(interpret(text, ctx).command).toBeNull();
    },
  );

  it("keeps a stated figure over the completion word", () => {
    expect(update("任务6已经完成了，进度90%")).toEqual([[[6], 90]]);
  });

  it("answers a question with completion words as a question about the task", () => {
    for (const text of ["任务19算完成了吗？", "任务1弄完了没"]) {
      const r = interpret(text, ctx);
      expect(r.command).toBe("status");
      expect(r.tasks).toEqual([19, 1].filter((n) => text.includes(String(n))).slice(0, 1));
    }
  });

  it("finds the completion word of a clause, not of a step", () => {
    expect(completionWord("已经完成了")).toBe("已经完成了");
    expect(completionWord("完成初审 60%")).toBeNull();
    expect(completionWord("装备清点完了就早点回去")).toBeNull();
  });

  it("takes a completion said of a word of the task's own title as the whole task: tsk19 網絡改造弄完了", () => {
    expect(update("tsk19 網絡改造弄完了🎉")).toEqual([[[19], 100]]);
    // 方案 is no word of task 19's title: a step, recorded with no percent.
    expect(update("任务19 方案弄完了")).toEqual([[[19], null]]);
    expect(update("任务19 网络改造还没弄完")).toBeNull();
    const si = new SubjectIndex(plan.tasks);
    expect(completionOfSubject("网络改造弄完了", (w) => si.titleWord(19, w))).toBe("弄完了");
    // 公安 is in most titles: it names no task.
    expect(completionOfSubject("公安的弄完了", (w) => si.titleWord(19, w))).toBeNull();
  });

  it("takes the tasks pointed at in speech as the whole task: 那个两个都已经弄完了", () => {
    expect(completionWord("那个两个都已经弄完了 文件都发了")).toBe("已经弄完了");
    expect(completionWord("嗯 这两项都完成了")).toBe("都完成了");
    expect(completionWord("那边弄完了")).toBeNull();
  });
});

describe("hedged figures", () => {
  it.each([
    ["任务6 我看有个五成", 50],
    ["任务6算是百分之七十吧", 70],
    ["任务6大概七成左右", 70],
    ["任务6 35%左右", 35],
    ["任务6 有个五成", 50],
  ])("records %s as stated", (text, percent) => {
    expect(update(text)).toEqual([[[6], percent]]);
  });
});

describe("progress words with no number", () => {
  it.each(["任务8 过半", "任务8基本完成", "任务8取得阶段性成效", "任务8 接近尾声"])("records %s with no percent", (text) => {
    expect(update(text)).toEqual([[[8], null]]);
  });

  it("does not take a denial for progress", () => {
    expect(progressWord("还没有进展")).toBeNull();
    expect(update("任务8还没有进展")).toBeNull();
  });
});

describe("multi-line reports", () => {
  it.each(["1.组织培训一次\n2.任务15 方案完成约四成\n3.110接警处置98%", "1.组织培训一次  2.任务15 方案完成约四成  3.110接警处置98%"])(
    "takes the percent from the task's own item: %s",
    (text) => {
      expect(update(text)).toEqual([[[15], 40]]);
    },
  );

  it("leaves out a line that only plans, while recording the line that reports", () => {
    expect(update("城关所本周：\n1.任务17材料下周报送\n2.任务18：示范点建设完成90%\n3.开展反诈宣传3场")).toEqual([[[18], 90]]);
  });
});

describe("the reply to an update at 100%", () => {
  let app: TempApp;
  let seq = 0;
  const say = (text: string) => app.say(text, { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false, eventId: `$f${++seq}` });
  beforeEach(async () => {
    app = await tempApp();
  });
  afterEach(async () => {
    await app.dispose();
  });

  it("records 100, offers the completion request, names the unmet targets, and leaves the task open", async () => {
    const r = await say("任务6已经完成了");
    expect(r.text).toContain("已记录任务6（培育“公安数字工匠”）的第1条进展，进度100%");
    expect(r.text).toContain("注意：任务6尚有指标未完成：市级“公安数字工匠” 0/2名。");
    expect(r.text).toContain("要申请办结吗？回复“申请办结 6 说明”");
    const task = await app.db.task.findFirstOrThrow({ where: { number: 6 } });
    expect(task.completedAt).toBeNull();
    expect((await app.db.update.findFirstOrThrow({ where: { taskId: task.id } })).percent).toBe(100);
  });

  it("offers no completion request below 100", async () => {
    expect((await say("任务6进展：完成初审 60%")).text).not.toContain("申请办结");
  });
});

describe("Chinese numerals that split two ways", () => {
  const read = (text: string) => interpret(text, ctx);
  it.each([
    ["任务十二批次新型单警装备已于本周全部到货并验收完毕，截至目前配发进度达七成。", 12],
    ["任务二十五个重要信息系统已全部完成等保定级备案，截至目前完成约百分之七十五。", 25],
    ["治安大队本周\n1.任务十一台无人机反制设备已在县城完成安装调试\n2.查处噪音扰民12起", 11],
    ["1.任务七名师工作室已于6月20日正式挂牌，首批带徒4人\n2.本周抓获网上逃犯2名", 7],
  ])("chooses the reading whose task's subject the message is about: %s", (text, n) => {
    const r = read(text);
    expect(r.command).toBe("update");
    expect(r.confidence).toBe("certain");
    expect(r.tasks).toEqual([n]);
    expect(r.cues.some((c) => c.startsWith("numeral:"))).toBe(true);
  });

  it("asks between the readings when neither task's subject is in the message", () => {
    const r = read("任务十二名民警已完成培训，进度五成");
    expect(r.command).toBe("update");
    expect(r.confidence).toBe("likely");
    expect(r.args.candidates?.map((c) => c.number)).toEqual([12, 10]);
  });

  it("takes the reading whose task the sender's unit leads when the subject decides nothing", () => {
    const as = (units: string[]) => interpret("任务十二名民警已完成培训，进度五成", { ...ctx, senderUnits: units });
    expect(as(["警务保障室"])).toMatchObject({ confidence: "certain", tasks: [12] });
    expect(as(["刑侦大队"])).toMatchObject({ confidence: "certain", tasks: [10] });
    expect(as(["交警大队"]).confidence).toBe("likely");
  });

  it("leaves a plain numeral alone", () => {
    expect(update("任务十二进展：完成40%")).toEqual([[[12], 40]]);
  });
});

describe("a subject without a number, but with a figure", () => {
  it("asks which task, offering the one whose subject it names", () => {
    const r = interpret("工作室挂牌那件事，进度七成了", ctx);
    expect(r.command).toBe("update");
    expect(r.confidence).toBe("likely");
    expect(r.args.candidates?.[0]?.number).toBe(7);
    expect(r.percent).toBe(70);
  });

  it("does not take a demand's figure for a report", () => {
    expect(interpret("省厅要求2024年底前等保测评完成率100%", ctx).command).toBeNull();
  });
});
