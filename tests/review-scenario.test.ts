/**
 * A hand-computed scenario of three months (2024-09-02 … 2024-11-30) on the bundled Mingxi plan, driven only
 * through chat messages and the reminder service, then checked number by number against the weekly digest, the
 * unit scorecard and the 2024 review report (and the same figures in the xlsx export and the docx report).
 *
 * Every expected number below is derived by hand from the definitions in src/reports/review-data.ts (taskAsOf,
 * scorecard and its method lines, buildDigest), src/core/task-status.ts (lights: warnDays 30, staleDays 30;
 * targetBehind) and src/reminders/reminder-policy.ts (report day 25, overdue every 7 days, escalation from 14
 * days, stale every 30 days), not read back from the code. The derivations are in the comments.
 *
 * Facts used throughout
 * - The plan was issued 2023-11-18 (planStart); imported by tempApp at 2024-09-02 09:00. Nothing was reported
 *   before the scenario, so every task is "stale" (≥30 days silent) until it gets an update.
 * - Lead units (牵头单位) that matter here (responsible units are all 局属各单位, a collective name):
 *     指挥情报中心 (@liu): every task except 15. 刑侦大队 (@zhang): 4 5 6 7 9 10 13 17 18.
 *     城关派出所 (@wu): 5 17 18. 治安大队 (@feng): 8 11 15.
 * - Deadlines: 1 2 "2023年底前" (2023-12-31, so overdue all 2024); 4 5 6 20 21 22 "2024年底前"; 7 "2025年底前";
 *   3 8–18 23 24 ongoing; 19 date+ongoing 2023-12-31 (past its milestone: followed as ongoing); 25 date+ongoing 2024-12-31.
 * - Targets: 4 领军人才 1; 5 two targets of 1; 6 市级“公安数字工匠” 2; 17 创新单位 1 (no due date); 18 示范点 1;
 *   all due 2024-12-31 except 17's. daysBetween(2023-11-18, 2024-12-31) = 409, so a count of 1 is never behind
 *   before its due day (floor(1·x/409) = 0 for x < 409) and task 6 (count 2) expects 1 from x ≥ 205 (2024-06-10).
 * - Working days (chinese-days, 2024): Sat 09-14, Sun 09-29 and Sat 10-12 are working days; 09-15…17 and
 *   10-01…07 are holidays. Reminder runs here: Mon 09-02 (forward window 08-31…09-02), Wed 09-25 (09-25),
 *   Fri 10-25 (10-25; backward window 10-25…10-27), Mon 11-25 (11-23…11-25).
 * - Overdue reminders of tasks 1 and 2 fall on 2023-12-31 + 7k, i.e. every Sunday: 09-01 (245 days) and 11-24
 *   (329 days) are in the windows above; 10-27 is a Sunday but only in the backward window of 10-25, which holds
 *   before/due reminders only. Stale reminders of a never-updated task fall on 2023-11-18 + 30k: 09-13, 10-13,
 *   11-12, none in the windows.
 *
 * Timeline (Asia/Shanghai)
 *   09-02 09:00  reminders run (R1)
 *   09-03 10:00  @feng  任务8  (治安大队)             – late report for the 08-25 report day (within 08-26…09-04)
 *   09-10 10:00  @liu   任务8  (指挥情报中心)         – on time for 09-25
 *   09-20 10:00  @feng  任务8                         – on time for 09-25 (the 09-03 one was used as late for 08-25)
 *   09-24 10:00  @zhang 任务9  (刑侦大队)             – on time for 09-25
 *   09-25 09:00  reminders run (R2)
 *   09-26 10:00  @wu    任务18 (城关派出所)           – late for 09-25
 *   10-08 10:00  admin  调整时限 20 2024年10月31日前   – task 20 now due 2024-10-31 (original kept: 2024年底前)
 *   10-08 10:05  admin  新增指标 10 数字孪生试点 2个 2024年11月底前 – an admin target scheduled from 10-08
 *   10-10 10:00  @wu    任务17                        – on time for 10-25
 *   10-15 10:00  @zhang 申请延期 4 2025年3月底前 …; 10-16 10:00 admin 延期审核 4 通过 …
 *   10-21 10:00  @liu   任务9 ($liu9); 10-22 10:00 @liu retracts it (redaction)
 *   10-25 09:00  reminders run (R3)
 *   10-28 10:00  @zhang 任务9                         – late for 10-25
 *   10-29 10:00  @zhang 任务6 … 指标+1                – task 6 target 0→1
 *   10-30 10:00  @feng  任务8                         – late for 10-25
 *   10-31 10:00  admin  办结 1 …                      – task 1 done
 *   11-01 10:00  @wu    任务8                         – 城关派出所 is not a lead unit of 8: counts in the digest only
 *   11-04 09:00  weekly digest (Monday)
 *   11-04 12:00  scorecard snapshot (before the 15:00 update: see the grace-day test)
 *   11-04 15:00  @wu    任务18                        – late for 10-25 (11-04 is the 10th day of grace)
 *   11-12 10:00  admin  设置指标 18 1 …               – task 18 target 0→1 (met)
 *   11-18 10:00  @wu    申请办结 5 …; 11-20 10:00 admin 办结审核 5 通过 … – task 5 done 11-20
 *   11-20 11:00  @feng  任务8                         – on time for 11-25
 *   11-25 09:00  reminders run (R4); 16:00 @wu 任务17 – on time for 11-25
 *   11-26 10:00  @zhang 任务9                         – late for 11-25
 *   11-28 10:00  @liu   任务6 … 50%; 11-28 10:05 admin 设置指标 10 数字孪生试点 2 … (met)
 *   11-30 12:00  scorecard 2024, year report 2024, xlsx export, docx report
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanRecord } from "../src/core/model.js";
import { zonedInstant } from "../src/core/time.js";
import type { ReminderMessage, ReminderSender } from "../src/reminders/reminder-service.js";
import type { Digest } from "../src/reports/review-data.js";
import type { Scorecard, ScorecardRow } from "../src/reports/types.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const ADMIN = "@kejiban:bureau.local"; // 科技办, admin
const LIU = "@liu:bureau.local"; // 指挥情报中心
const ZHANG = "@zhang:bureau.local"; // 刑侦大队
const WU = "@wu:bureau.local"; // 城关派出所
const FENG = "@feng:bureau.local"; // 治安大队
const ROOM: Record<string, string> = { [ADMIN]: "kejiban", [LIU]: "zhzx", [ZHANG]: "xingzhen", [WU]: "chengguan", [FENG]: "zhian" };

const at = (day: string, hhmm: string) => zonedInstant(day, hhmm);
const byUnit = (messages: ReminderMessage[]) => Object.fromEntries(messages.map((m) => [m.unit, m.taskNumbers]));
/** Delivers nothing anywhere, but succeeds, so every reminder is marked delivered. */
const sender: ReminderSender = { send: async () => undefined };

