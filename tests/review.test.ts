import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../src/core/reply.js";
import { zonedInstant } from "../src/core/time.js";
import { importPlanText, readPlanFile } from "../src/plan/import-plan.js";
import type { ReminderMessage, ReminderSender } from "../src/reminders/reminder-service.js";
import { BUNDLED_PLAN } from "../src/config.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";
import JSZip from "jszip";
import { buildExport } from "../src/reports/review-data.js";
import { taskTable } from "../src/reports/xlsx-export.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const ZHANG = "@zhang:bureau.local"; // 刑侦大队, a lead unit of task 6
const at9 = (day: string) => zonedInstant(day, "09:00");
const byUnit = (messages: ReminderMessage[]) => Object.fromEntries(messages.map((m) => [m.unit, m.taskNumbers]));
const nullSender: ReminderSender = { send: async (_rooms: string[], _reply: Reply, _key: string) => undefined };

let app: TempApp;
beforeEach(async () => {
  app = await tempApp({ at: "2024-12-20T10:00:00+08:00" });
});
afterEach(() => app.dispose());

/** Handle a message and return everything it produced, notices included. */
async function said(text: string, opts: { sender?: string; room?: string; eventId?: string; link?: string } = {}) {
  return app.bot.handle({
    transport: "test",
    room: opts.room ?? "console",
    sender: opts.sender ?? "@kejiban:bureau.local",
    text,
    isDirect: true,
    mentionsBot: true,
    ...(opts.eventId ? { eventId: opts.eventId } : {}),
    ...(opts.link ? { link: opts.link } : {}),
  });
}

