import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 25: a question is never an order. The fixed syntax of the task commands (`任务6办结`, `任务3暂停提醒 原因`,
 * `暂停任务3的提醒`) read `任务N<verb>了，<question>` (a fact told, then asked about) and `<verb> N <question>` as the
 * order itself: an admin's `任务6办结了，为什么` completed task 6 with the reason 为什么. Through the bot on a real
 * database: each question changes nothing (read back) and is answered about its task; the genuine orders still act.
 */

const ADMIN = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: true, mentionsBot: true };
/** 刘洋 of 指挥情报中心, which leads task 23, writing in his unit's room. */
const OFFICER = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false, mentionsBot: false };

describe("a question about a task command is never the command", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());

  /** Everything a command could change: tasks, updates, requests, the audit trail, pending questions. */
  const state = async () => ({
    tasks: await app.db.task.findMany({
      orderBy: { number: "asc" },
      select: { number: true, completedAt: true, remindersPaused: true, pauseReason: true, reviewPending: true, progress: true, deadlineText: true },
    }),
    updates: await app.db.update.findMany({ orderBy: { id: "asc" }, select: { id: true, taskId: true, percent: true, retractedAt: true } }),
    requests: await app.db.request.findMany({ orderBy: { id: "asc" }, select: { id: true, kind: true, state: true } }),
    audit: await app.db.auditLog.count(),
    pending: await app.db.pendingUpdate.count(),
  });

  /** Task 23 has an update by the officer and is paused; task 5 is done. */
  const setUp = async () => {
    expect((await app.say("任务23进展：指挥中心实战平台已部署，完成60%", OFFICER)).reaction).toBe("✅");
    expect((await app.say("暂停提醒 23 等市局方案下发", ADMIN)).text).toContain("已暂停任务23的提醒");
    expect((await app.say("办结 5 确认 市局已验收", ADMIN)).text).toContain("办结");
    expect((await app.db.task.findFirstOrThrow({ where: { number: 5 } })).completedAt).not.toBeNull();
  };

  /** The status answer of task N (`任务6：<title>…`), never "没看懂", a refusal or a confirmation of a change. */
  const expectStatusOf = (text: string, n: number) => {
    expect(text).toMatch(new RegExp(`^任务${n}：`, "u"));
    expect(text).not.toMatch(/没看懂|只能由科技办管理员办理|已办结任务|已提交任务|已撤回|已暂停任务|已恢复任务|已重启任务|已记录/u);
  };

  it.each([
    // complete: a fact told, then asked about, and a question put outright.
    ["任务23办结了，为什么", 23],
    ["任务6办结了，为什么", 6],
    ["任务6办结了，什么时候审核", 6],
    ["任务6办结了，多会儿审核", 6],
    ["任务6办结了，怎么回事", 6],
    ["任务6办结了，进度100%，什么时候审核", 6],
    ["任务6办结，为什么", 6],
    ["T6 可以办结了，谁批的", 6],
    ["把任务6标记为已完成了，谁标的", 6],
    // pause and resume reminders (task 23 is paused, task 3 is not).
    ["任务3提醒暂停了，怎么回事", 3],
    ["任务23提醒恢复了，为啥", 23],
    ["暂停任务3的提醒了，为什么", 3],
    ["恢复任务23的提醒了，谁恢复的", 23],
    // retract, reopen, request completion or extension, said as facts and asked about.
    ["任务23进展撤回了，为什么", 23],
    ["任务5重启了，为什么", 5],
    ["任务5重启了，什么时候重启的", 5],
    ["任务23申请办结了，什么时候审核", 23],
    ["任务23已经申请办结了，什么时候审核", 23],
    ["任务23申请延期了，什么时候批", 23],
    ["任务23延期申请了，有没有批", 23],
    // The prefix form with a question for its reason.
    ["申请办结 23 什么时候审核", 23],
    ["办结 6 为什么", 6],
    // A fact about an audit is no request for the audit trail.
    ["任务23审计了，什么时候出结果", 23],
  ])("the office's %s changes nothing and answers about task %i", async (text, n) => {
    await setUp();
    const before = await state();
    const r = await app.say(text, ADMIN);
    expect(await state()).toEqual(before);
    expectStatusOf(r.text, n);
  });

  it.each([
    ["任务23申请办结了，什么时候审核", 23],
    ["任务23已经申请办结了，什么时候审核", 23],
    ["任务23申请延期了，什么时候批", 23],
    ["任务23进展撤回了，为什么", 23],
    ["任务23办结了，为什么", 23],
    ["任务23办结了，什么时候审核", 23],
    ["任务23提醒恢复了，为啥", 23],
    // 可以办结 from an officer reports the work done; with a question after it, it records nothing.
    ["任务23可以办结了，什么时候审核", 23],
    ["T23 可以办结了，谁批的", 23],
  ])("an officer's %s changes nothing and answers about task %i", async (text, n) => {
    await setUp();
    const before = await state();
    const r = await app.say(text, OFFICER);
    expect(await state()).toEqual(before);
    expectStatusOf(r.text, n);
  });

  it.each([
    ["任务6办结，为什么", "办结 6 说明"],
    ["办结 6 为什么", "办结 6 说明"],
    ["申请办结 23 什么时候审核", "申请办结 23 说明"],
    ["暂停提醒 6 市局还没定什么时候开会", "暂停提醒 6 原因"],
    ["重启任务 5 谁定的", "重启任务 5 理由"],
  ])("says that %s, written as an order with a question in it, changed nothing, and how to send the order", async (text, command) => {
    await setUp();
    const before = await state();
    const r = await app.say(text, ADMIN);
    expect(await state()).toEqual(before);
    expect(r.text).toContain(`这条消息带有问句，已按询问回答，未作任何更改。如确要办理，请不带问句发送：${command}`);
  });

  it("tells no such thing when a fact is told and asked about (任务6办结了，为什么)", async () => {
    for (const text of ["任务6办结了，为什么", "任务23已经申请办结了，什么时候审核", "任务23进展撤回了，为什么"]) {
      expect((await app.say(text, ADMIN)).text).not.toContain("带有问句");
    }
  });

  it("answers 任务6办结了吗 with task 6's status, never 没看懂", async () => {
    for (const text of ["任务6办结了吗", "任务6办结了？", "任务6是不是办结了", "任务6办结了没有"]) {
      const before = await state();
      const r = await app.say(text, ADMIN);
      expect(await state()).toEqual(before);
      expectStatusOf(r.text, 6);
    }
  });

  it("still acts on the genuine orders", async () => {
    await setUp();
    expect((await app.say("任务12暂停催办，设备招标流程中", ADMIN)).text).toContain("已暂停任务12的提醒");
    expect(await app.db.task.findFirstOrThrow({ where: { number: 12 } })).toMatchObject({ remindersPaused: true, pauseReason: "设备招标流程中" });
    expect((await app.say("任务23恢复提醒", ADMIN)).text).toContain("已恢复任务23的提醒");
    expect((await app.db.task.findFirstOrThrow({ where: { number: 23 } })).remindersPaused).toBe(false);
    expect((await app.say("任务23撤回", OFFICER)).text).toContain("撤回");
    expect((await app.db.update.findFirstOrThrow({ where: { authorId: OFFICER.sender } })).retractedAt).not.toBeNull();
    expect((await app.say("任务23申请办结 已完成验收", OFFICER)).text).toContain("已提交任务23");
    const t23 = await app.db.task.findFirstOrThrow({ where: { number: 23 } });
    expect(await app.db.request.count({ where: { taskId: t23.id, kind: "completion", state: "pending" } })).toBe(1);
    expect((await app.say("T1 可以办结了 确认 市局已验收", ADMIN)).text).toContain("办结");
    expect((await app.db.task.findFirstOrThrow({ where: { number: 1 } })).completedAt).not.toBeNull();
    expect((await app.say("任务6办结 确认 材料齐全", ADMIN)).text).toContain("办结");
    expect((await app.db.task.findFirstOrThrow({ where: { number: 6 } })).completedAt).not.toBeNull();
  });
});