let app: TempApp;
let plan: PlanRecord;
let seq = 0;
/** Reminder messages of each run, by unit. */
const runs: Record<string, Record<string, number[]>> = {};
let liveDigest: Digest;
let scorecardNov4Noon: Scorecard;

/** `who` says `text` in their unit's room at `day hhmm`. */
async function say(day: string, hhmm: string, who: string, text: string, eventId = `$e${++seq}`) {
  app.clock.set(at(day, hhmm));
  return app.say(text, { sender: who, room: ROOM[who]!, eventId, isDirect: false });
}

/** An update must be recorded (the bot reacts ✅ and quotes it back). */
async function report(day: string, hhmm: string, who: string, text: string, eventId?: string) {
  const r = await say(day, hhmm, who, text, eventId);
  expect(r.reaction, `${day} ${who}: ${text} → ${r.text}`).toBe("✅");
  expect(r.text).toContain("已记录任务");
}

async function remind(day: string) {
  app.clock.set(at(day, "09:00"));
  runs[day] = byUnit(await app.reminders.service.run([day], app.clock.now(), sender));
}

const row = (sc: Scorecard, unit: string): ScorecardRow => {
  const r = sc.rows.find((x) => x.unit === unit);
  if (!r) throw new Error(`no scorecard row for ${unit}: ${sc.rows.map((x) => x.unit).join(", ")}`);
  return r;
};