describe("completion (办结) with review", () => {
  it("a lead unit asks; the task shows 待审核, the office's room is told with the note and a link", async () => {
    const r = await said("申请办结 6 两名民警已入选市级数字工匠", { sender: ZHANG, room: "xingzhen", eventId: "$req", link: "https://matrix.to/#/!x/$req" });
    expect(r.replies[0]!.text).toContain("已提交任务6“培育“公安数字工匠””的办结申请，等待科技办审核（待审核）");
    expect(r.notices).toHaveLength(1);
    expect(r.notices![0]!.rooms).toEqual(["kejiban"]);
    expect(r.notices![0]!.reply.text).toContain("【办结申请】任务6");
    expect(r.notices![0]!.reply.text).toContain("说明：两名民警已入选市级数字工匠");
    expect(r.notices![0]!.reply.text).toContain("申请消息：https://matrix.to/#/!x/$req");
    expect((await app.say("任务6")).text).toContain("待审核：张伟（刑侦大队）于2024-12-20 10:00申请办结：两名民警已入选市级数字工匠");
    expect((await app.say("总览")).text).toContain("⏳ 待审核（办结申请）：任务 6");
    const again = await app.say("申请办结 6 再申请一次", { sender: "@li:bureau.local", room: "xingzhen" });
    expect(again.text).toContain("任务6已有待审核的办结申请");
    expect(await app.db.request.count()).toBe(1);
    expect((await app.say("申请办结 6", { sender: ZHANG })).text).toContain("请说明办结情况");
  });

  it("gets no overdue or escalation reminders while under review, and they resume after a rejection", async () => {
    await app.say("申请办结 6 已全部完成", { sender: ZHANG, room: "xingzhen" });
    app.clock.set(at9("2025-01-07"));
    const during = await app.reminders.service.run(["2025-01-07"], app.clock.now(), nullSender);
    expect(byUnit(during).刑侦大队).toEqual([4, 5]);
    expect(byUnit(during).网安大队).toBeUndefined();
    expect((await app.say("办结审核 6 退回")).text).toContain("请写明理由");
    const rejected = await said("办结审核 6 退回 缺少市局文件");
    expect(rejected.replies[0]!.text).toBe("任务6“培育“公安数字工匠””的办结申请已退回。理由：缺少市局文件。提醒恢复。");
    expect(rejected.notices![0]!.rooms).toEqual(expect.arrayContaining(["xingzhen", "wangan", "zhzx"]));
    expect(rejected.notices![0]!.reply.text).toContain("退回了任务6“培育“公安数字工匠””的办结申请：缺少市局文件");
    expect((await app.say("任务6")).text).not.toContain("待审核");
    app.clock.set(at9("2025-01-14"));
    const after = await app.reminders.service.run(["2025-01-14"], app.clock.now(), nullSender);
    expect(byUnit(after).刑侦大队).toEqual([4, 5, 6]);
  });

  it("the office approves with a reason; the task is done and the lead units' rooms are told", async () => {
    await app.say("申请办结 6 已全部完成", { sender: ZHANG, room: "xingzhen" });
    expect((await app.say("办结审核 6 材料齐全")).text).toContain("请写明通过或退回及理由");
    // Task 6's target (2 city 数字工匠) is not met: the office is shown it and confirms with 确认.
    const warned = await said("办结审核 6 通过 材料齐全");
    expect(warned.replies[0]!.text).toBe(
      "任务6尚有指标未完成：市级“公安数字工匠” 0/2名；最新进度：未报告。如确需办结，请写明“确认”和理由，例如：办结审核 6 通过 确认 市局同意按现有成果验收。未作任何更改。",
    );
    expect(warned.notices ?? []).toEqual([]);
    expect(await app.db.request.findFirstOrThrow()).toMatchObject({ state: "pending" });
    const ok = await said("办结审核 6 通过 确认 材料齐全");
    const acknowledged = "办结时未完成的指标：市级“公安数字工匠” 0/2名；最新进度：未报告（经确认办结）";
    expect(ok.replies[0]!.text).toBe(`任务6“培育“公安数字工匠””办结审核通过，任务已办结。理由：材料齐全\n${acknowledged}`);
    expect(ok.notices![0]!.rooms).toEqual(expect.arrayContaining(["xingzhen", "wangan", "zhzx"]));
    expect(ok.notices![0]!.reply.text).toContain(acknowledged);
    const task = await app.repos.plans.task((await app.repos.plans.currentPlan())!.id, 6);
    expect(task).toMatchObject({ completedBy: "@kejiban:bureau.local", reviewPending: false });
    expect(await app.db.request.findFirstOrThrow()).toMatchObject({
      state: "approved",
      decisionReason: `材料齐全；${acknowledged}`,
      decidedBy: "@kejiban:bureau.local",
    });
    expect((await app.say("办结审核 6 通过 再来一次")).text).toBe("任务6没有待审核的办结申请。");
    expect((await app.say("approve 7 done")).text).toBe("任务7没有待审核的办结申请。");
  });

  it("办结 needs a reason now, and 重启任务 reopens a done task", async () => {
    expect((await app.say("办结 6")).text).toContain("请写明理由");
    expect((await said("办结 6 市局已验收")).replies[0]!.text).toContain("任务6尚有指标未完成：市级“公安数字工匠” 0/2名；最新进度：未报告。");
    expect((await app.repos.plans.task((await app.repos.plans.currentPlan())!.id, 6))!.completedAt).toBeNull();
    const direct = await said("办结 6 确认 市局已验收");
    expect(direct.replies[0]!.text).toContain("已办结");
    expect(direct.notices![0]!.reply.text).toBe(
      "【督办】科技办已将任务6“培育“公安数字工匠””办结。理由：市局已验收\n办结时未完成的指标：市级“公安数字工匠” 0/2名；最新进度：未报告（经确认办结）",
    );
    expect((await app.say("重启任务 6")).text).toContain("请写明理由");
    expect((await app.say("重启任务 6 市局要求补充材料")).text).toBe("任务6“培育“公安数字工匠””已重启，提醒恢复。理由：市局要求补充材料");
    expect((await app.say("任务6")).text).not.toContain("已于");
    expect((await app.say("重启任务 6 再来")).text).toBe("任务6尚未办结，无需重启。");
  });
});