describe("the interpreter's fixed-syntax step", () => {
  const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
  const ctx = (admin: boolean): InterpretContext => ({
    commands,
    units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
    subjects: new SubjectIndex(plan.tasks),
    sender: { admin, direct: true },
  });

  it.each([
    ["任务6办结了，为什么", "complete"],
    ["任务8已经申请办结了，什么时候审核", "request-completion"],
    ["任务8申请延期了，什么时候批", "request-extension"],
    ["任务8重启了，为什么", "reopen"],
    ["任务6进展撤回了，谁撤的", "retract"],
    ["任务3提醒暂停了，怎么回事", "pause-reminders"],
    ["暂停任务3的提醒了，为什么", "pause-reminders"],
    ["恢复任务3的提醒了，为啥", "resume-reminders"],
    ["任务8审计了，什么时候出结果", "audit"],
  ])("reads %s as a question about its task, and explain names the command asked about", (text, command) => {
    for (const admin of [true, false]) {
      const r = interpret(text, ctx(admin));
      expect(r.command).toBe("status");
      expect(r.cues).toContain(`asks-about:${command}`);
    }
  });

  it.each([
    ["任务6办结", "complete", true],
    ["任务6办结 材料齐全", "complete", true],
    ["T1 可以办结了", "complete", true],
    ["T1 可以办结了", "update", false],
    ["任务12暂停催办，设备招标流程中", "pause-reminders", true],
    ["任务3恢复提醒", "resume-reminders", true],
    ["任务7申请办结 已完成验收", "request-completion", false],
    ["任务8佐证材料", "evidence", false],
    ["审计 6 谁改的", "audit", true],
  ])("still reads the order %s as %s (admin: %s)", (text, command, admin) => {
    expect(interpret(text, ctx(admin)).command).toBe(command);
  });
});

