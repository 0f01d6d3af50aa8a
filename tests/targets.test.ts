import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readTargetMoves, resolveTarget } from "../src/core/targets.js";
import { targetBehind } from "../src/core/task-status.js";
import type { TargetRecord } from "../src/core/model.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { findTargets } from "../src/plan/target-parser.js";
import { freshDatabaseUrl, tempApp, type TempApp } from "./helpers/temp-app.js";

const ROOT = join(import.meta.dirname, "..");
const BUNDLED = join(ROOT, "src/plan/bundled/mingxi-2023-2025.txt");

describe("targets (指标) read from a plan's wording", () => {
  it("finds the bundled plan's targets of tasks 4, 5, 6, 17 and 18, the 2024 goal's 示范点 attached to task 18", () => {
    const plan = parsePlan(readFileSync(BUNDLED, "utf8"));
    const targets = Object.fromEntries(
      plan.tasks.filter((t) => t.targets.length).map((t) => [t.number, t.targets.map(({ name, count, unit, due }) => ({ name, count, unit, due }))]),
    );
    expect(targets).toEqual({
      4: [{ name: "市级科技兴警创新领军人才", count: 1, unit: "名", due: "2024-12-31" }],
      5: [
        { name: "市级创新团队或市级科技兴警创新点", count: 1, unit: "个", due: "2024-12-31" },
        { name: "省级公安科技创新团队", count: 1, unit: "个", due: "2024-12-31" },
      ],
      6: [{ name: "市级“公安数字工匠”", count: 2, unit: "名", due: "2024-12-31" }],
      17: [{ name: "科技兴警县级创新单位", count: 1, unit: "个", due: null }],
      // Task 18 is 持续推进; its due date comes from the 2024 goals (推进年): 培育遴选1个科技兴警基层所队创新示范点.
      18: [{ name: "科技兴警基层所队创新示范点", count: 1, unit: "个", due: "2024-12-31" }],
    });
    expect(plan.warnings).toEqual([]);
  });

  it.each([
    ["到2025年6月底前，建成3个智慧派出所示范点，培训民警200人次。", [{ name: "智慧派出所示范点", count: 3, unit: "个", due: "2025-06-30" }]],
    ["力争打造两支市级网络安全攻防队伍", [{ name: "市级网络安全攻防队伍", count: 2, unit: "支", due: null }]],
    [
      "2024年底前申报十二项技术革新成果，引进5名专业技术人才",
      [
        { name: "技术革新成果", count: 12, unit: "项", due: "2024-12-31" },
        { name: "专业技术人才", count: 5, unit: "名", due: "2024-12-31" },
      ],
    ],
    ["选树1名具有较强影响力的全国公安科技英才", [{ name: "全国公安科技英才", count: 1, unit: "名", due: null }]],
    ["建成3个以上市级重点实验室", [{ name: "市级重点实验室", count: 3, unit: "个", due: null }]],
    [
      "培育2名数字工匠、3名领军人才",
      [
        { name: "数字工匠", count: 2, unit: "名", due: null },
        { name: "领军人才", count: 3, unit: "名", due: null },
      ],
    ],
    ["每年培育不少于５名技术骨干", [{ name: "技术骨干", count: 5, unit: "名", due: null }]],
    // A starting year is not a due date.
    ["自2023年以来，已培育2名骨干", [{ name: "骨干", count: 2, unit: "名", due: null }]],
  ])("reads %s", (text, expected) => {
    expect(findTargets(text, null).map(({ name, count, unit, due }) => ({ name, count, unit, due }))).toEqual(expected);
  });

  it.each([
    "全面落实“1+2+7”公安大数据智能应用体系部署",
    "实施全县科技兴警三年攻坚行动",
    "召开2次推进会，县局领导出席",
    "重组成立一把手牵头的工作领导小组",
    "落地一批科技创新成果",
    "入选10人以上",
  ])("finds no target in %s", (text) => {
    expect(findTargets(text, null)).toEqual([]);
  });

  it("uses the task's own date when the sentence gives none", () => {
    expect(findTargets("培育1个县级创新团队", "2025-12-31")[0]?.due).toBe("2025-12-31");
  });
});