describe("completion with a target unmet (task 6 approved at 1/2, 60%)", () => {
  it("the office is shown the unmet target and the last percent; once confirmed, the task reads as done everywhere, never 60%", async () => {
    await app.say("任务6进展：一名民警入选市级数字工匠 指标+1 60%", { sender: ZHANG, room: "xingzhen" });
    await app.say("申请办结 6 已完成", { sender: ZHANG, room: "xingzhen" });
    const warned = (await app.say("办结审核 6 通过 材料齐全")).text;
    expect(warned).toContain("任务6尚有指标未完成：市级“公安数字工匠” 1/2名；最新进度：60%。");
    expect(warned).toContain("办结审核 6 通过 确认");
    expect((await app.say("办结审核 6 通过 确认 市局同意按现有成果验收")).text).toContain("任务已办结");

    const status = (await app.say("任务6")).text;
    expect(status).toContain("最新进度：已办结");
    expect(status).not.toContain("60%：");
    expect(status).not.toContain("最新进度：60%");
    const list = (await app.say("刑侦大队的任务")).text.split("\n").find((l) => l.includes("任务6 "))!;
    expect(list).toContain("✅");
    expect(list).not.toContain("60%");

    const plan = (await app.repos.plans.currentPlan())!;
    const docx = await app.reports.reportFile(plan, { kind: "year", year: 2024 }, app.clock.now());
    const xml = await (await JSZip.loadAsync(docx.data)).file("word/document.xml")!.async("string");
    expect(xml).toContain("当前状态：已办结，办结日期2024-12-20");
    expect(xml).not.toContain("已办结，进度60%");
    const deps = { repos: app.repos, directory: app.directory, policy: app.reminders.policy, thresholds: app.config.thresholds };
    const table = taskTable(await buildExport(deps, plan, app.clock.now()));
    const row = table.rows.find((r) => r[0] === 6)!;
    expect(row[table.headers.indexOf("进度%")]).toBe(100);
  });
});

describe("updates recorded at one instant", () => {
  it("keep the order they were recorded in: history 3, 2, 1 (newest first), the status's last update is 3, the plan's history 1, 2, 3", async () => {
    for (const n of [1, 2, 3]) await app.say(`任务6进展：第${n}次汇报 ${n}0%`, { sender: ZHANG, room: "xingzhen" });
    const history = (await app.say("任务6历史")).text;
    const order = [...history.matchAll(/第(\d)次汇报/g)].map((m) => m[1]);
    expect(order).toEqual(["3", "2", "1"]);
    const status = (await app.say("任务6")).text;
    expect(status).toMatch(/最近进展：[^\n]*第3次汇报/);
    expect(status).toContain("最新进度：30%");
    const plan = (await app.repos.plans.currentPlan())!;
    const all = (await app.repos.history.updates(plan.id)).filter((u) => u.text.includes("次汇报"));
    expect(all.map((u) => u.text.match(/第(\d)次/)![1])).toEqual(["1", "2", "3"]);
  });
});

describe("a done task's status", () => {
  it("gives the deadline without days left or overdue: the task is done, nothing is counting down", async () => {
    await said("办结 6 确认 市局已验收");
    const status = (await app.say("任务6")).text;
    expect(status).toContain("完成时限：2024年底前（2024-12-31）\n");
    expect(status).not.toMatch(/剩余\d+天|已逾期|今天到期/);
    expect(status).toContain("状态：✅ 已办结");
  });
});

