/**
 * Issue 22 §3, the cross-check: random histories driven through the real bot (updates, retractions, edits,
 * target moves, extensions, completions, reopenings, deadline changes and pauses), then at random instants every
 * view must agree with the one definition, planStateAt (src/core/plan-state.ts), on each task's light, percent,
 * deadline and target counts, and on every total: status, overview, overdue, due-soon (chat, with the clock set
 * to the instant, as `--at` does), the digest, the scorecard, the chart, the export rows and the review report.
 * The last instant is after every record, where the chat views take their fast path: this proves it equal too.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config.js";
import type { PlanRecord } from "../src/core/model.js";
import { loadPlanHistory, planStateAt, type PlanState } from "../src/core/plan-state.js";
import { LIGHT_ICON, type Light } from "../src/core/task-status.js";
import { dayOf } from "../src/core/time.js";
import { buildChart, buildExport, buildReviewReport, buildScorecard, endOfDay, type ReviewDeps } from "../src/reports/review-data.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const ADMIN = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: false, mentionsBot: true };
const LIU = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false, mentionsBot: false };
/** Dated (2, 4, 6, 20), date+ongoing (19, 25) and ongoing (8, 9) tasks, all led by 指挥情报中心 (@liu). */
const TASKS = [2, 4, 6, 8, 9, 19, 20, 25];
const START = new Date("2024-06-01T09:00:00+08:00");
const HOUR = 3_600_000;
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

type Action =
  | { kind: "update"; task: number; percent: number | null; target: boolean }
  | { kind: "retract"; of: number }
  | { kind: "edit"; of: number; percent: number | null }
  | { kind: "set-target"; count: number }
  | { kind: "extension"; task: number; approve: boolean; month: number }
  | { kind: "complete" | "reopen" | "pause" | "resume"; task: number }
  | { kind: "adjust"; task: number; month: number }
  | { kind: "request-completion"; task: number; decide: "approve" | "reject" | "later" };