beforeAll(async () => {
  app = await tempApp({ at: "2024-09-02T09:00:00+08:00" });
  plan = (await app.repos.plans.currentPlan())!;

  await remind("2024-09-02");
  await report("2024-09-03", "10:00", FENG, "任务8进展：与市局大数据平台完成对接调研");
  await report("2024-09-10", "10:00", LIU, "任务8进展：警企合作框架协议已起草");
  await report("2024-09-20", "10:00", FENG, "任务8进展：治安要素数据治理完成第一批");
  await report("2024-09-24", "10:00", ZHANG, "任务9进展：视频智能应用实验室选址确定");
  await remind("2024-09-25");
  await report("2024-09-26", "10:00", WU, "任务18进展：城关所创新示范点方案已上报");

  expect((await say("2024-10-08", "10:00", ADMIN, "调整时限 20 2024年10月31日前 市局统一要求提前完成")).text).toContain("调整为2024年10月31日前");
  expect((await say("2024-10-08", "10:05", ADMIN, "新增指标 10 数字孪生试点 2个 2024年11月底前 市局下达试点任务")).text).toContain(
    "已为任务10新增指标 数字孪生试点 2个",
  );
  await report("2024-10-10", "10:00", WU, "任务17进展：县级创新单位申报材料准备中");
  expect((await say("2024-10-15", "10:00", ZHANG, "申请延期 4 2025年3月底前 市局评选推迟")).text).toContain("延期至2025年3月底前的申请");
  expect((await say("2024-10-16", "10:00", ADMIN, "延期审核 4 通过 同意延期")).text).toBe(
    "任务4延期审核通过：原定2024年底前，经批准延期至2025年3月底前。提醒按新时限发送。",
  );
  await report("2024-10-21", "10:00", LIU, "任务9进展：禁毒研究模型上线试运行", "$liu9");
  app.clock.set(at("2024-10-22", "10:00"));
  const redacted = await app.bot.handle({
    transport: "test",
    kind: "redaction",
    targetEventId: "$liu9",
    eventId: "$liu9-r",
    room: "zhzx",
    sender: LIU,
    text: "",
    isDirect: false,
    mentionsBot: false,
  });
  expect(redacted.replies.map((r) => r.text).join("\n")).toContain("已撤回任务9的一条进展");
  await remind("2024-10-25");

  await report("2024-10-28", "10:00", ZHANG, "任务9进展：网安技侦实验室设备到位");
  const moved = await say("2024-10-29", "10:00", ZHANG, "任务6进展:张三入选市级数字工匠 指标+1");
  expect(moved.text).toContain("指标：市级“公安数字工匠” 0→1/2名");
  await report("2024-10-30", "10:00", FENG, "任务8进展：无人机管控数据接入大数据平台");
  expect((await say("2024-10-31", "10:00", ADMIN, "办结 1 领导小组及办公室已成立并运转")).text).toContain("已办结");
  await report("2024-11-01", "10:00", WU, "任务8进展：城关所协助采集社区数据");

  app.clock.set(at("2024-11-04", "09:00"));
  liveDigest = await app.reports.digest(plan, app.clock.now());
  app.clock.set(at("2024-11-04", "12:00"));
  scorecardNov4Noon = await app.reports.scorecard(plan, 2024, app.clock.now());
  await report("2024-11-04", "15:00", WU, "任务18进展：示范点已通过市局初审");

  expect((await say("2024-11-12", "10:00", ADMIN, "设置指标 18 1 市局已命名城关所为示范点")).text).toContain("0→1/1个");
  expect((await say("2024-11-18", "10:00", WU, "申请办结 5 城关所团队已获市级创新团队命名")).text).toContain("等待科技办审核");
  expect((await say("2024-11-20", "10:00", ADMIN, "办结审核 5 通过 确认 材料齐全")).text).toContain("办结审核通过");
  await report("2024-11-20", "11:00", FENG, "任务8进展：大数据应用新生态建设方案印发");
  await remind("2024-11-25");
  await report("2024-11-25", "16:00", WU, "任务17进展：县级创新单位已完成答辩");
  await report("2024-11-26", "10:00", ZHANG, "任务9进展：实验室首批成果在侦查中应用");
  await report("2024-11-28", "10:00", LIU, "任务6进展：已向市局推荐第二名人选 50%");
  expect((await say("2024-11-28", "10:05", ADMIN, "设置指标 10 数字孪生试点 2 两个试点已验收")).text).toContain("0→2/2个");

  app.clock.set(at("2024-11-30", "12:00"));
}, 120_000);

afterAll(() => app?.dispose());

const NOV30 = () => at("2024-11-30", "12:00");

