/**
 * Several plans at once (issue 12): codes, addressing a task by code or by the room's default plan, the
 * question back when it is open, views grouped by plan, archiving, and a database from before codes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { BUNDLED_PLAN } from "../src/config.js";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPlan } from "../bench/synthetic.js";
import { SYSTEM_ACTOR } from "../src/plan/import-plan.js";
import { splitPlanCode } from "../src/core/plan-scope.js";
import { openApp } from "../src/app.js";
import { readConfig } from "../src/config.js";
import { PlanCodeError, derivePlanCode, planCodeProblem } from "../src/plan/plan-code.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { planPeriod } from "../src/reports/review-data.js";
import { freshDatabaseUrl, quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";
import { reminderRows } from "./helpers/reminder-rows.js";

const ADMIN = { sender: "@kejiban:bureau.local" };
/** 刑侦大队's member, in its room; the directory below makes 科技兴警 that room's default plan. */
const ZHANG = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };

describe("plan codes", () => {
  it("are derived from the title: issuer, years and kind of document left out, a number added when taken", () => {
    expect(derivePlanCode("明溪县公安局科技兴警三年行动实施方案(2023-2025年)")).toBe("科技兴警");
    expect(derivePlanCode("明溪县公安局夏季治安打击整治专项行动工作方案")).toBe("夏季治安打击整治");
    expect(derivePlanCode("关于印发《明溪县公安局智慧警务建设三年行动计划》的通知")).toBe("智慧警务建设");
    expect(derivePlanCode("三明市公安局2024年度重点工作要点")).toBe("2024重点");
    expect(derivePlanCode("明溪县公安局科技兴警三年行动实施方案(2023-2025年)", ["科技兴警", "科技兴警2"])).toBe("科技兴警3");
    expect(derivePlanCode("（）")).toBe("计划");
  });

  it("given by an operator must be 2–12 letters or digits, not all digits, not starting with 任务", () => {
    expect(planCodeProblem("科技兴警")).toBeNull();
    expect(planCodeProblem("KJXJ2024")).toBeNull();
    expect(planCodeProblem("科")).toMatch(/2至12个字符/);
    expect(planCodeProblem("科技 兴警")).toMatch(/不含空格/);
    expect(planCodeProblem("2024")).toMatch(/不能全是数字/);
    expect(planCodeProblem("任务清单")).toMatch(/不能以“任务”/);
  });

  it("are taken out of a message only where they address a plan", () => {
    const codes = ["科技兴警", "重点工作", "科技"];
    expect(splitPlanCode("科技兴警 任务6进展：完成初审 60%", codes)).toEqual({ code: "科技兴警", text: "任务6进展：完成初审 60%" });
    expect(splitPlanCode("科技兴警任务6", codes)).toEqual({ code: "科技兴警", text: "任务6" });
    expect(splitPlanCode("status 科技兴警 6", codes)).toEqual({ code: "科技兴警", text: "status 6" });
    expect(splitPlanCode("重点工作：总览", codes)).toEqual({ code: "重点工作", text: "总览" });
    expect(splitPlanCode("请看重点工作的任务3", codes)).toEqual({ code: "重点工作", text: "请看任务3" });
    // In the body of an update it is text, not an address.
    expect(splitPlanCode("任务6进展：科技兴警宣传已完成", codes)).toEqual({ code: null, text: "任务6进展：科技兴警宣传已完成" });
    expect(splitPlanCode("科技兴警工作很重要", codes)).toEqual({ code: null, text: "科技兴警工作很重要" });
    expect(splitPlanCode("任务6", codes)).toEqual({ code: null, text: "任务6" });
    expect(splitPlanCode("【科技兴警】任务6", codes)).toEqual({ code: "科技兴警", text: "任务6" });
    expect(splitPlanCode("办结审核 科技兴警 6 通过 材料齐全", codes)).toEqual({ code: "科技兴警", text: "办结审核 6 通过 材料齐全" });
    // After the first colon comes an update's text, which is kept as written.
    expect(splitPlanCode("任务3进展：已完成科技兴警第2批设备采购 50%", codes).code).toBeNull();
    expect(splitPlanCode("6号任务：按科技兴警任务3要求完成", codes).code).toBeNull();
    expect(splitPlanCode("科技兴警的宣传工作已完成，任务6 60%", codes).code).toBeNull();
    // A digit straight after a code is not a task number: 科技兴警26 is not plan 科技兴警2's task 6.
    expect(splitPlanCode("科技兴警26", ["科技兴警", "科技兴警2"]).code).toBeNull();
    expect(splitPlanCode("科技兴警2 任务6", ["科技兴警", "科技兴警2"])).toEqual({ code: "科技兴警2", text: "任务6" });
  });
});