const task = fc.constantFrom(...TASKS);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("update" as const), task, percent: fc.option(fc.integer({ min: 0, max: 100 })), target: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("retract" as const), of: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("edit" as const), of: fc.nat(), percent: fc.option(fc.integer({ min: 0, max: 100 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("set-target" as const), count: fc.integer({ min: 0, max: 2 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("extension" as const),
      task: fc.constantFrom(2, 4, 6, 20),
      approve: fc.boolean(),
      month: fc.integer({ min: 3, max: 9 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("complete" as const, "reopen" as const, "pause" as const, "resume" as const), task }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("request-completion" as const),
      task,
      decide: fc.constantFrom("approve" as const, "reject" as const, "later" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("adjust" as const), task: fc.constantFrom(2, 4, 6, 20), month: fc.integer({ min: 7, max: 12 }) }) },
);
/** Hours between two steps: from minutes apart to a few days. */
const step = fc.tuple(action, fc.integer({ min: 1, max: 120 }));

/** Replies per kind of step over all runs, printed at the end: the histories must really change things. */
const tally = new Map<string, number>();
const count = (text: string) => {
  const key = text
    .split("\n")[0]!
    .replace(/\d+/g, "N")
    .replace(/[（“].*[）”]/u, "…")
    .slice(0, 24);
  tally.set(key, (tally.get(key) ?? 0) + 1);
};

/** Play the history through the bot; returns the instant of its last step. */
async function play(app: TempApp, plan: PlanRecord, steps: [Action, number][]): Promise<Date> {
  const updates: { eventId: string; task: number }[] = [];
  let seq = 0;
  let at = START.getTime();
  for (const [a, hours] of steps) {
    at += hours * HOUR;
    app.clock.set(new Date(at));
    const say = async (text: string, who: typeof ADMIN | typeof LIU) => count((await app.say(text, { ...who, eventId: `$p${++seq}` })).text);
    switch (a.kind) {
      case "update": {
        const eventId = `$u${++seq}`;
        const percent = a.percent === null ? "" : `，进度${a.percent}%`;
        const target = a.target && (a.task === 4 || a.task === 6) ? " 指标+1" : "";
        const r = await app.say(`任务${a.task}进展：第${seq}步工作已推进${target}${percent}`, { ...LIU, eventId });
        count(r.text);
        if (r.reaction === "✅") updates.push({ eventId, task: a.task });
        break;
      }
      case "retract":
        if (updates.length)
          await app.bot.handle({
            transport: "test",
            kind: "redaction",
            eventId: `$r${++seq}`,
            targetEventId: updates[a.of % updates.length]!.eventId,
            text: "",
            ...LIU,
          });
        break;
      case "edit":
        if (updates.length) {
          const target = updates[a.of % updates.length]!;
          const percent = a.percent === null ? "" : ` ${a.percent}%`;
          await app.bot.handle({
            transport: "test",
            kind: "edit",
            eventId: `$ed${++seq}`,
            targetEventId: target.eventId,
            text: `任务${target.task}进展：改过的第${seq}步${percent}`,
            ...LIU,
          });
        }
        break;
      case "set-target":
        await say(`设置指标 6 数字工匠 ${a.count} 市局第${seq}号文件`, ADMIN);
        break;
      case "extension":
        await say(`申请延期 ${a.task} 2025年${a.month}月底前 市局评选推迟`, LIU);
        at += HOUR;
        app.clock.set(new Date(at));
        await say(`延期审核 ${a.task} ${a.approve ? "通过 同意延期" : "不通过 请按期完成"}`, ADMIN);
        break;
      case "complete":
        await say(`办结 ${a.task} 材料齐全`, ADMIN);
        break;
      case "reopen": {
        // A task completed earlier in this history, when there is one, so that reopenings really happen.
        const done = (await app.repos.plans.tasks(plan.id)).filter((t) => t.completedAt).map((t) => t.number);
        await say(`重启任务 ${done.length ? done[a.task % done.length] : a.task} 市局要求补充材料`, ADMIN);
        break;
      }
      case "pause":
        await say(`暂停提醒 ${a.task} 等待市局协调`, ADMIN);
        break;
      case "resume":
        await say(`恢复提醒 ${a.task}`, ADMIN);
        break;
      case "request-completion":
        // Decided an hour later, or left pending (a later step may still find it so).
        await say(`申请办结 ${a.task} 材料已齐全`, LIU);
        if (a.decide !== "later") {
          at += HOUR;
          app.clock.set(new Date(at));
          await say(`办结审核 ${a.task} ${a.decide === "approve" ? "通过 材料齐全" : "不通过 材料不全"}`, ADMIN);
        }
        break;
      case "adjust":
        await say(`调整时限 ${a.task} 2024年${a.month}月底前 市局统一要求`, ADMIN);
        break;
    }
  }
  return new Date(at);
}

type Row = { light: Light; progress: number | null; deadline: string; targets: string[]; updates: number };
const rowsOf = (s: PlanState): Map<number, Row> =>
  new Map(
    s.tasks.map(({ task, a }) => [
      task.number,
      {
        light: a.light,
        progress: task.progress,
        deadline: task.deadline.text,
        targets: task.targets.map((x) => `${x.name} ${x.current}/${x.count}`),
        updates: task.updateCount,
      },
    ]),
  );

/** The light counts of the overview's summary line: "🔴2 🟡20 ⚪2 ✅1" → {red: 2, …, green: 0}. */
function overviewCounts(text: string): Record<Light, number> {
  const out: Record<Light, number> = { red: 0, yellow: 0, green: 0, ongoing: 0, done: 0 };
  const line = text.split("\n").find((l) => /^(?:[🔴🟡🟢⚪✅]\d+ ?)+$/u.test(l)) ?? "";
  for (const light of Object.keys(out) as Light[]) {
    const m = new RegExp(`${LIGHT_ICON[light]}(\\d+)`, "u").exec(line);
    if (m) out[light] = Number(m[1]);
  }
  return out;
}

async function checkAt(app: TempApp, plan: PlanRecord, deps: ReviewDeps, at: Date): Promise<void> {
  const th = deps.thresholds;
  const h = await loadPlanHistory(app.repos, plan);
  const state = planStateAt(h, at, th);
  const expected = rowsOf(state);
  const where = `at ${at.toISOString()}`;
  app.clock.set(at);

  // Chat views, with the clock at the instant.
  const overview = (await app.say("总览", ADMIN)).text;
  expect(overviewCounts(overview), `${where}: overview`).toEqual(state.totals.lights);
  if (state.totals.targetsTotal) expect(overview, where).toContain(`指标：已完成${state.totals.targetsMet}/${state.totals.targetsTotal}项`);
  for (const n of TASKS) {
    const status = (await app.say(`任务${n}`, ADMIN)).text;
    const e = expected.get(n)!;
    expect(status, `${where}: status ${n}`).toContain(`状态：${LIGHT_ICON[e.light]}`);
    // A done task reads as done (issue 22 §4), whatever its last percent.
    const progress = e.light === "done" ? "已办结" : e.progress === null ? "未报告" : `${e.progress}%`;
    expect(status, `${where}: status ${n}`).toContain(`最新进度：${progress}`);
    expect(status, `${where}: status ${n}`).toContain(e.deadline);
    expect(status, `${where}: status ${n}`).toContain(`进展条数：${e.updates}`);
    const st = state.tasks.find((s) => s.task.number === n)!;
    expect(status.includes("申请办结："), `${where}: status ${n} pending review`).toBe(st.pending.some((r) => r.kind === "completion"));
    expect(status.includes("提醒已暂停"), `${where}: status ${n} paused`).toBe(st.task.remindersPaused);
    for (const x of e.targets) expect(status.replace("指标：", ""), `${where}: status ${n}`).toContain(x.replace(/ (\d+\/\d+)$/, " $1"));
  }
  const pending = state.tasks.filter((s) => s.task.reviewPending && !s.task.completedAt).map((s) => s.task.number);
  if (pending.length) expect(overview, `${where}: overview pending`).toContain(`待审核（办结申请）：任务 ${pending.join(" ")}`);
  else expect(overview, `${where}: overview pending`).not.toContain("待审核（办结申请）");
  const overdue = (await app.say("逾期", ADMIN)).text;
  const overdueNumbers = state.tasks.filter((s) => s.a.daysOverdue !== null).map((s) => s.task.number);
  expect(
    [...overdue.matchAll(/ 任务(\d+) /g)].map((m) => Number(m[1])).sort((a, b) => a - b),
    `${where}: overdue`,
  ).toEqual(overdueNumbers);
  const dueSoon = (await app.say("临期", ADMIN)).text;
  const soonNumbers = state.tasks.filter((s) => s.a.light !== "done" && s.a.daysLeft !== null && s.a.daysLeft <= th.warnDays).map((s) => s.task.number);
  expect(
    [...dueSoon.matchAll(/ 任务(\d+) /g)].map((m) => Number(m[1])).sort((a, b) => a - b),
    `${where}: due soon`,
  ).toEqual(soonNumbers);

  // Reports at the same instant.
  const digest = await app.reports.digest(plan, at);
  expect(digest.totals.now, `${where}: digest`).toEqual(state.totals.lights);
  const weekAgo = at.getTime() - 7 * 86_400_000;
  const week = h.updates.filter((u) => u.createdAt.getTime() > weekAgo && u.createdAt.getTime() <= at.getTime() && !(u.retractedAt && u.retractedAt <= at));
  expect(digest.updatesTotal, `${where}: digest updates`).toBe(week.length);
  const exported = await buildExport(deps, plan, at);
  for (const t of exported.tasks) {
    const e = expected.get(t.number)!;
    expect(
      {
        light: t.light,
        progress: t.progress,
        deadline: t.deadline.text,
        targets: t.targets.map((x) => `${x.name} ${x.current}/${x.count}`),
        updates: t.updateCount,
      },
      `${where}: export`,
    ).toEqual(e);
  }
  const chart = await buildChart(deps, plan, at);
  const chartLights: Record<Light, number> = { red: 0, yellow: 0, green: 0, ongoing: 0, done: 0 };
  for (const s of chart.sections) for (const l of Object.keys(chartLights) as Light[]) chartLights[l] += s.lights[l];
  expect(chartLights, `${where}: chart`).toEqual(state.totals.lights);
  expect(
    chart.targets.map((x) => `${x.current}/${x.count}`),
    `${where}: chart targets`,
  ).toEqual(state.tasks.flatMap((s) => s.task.targets.map((x) => `${x.current}/${x.count}`)));
  const report = await buildReviewReport(deps, plan, { kind: "year", year: 2024 }, at);
  expect(report.summary, `${where}: review report`).toEqual({
    lights: state.totals.lights,
    tasks: state.totals.tasks,
    targetsMet: state.totals.targetsMet,
    targetsTotal: state.totals.targetsTotal,
  });
  // The scorecard counts targets as they stood at the end of the instant's day, per lead unit.
  const scorecard = await buildScorecard(deps, plan, 2024, at);
  const endState = planStateAt(h, endOfDay(dayOf(at)), th);
  for (const row of scorecard.rows) {
    const led = endState.tasks.filter((s) => s.task.leadUnits.some((u) => app.directory.canonical(u) === row.unit));
    const targets = led.flatMap((s) => s.task.targets);
    expect([row.targetsMet, row.targetsTotal], `${where}: scorecard ${row.unit}`).toEqual([targets.filter((x) => x.current >= x.count).length, targets.length]);
  }
}

describe("every view computes the same state at the same instant (fast-check)", () => {
  it("agrees with planStateAt on random histories at random instants, and at the end (the chat views' fast path)", async () => {
    const thresholds = readConfig({ DATABASE_URL: "file:unused.db" }).thresholds;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 4, maxLength: 14 }),
        fc.array(fc.double({ min: -0.05, max: 1.1, noNaN: true }), { minLength: 2, maxLength: 3 }),
        async (steps, fractions) => {
          const app = await tempApp({ at: START.toISOString() });
          try {
            const plan = (await app.repos.plans.currentPlan())!;
            const deps: ReviewDeps = { repos: app.repos, directory: app.directory, policy: app.reminders.policy, thresholds };
            const end = await play(app, plan, steps);
            const span = end.getTime() - START.getTime();
            for (const f of fractions) await checkAt(app, plan, deps, new Date(Math.round(START.getTime() + f * span)));
            await checkAt(app, plan, deps, end);
          } finally {
            await app.dispose();
          }
        },
      ),
      { numRuns: 6, seed, endOnFailure: true },
    );
    console.log([...tally.entries()].map(([k, v]) => `${v}× ${k}`).join("\n"));
  }, 240_000);
});