describe("extension (延期)", () => {
  it("past the plan's end (2025-12-31): the requester, the reviewer and an admin setting it are told, and each confirms with 确认", async () => {
    const refused = (await app.say("申请延期 6 2026年3月底前 市局评选推迟", { sender: ZHANG, room: "xingzhen" })).text;
    expect(refused).toBe(
      "新的时限2026年3月底前晚于计划实施期的结束日（2025-12-31）。如确需如此，请写明“确认”，例如：申请延期 6 2026年3月底前 确认 市局评选推迟。未作任何更改。",
    );
    expect(await app.db.request.count()).toBe(0);
    const warning = "注意：时限2026年3月底前晚于计划实施期的结束日（2025-12-31），已确认。";
    const asked = await said("申请延期 6 2026年3月底前 确认 市局评选推迟", { sender: ZHANG, room: "xingzhen" });
    expect(asked.replies[0]!.text).toContain(warning);
    expect(asked.notices![0]!.reply.text).toContain("理由：市局评选推迟");
    expect(asked.notices![0]!.reply.text).toContain(warning);
    expect((await app.db.request.findFirstOrThrow()).note).toBe("市局评选推迟");
    expect((await app.say("延期审核 6 通过")).text).toContain("如确需如此，请写明“确认”，例如：延期审核 6 通过 确认。未作任何更改。");
    expect(await app.db.request.findFirstOrThrow()).toMatchObject({ state: "pending" });
    const ok = await app.say("延期审核 6 通过 确认");
    expect(ok.text).toBe(`任务6延期审核通过：原定2024年底前，经批准延期至2026年3月底前。提醒按新时限发送。\n${warning}`);
    expect((await app.say("调整时限 7 2026年6月底前 市局统一调整")).text).toContain("未作任何更改");
    const set = await app.say("调整时限 7 2026年6月底前 确认 市局统一调整");
    expect(set.text).toContain("理由：市局统一调整");
    expect(set.text).toContain("注意：时限2026年6月底前晚于计划实施期的结束日（2025-12-31），已确认。");
    // Within the plan's period nothing more is asked.
    expect((await app.say("调整时限 8 2025年6月底前 市局统一调整")).text).not.toContain("确认");
  });

  it("reads the deadline by the plan's grammar, refuses unreadable or earlier ones, and keeps the original once approved", async () => {
    expect((await app.say("申请延期 6 明年春天 市局评选推迟", { sender: ZHANG })).text).toContain("无法识别完成时限“明年春天”");
    expect((await app.say("申请延期 6 2024年6月底前 提前", { sender: ZHANG })).text).toContain("不晚于现行时限");
    expect((await app.say("申请延期 6 2025年3月底前", { sender: ZHANG })).text).toContain("请写明新的完成时限和理由");
    const asked = await said("申请延期 6 2025年3月底前 市局评选推迟", { sender: ZHANG, room: "xingzhen" });
    expect(asked.replies[0]!.text).toBe("已提交任务6“培育“公安数字工匠””延期至2025年3月底前的申请，等待科技办审核。");
    expect(asked.notices![0]!.reply.text).toContain("申请延期至：2025年3月底前");
    expect((await app.say("任务6")).text).toContain("延期申请待审核：张伟（刑侦大队）申请延期至2025年3月底前");
    const ok = await app.say("延期审核 6 通过");
    expect(ok.text).toBe("任务6延期审核通过：原定2024年底前，经批准延期至2025年3月底前。提醒按新时限发送。");
    const status = (await app.say("任务6")).text;
    expect(status).toContain("原定2024年底前，经批准延期至2025年3月底前");
    expect(status).toContain("完成时限：2025年3月底前（2025-03-31，剩余101天）");
    // Reminders follow the new deadline: no "due" on 2024-12-31 for task 6, one on 2025-03-31.
    app.clock.set(at9("2024-12-31"));
    expect(byUnit(await app.reminders.service.run(["2024-12-31"], app.clock.now(), nullSender)).刑侦大队).toEqual([4, 5]);
    app.clock.set(at9("2025-03-31"));
    expect(byUnit(await app.reminders.service.run(["2025-03-31"], app.clock.now(), nullSender)).刑侦大队).toContain(6);
    // A re-import of the document keeps the extension in force and the document's deadline as the original.
    await importPlanText(app.repos.plans, readPlanFile(BUNDLED_PLAN), app.clock.now());
    expect((await app.say("任务6")).text).toContain("原定2024年底前，经批准延期至2025年3月底前");
  });

  it("a rejection needs a reason; an admin can also change a deadline directly", async () => {
    await app.say("申请延期 6 2025年3月底前 市局评选推迟", { sender: ZHANG });
    expect((await app.say("延期审核 6 退回")).text).toContain("请写明理由");
    expect((await app.say("reject extension 6 cannot move")).text).toBe("任务6的延期申请已退回。理由：cannot move");
    expect((await app.say("任务6")).text).not.toContain("原定");
    expect((await app.say("调整时限 6 2025年6月底前")).text).toContain("请写明理由");
    expect((await app.say("调整时限 6 2025年6月底前 市局统一调整")).text).toBe("任务6的完成时限已由2024年底前调整为2025年6月底前。理由：市局统一调整");
    expect((await app.say("任务6")).text).toContain("原定2024年底前，经科技办调整为2025年6月底前");
    const entry = await app.db.auditLog.findFirstOrThrow({ where: { action: "set-deadline" } });
    expect(JSON.parse(entry.before!)).toMatchObject({ text: "2024年底前", date: "2024-12-31" });
    expect(JSON.parse(entry.after!)).toMatchObject({ text: "2025年6月底前", date: "2025-06-30" });
  });

  it("an admin changes the lead units with a reason; reminders and permissions follow", async () => {
    expect((await app.say("调整牵头单位 6 不存在大队 机构调整")).text).toContain("名录中没有：不存在大队");
    expect((await app.say("调整牵头单位 6 网安、指挥中心 机构调整")).text).toBe(
      "任务6的牵头单位已由刑侦大队、网安大队、指挥情报中心调整为网安大队、指挥情报中心。理由：机构调整",
    );
    expect((await app.say("申请办结 6 已完成", { sender: ZHANG })).text).toContain("只能由任务6的牵头单位（网安大队、指挥情报中心）人员提出");
  });
});