describe("several plans in one database", () => {
  let app: TempApp;
  let bundled: number;
  let second: number;
  let directoryDir: string;

  beforeAll(async () => {
    // The demo directory, with 科技兴警 as the default plan of 刑侦大队's room.
    const dir = join(import.meta.dirname, "..", "src", "directory", "demo-directory.yaml");
    directoryDir = mkdtempSync(join(tmpdir(), "duban-plans-"));
    const file = join(directoryDir, "directory.yaml");
    writeFileSync(file, readFileSync(dir, "utf8").replace("  - name: 刑侦大队\n", "  - name: 刑侦大队\n    plans: [科技兴警]\n"));
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00", env: { DUBAN_DIRECTORY: file } });
    bundled = (await app.repos.plans.currentPlan())!.id;
    const report = await app.repos.plans.importPlan(syntheticPlan("三明市公安局2024年度重点工作要点", 30, 5), app.clock.now(), SYSTEM_ACTOR, {
      code: "重点工作",
    });
    second = report.planId;
    expect(report.code).toBe("重点工作");
  });
  afterAll(async () => {
    await app.dispose();
    rmSync(directoryDir, { recursive: true, force: true });
  });

  const updatesOf = (planId: number) => app.db.update.count({ where: { task: { planId } } });

  it("the bundled plan got its code from its title, and help says how to name a plan", async () => {
    expect((await app.repos.plans.planByCode("科技兴警"))!.id).toBe(bundled);
    expect((await app.say("帮助", ADMIN)).text).toContain("多个计划在执行：本群没有默认计划时，在任务前写计划代码，例如“科技兴警 任务6”。");
    expect((await app.repos.plans.activePlans()).map((p) => p.code)).toEqual(["科技兴警", "重点工作"]);
  });

  it("an ambiguous 任务6 gets the candidates and how to name one, and nothing is stored", async () => {
    const before = (await updatesOf(bundled)) + (await updatesOf(second));
    const r = await app.say("任务6进展：不知道是哪个计划的 60%", ADMIN);
    expect(r.text).toContain("现有多个计划在执行，请写明计划代码");
    expect(r.text).toContain("• 科技兴警《明溪县公安局科技兴警三年行动实施方案(2023-2025年)》");
    expect(r.text).toContain("• 重点工作《三明市公安局2024年度重点工作要点》");
    expect(r.text).toContain("例如“科技兴警 任务6”");
    expect((await updatesOf(bundled)) + (await updatesOf(second))).toBe(before);
    expect((await app.say("任务6", ADMIN)).text).toContain("现有多个计划在执行");
  });

  it("a code before the task addresses that plan's task", async () => {
    expect((await app.say("重点工作 任务6进展：第二个计划的进展 40%", ADMIN)).text).toContain("已记录任务6");
    expect(await updatesOf(second)).toBe(1);
    expect((await app.say("科技兴警 任务6进展：第一个计划的进展 60%", ADMIN)).text).toContain("已记录任务6");
    expect(await updatesOf(bundled)).toBe(1);
    const status = await app.say("status 重点工作 6", ADMIN);
    expect(status.text).toContain("合成任务6");
    expect(status.text).toContain("第二个计划的进展");
    expect((await app.say("科技兴警 任务6", ADMIN)).text).toContain("第一个计划的进展");
  });

  it("in a room whose unit has a default plan, 任务6 is that plan's", async () => {
    const r = await app.say("任务6进展：刑侦大队在本群报送 70%", ZHANG);
    // The reply says which plan, since the room's default chose it silently.
    expect(r.text).toMatch(/^【科技兴警】已记录任务6/);
    expect((await app.say("任务6", { ...ZHANG, mentionsBot: true })).text).toMatch(/^【科技兴警】/);
    const latest = await app.db.update.findFirstOrThrow({ orderBy: { id: "desc" }, include: { task: true } });
    expect(latest.task.planId).toBe(bundled);
    expect(latest.text).toContain("刑侦大队在本群报送");
  });

  it("a unit that only one of the plans in progress names is found: its tasks there, none in the other", async () => {
    // 第2单位 is in neither the directory nor the bundled plan: only 重点工作's tasks name it.
    const r = await app.say("第2单位的任务", { ...ADMIN, mentionsBot: true });
    expect(r.text).not.toContain("没有名为");
    expect(r.text).toContain("【科技兴警】");
    expect(r.text).toContain("第2单位在本计划中没有牵头任务。");
    expect(r.text).toMatch(/【重点工作】[\s\S]*第2单位牵头的任务（\d+项）：[\s\S]*合成任务/);
    // A unit no plan names is still refused, naming the units there are.
    expect((await app.say("第99单位的任务", { ...ADMIN, mentionsBot: true })).text).toMatch(/^没有名为“第99单位”的单位。现有单位：.*第2单位/);
  });

  it('a question "要记录为…吗？" remembers its plan: the answer records there, not in the room\'s default or nowhere', async () => {
    const asked = await app.say("科技兴警 数字工匠创新工作室已经挂牌，完成60%", ADMIN);
    expect(asked.text).toContain("要记录为任务7");
    const before = await updatesOf(bundled);
    expect((await app.say("是", ADMIN)).text).toContain("已记录任务7");
    expect(await updatesOf(bundled)).toBe(before + 1);
    const latest = await app.db.update.findFirstOrThrow({ orderBy: { id: "desc" }, include: { task: true } });
    expect(latest.task.planId).toBe(bundled);
    expect(latest.text).toBe("数字工匠创新工作室已经挂牌，完成60%");
  });

  it("the overview and the lists cover every plan in progress, grouped by plan", async () => {
    const overview = (await app.say("总览", ADMIN)).text;
    expect(overview.indexOf("【科技兴警】")).toBeGreaterThanOrEqual(0);
    expect(overview.indexOf("【重点工作】")).toBeGreaterThan(overview.indexOf("【科技兴警】"));
    expect(overview).toContain("共25项任务");
    expect(overview).toContain("共30项任务");
    // Named by code, only that plan.
    const one = (await app.say("重点工作 总览", ADMIN)).text;
    expect(one).not.toContain("【科技兴警】");
    expect(one).toContain("共30项任务");
    // In 刑侦大队's room, its default plan only.
    expect((await app.say("逾期", { ...ZHANG, mentionsBot: true })).text).not.toContain("【");
  });

  it("exports, the chart and the year report of two plans on one day have file names of their own: the plan code is in each", async () => {
    const names = async (plan: string) => {
      const out: string[] = [];
      for (const cmd of ["导出 xlsx", "导出 csv", "导出 ics", "进度图", "年度报告 2024"]) {
        const r = await app.bot.handle({ transport: "test", room: "console", text: `${plan} ${cmd}`, isDirect: true, mentionsBot: true, ...ADMIN });
        out.push(...(r.files ?? []).map((f) => f.name));
      }
      return out;
    };
    const first = await names("科技兴警");
    expect(first).toEqual([
      "督办导出-科技兴警-2024-06-30.xlsx",
      "督办导出-科技兴警-2024-06-30.csv",
      "督办导出-科技兴警-2024-06-30.ics",
      "进度图-科技兴警-2024-06-30.png",
      "科技兴警-2024年度工作报告.docx",
    ]);
    expect(await names("重点工作")).toEqual(first.map((n) => n.replace("科技兴警", "重点工作")));
  });

  it("a re-import keeps the code; another code, or one already used, is refused and nothing changes", async () => {
    const parsed = syntheticPlan("三明市公安局2024年度重点工作要点", 30, 5);
    await expect(app.repos.plans.importPlan(parsed, app.clock.now(), SYSTEM_ACTOR, { code: "别的代码" })).rejects.toThrow(PlanCodeError);
    await expect(app.repos.plans.importPlan(syntheticPlan("另一份计划", 3, 1), app.clock.now(), SYSTEM_ACTOR, { code: "科技兴警" })).rejects.toThrow(
      /已被《明溪县公安局/,
    );
    await expect(app.repos.plans.importPlan(syntheticPlan("另一份计划", 3, 1), app.clock.now(), SYSTEM_ACTOR, { code: "12" })).rejects.toThrow(/不能全是数字/);
    expect((await app.repos.plans.plans()).length).toBe(2);
    expect((await app.repos.plans.importPlan(parsed, app.clock.now(), SYSTEM_ACTOR)).code).toBe("重点工作");
  });

  it("a request's notice to the office names the plan, and the office's answer as shown decides it", async () => {
    const r = await app.bot.handle({ transport: "test", text: "申请办结 6 两名民警已入选市级数字工匠", ...ZHANG });
    const notice = r.notices!.map((n) => n.reply.text).join("\n");
    expect(notice).toContain("【办结申请】科技兴警 任务6");
    expect(notice).toContain("审核：办结审核 科技兴警 6 通过 理由");
    expect((await app.say("办结审核 科技兴警 6 通过 确认 材料齐全", ADMIN)).text).toContain("办结审核通过");
    const six = (await app.repos.plans.task(bundled, 6))!;
    expect(six.completedAt).not.toBeNull();
    expect((await app.repos.plans.task(second, 6))!.completedAt).toBeNull();
  });

  it("撤回 retracts in the plan the message is about, and the reply names that plan", async () => {
    await app.say("任务9进展：要撤回的一条 20%", ZHANG);
    const r = await app.say("撤回 任务9", ZHANG);
    expect(r.text).toContain("【科技兴警】已撤回任务9的第1条进展");
    expect(r.text).toContain("“要撤回的一条 20%”");
    expect((await app.say("撤回 重点工作 任务9", ZHANG)).text).toContain("任务9还没有进展记录");
  });

  it("an edit keeps an update in its plan", async () => {
    expect((await app.say("科技兴警 任务6进展：将被更正的一条 10%", { ...ADMIN, eventId: "$kj-edit" })).text).toContain("已记录任务6");
    const edit = (text: string) =>
      app.bot.handle({
        transport: "test",
        room: "console",
        sender: ADMIN.sender,
        text,
        isDirect: true,
        mentionsBot: true,
        kind: "edit",
        targetEventId: "$kj-edit",
        eventId: `$e${text.length}`,
      });
    expect((await edit("重点工作 任务6进展：改到另一个计划 20%")).replies[0]!.text).toContain("这条进展属于计划“科技兴警”，更正不能把它移到另一个计划");
    expect((await edit("任务6进展：更正后的内容 30%")).replies[0]!.text).toContain("任务6");
    const stored = await app.db.update.findFirstOrThrow({ where: { eventId: "$kj-edit" }, include: { task: true } });
    expect(stored.task.planId).toBe(bundled);
    expect(stored.text).toBe("更正后的内容 30%");
  });

  it("归档计划: admins only; an archived plan gets no reminders, leaves the default views, and stays queryable but not changeable", async () => {
    expect((await app.say("重点工作 任务7进展：归档前的最后一条 80%", { ...ADMIN, eventId: "$zd-last" })).text).toContain("已记录任务7");
    // A reminder recorded before the archiving, not yet sent.
    const secondTask = (await app.repos.plans.tasks(second))[0]!;
    await app.repos.reminders.insertNew(
      [{ key: "test:before-archive", taskId: secondTask.id, unit: "刑侦大队", kind: "overdue", occurrence: "2024-07-01", dueOn: "2024-07-01" }],
      app.clock.now(),
    );
    expect((await app.say("归档计划 重点工作 已通过总结验收", ZHANG)).text).toContain("科技办");
    expect(await app.db.auditLog.count({ where: { action: "archive-plan", outcome: { not: "ok" } } })).toBe(1);
    expect((await app.repos.plans.planByCode("重点工作"))!.archivedAt).toBeNull();
    expect((await app.say("归档计划 重点工作", ADMIN)).text).toContain("请写明理由，例如：归档计划 科技兴警 已通过总结验收");
    expect((await app.say("归档计划 没有这个 已验收", ADMIN)).text).toContain("没有代码为“没有这个”的计划");

    // A request awaiting review would be stuck after archiving: the office reviews it first.
    const three = (await app.repos.plans.task(second, 3))!;
    await app.repos.requests.create({
      taskId: three.id,
      kind: "completion",
      note: "全部完成",
      deadline: null,
      link: null,
      actor: { id: "@unit5:bureau.local", unit: "第5单位", transport: "test", room: "r", eventId: null },
      at: app.clock.now(),
    });
    const refused = (await app.say("归档计划 重点工作 已通过总结验收", ADMIN)).text;
    expect(refused).toContain("计划“重点工作”尚有1项待审核的申请（任务3办结），归档后将无法审核");
    expect((await app.repos.plans.planByCode("重点工作"))!.archivedAt).toBeNull();
    expect((await app.say("办结审核 重点工作 3 退回 材料不全", ADMIN)).text).toContain("退回");
    expect((await app.say("归档计划 重点工作 已通过总结验收", ADMIN)).text).toContain("已归档计划“重点工作”");
    const audit = await app.db.auditLog.findFirstOrThrow({ where: { action: "archive-plan", outcome: "ok" } });
    expect(JSON.parse(audit.detail)).toMatchObject({ plan: "重点工作", reason: "已通过总结验收" });
    expect((await app.say("归档计划 重点工作 再来一次", ADMIN)).text).toContain("已于2024-06-30归档");

    // One plan in progress again: 任务6 is no longer ambiguous, and the overview has no plan headings.
    expect((await app.say("任务6", ADMIN)).text).toContain("培育");
    expect((await app.say("总览", ADMIN)).text).not.toContain("【");
    // Its history stays queryable by code; changes are refused and store nothing.
    expect((await app.say("重点工作 任务6", ADMIN)).text).toContain("第二个计划的进展");
    const before = await updatesOf(second);
    expect((await app.say("重点工作 任务6进展：归档后又报 90%", ADMIN)).text).toContain("计划“重点工作”已于2024-06-30归档，只能查询");
    expect(await updatesOf(second)).toBe(before);
    // Nor are its updates edited or retracted.
    const edited = await app.bot.handle({
      transport: "test",
      room: "console",
      sender: ADMIN.sender,
      text: "任务7进展：归档后更正 90%",
      isDirect: true,
      mentionsBot: true,
      kind: "edit",
      targetEventId: "$zd-last",
      eventId: "$zd-edit",
    });
    expect(edited.replies[0]!.text).toContain("已于2024-06-30归档，只能查询");
    const retracted = await app.bot.handle({
      transport: "test",
      room: "console",
      sender: ADMIN.sender,
      text: "",
      isDirect: true,
      mentionsBot: true,
      kind: "redaction",
      targetEventId: "$zd-last",
      eventId: "$zd-redact",
    });
    expect(retracted.replies[0]!.text).toContain("已于2024-06-30归档，只能查询");
    const last = await app.db.update.findFirstOrThrow({ where: { eventId: "$zd-last" } });
    expect(last).toMatchObject({ text: "归档前的最后一条 80%", retractedAt: null });
    // The reminder recorded before is not sent, and the record says why.
    const sent: string[] = [];
    await app.reminders.service.run(["2024-07-01"], app.clock.now(), { send: async (_rooms, r) => void sent.push(r.text) });
    expect(sent.join("\n")).not.toContain("合成任务");
    const [archived] = await reminderRows(app.db, { key: "test:before-archive" });
    expect(archived).toMatchObject({ lastError: "skipped: plan archived" });
    expect(archived!.deliveredAt).not.toBeNull();
    // No reminder for its tasks, even on a day they are all overdue.
    const due = await app.reminders.service.dueRows(["2025-01-14"]);
    const secondTasks = new Set((await app.repos.plans.tasks(second)).map((t) => t.id));
    expect(due.length).toBeGreaterThan(0);
    expect(due.filter((r) => r.taskId !== null && secondTasks.has(r.taskId))).toEqual([]);
  });

  it("恢复计划 puts an archived plan back in progress (admins only, audited)", async () => {
    expect((await app.say("恢复计划 重点工作 误归档", ZHANG)).text).toContain("科技办");
    expect((await app.say("恢复计划 科技兴警 误归档", ADMIN)).text).toContain("计划“科技兴警”没有归档");
    expect((await app.say("恢复计划 重点工作 总结验收后又延长一年", ADMIN)).text).toContain("已恢复计划“重点工作”");
    expect((await app.repos.plans.activePlans()).map((p) => p.code)).toEqual(["科技兴警", "重点工作"]);
    expect((await app.say("总览", ADMIN)).text).toContain("【重点工作】");
    const audit = await app.db.auditLog.findFirstOrThrow({ where: { action: "restore-plan", outcome: "ok" } });
    expect(JSON.parse(audit.detail)).toMatchObject({ plan: "重点工作", reason: "总结验收后又延长一年" });
    expect(JSON.parse(audit.before!)).toMatchObject({ archiveReason: "已通过总结验收" });
  });
});