describe("three months on the Mingxi plan, checked number by number", () => {
  it("the reminder runs sent what the policy says (the scorecard's 收到提醒 and 督办升级 are counted from these)", () => {
    // R1 Mon 09-02, forward window 08-31…09-02: the Sunday 09-01 is 245 = 35×7 days after 2023-12-31, so tasks 1 and
    // 2 are pressed (overdue) and, being ≥14 days overdue, escalated to the office. No report day, no stale date.
    expect(runs["2024-09-02"]).toEqual({ 指挥情报中心: [1, 2], 科技办: [1, 2] });
    // R2 Wed 09-25: the report day; every ongoing task (3, 8–18, 23, 24) and 19 (past its 2023-12-31 milestone)
    // asks each of its lead units for a report. No overdue (not a Sunday), no stale date (task 8's last update 09-20,
    // task 9's 09-24, never-updated ones 09-13/10-13).
    expect(runs["2024-09-25"]).toMatchObject({
      指挥情报中心: [3, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 23, 24], // 14
      刑侦大队: [9, 10, 13, 17, 18], // 5
      城关派出所: [17, 18], // 2
      治安大队: [8, 11, 15], // 3
    });
    expect(runs["2024-09-25"]!.科技办).toBeUndefined();
    // R3 Fri 10-25: the same report requests. Stale: 18 (last 09-26) → 10-26, 17 (10-10) → 11-09, 9 (09-24 once the
    // 10-21 update is retracted) → 10-24, 8 (09-20) → 10-20: none on 10-25. Task 20 (now due 10-31): before-7 is
    // 10-24, before-1 10-30, outside the backward window 10-25…10-27.
    expect(runs["2024-10-25"]).toEqual(runs["2024-09-25"]);
    // R4 Mon 11-25, window 11-23…11-25: reports again (task 5 done, never ongoing anyway), plus task 2 overdue on the
    // Sunday 11-24 (329 days) with its escalation; task 1 is done. Task 20's overdue dates are 11-07, 11-14, 11-21,
    // 11-28: none in the window. No stale date: 6 (last 10-29) → 11-28, 9 (10-28) → 11-27, 18 (11-04) → 12-04.
    expect(runs["2024-11-25"]).toMatchObject({
      指挥情报中心: [2, 3, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 23, 24], // 15
      刑侦大队: [9, 10, 13, 17, 18],
      城关派出所: [17, 18],
      治安大队: [8, 11, 15],
      科技办: [2],
    });
  });

  it("the weekly digest of Monday 2024-11-04 09:00 (the 7 days since 2024-10-28 09:00)", async () => {
    const d = liveDigest;
    expect(d.from).toBe("2024-10-28 09:00");
    expect(d.to).toBe("2024-11-04 09:00");
    // Lights on 11-04:
    //   red    2 (overdue since 2023-12-31), 20 (due 10-31 since the 10-08 adjustment: 4 days overdue)       = 2
    //   done   1 (办结 10-31)                                                                               = 1
    //   green  6 (updated 10-29: not stale; target 1/2 with floor(2×352/409) = 1 expected: not behind;
    //          2024-12-31 is 57 days away > 30)                                                           = 1
    //   ongoing 8 (last 11-01), 9 (10-28), 17 (10-10: 25 days < 30)                                        = 3
    //   yellow the other 18, all stale: 3 4 5 7 10–16 18 (last 09-26: 39 days) 19 21 22 23 24 25           = 18
    expect(d.totals.now).toEqual({ red: 2, yellow: 18, green: 1, ongoing: 3, done: 1 });
    // Lights on 10-28 09:00: 1 and 2 red; 17 ongoing (10-10: 18 days); 6 yellow (stale and behind: 0 < 1);
    // 8 (last 09-20: 38 days) and 9 (09-24, the 10-21 update being retracted by then: 34 days) yellow;
    // 20 yellow (due 10-31: 3 days left ≤ 30); the rest yellow as above: 25 − 3 = 22.
    expect(d.totals.lastWeek).toEqual({ red: 2, yellow: 22, green: 0, ongoing: 1, done: 0 });
    expect(d.changed.map(({ number, from, to }) => ({ number, from, to }))).toEqual([
      { number: 1, from: "red", to: "done" },
      { number: 6, from: "yellow", to: "green" },
      { number: 8, from: "yellow", to: "ongoing" },
      { number: 9, from: "yellow", to: "ongoing" },
      { number: 20, from: "yellow", to: "red" },
    ]);
    // Only 20 crossed its deadline during the week (2 was already overdue, 1 is done).
    expect(d.becameOverdue).toEqual([{ number: 20, title: expect.any(String), deadline: "2024年10月31日前", leadUnits: ["指挥情报中心"] }]);
    expect(d.completed).toEqual([{ number: 1, title: expect.any(String), day: "2024-10-31" }]);
    // Updates in (10-28 09:00, 11-04 09:00]: 刑侦大队 10-28 (9) and 10-29 (6); 治安大队 10-30 (8); 城关派出所 11-01 (8).
    // Most first, then by unit name (城关 before 治安 in zh-CN order).
    expect(d.updatesByUnit).toEqual([
      { unit: "刑侦大队", count: 2 },
      { unit: "城关派出所", count: 1 },
      { unit: "治安大队", count: 1 },
    ]);
    expect(d.updatesTotal).toBe(4);
    // Report days in the 70 days before 11-04: 09-25 and 10-25, so the cycle starts after 09-25.
    // 城关派出所 leads 5, 17, 18 and posted on 18 (09-26) and 17 (10-10): silent on 5.
    // 刑侦大队 leads 4 5 6 7 9 10 13 17 18 and posted on 9 (10-28) and 6 (10-29) only.
    const silent = Object.fromEntries(d.silentUnits.map((s) => [s.unit, s]));
    expect(silent.城关派出所).toEqual({ unit: "城关派出所", tasks: [5], since: "2024-09-25" });
    expect(silent.刑侦大队).toEqual({ unit: "刑侦大队", tasks: [4, 5, 7, 10, 13, 17, 18], since: "2024-09-25" });
    // 治安大队 leads 8, 11, 15 and posted on 8 (10-30).
    expect(silent.治安大队!.tasks).toEqual([11, 15]);
    // Task 10's admin target: 2 by 11-30, scheduled from 10-08 (53 days); on 11-04, 27 days in, floor(2×27/53) = 1
    // is expected and 0 is done: behind. (On 10-28: floor(2×20/53) = 0, not behind.) Task 6: 1 of 1 expected.
    // The plan's own targets of 1 are not behind before their due day.
    expect(d.targetsBehind).toEqual([{ taskNumber: 10, name: "数字孪生试点", current: 0, count: 2, unit: "个", due: "2024-11-30" }]);
  });

  it("the same digest rebuilt afterwards, at 2024-11-30, is identical (everything is taken as at 11-04 09:00)", async () => {
    expect(await app.reports.digest(plan, at("2024-11-04", "09:00"))).toEqual(liveDigest);
  });

  it("the 2024 scorecard at 2024-11-30 12:00", async () => {
    const sc = await app.reports.scorecard(plan, 2024, NOV30());
    expect(sc.period).toEqual({ from: "2024-01-01", to: "2024-12-31", label: "2024年度" });
    // Report days counted: the 25th of 2024-01 … 2024-11 (11), up to the end 2024-11-30. The 11-25 one is still in
    // its grace (to 12-05 > 11-30) and counts only if already reported (on time or late).
    // No update at all was made before 2024-09-02, so every Jan–Aug report day is missing unless an update within
    // 08-26…09-04 made 08-25 late.

    // 城关派出所: ongoing lead tasks 17 and 18 (5 is dated: no report cycles).
    //   17 (its updates 10-10, 11-25): Jan–Aug missing 8; 09-25 missing (nothing 08-26…10-05); 10-25 on time (10-10);
    //      11-25 on time (11-25 16:00) → expected 11, on time 2, missing 9.
    //   18 (09-26, 11-04): Jan–Aug missing 8; 09-25 late (09-26); 10-25: 09-26 was used as late, so not on time,
    //      late with 11-04 (the 10th day); 11-25: 11-04 used, nothing since, grace open → not counted.
    //      → expected 10, late 2, missing 8.
    // Reminders: R2, R3, R4 each asked for 17 and 18 → 6. Escalations: none of its tasks is overdue → 0.
    // Overdue days: 5 due 2024-12-31 (done 11-20), 17 and 18 undated → 0/0. Completions: 5 (11-20) → 1.
    // Targets: 5 two (0/1, 0/1), 17 (0/1), 18 (1/1, set 11-12) → 1 of 4.
    expect(row(sc, "城关派出所")).toMatchObject({
      leadTasks: [5, 17, 18],
      responsibleTasks: [],
      reportsExpected: 21,
      reportsOnTime: 2,
      reportsLate: 2,
      reportsMissing: 17,
      remindersReceived: 6,
      escalations: 0,
      overdueDaysOriginal: 0,
      overdueDaysApproved: 0,
      completions: 1,
      targetsMet: 1,
      targetsTotal: 4,
      score: null,
    });

    // 治安大队: ongoing lead tasks 8, 11, 15.
    //   8 (09-03, 09-20, 10-30, 11-20): Jan–Jul missing 7; 08-25 late (09-03); 09-25 on time (09-20; 09-03 used);
    //     10-25 late (10-30); 11-25 on time (11-20; 10-30 used) → expected 11, on time 2, late 2, missing 7.
    //   11, 15: nothing → 10 missing each (11-25 not counted yet).
    //   → expected 31, on time 2, late 2, missing 27.
    // Reminders: 3 reports in each of R2, R3, R4 → 9 (stale: 8's last update 09-20 → 10-20, 11-19; none in a window).
    expect(row(sc, "治安大队")).toMatchObject({
      leadTasks: [8, 11, 15],
      reportsExpected: 31,
      reportsOnTime: 2,
      reportsLate: 2,
      reportsMissing: 27,
      remindersReceived: 9,
      escalations: 0,
      overdueDaysOriginal: 0,
      overdueDaysApproved: 0,
      completions: 0,
      targetsMet: 0,
      targetsTotal: 0,
    });

    // 刑侦大队: ongoing lead tasks 9, 10, 13, 17, 18.
    //   9 (its 09-24, 10-28, 11-26): Jan–Aug missing 8; 09-25 on time; 10-25 late (10-28); 11-25: 10-28 used, late with
    //     11-26 → expected 11, on time 1, late 2, missing 8.
    //   10, 13, 17, 18: no 刑侦大队 update → 10 missing each (40).
    //   → expected 51, on time 1, late 2, missing 48.
    // Reminders: 5 reports in each of R2, R3, R4 → 15. Overdue days: 4 (original 2024-12-31, extended to
    // 2025-03-31), 5, 6, 7 not overdue by 11-30 → 0/0. Completions: 5 → 1.
    // Targets: 4 (0/1), 5 (0/1, 0/1), 6 (1/2), 10 (2/2, set 11-28), 17 (0/1), 18 (1/1) → 2 of 7.
    expect(row(sc, "刑侦大队")).toMatchObject({
      leadTasks: [4, 5, 6, 7, 9, 10, 13, 17, 18],
      reportsExpected: 51,
      reportsOnTime: 1,
      reportsLate: 2,
      reportsMissing: 48,
      remindersReceived: 15,
      escalations: 0,
      overdueDaysOriginal: 0,
      overdueDaysApproved: 0,
      completions: 1,
      targetsMet: 2,
      targetsTotal: 7,
    });

    // 指挥情报中心: 14 ongoing lead tasks (3 8 9 10 11 12 13 14 16 17 18 23 24, and 19 past its milestone; 25's
    // milestone 2024-12-31 is after every report day).
    //   8 (its 09-10): Jan–Aug missing 8 (09-10 is after 08-25's grace); 09-25 on time; 10-25 missing
    //     → expected 10, on time 1, missing 9.
    //   9: its only update (10-21) was retracted 10-22 → 10 missing.
    //   the other 12: 10 missing each (120).
    //   → expected 140, on time 1, late 0, missing 139.
    // Reminders: R1 2 overdue (1, 2) + R2 14 + R3 14 + R4 (14 reports + overdue of 2) 15 → 45.
    // Escalations: R1 tasks 1 and 2, R4 task 2 → 3.
    // Overdue days in 2024 up to 11-30 (or completion):
    //   1: 2024-01-01 … 10-31 (done) = 305; 2: 2024-01-01 … 11-30 = 335;
    //   20: against the deadline in force (2024-10-31): 11-01 … 11-30 = 30; against the original (2024-12-31): 0.
    //   → original 305 + 335 = 640; approved 305 + 335 + 30 = 670.
    // Completions: 1 (10-31), 5 (11-20) → 2. Targets: the same 7 as 刑侦大队 (4 5 6 10 17 18) → 2 of 7.
    expect(row(sc, "指挥情报中心")).toMatchObject({
      reportsExpected: 140,
      reportsOnTime: 1,
      reportsLate: 0,
      reportsMissing: 139,
      remindersReceived: 45,
      escalations: 3,
      overdueDaysOriginal: 640,
      overdueDaysApproved: 670,
      completions: 2,
      targetsMet: 2,
      targetsTotal: 7,
    });
    expect(row(sc, "指挥情报中心").leadTasks).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);

    // No weights configured: raw figures; six method lines, the first naming the end and the day lateness is judged.
    expect(sc.weights).toBeNull();
    expect(sc.method).toHaveLength(6);
    expect(sc.method[0]).toContain("统计截至2024-11-30（逾期报送按2024-11-30的记录判断）");
    expect(sc.method[0]).toContain("未作任何加权");
    expect(sc.method[1]).toContain("每月25日为报送节点");
    expect(sc.method[2]).toContain("节点后10天内才报送（该条进展不再计入下一节点）");
    expect(sc.method[3]).toMatch(/^收到提醒：/);
    expect(sc.method[4]).toMatch(/^逾期天数：/);
    expect(sc.method[5]).toMatch(/^办结：/);
  });

  it("the 2024 year report at 2024-11-30 12:00", async () => {
    const r = await app.reports.report(plan, { kind: "year", year: 2024 }, NOV30());
    expect(r.title).toBe("明溪县公安局科技兴警三年行动2024年度工作报告");
    expect(r.period).toEqual({ from: "2024-01-01", to: "2024-12-31", label: "2024年度" });
    // The period has not ended: the figures are taken now.
    expect(r.at).toBe("2024-11-30T04:00:00.000Z");
    // Lights on 11-30:
    //   red 2, 20 (30 days overdue); done 1, 5; green 6 (updated 11-28; 31 days left > 30; 1 of 1 expected);
    //   ongoing 8 (11-20), 9 (11-26), 17 (11-25), 18 (11-04: 26 days); yellow the other 16, all stale
    //   (3 4 7 10 11 12 13 14 15 16 19 21 22 23 24 25).
    // Targets: 4 (0/1), 5 (0/1, 0/1), 6 (1/2), 10 (2/2), 17 (0/1), 18 (1/1) → 2 of 7 met.
    expect(r.summary).toEqual({ lights: { red: 2, yellow: 16, green: 1, ongoing: 4, done: 2 }, tasks: 25, targetsMet: 2, targetsTotal: 7 });
    const tasks = new Map([...r.sections.flatMap((s) => s.tasks), ...r.unsectioned].map((t) => [t.number, t]));
    expect(tasks.size).toBe(25);

    const t4 = tasks.get(4)!;
    expect(t4.deadline).toEqual({ text: "2025年3月底前", kind: "date", date: "2025-03-31" });
    expect(t4.originalDeadline).toMatchObject({ text: "2024年底前", date: "2024-12-31" });
    expect(t4.deadlineChange).toBe("extension");
    expect(t4.daysLeft).toBe(121); // 11-30 → 2025-03-31: 1 + 31 + 31 + 28 + 30
    expect(t4.light).toBe("yellow"); // no update ever: stale

    const t20 = tasks.get(20)!;
    expect(t20).toMatchObject({
      deadline: { date: "2024-10-31" },
      originalDeadline: { text: "2024年底前" },
      deadlineChange: "adjusted",
      light: "red",
      daysOverdue: 30,
    });

    // Task 6: two updates (10-29 @zhang, 11-28 @liu 50%), newest first; progress 50; its target 1 of 2.
    const t6 = tasks.get(6)!;
    expect(t6).toMatchObject({ light: "green", progress: 50, updateCount: 2, daysLeft: 31 });
    expect(t6.latestUpdates.map((u) => ({ author: u.author, unit: u.unit, percent: u.percent, at: u.at }))).toEqual([
      { author: LIU, unit: "指挥情报中心", percent: 50, at: "2024-11-28T02:00:00.000Z" },
      { author: ZHANG, unit: "刑侦大队", percent: null, at: "2024-10-29T02:00:00.000Z" },
    ]);
    expect(t6.targets).toEqual([
      { id: expect.any(Number), taskNumber: 6, name: "市级“公安数字工匠”", unit: "名", count: 2, current: 1, due: "2024-12-31", met: false, behind: false },
    ]);
    // Task 9: the retracted 10-21 update is neither counted nor listed: 09-24, 10-28, 11-26 remain.
    const t9 = tasks.get(9)!;
    expect(t9.updateCount).toBe(3);
    expect(t9.latestUpdates.map((u) => u.at.slice(0, 10))).toEqual(["2024-11-26", "2024-10-28", "2024-09-24"]);
    // Task 5: done by the approved request on 11-20; its two targets still 0 of 1.
    const t5 = tasks.get(5)!;
    expect(t5).toMatchObject({ light: "done", completedAt: "2024-11-20T02:00:00.000Z", reviewPending: false });
    expect(t5.targets.map((x) => [x.current, x.count, x.met])).toEqual([
      [0, 1, false],
      [0, 1, false],
    ]);
    // The report's scorecard is the year scorecard.
    expect(r.scorecard).toEqual(await app.reports.scorecard(plan, 2024, NOV30()));
  });

  it("the xlsx export shows the same figures (its scorecard covers the whole plan: report days from 2023-11-25)", async () => {
    const file = await app.reports.exportFile(plan, "xlsx", NOV30());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("单位考评")!;
    const rows: unknown[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    const cg = rows.find((r) => r[0] === "城关派出所")!;
    // 全周期 (2023-11-18 … 2025-12-31) up to 11-30: the year figures plus the report days 2023-11-25 and 2023-12-25,
    // missing for 17 and 18 → expected 21 + 2·2 = 25, missing 17 + 4 = 21. Reminders, overdue days, completions and
    // targets as in 2024.
    expect(cg).toEqual(["城关派出所", "5、17、18", undefined, 25, 2, 2, 21, 6, 0, 0, 0, 1, "1/4"]);
    const zh = rows.find((r) => r[0] === "指挥情报中心")!;
    // Overdue days start 2024-01-01 either way (the deadlines are 2023-12-31): 640 / 670 as in 2024; escalations 3.
    expect(zh.slice(8, 13)).toEqual([3, 640, 670, 2, "2/7"]);
    // The 指标 sheet: task 10's admin target, met.
    const targets: unknown[][] = [];
    wb.getWorksheet("指标")!.eachRow((r) => targets.push((r.values as unknown[]).slice(1)));
    expect(targets.find((r) => r[0] === 10)).toEqual([10, "数字孪生试点", "个", 2, 2, "2024-11-30", "是", "否"]);
  });

  it("the docx year report carries the unit's scorecard row and the summary", async () => {
    const file = await app.reports.reportFile(plan, { kind: "year", year: 2024 }, NOV30());
    expect(file.name).toBe("科技兴警-2024年度工作报告.docx");
    const xml = await (await JSZip.loadAsync(file.data)).file("word/document.xml")!.async("string");
    const texts = [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]!);
    const all = texts.join("");
    expect(all).toContain("指标完成 2/7 项");
    expect(all).toContain("红灯2项、黄灯16项、绿灯1项、持续推进4项、已办结2项");
    const i = texts.indexOf("城关派出所");
    expect(i).toBeGreaterThan(-1);
    expect(texts.slice(i, i + 12)).toEqual(["城关派出所", "5、17、18", "21", "2", "2", "17", "6", "0", "0", "0", "1", "1/4"]);
  });

  it("a digest taken as at a past moment counts an update retracted only later as posted then", async () => {
    // Monday 10-21 12:00: @liu's task-9 update of 10-21 10:00 stood (it was retracted 10-22), so the week's
    // updates include it and 指挥情报中心 was not silent on 9. Cycle start: report days 08-25 and 09-25 → after 08-25.
    // 指挥情报中心 had posted since on 8 (09-10) and 9 (10-21); it leads every task but 15; none was done yet.
    const d = await app.reports.digest(plan, at("2024-10-21", "12:00"));
    expect(d.updatesByUnit).toEqual([{ unit: "指挥情报中心", count: 1 }]);
    const zhzx = d.silentUnits.find((s) => s.unit === "指挥情报中心")!;
    expect(zhzx.since).toBe("2024-08-25");
    expect(zhzx.tasks).toEqual([1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });

  it("a report day on the last day of its grace is not yet missing (the unit may still report that day)", () => {
    // Scorecard at 11-04 12:00, the 10th day after the 10-25 report day: 城关派出所's task 18 had nothing for 10-25
    // yet, and reported at 15:00 that day (late, as the 11-30 scorecard shows). While the grace runs the node is not
    // counted ("宽限期未满的节点暂不计入"). Report days 01-25 … 10-25 (10):
    //   17: Jan–Aug missing 8, 09-25 missing, 10-25 on time (10-10) → expected 10, on time 1, missing 9.
    //   18: Jan–Aug missing 8, 09-25 late (09-26), 10-25 still in grace → expected 9, late 1, missing 8.
    expect(row(scorecardNov4Noon, "城关派出所")).toMatchObject({ reportsExpected: 19, reportsOnTime: 1, reportsLate: 1, reportsMissing: 17 });
  });
});
