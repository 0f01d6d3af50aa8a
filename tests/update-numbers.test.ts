import fc from "fast-check";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { extractPercent, TASK_NUMBER_TOO_LONG } from "../src/core/grammar.js";
import { catalogue } from "../src/core/i18n/index.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 22: numbers in the body of an update are never task numbers, an absurd task number is refused with the
 * plan's range, and a percentage written in an odd form is refused rather than read as another figure.
 */

const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
const ctx: InterpretContext = {
  commands,
  units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
  subjects: new SubjectIndex(plan.tasks),
};
const t = catalogue("zh");
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

/** The tasks an update message would be written to, per segment; null when it is not read as an update. */
function written(text: string): number[][] | null {
  const r = interpret(text, ctx);
  return r.command === "update" ? (r.args.segments ?? []).map((s) => s.numbers) : null;
}

/** A head that names one task, as officers write it. */
const head = (n: number) =>
  fc.constantFrom(`任务${n}进展：`, `任务${n}：`, `${n}号任务进展：`, `【任务${n}】`, `任务${n} `, `报告：任务${n}进展，`, `#${n} `, `第${n}项任务：`);
/** A number in the body of an update, in every position the issue names, and dates, counts and figures besides. */
const bodyNumber = fc
  .tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }))
  .chain(([m, k, mo]) =>
    fc.constantFrom(
      `编号${m}`,
      `编号 ${m} `,
      `编号为${m}的设备`,
      `完成编号${m}的设备调试`,
      `第${m}项指标`,
      `第${m}项`,
      `${m}份`,
      `${m} 份`,
      `${m}个`,
      `${m}名民警`,
      `配合任务${m}推进`,
      `参照任务${m}的做法`,
      `与${m}号任务同步`,
      `任务${m}也在推进`,
      `(编号 ${m}、${k})`,
      `（编号${m}、${k}）`,
      `${m}`,
      ` ${m} `,
      `${k}%`,
      `${mo}月${k}日`,
      `${mo}月${k}号`,
      `2024年${mo}月`,
      `${k}号卡口`,
      `${m}号楼`,
      `#${m}`,
      `【${m}】`,
      `第${k}批`,
      `共${m}项`,
    ),
  );
const filler = fc.constantFrom("已完成", "已报送", "本周", "完成初审", "推进中", "设备调试完毕", "已上报市局", "两名民警通过初审");
/** Between the pieces of a body: never a line break, `；` or a label, which would start a segment of its own. */
const joiner = fc.constantFrom("", "，", " ", "、", "。", "的");
const body = fc.array(fc.tuple(bodyNumber, joiner, filler), { minLength: 1, maxLength: 4 }).map((parts) => parts.map(([a, j, f]) => `${a}${j}${f}`).join("，"));
/** A report on task n: a head, some words, a body full of numbers, and its progress figure. */
const message = fc
  .tuple(fc.integer({ min: 1, max: 25 }), filler, body, fc.integer({ min: 0, max: 100 }))
  .chain(([n, lead, rest, p]) => head(n).map((h) => ({ n, text: `${h}${lead}，${rest}，进度${p}%` })));

describe("numbers in the body of an update (interpret)", () => {
  it.each([
    "任务6进展：已报送，材料编号 12 份 30%",
    "任务6进展：完成编号3的设备调试 40%",
    "任务6进展：第12项指标已完成 40%",
    "任务6进展：配合任务12推进 40%",
    "任务6进展：两名民警(编号 7、9)通过初审 40%",
    "任务6进展：参照任务12的做法，完成初审 40%",
    "任务6进展：已报送。任务12的材料下周报 40%",
  ])("writes %j to task 6 only", (text) => {
    expect(written(text)).toEqual([[6]]);
  });

  it.each([
    ["任务6、7进展：完成初审 40%", [[6, 7]]],
    ["任务6和任务7：完成初审 40%", [[6, 7]]],
    ["1号任务和2号任务均已完成", [[1, 2]]],
    ["任务6：完成初审 40%；任务7：完成培训 50%", [[6], [7]]],
    ["任务6：完成初审 40%。任务7：完成培训 50%", [[6], [7]]],
    ["任务6：完成初审，任务7：完成培训 50%", [[6], [7]]],
    ["本周情况\n①任务21 数据资源目录梳理完成，完成65%\n②任务22 已接入省厅接口14个", [[21], [22]]],
    ["周报：\n（一）任务6：完成初审 40%\n（二）任务7：完成培训", [[6], [7]]],
  ])("still reads %j as the tasks its head or its segments name", (text, tasks) => {
    expect(written(text)).toEqual(tasks);
  });

  it("keeps a line of a multi-line report that starts with no task out of every task's update", () => {
    const r = interpret("本周总体进度70%\n1. 任务19 公安网边界改造完成\n2. 任务20 新增应用8个，进度60%\n3. 其他：下周完成全部工作", ctx);
    expect(r.args.segments?.map((s) => [s.numbers, s.percent, s.body])).toEqual([
      [[19], null, "公安网边界改造完成"],
      [[20], 60, "新增应用8个，进度60%"],
    ]);
  });

  it("writes only the task named at the head, whatever numbers its body holds (fast-check)", () => {
    fc.assert(
      fc.property(message, ({ n, text }) => {
        const r = interpret(text, ctx);
        expect(r.command, text).toBe("update");
        expect(r.tasks, text).toEqual([n]);
        for (const s of r.args.segments ?? []) expect(s.numbers, text).toEqual([n]);
      }),
      { numRuns: 3000, seed },
    );
  });

  it("reads a task number of any length at the head, and never a number of the body in its place", () => {
    expect(written("任务123456进展：完成初审 10%")).toEqual([[123456]]);
    expect(written("任务1234进展：完成初审 10%")).toEqual([[1234]]);
    const [n] = written("任务99999999999999999999进展：大编号 10%")?.flat() ?? [];
    expect(n).toBe(TASK_NUMBER_TOO_LONG);
  });
});