describe("a database from before plan codes", () => {
  it("gets a code for its plan when the app opens it, and that plan stays the default", async () => {
    const app = await tempApp();
    const env = { ...app.env, DUBAN_RATE_LIMIT: "0" };
    await app.db.$executeRawUnsafe(`UPDATE "Plan" SET "code" = NULL`);
    await app.close();
    const again = await openApp(readConfig(env), app.clock, { logger: quietLogger, quiet: true });
    try {
      const plans = await again.repos.plans.plans();
      expect(plans.map((p) => p.code)).toEqual(["科技兴警"]);
      const r = await again.bot.handle({ transport: "test", room: "console", sender: ADMIN.sender, text: "任务6", isDirect: true, mentionsBot: true });
      expect(r.replies[0]!.text).toContain("培育");
    } finally {
      await again.close();
      rmSync(app.dir, { recursive: true, force: true });
    }
  });
});

describe("reminders with two plans in progress", () => {
  it("name each task's plan, and list task 5 of both plans rather than one of them", async () => {
    const app = await tempApp({ at: "2025-01-14T09:00:00+08:00" });
    try {
      // A second plan whose task 5 is led by 刑侦大队 too, like the bundled plan's, and overdue on that day.
      const parsed = syntheticPlan("明溪县公安局智慧警务建设三年行动计划", 8, 1);
      for (const t of parsed.tasks) t.leadUnits = ["刑侦大队"];
      await app.repos.plans.importPlan(parsed, app.clock.now(), SYSTEM_ACTOR, { code: "智慧警务" });
      const messages = await app.reminders.service.preview(["2025-01-14"], app.clock.now());
      const xingzhen = messages.find((m) => m.unit === "刑侦大队")!;
      expect(xingzhen.reply.text).toMatch(/【科技兴警】.*任务5 /);
      expect(xingzhen.reply.text).toMatch(/【智慧警务】.*任务5 /);
      expect(xingzhen.reply.text).toContain("例如“科技兴警 任务N进展:内容 60%”");
      for (const line of xingzhen.reply.text.split("\n").filter((l) => /任务\d+ /.test(l))) expect(line).toMatch(/^【(科技兴警|智慧警务)】/);
    } finally {
      await app.dispose();
    }
  });
});