describe("evidence (佐证材料)", () => {
  const file = (name: string, bytes: Buffer, size: number | null = bytes.byteLength) => ({
    name,
    mimeType: "image/png",
    size,
    fetch: async () => new Uint8Array(bytes),
  });

  it("keeps a file sent as a reply to the request, with its sha256, and lists it", async () => {
    await said("申请办结 6 两名民警已入选", { sender: ZHANG, room: "xingzhen", eventId: "$req" });
    const bytes = Buffer.from("PNG…证书扫描件");
    const sha = createHash("sha256").update(bytes).digest("hex");
    const r = await app.bot.handle({
      transport: "test",
      kind: "file",
      eventId: "$f1",
      targetEventId: "$req",
      room: "xingzhen",
      sender: ZHANG,
      text: "",
      isDirect: false,
      mentionsBot: false,
      file: file("证书.png", bytes),
    });
    expect(r.replies[0]!.text).toBe(`已收到任务6的佐证材料：证书.png（${bytes.byteLength} B，sha256 ${sha.slice(0, 16)}）。`);
    const row = await app.db.evidence.findFirstOrThrow();
    expect(row).toMatchObject({ fileName: "证书.png", mimeType: "image/png", size: bytes.byteLength, sha256: sha, uploader: ZHANG });
    expect(readFileSync(join(app.evidence.root, row.path))).toEqual(bytes);
    expect((await app.say("任务6佐证")).text).toContain(`• 证书.png（${bytes.byteLength} B）张伟（刑侦大队）`);
    // Redelivered: stored once.
    await app.bot.handle({
      transport: "test",
      kind: "file",
      eventId: "$f1",
      targetEventId: "$req",
      room: "xingzhen",
      sender: ZHANG,
      text: "",
      isDirect: false,
      mentionsBot: false,
      file: file("证书.png", bytes),
    });
    expect(await app.db.evidence.count()).toBe(1);
  });

  it("keeps a file with a very long Chinese name, cutting only the stored file name", async () => {
    await said("申请办结 6 两名民警已入选", { sender: ZHANG, room: "xingzhen", eventId: "$req" });
    const name = `${"关于印发".repeat(25)}的通知.pdf`;
    const r = await app.bot.handle({
      transport: "test",
      kind: "file",
      eventId: "$long",
      targetEventId: "$req",
      room: "xingzhen",
      sender: ZHANG,
      text: "",
      isDirect: false,
      mentionsBot: false,
      file: file(name, Buffer.from("%PDF")),
    });
    expect(r.replies[0]!.text).toContain("已收到任务6的佐证材料");
    const row = await app.db.evidence.findFirstOrThrow();
    expect(row.fileName).toBe(name);
    expect(Buffer.byteLength(row.path.split("/").pop()!)).toBeLessThanOrEqual(170);
    expect(row.path.endsWith(".pdf")).toBe(true);
  });

  it("tells the officer that editing a request does not change it", async () => {
    await said("申请办结 7 已完成", { sender: ZHANG, room: "xingzhen", eventId: "$req7" });
    await app.say("办结审核 7 退回 缺材料");
    const r = await app.bot.handle({
      transport: "test",
      kind: "edit",
      targetEventId: "$req7",
      targetSender: ZHANG,
      eventId: "$req7e",
      room: "xingzhen",
      sender: ZHANG,
      text: "申请办结 7 已全部完成",
      isDirect: false,
      mentionsBot: false,
    });
    expect(r.replies[0]!.text).toBe("修改申请消息不会更改已提交的申请。如需更正，请在科技办审核后重新提交申请。");
    expect(await app.db.request.count()).toBe(1);
  });

  it("ignores a file that replies to no request, and refuses one too large or from someone outside the lead units", async () => {
    await said("申请办结 6 两名民警已入选", { sender: ZHANG, room: "xingzhen", eventId: "$req" });
    const small = Buffer.from("x");
    const base = { transport: "test", kind: "file" as const, room: "xingzhen", text: "", isDirect: false, mentionsBot: false };
    expect((await app.bot.handle({ ...base, eventId: "$a", targetEventId: "$other", sender: ZHANG, file: file("a.png", small) })).replies).toEqual([]);
    const big = await app.bot.handle({ ...base, eventId: "$b", targetEventId: "$req", sender: ZHANG, file: file("大文件.zip", small, 21 * 1024 * 1024) });
    expect(big.replies[0]!.text).toBe("大文件.zip大小为21.0 MB，超过20 MB的上限，未予保存。请压缩后重新发送，或联系科技办。");
    const outsider = await app.bot.handle({ ...base, eventId: "$c", targetEventId: "$req", sender: "@wang:bureau.local", file: file("c.png", small) });
    expect(outsider.replies[0]!.text).toContain("佐证材料只能由申请人、任务6牵头单位的人员或科技办管理员提交");
    expect(await app.db.evidence.count()).toBe(0);
    expect(await app.db.auditLog.count({ where: { action: "add-evidence", outcome: "refused" } })).toBe(2);
  });

  it("npx duban evidence add attaches a file from the command line", async () => {
    await app.say("申请办结 6 两名民警已入选", { sender: ZHANG });
    const path = join(app.dir, "市局文件.pdf");
    writeFileSync(path, "%PDF-1.4 市局文件");
    const sha = createHash("sha256").update(readFileSync(path)).digest("hex");
    const env = { ...process.env, ...app.env, CHECKPOINT_DISABLE: "1", DUBAN_NOW: "2024-12-20T10:00:00+08:00" };
    const refused = await run(process.execPath, [join(ROOT, "bin/duban.js"), "evidence", "add", "6", path, "--as", "@wang:bureau.local"], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((refused as { code: number }).code).toBe(2);
    const { stdout } = await run(process.execPath, [join(ROOT, "bin/duban.js"), "evidence", "add", "6", path, "--as", ZHANG], { env });
    expect(stdout).toContain(`sha256 ${sha}`);
    expect(stdout).toContain("附于办结申请#1");
    expect(await app.db.evidence.findFirstOrThrow()).toMatchObject({ fileName: "市局文件.pdf", mimeType: "application/pdf", sha256: sha, requestId: 1 });
    // The audit entry names the officer, and the operator who typed the command.
    const entry = await app.db.auditLog.findFirstOrThrow({ where: { action: "add-evidence", outcome: "ok" } });
    expect(entry.actor).toBe(ZHANG);
    expect(JSON.parse(entry.detail)).toMatchObject({ via: expect.stringMatching(/^cli:/) });
  });
});