describe("percentages written in odd forms (extractPercent)", () => {
  it.each([
    ["完成初审 0x10%", "0x10"],
    ["完成初审 99.99999999999999999%", "99.99999999999999999"],
    ["完成初审 1e2%", "1e2"],
    ["完成初审 1.2.3%", "1.2.3"],
    ["完成初审 60.6%", "60.6"],
  ])("keeps the figure in %j as written (%s)", (text, raw) => {
    expect(extractPercent(text)?.raw).toBe(raw);
  });
});

describe("the issue's messages through Bot.handle on a real SQLite file", () => {
  let app: TempApp;
  let n = 0;
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(() => app.dispose());

  /** Send as the office's admin (who may post on every task) and return the reply and the tasks written. */
  async function send(text: string): Promise<{ reply: string; tasks: number[]; percents: (number | null)[] }> {
    const eventId = `$numbers-${n++}`;
    const r = await app.say(text, { eventId });
    const rows = await app.db.update.findMany({
      where: { OR: [{ eventId }, { eventId: { startsWith: `${eventId}#` } }] },
      orderBy: { id: "asc" },
      include: { task: { select: { number: true } } },
    });
    return { reply: r.text, tasks: rows.map((u) => u.task.number), percents: rows.map((u) => u.percent) };
  }

  it.each([
    ["任务6进展：已报送，材料编号 12 份 30%", 30],
    ["任务6进展：完成编号3的设备调试 40%", 40],
    ["任务6进展：第12项指标已完成 40%", 40],
    ["任务6进展：配合任务12推进 40%", 40],
    ["任务6进展：两名民警(编号 7、9)通过初审 40%", 40],
  ])("records %j on task 6 alone", async (text, percent) => {
    expect(await send(text)).toMatchObject({ tasks: [6], percents: [percent] });
  });

  it("refuses a task number of 20 digits with the plan's range, without naming another task", async () => {
    const r = await send("任务99999999999999999999进展：大编号 10%");
    expect(r).toEqual({ reply: t.updateReading.taskNumberTooLong(1, 25), tasks: [], percents: [] });
  });

  it.each(["任务123456进展：完成初审 10%", "123456号任务：完成初审 10%"])("answers %j with the plan's range instead of staying silent", async (text) => {
    const r = await send(text);
    expect(r).toEqual({ reply: t.errors.unknownTask(123456, 1, 25), tasks: [], percents: [] });
  });

  it("refuses a status query on a task number of 20 digits with the range, without an internal error", async () => {
    expect((await send("任务99999999999999999999进度")).reply).toBe(t.updateReading.taskNumberTooLong(1, 25));
    expect((await send("办结 99999999999999999999")).reply).toBe(t.updateReading.taskNumberTooLong(1, 25));
  });

  it.each([
    ["任务6进展：完成初审 0x10%", "0x10"],
    ["任务6进展：完成初审 99.99999999999999999%", "99.99999999999999999"],
    ["任务6进展：完成初审 1e2%", "1e2"],
    ["任务6进展：完成初审 99.999%", "99.999"],
  ])("refuses %j and records nothing", async (text, raw) => {
    expect(await send(text)).toEqual({ reply: t.updateReading.percentUnreadable(raw), tasks: [], percents: [] });
  });

  it("does not round a figure below 100 up to 100, which would say the task is done", async () => {
    expect(await send("任务6进展：完成初审 99.6%")).toMatchObject({ tasks: [6], percents: [99] });
    expect(await send("任务6进展：完成初审 99.99%")).toMatchObject({ tasks: [6], percents: [99] });
    expect(await send("任务6进展：完成初审 60.5%")).toMatchObject({ tasks: [6], percents: [61] });
  });

  it("writes only the task named at the head, whatever numbers its body holds (fast-check, real database)", async () => {
    await fc.assert(
      fc.asyncProperty(message, async ({ n: task, text }) => {
        const r = await send(text);
        // A body figure above 100 is refused; otherwise the head's task, and only it, gets the update.
        expect(
          r.tasks.every((x) => x === task),
          text,
        ).toBe(true);
        expect(r.reply, text).not.toBe("");
      }),
      { numRuns: 60, seed },
    );
  }, 120_000);
});