describe("moving a count", () => {
  const t = (id: number, name: string): TargetRecord => ({
    id,
    taskId: 1,
    name,
    unit: "名",
    count: 2,
    current: 0,
    due: null,
    source: "plan",
    createdAt: new Date(0),
  });

  it("reads 指标+1, a named target, full-width signs and corrections", () => {
    expect(readTargetMoves("张三入选市级数字工匠 指标+1")).toEqual([{ name: null, delta: 1 }]);
    expect(readTargetMoves("指标：数字工匠＋2")).toEqual([{ name: "数字工匠", delta: 2 }]);
    expect(readTargetMoves("指标（省级团队）-1 更正")).toEqual([{ name: "省级团队", delta: -1 }]);
    expect(readTargetMoves("完成率提升了20%，+1")).toEqual([]);
    // A rate or a score is not a count.
    expect(readTargetMoves("本月各项指标+5%")).toEqual([]);
    expect(readTargetMoves("考核指标+10分")).toEqual([]);
    expect(readTargetMoves("指标：数字工匠+1、领军人才+1")).toEqual([
      { name: "数字工匠", delta: 1 },
      { name: "领军人才", delta: 1 },
    ]);
  });

  it("picks the only target, or the one the name fits, and never guesses between two", () => {
    const two = [t(1, "市级创新团队或市级科技兴警创新点"), t(2, "省级公安科技创新团队")];
    expect(resolveTarget({ name: null, delta: 1 }, [two[0]!])?.id).toBe(1);
    expect(resolveTarget({ name: null, delta: 1 }, two)).toBeNull();
    expect(resolveTarget({ name: "省级", delta: 1 }, two)?.id).toBe(2);
    expect(resolveTarget({ name: "创新点", delta: 1 }, two)?.id).toBe(1);
    expect(resolveTarget({ name: "禁毒", delta: 1 }, two)).toBeNull();
  });

  it("is behind schedule when short of the share the elapsed time calls for, and after its due date", () => {
    const x = { count: 2, current: 0, due: "2024-12-31" };
    // 2023-11-18 → 2024-12-31 is 409 days; on 2024-06-30 (225 days) floor(2 × 225 / 409) = 1 is due.
    expect(targetBehind(x, "2024-06-30", "2023-11-18")).toBe(true);
    expect(targetBehind({ ...x, current: 1 }, "2024-06-30", "2023-11-18")).toBe(false);
    // On 2024-03-01 (104 days) floor(2 × 104 / 409) = 0: not behind yet.
    expect(targetBehind(x, "2024-03-01", "2023-11-18")).toBe(false);
    expect(targetBehind({ ...x, current: 1 }, "2025-01-01", "2023-11-18")).toBe(true);
    expect(targetBehind({ ...x, current: 2 }, "2025-01-01", "2023-11-18")).toBe(false);
    expect(targetBehind({ ...x, due: null }, "2030-01-01", "2023-11-18")).toBe(false);
  });
});