describe("the command line with two plans", () => {
  const ROOT = join(import.meta.dirname, "..");
  const dir = mkdtempSync(join(tmpdir(), "duban-plans-cli-"));
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await freshDatabaseUrl(dir);
    // Files that go with the database stay in `dir` on PostgreSQL too.
    env = {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      DATABASE_URL: database.url,
      DUBAN_EXPORT_DIR: join(dir, "duban.db.exports"),
      DUBAN_NOW: "2024-06-30T10:00:00+08:00",
    };
  });
  const cli = async (...args: string[]) => {
    try {
      const r = await promisify(execFile)(process.execPath, [join(ROOT, "bin/duban.js"), ...args], { cwd: ROOT, env });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout, err: x.stderr };
    }
  };
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("import --code names the plan; reports and exports then need --plan, and a code in use is refused", async () => {
    const text = readFileSync(BUNDLED_PLAN, "utf8").replace(
      "\n明溪县公安局科技兴警三年行动实施方案(2023-2025年)\n",
      "\n明溪县公安局智慧警务建设三年行动实施方案(2024-2026年)\n",
    );
    writeFileSync(join(dir, "second.txt"), text);
    writeFileSync(join(dir, "third.txt"), text.replace("智慧警务建设", "数据治理"));
    const imported = await cli("import", join(dir, "second.txt"), "--code", "智慧警务");
    expect(imported.code).toBe(0);
    expect(imported.out).toContain("计划代码：智慧警务");
    const taken = await cli("import", join(dir, "third.txt"), "--code", "科技兴警");
    expect(taken.code).toBe(2);
    expect(taken.err).toContain("计划代码“科技兴警”已被《明溪县公安局科技兴警三年行动实施方案(2023-2025年)》使用");
    const open = await cli("export", "--format", "csv", "--out", join(dir, "all.csv"));
    expect(open.code).toBe(2);
    expect(open.err).toContain("有多个计划在执行，请用 --plan 指定其一");
    expect(open.err).toContain("• 智慧警务《明溪县公安局智慧警务建设三年行动实施方案(2024-2026年)》");
    const one = await cli("export", "--format", "csv", "--plan", "智慧警务", "--out", join(dir, "one.csv"));
    expect(one.code).toBe(0);
    expect(readFileSync(join(dir, "one.csv"), "utf8")).toContain("任务");
    const say = await cli("say", "智慧警务 任务6");
    expect(say.out).toContain("任务6");
    expect(say.out).not.toContain("现有多个计划");
  });
});