// The review of issue 25's work: asking words the list missed (是否, 哪天, 多久, 行不行, 能否, 要不要, 可不可以) let a
// question act, and words it took for asking (没什么问题, a closing 呢, a question told as what is awaited) refused genuine
// orders.
describe("the asking words: every way of asking, and nothing that only tells", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const state = async () => ({
    tasks: await app.db.task.findMany({ orderBy: { number: "asc" }, select: { number: true, completedAt: true, remindersPaused: true } }),
    requests: await app.db.request.findMany({ orderBy: { id: "asc" }, select: { id: true, kind: true, state: true } }),
  });
  const task = (n: number) => app.db.task.findFirstOrThrow({ where: { number: n } });

  it.each([
    ["任务1办结了，是否需要审核", ADMIN],
    ["任务1办结了，哪天审核", ADMIN],
    ["任务1办结了，多久能审核", ADMIN],
    ["办结 1 行不行", ADMIN],
    ["办结 1 能否", ADMIN],
    ["暂停提醒 12 要不要等市局方案", ADMIN],
    ["暂停提醒 12 可不可以", ADMIN],
    ["申请办结 23 是否可以", OFFICER],
    ["任务23申请办结了，哪天能批", OFFICER],
  ] as const)("%s changes nothing", async (text, who) => {
    const before = await state();
    await app.say(text, who);
    expect(await state()).toEqual(before);
  });

  it.each([
    ["办结 6 确认 市局已验收，没什么问题", 6, "complete"],
    ["暂停提醒 12 设备还在招标呢", 12, "pause"],
    ["暂停提醒 12 等市局通知何时启动", 12, "pause"],
    ["任务12暂停催办，设备招标流程中呢", 12, "pause"],
    ["暂停提醒 12 哪怕市局不同意也先停一停", 12, "pause"],
    ["暂停提醒 12 局党委正在讨论如何调整", 12, "pause"],
  ] as const)("the admin's %s acts", async (text, n, what) => {
    await app.say(text, ADMIN);
    const t = await task(n);
    if (what === "complete") expect(t.completedAt).not.toBeNull();
    else expect(t.remindersPaused).toBe(true);
  });

  it.each(["任务23申请办结 已完成验收，没什么问题", "申请办结 23 已完成验收，系统运行没啥问题"])("the officer's %s files the request", async (text) => {
    await app.say(text, OFFICER);
    expect(await app.db.request.findMany({ select: { kind: true, state: true } })).toEqual([{ kind: "completion", state: "pending" }]);
  });

  it("a rejection whose reason asks the officer something is the rejection; `退回了吗` still only asks", async () => {
    expect((await app.say("任务23申请办结 已完成验收", OFFICER)).text).toContain("已提交任务23");
    const before = await state();
    await app.say("办结审核 23 退回了吗", ADMIN);
    expect(await state()).toEqual(before);
    await app.say("办结审核 23 退回 缺少验收报告，是不是漏传了？", ADMIN);
    expect((await app.db.request.findMany({ select: { state: true } })).map((r) => r.state)).not.toContain("pending");
  });
});