describe("targets in chat, on a real SQLite file", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());

  const target6 = async () => (await app.db.target.findMany({ where: { task: { number: 6 } }, include: { changes: true } }))[0]!;

  it("moves the count with the update, in one transaction, with who, when and the update it came from", async () => {
    const r = await app.say("任务6进展:张三入选市级数字工匠 指标+1", { sender: "@zhang:bureau.local", room: "xingzhen", eventId: "$u1" });
    expect(r.text).toContain("已记录任务6");
    expect(r.text).toContain("指标：市级“公安数字工匠” 0→1/2名");
    const t = await target6();
    expect(t.current).toBe(1);
    const update = await app.db.update.findUniqueOrThrow({ where: { eventId: "$u1" } });
    expect(t.changes).toMatchObject([{ fromCount: 0, toCount: 1, actor: "@zhang:bureau.local", actorUnit: "刑侦大队", updateId: update.id }]);
    const status = await app.say("任务6");
    expect(status.text).toContain("指标：市级“公安数字工匠” 1/2名（2024-12-31）");
    expect(status.text).toContain("状态：🟢");
    const audit = await app.db.auditLog.findFirstOrThrow({ where: { action: "update", taskNumber: 6 } });
    expect(JSON.parse(audit.after!)).toMatchObject({ targets: [{ name: "市级“公安数字工匠”", from: 0, to: 1 }] });
  });

  it("moves it back when the update is retracted", async () => {
    await app.say("任务6进展:张三入选 指标+1", { sender: "@zhang:bureau.local", eventId: "$u2" });
    await app.bot.handle({
      transport: "test",
      room: "console",
      sender: "@zhang:bureau.local",
      kind: "redaction",
      targetEventId: "$u2",
      text: "",
      isDirect: true,
      mentionsBot: true,
    });
    const t = await target6();
    expect(t.current).toBe(0);
    expect(t.changes.map((c) => [c.fromCount, c.toCount, c.reason])).toEqual([
      [0, 1, null],
      [1, 0, "进展已撤回"],
    ]);
  });

  it("re-reads the moves on an edit: the earlier ones are undone and the new ones applied, and a deletion undoes them", async () => {
    await app.say("任务6进展:张三入选 指标+1", { sender: "@zhang:bureau.local", eventId: "$e1" });
    const edit = (text: string) =>
      app.bot.handle({
        transport: "test",
        room: "console",
        sender: "@zhang:bureau.local",
        kind: "edit",
        targetEventId: "$e1",
        text,
        isDirect: true,
        mentionsBot: true,
      });
    expect((await edit("任务6进展:张三、李四入选 指标+2")).replies[0]!.text).toContain("已修改任务6");
    expect((await target6()).current).toBe(2);
    await edit("任务6进展:张三、李四入选，材料已报");
    expect((await target6()).current).toBe(0);
    // An edit whose move cannot be read changes nothing.
    expect((await edit("任务6进展:指标：禁毒+1")).replies[0]!.text).toContain("无法确定是任务6的哪一项指标");
    expect((await target6()).current).toBe(0);
    expect((await target6()).changes.map((c) => [c.fromCount, c.toCount, c.reason])).toEqual([
      [0, 1, null],
      [1, 2, "进展已修改"],
      [2, 0, "进展已修改"],
    ]);
  });

  it("refuses a move past the promised number, naming it, and stores nothing", async () => {
    const r = await app.say("任务6进展：指标+5 数字工匠", { sender: "@zhang:bureau.local", eventId: "$over" });
    expect(r.text).toBe(
      "任务6的指标 市级“公安数字工匠” 承诺2名，现为0名，这样会变成5名，超过承诺数，本条进展未记录。如确需更正，请科技办管理员用“设置指标 6 名称 数量 理由”。",
    );
    expect(await app.db.update.count()).toBe(0);
    expect(await app.db.targetChange.count()).toBe(0);
    expect((await target6()).current).toBe(0);
    // Up to the promise is fine; one more is refused.
    expect((await app.say("任务6进展：两人入选 指标+2", { sender: "@zhang:bureau.local" })).text).toContain("0→2/2名");
    expect((await app.say("任务6进展：又一人入选 指标+1", { sender: "@zhang:bureau.local" })).text).toContain("承诺2名，现为2名，这样会变成3名");
    expect((await target6()).current).toBe(2);
  });

  it("refuses a decrease below zero instead of clamping it to 0, and stores nothing", async () => {
    await app.say("任务6进展：一人入选 指标+1", { sender: "@zhang:bureau.local" });
    const r = await app.say("任务6进展：更正 指标-100", { sender: "@zhang:bureau.local" });
    expect(r.text).toBe("任务6的指标 市级“公安数字工匠” 现为1名，不能减到-99名（最少为0），本条进展未记录。");
    expect(await app.db.update.count()).toBe(1);
    expect((await target6()).current).toBe(1);
    expect((await target6()).changes).toHaveLength(1);
    expect((await app.say("任务6进展：更正 指标-1", { sender: "@zhang:bureau.local" })).text).toContain("1→0/2名");
  });

  it("lets an admin's 设置指标 set a count above the promise, with a reason, and moves go on from there", async () => {
    expect((await app.say("设置指标 6 数字工匠 3")).text).toContain("请写明理由");
    expect((await app.say("设置指标 6 数字工匠 3 市局追加一个名额")).text).toBe("已设置任务6的指标 市级“公安数字工匠”：0→3/2名（理由：市局追加一个名额）");
    expect((await target6()).current).toBe(3);
    // A correction down is a decrease, allowed though the count stays above the promise; a rise is not.
    expect((await app.say("任务6进展：更正 指标-1", { sender: "@zhang:bureau.local" })).text).toContain("3→2/2名");
    expect((await app.say("任务6进展：又一人 指标+1", { sender: "@zhang:bureau.local" })).text).toContain("超过承诺数");
  });

  it("refuses, in the repository too, a move that a count changed in between would take past the limits", async () => {
    const { TargetRangeError } = await import("../src/core/model.js");
    const t = await target6();
    const move = (delta: number) =>
      app.repos.updates.record({
        targetMoves: [{ targetId: t.id, delta }],
        taskId: t.taskId,
        text: "x",
        percent: null,
        authorId: "@zhang:bureau.local",
        authorUnit: "刑侦大队",
        room: "console",
        transport: "test",
        eventId: null,
        at: app.clock.now(),
      });
    await expect(move(3)).rejects.toBeInstanceOf(TargetRangeError);
    await expect(move(-1)).rejects.toBeInstanceOf(TargetRangeError);
    expect(await app.db.update.count()).toBe(0);
    expect((await target6()).current).toBe(0);
  });

  it("holds an edit to the same limits: it cannot push a target past its promise or below zero", async () => {
    await app.say("任务6进展:张三入选 指标+1", { sender: "@zhang:bureau.local", eventId: "$lim" });
    const edit = (text: string) =>
      app.bot.handle({
        transport: "test",
        room: "console",
        sender: "@zhang:bureau.local",
        kind: "edit",
        targetEventId: "$lim",
        text,
        isDirect: true,
        mentionsBot: true,
      });
    // The update's own +1 is taken back first: +2 ends at 2/2, allowed; +3 would end at 3.
    expect((await edit("任务6进展:张三、李四入选 指标+2")).replies[0]!.text).toContain("已修改任务6");
    expect((await target6()).current).toBe(2);
    expect((await edit("任务6进展:三人入选 指标+3")).replies[0]!.text).toContain("承诺2名，现为2名，这样会变成3名，超过承诺数，本次修改未生效");
    expect((await edit("任务6进展:更正 指标-1")).replies[0]!.text).toContain("不能减到-1名（最少为0），本次修改未生效");
    expect((await target6()).current).toBe(2);
    expect((await app.db.update.findUniqueOrThrow({ where: { eventId: "$lim" } })).text).toBe("张三、李四入选 指标+2");
  });

  it("keeps updates that begin with a report word as updates", async () => {
    const r = await app.say("周报 任务6 本周完成数据对接，进展60%", { sender: "@zhang:bureau.local" });
    expect(r.text).toContain("已记录任务6");
    expect((await app.say("进度图 任务8 已更新", { sender: "@liu:bureau.local" })).text).toContain("已记录任务8");
  });

  it("refuses an update whose target is unclear or absent, storing nothing", async () => {
    const before = await app.db.update.count();
    expect((await app.say("任务5进展:团队已申报 指标+1")).text).toContain(
      "无法确定是任务5的哪一项指标。任务5的指标有：市级创新团队或市级科技兴警创新点、省级公安科技创新团队",
    );
    expect((await app.say("任务1进展:已成立 指标+1")).text).toContain("任务1没有设置指标");
    expect(await app.db.update.count()).toBe(before);
    expect(await app.db.targetChange.count()).toBe(0);
    expect((await app.say("任务5进展:省级团队已申报 指标：省级+1")).text).toContain("指标：省级公安科技创新团队 0→1/1个");
  });

  it("lets admins set, add and remove targets with a reason, and refuses everyone else", async () => {
    expect((await app.say("设置指标 6 数字工匠 2")).text).toContain("请写明理由");
    expect((await app.say("设置指标 6 数字工匠 2 市局文件已下达")).text).toBe("已设置任务6的指标 市级“公安数字工匠”：0→2/2名（理由：市局文件已下达）");
    expect((await target6()).changes).toMatchObject([{ fromCount: 0, toCount: 2, reason: "市局文件已下达", actor: "@kejiban:bureau.local", updateId: null }]);
    expect((await app.say("任务6")).text).toContain("市级“公安数字工匠” 2/2名（2024-12-31） ✅已完成");

    const refused = await app.say("设置指标 6 数字工匠 0 我说了算", { sender: "@zhang:bureau.local" });
    expect(refused.text).toContain("只能由科技办管理员办理");
    expect((await target6()).current).toBe(2);

    expect((await app.say("新增指标 6 省级数字工匠 1名 2025年底前 争创省级")).text).toBe(
      "已为任务6新增指标 省级数字工匠 1名（2025-12-31前）（理由：争创省级）",
    );
    expect((await app.say("新增指标 6 省级数字工匠 1名 再加一次")).text).toContain("已有指标");
    expect((await app.say("删除指标 6 省级数字工匠 市局取消该项")).text).toContain("已删除任务6的指标 省级数字工匠");
    expect((await app.say("任务6")).text).not.toContain("省级数字工匠");
    const removed = await app.db.target.findFirstOrThrow({ where: { name: "省级数字工匠" } });
    expect(removed.removedAt).not.toBeNull();
    const actions = (await app.db.auditLog.findMany({ where: { action: { startsWith: "target-" } }, orderBy: { id: "asc" } })).map(
      (a) => `${a.action}:${a.outcome}`,
    );
    expect(actions).toEqual(["target-set:ok", "target-set:refused", "target-add:ok", "target-remove:ok"]);
  });

  it("keeps counts and removals across a re-import of the plan", async () => {
    await app.say("设置指标 6 数字工匠 1 市局通报");
    await app.say("删除指标 17 创新单位 市局取消");
    const { importPlanText, readPlanFile } = await import("../src/plan/import-plan.js");
    await importPlanText(app.repos.plans, readPlanFile(BUNDLED), app.clock.now());
    expect((await target6()).current).toBe(1);
    expect((await app.db.target.findFirstOrThrow({ where: { name: "科技兴警县级创新单位" } })).removedAt).not.toBeNull();
    expect(await app.db.target.count()).toBe(6);
  });

  it("shows target progress in the overview, and a behind target turns the task yellow", async () => {
    const o = await app.say("总览");
    expect(o.text).toContain("📊 指标：已完成0/6项");
    // On 2024-06-30, 1 of task 6's 2 数字工匠 is due (see above); the other targets are not behind yet.
    expect(o.text).toContain("⚠ 指标滞后：任务6 市级“公安数字工匠” 0/2");
  });
});

