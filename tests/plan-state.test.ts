/**
 * Issue 22 §3: every view computes the same state at the same instant. The chat views and the reports both read
 * the plan's state as of the clock's instant (src/core/plan-state.ts); with the clock set back (`--at`,
 * DUBAN_NOW) they show the same past, not today's records.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PlanRecord } from "../src/core/model.js";
import { zonedInstant } from "../src/core/time.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";
import { PrismaAuditRepository } from "../src/repositories/prisma-audit-repository.js";

const ZHANG = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false };
const LIU = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false };

let app: TempApp;
let plan: PlanRecord;
let seq = 0;

async function at(day: string, hhmm: string, text: string, who: Partial<typeof ZHANG> = {}) {
  app.clock.set(zonedInstant(day, hhmm));
  return app.say(text, { ...who, eventId: `$s${++seq}` });
}

/** The light counts of the overview's summary line: "🔴2 🟡20 ⚪2 ✅1" → {red: 2, …}. */
function overviewCounts(text: string): Record<string, number> {
  const line = text.split("\n").find((l) => /^(?:[🔴🟡🟢⚪✅]\d+ ?)+$/u.test(l));
  if (!line) throw new Error(`no summary line in ${text}`);
  const icons: Record<string, string> = { "🔴": "red", "🟡": "yellow", "🟢": "green", "⚪": "ongoing", "✅": "done" };
  const out: Record<string, number> = { red: 0, yellow: 0, green: 0, ongoing: 0, done: 0 };
  for (const m of line.matchAll(/([🔴🟡🟢⚪✅])(\d+)/gu)) out[icons[m[1]!]!] = Number(m[2]);
  return out;
}

beforeEach(async () => {
  app = await tempApp({ at: "2024-06-20T09:00:00+08:00" });
  plan = (await app.repos.plans.currentPlan())!;
  // Ongoing tasks 8 and 9 get updates before 06-30 (so they are ⚪ then), the rest after.
  await at("2024-06-25", "10:00", "任务8进展：治安要素数据治理完成第一批", LIU);
  await at("2024-06-26", "10:00", "任务9进展：视频智能应用实验室选址确定", ZHANG);
  await at("2024-06-28", "10:00", "办结 1 领导小组已成立");
  await at("2024-07-01", "10:00", "任务6进展：张三入选市级数字工匠 指标+1，进度60%", ZHANG);
  await at("2024-07-02", "10:00", "任务3进展：创新工作室挂牌", LIU);
  await at("2024-07-03", "10:00", "办结 2 已完成");
  await at("2024-07-03", "11:00", "重启任务 1 市局要求补充材料");
});

afterEach(async () => {
  await app.dispose();
});

describe("a clock set back shows the same past in every view", () => {
  it("the overview and the digest count the same lights at the same past instant", async () => {
    app.clock.set(zonedInstant("2024-06-30", "10:00"));
    const overview = await app.say("总览");
    const digest = await app.reports!.digest(plan, app.clock.now());
    expect(overviewCounts(overview.text)).toEqual(digest.totals.now);
    // At 06-30 task 1 was done, task 2 still overdue, 8 and 9 ongoing; nothing of July shows.
    expect(digest.totals.now).toMatchObject({ done: 1, red: 1, ongoing: 2 });
    expect(overview.text).toContain("✅1");
    expect(overview.text).not.toContain("指标：已完成1/");
  });

  it("the status of a task at a past instant leaves out later updates, completions and target moves", async () => {
    app.clock.set(zonedInstant("2024-06-30", "10:00"));
    const six = (await app.say("任务6")).text;
    expect(six).not.toContain("张三入选");
    expect(six).toContain("0/2名");
    expect(six).not.toContain("60%");
    const one = (await app.say("任务1")).text;
    expect(one).toContain("已办结");
    const two = (await app.say("任务2")).text;
    expect(two).toContain("逾期");
    expect(two).not.toContain("已办结");
  });

  it("a pause set later is not shown at a past instant, and one in force then is, with its reason", async () => {
    await at("2024-06-27", "10:00", "暂停提醒 7 等待市局协调");
    await at("2024-07-02", "11:00", "恢复提醒 7");
    await at("2024-07-02", "12:00", "暂停提醒 5 经费未到位");
    app.clock.set(zonedInstant("2024-06-30", "10:00"));
    expect((await app.say("任务7")).text).toContain("提醒已暂停：等待市局协调");
    expect((await app.say("任务5")).text).not.toContain("提醒已暂停");
    app.clock.set(zonedInstant("2024-07-03", "12:00"));
    expect((await app.say("任务7")).text).not.toContain("提醒已暂停");
    expect((await app.say("任务5")).text).toContain("提醒已暂停：经费未到位");
  });

  it("an update an edit later moved to another task stays on its first task before the edit", async () => {
    await at("2024-07-01", "11:00", "任务6进展：此条本应报任务7 30%");
    const original = `$s${seq}`;
    app.clock.set(zonedInstant("2024-07-02", "09:00"));
    const edit = { transport: "test", kind: "edit" as const, eventId: "$edit", targetEventId: original, isDirect: false, mentionsBot: false };
    await app.bot.handle({ ...edit, text: "任务7进展：此条本应报任务7 30%", sender: "@kejiban:bureau.local", room: "console" });
    app.clock.set(zonedInstant("2024-07-01", "12:00"));
    expect((await app.say("任务6")).text).toContain("进展条数：2");
    expect((await app.say("任务7")).text).toContain("进展条数：0");
    app.clock.set(zonedInstant("2024-07-02", "12:00"));
    expect((await app.say("任务6")).text).toContain("进展条数：1");
    expect((await app.say("任务7")).text).toContain("进展条数：1");
  });

  it("tells whether anything was audited after an instant the same way in SQL as through Prisma", async () => {
    const prisma = new PrismaAuditRepository(app.db);
    for (const [day, hhmm, later] of [
      ["2024-07-03", "10:59", true],
      ["2024-07-03", "11:00", false],
      ["2024-06-01", "00:00", true],
    ] as const) {
      const instant = zonedInstant(day, hhmm);
      expect(await app.repos.audit.anyAfter(instant), `${day} ${hhmm}`).toBe(later);
      expect(await prisma.anyAfter(instant), `${day} ${hhmm}`).toBe(later);
    }
  });

  it("overdue, due-soon and the unit's list follow the same past", async () => {
    app.clock.set(zonedInstant("2024-06-30", "10:00"));
    const overdue = (await app.say("逾期")).text;
    expect(overdue).toContain("任务2");
    expect(overdue).not.toContain("任务1 ");
    const unit = (await app.say("刑侦大队的任务")).text;
    expect(unit).not.toContain("进度60%");
    // Now (07-03 12:00) the same views show July's records: task 2 done, task 1 reopened and overdue again.
    app.clock.set(zonedInstant("2024-07-03", "12:00"));
    const later = await app.say("总览");
    const digest = await app.reports!.digest(plan, app.clock.now());
    expect(overviewCounts(later.text)).toEqual(digest.totals.now);
    expect((await app.say("逾期")).text).toContain("任务1");
    expect((await app.say("刑侦大队的任务")).text).toContain("进度60%");
  });
});