describe("a plan imported without an issue date and without --at", () => {
  it("runs over its own years (the title's 2023–2025), not from the day it was imported, after they ended", async () => {
    const app = await tempApp({ at: "2026-12-07T10:00:00+08:00" });
    try {
      const text = readFileSync(BUNDLED_PLAN, "utf8")
        .replace(/^2023年11月18日$/m, "")
        .replace(/^- 公文生成日期:2023-11-18$/m, "");
      await app.repos.plans.importPlan(parsePlan(text), app.clock.now(), SYSTEM_ACTOR);
      const plan = (await app.repos.plans.currentPlan())!;
      expect(plan.issuedOn).toBeNull();
      expect((await app.reports.report(plan, { kind: "final" }, app.clock.now())).period).toMatchObject({ from: "2023-01-01", to: "2025-12-31" });
      const year = await app.bot.handle({ transport: "test", room: "console", text: "年度报告 2024", isDirect: true, mentionsBot: true, ...ADMIN });
      expect(year.files?.[0]?.name).toBe("科技兴警-2024年度工作报告.docx");
    } finally {
      await app.dispose();
    }
  });

  it("without years in its title, runs from the first year of its deadlines when imported after the last one", () => {
    const plan = { title: "某某工作方案", issuedOn: null, importedAt: new Date("2026-12-07T02:00:00Z") };
    const tasks = [{ deadline: { date: "2024-12-31" } }, { deadline: { date: "2023-12-31" } }, { deadline: { date: null } }];
    expect(planPeriod({ plan, tasks } as unknown as Parameters<typeof planPeriod>[0])).toEqual({ from: "2023-01-01", to: "2024-12-31" });
  });
});