describe("reports from chat", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-07-01T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());

  it("sends 导出 xlsx as a file whose sheets parse back, and refuses an unknown format", async () => {
    const r = await app.bot.handle({
      transport: "test",
      room: "console",
      sender: "@kejiban:bureau.local",
      text: "导出 xlsx",
      isDirect: true,
      mentionsBot: true,
    });
    expect(r.files).toHaveLength(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.files![0]!.data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["任务", "进展", "指标", "单位考评"]);
    expect(wb.getWorksheet("任务")!.rowCount).toBe(26);
    expect((await app.say("导出 pdf")).text).toContain("不支持导出格式“pdf”");
  });

  it("keeps the complete dump for admins", async () => {
    const r = await app.bot.handle({
      transport: "test",
      room: "xingzhen",
      sender: "@zhang:bureau.local",
      text: "导出 json",
      isDirect: true,
      mentionsBot: true,
    });
    expect(r.files ?? []).toHaveLength(0);
    expect(r.replies[0]!.text).toContain("只能由科技办管理员办理");
  });

  it("answers 周报, 单位考评 and 年度报告 in Chinese", async () => {
    expect((await app.say("周报")).text).toMatch(/^【督办周报】2024-06-24 10:00 至 2024-07-01 10:00/);
    expect((await app.say("年度报告 2022")).text).toBe("计划的实施期为2023-11-18至2025-12-31，2022年不在其中。请写2023至2025之间的年份。");
    const card = await app.say("单位考评 2024 刑侦大队");
    expect(card.text).toMatch(/\n刑侦大队（牵头9项）：应报\d+ 按时\d+ 逾期\d+ 未报\d+｜催办\d+ 升级\d+｜任务逾期\d+天｜办结\d+｜指标\d+\/6\n/);
    expect(card.text).not.toContain("\n· 应报次数");
    expect(card.text).toContain("完整表格和计算方法：发送“导出 xlsx”");
    // Every unit on one short line, not the 9-column table.
    const all = (await app.say("单位考评 2024")).text.split("\n");
    expect(all.filter((l) => /^\S+（牵头\d+项）：应报\d+ 按时\d+ 逾期\d+ 未报\d+｜催办\d+ 升级\d+｜/.test(l)).length).toBeGreaterThanOrEqual(10);
    expect(all.join("\n")).not.toContain("单位｜牵头任务｜");
    expect((await app.say("单位考评 2024 不存在的单位")).text).toContain("没有找到单位“不存在的单位”");
    const report = await app.bot.handle({
      transport: "test",
      room: "console",
      sender: "@kejiban:bureau.local",
      text: "年度报告 2024",
      isDirect: true,
      mentionsBot: true,
    });
    expect(report.files?.[0]?.name).toBe("科技兴警-2024年度工作报告.docx");
    expect((await app.say("年度报告")).text).toContain("请这样写：年度报告 2024");
  });
});

describe("the json dump through the command line", () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), "duban-dump-cli-"));
  // Two empty databases (SQLite files, or PostgreSQL databases in that project), each with its files in its own folder.
  const databases = new Map<string, Awaited<ReturnType<typeof freshDatabaseUrl>>>();
  beforeAll(async () => {
    for (const db of ["a", "b"]) {
      mkdirSync(join(dir, db));
      databases.set(db, await freshDatabaseUrl(join(dir, db)));
    }
  });
  afterAll(async () => {
    for (const d of databases.values()) await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const duban = (db: string, args: string[]) =>
    run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databases.get(db)!.url, DUBAN_EXPORT_DIR: join(dir, db, "exports"), CHECKPOINT_DISABLE: "1", DUBAN_NOW: "" },
    });

  it("exports, imports into an empty database and exports again, identically; a second import is refused", async () => {
    await duban("a", ["say", "--at", "2024-06-30T10:00:00+08:00", "--as", "@zhang:bureau.local", "任务6进展:张三入选 指标+1 50%"]);
    await duban("a", ["export", "--format", "json", "--at", "2024-07-01T10:00:00+08:00", "--out", join(dir, "a.json")]);
    const loaded = await duban("b", ["import", "--dump", join(dir, "a.json")]);
    expect(loaded.stdout).toMatch(/已从 .* 导入 \d+ 行数据/);
    await duban("b", ["export", "--format", "json", "--at", "2024-07-01T10:00:00+08:00", "--out", join(dir, "b.json")]);
    expect(readFileSync(join(dir, "b.json"), "utf8")).toBe(readFileSync(join(dir, "a.json"), "utf8"));
    const again = await duban("b", ["import", "--dump", join(dir, "a.json")]).catch((e: { code: number; stderr: string }) => e);
    expect(again).toMatchObject({ code: 2 });
    expect((again as { stderr: string }).stderr).toContain("目标数据库不是空的");
  });
});
