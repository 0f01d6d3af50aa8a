/**
 * Every figure the reviews need, computed from the recorded history: the plan, its tasks, every update,
 * reminder, request, evidence file and target change. Tasks are rebuilt as they stood at a moment (`asOf`),
 * so a 2024 report made in 2026 shows the end of 2024, not today. The renderers (docx, xlsx, csv, ics, png)
 * only lay these figures out.
 */
import type { ReportKind } from "../core/command.js";
import { groupBy } from "../core/group-by.js";
import type { Directory } from "../directory/directory.js";
import type { EvidenceRecord, PlanRecord, ReminderRecord, Repositories, TaskRecord, UpdateRecord } from "../core/model.js";
import type { Light, LightThresholds, TaskAssessment } from "../core/task-status.js";
import { liveUpdates, loadPlanHistory, planStart, taskAsOf, taskStateAt, updateAsOf, updateTaskAt, type PlanHistory } from "../core/plan-state.js";
import { addDays, dayOf, daysBetween, formatDateTime, lastDayOfMonth, zonedInstant } from "../core/time.js";
import { reportDaysBetween, type ReminderPolicy } from "../reminders/reminder-policy.js";
import { isCollectiveUnit } from "../plan/unit-list.js";
import { UserError } from "../core/command.js";
import {
  LIGHT_LABELS,
  type ChartModel,
  type ExportModel,
  type LightCounts,
  type ReportSection,
  type ReportTarget,
  type ReportTask,
  type ReportUpdate,
  type ReviewReport,
  type Scorecard,
  type ScorecardRow,
} from "./types.js";

const emptyCounts = (): LightCounts => ({ red: 0, yellow: 0, green: 0, ongoing: 0, done: 0 });

/** The later and the earlier of two YYYY-MM-DD days: they compare as text, so Math.max and Math.min do not apply. */
const laterDay = (a: string, b: string): string => (a > b ? a : b);
const earlierDay = (a: string, b: string): string => (a < b ? a : b);

/** What the review figures are computed from. */
export interface ReviewDeps {
  repos: Repositories;
  directory: Directory;
  policy: ReminderPolicy;
  thresholds: LightThresholds;
  /** Weights per scorecard figure (DUBAN_SCORECARD); null shows raw figures only. */
  weights?: Record<string, number> | null;
}

/** The recorded history of one plan, loaded once per report: what the plan's state is replayed from, and its reminders and evidence. */
export interface History extends PlanHistory {
  reminders: ReminderRecord[];
  evidence: EvidenceRecord[];
  evidenceByTask: Map<number, EvidenceRecord[]>;
}

export async function loadHistory(repos: Repositories, plan: PlanRecord): Promise<History> {
  const [h, reminders, evidence] = await Promise.all([loadPlanHistory(repos, plan), repos.history.reminders(plan.id), repos.history.evidence(plan.id)]);
  return { ...h, reminders, evidence, evidenceByTask: groupBy(evidence, (e) => e.taskId) };
}

/** The end of a day in Asia/Shanghai as an instant: `endOfDay("2024-12-31")` → 2024-12-31T15:59:59.999Z. */
export function endOfDay(day: string): Date {
  return new Date(zonedInstant(addDays(day, 1), "00:00").getTime() - 1);
}

/**
 * The plan's period: from its start (issue date) to the end of the last year its title names (`(2023-2025年)`),
 * else to the latest dated deadline, else to the end of the start year.
 */
export function planPeriod(h: Pick<History, "plan" | "tasks">): { from: string; to: string } {
  const from = planStart(h.plan);
  const years = /(\d{4})\s*年?\s*[-—–~～至到]\s*(\d{4})\s*年/.exec(h.plan.title);
  if (years) return { from, to: `${years[2]}-12-31` };
  const dates = h.tasks.map((t) => t.deadline.date).filter((d): d is string => d !== null);
  if (!dates.length) return { from, to: `${from.slice(0, 4)}-12-31` };
  const to = dates.reduce(laterDay);
  // Imported after its last deadline with no issue date: the plan's own years, from the first deadline's.
  return { from: from > to ? `${Math.min(...dates.map((d) => Number(d.slice(0, 4))))}-01-01` : from, to };
}

function iso(d: Date): string {
  return d.toISOString();
}

/** How a person is named in a review or export: the directory's display name (ids stay in the JSON dump). */
type NameOf = (user: string) => string;

function reportUpdate(update: UpdateRecord, number: number, at: Date, nameOf: NameOf): ReportUpdate {
  const u = updateAsOf(update, at.getTime());
  return {
    id: u.id,
    taskNumber: number,
    at: iso(u.createdAt),
    author: u.authorId,
    authorName: nameOf(u.authorId),
    unit: u.authorUnit,
    text: u.text,
    percent: u.percent,
    retracted: u.retractedAt !== null && u.retractedAt.getTime() <= at.getTime(),
  };
}

function reportTask(task: TaskRecord, h: History, at: Date, th: LightThresholds, nameOf: NameOf = (id) => id): { task: ReportTask; a: TaskAssessment } {
  const { task: asOf, a } = taskStateAt(h, task, at, th);
  const t = at.getTime();
  const latestUpdates = liveUpdates(h, task.id, t)
    .slice(-3)
    .reverse()
    .map((u) => reportUpdate(u, task.number, at, nameOf));
  return {
    a,
    task: {
      id: task.id,
      number: task.number,
      title: task.title,
      section: task.sectionOrdinal === null ? null : { ordinal: task.sectionOrdinal, label: task.sectionLabel ?? "", title: task.section ?? "" },
      leadUnits: task.leadUnits,
      responsibleUnits: task.responsibleUnits,
      deadline: asOf.deadline,
      originalDeadline: asOf.originalDeadline,
      deadlineChange: asOf.deadlineChange,
      light: a.light,
      lightLabel: LIGHT_LABELS[a.light],
      daysLeft: a.daysLeft,
      daysOverdue: a.daysOverdue,
      stale: a.stale,
      progress: asOf.progress,
      completedAt: asOf.completedAt ? iso(asOf.completedAt) : null,
      reviewPending: asOf.reviewPending,
      updateCount: asOf.updateCount,
      targets: asOf.targets.map((x) => ({
        id: x.id,
        taskNumber: task.number,
        name: x.name,
        unit: x.unit,
        count: x.count,
        current: x.current,
        due: x.due,
        met: x.current >= x.count,
        behind: a.targetsBehind.includes(x.id),
      })),
      latestUpdates,
      evidence: (h.evidenceByTask.get(task.id) ?? []).filter((e) => e.createdAt.getTime() <= t).map((e) => ({ fileName: e.fileName, day: dayOf(e.createdAt) })),
    },
  };
}

/** Every task as at `at`, in plan order. */
export function reportTasks(h: History, at: Date, th: LightThresholds, nameOf: NameOf = (id) => id): ReportTask[] {
  return h.tasks.map((task) => reportTask(task, h, at, th, nameOf).task);
}

function sectionsOf(tasks: ReportTask[]): { sections: ReportSection[]; unsectioned: ReportTask[] } {
  const sections = new Map<number, ReportSection>();
  const unsectioned: ReportTask[] = [];
  for (const t of tasks) {
    if (!t.section) {
      unsectioned.push(t);
      continue;
    }
    const s = sections.get(t.section.ordinal) ?? { ...t.section, tasks: [] };
    s.tasks.push(t);
    sections.set(t.section.ordinal, s);
  }
  return { sections: [...sections.values()].sort((a, b) => a.ordinal - b.ordinal), unsectioned };
}

function countLights(tasks: ReportTask[]): LightCounts {
  const c = emptyCounts();
  for (const t of tasks) c[t.light]++;
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Scorecard (单位考评)

/** Grace after a report day in which a report still counts, as late. */
export const LATE_GRACE_DAYS = 10;

/**
 * The scorecard over [from, to] as recorded by `at`. Raw figures per unit; `method` says how each is computed.
 * Units are the lead and responsible units the tasks name (collective ones such as 局属各单位 left out).
 */
export function scorecard(h: History, d: ReviewDeps, period: { from: string; to: string; label: string }, at: Date, now: Date = at): Scorecard {
  const end = earlierDay(dayOf(at), period.to);
  // Late reports are judged when the scorecard is made: a report for the period's last report day may come after it.
  const judged = dayOf(now > at ? now : at);
  const names = new Set<string>();
  for (const t of h.tasks) for (const u of [...t.leadUnits, ...t.responsibleUnits]) if (!isCollectiveUnit(u)) names.add(d.directory.canonical(u));
  const rows: ScorecardRow[] = [];
  const days = reportDaysBetween(laterDay(period.from, planStart(h.plan)), end, d.policy.reportDayOfMonth);
  for (const unit of [...names].sort((a, b) => a.localeCompare(b, "zh-CN"))) {
    const leads = h.tasks.filter((t) => t.leadUnits.some((u) => d.directory.canonical(u) === unit));
    const responsible = h.tasks.filter((t) => t.responsibleUnits.some((u) => !isCollectiveUnit(u) && d.directory.canonical(u) === unit));
    const row: ScorecardRow = {
      unit,
      leadTasks: leads.map((t) => t.number),
      responsibleTasks: responsible.map((t) => t.number),
      reportsExpected: 0,
      reportsOnTime: 0,
      reportsLate: 0,
      reportsMissing: 0,
      remindersReceived: 0,
      escalations: 0,
      overdueDaysOriginal: 0,
      overdueDaysApproved: 0,
      completions: 0,
      targetsMet: 0,
      targetsTotal: 0,
      score: null,
    };
    for (const task of leads) {
      const nowMs = endOfDay(judged).getTime();
      const ups = (h.byTask.updates.get(task.id) ?? [])
        .filter((u) => u.authorUnit !== null && d.directory.canonical(u.authorUnit) === unit)
        .filter((u) => !(u.retractedAt && u.retractedAt.getTime() <= nowMs) && u.createdAt.getTime() <= nowMs && updateTaskAt(u, nowMs) === task.id)
        .map((u) => ({ id: u.id, day: dayOf(u.createdAt) }));
      // An update credited as a late report for one report day does not also count for the next one.
      const usedLate = new Set<number>();
      // Report cycles: the monthly report day, for a task followed as ongoing work and still open that day.
      for (const [i, day] of days.entries()) {
        const asOf = taskAsOf(task, h, endOfDay(day));
        if (asOf.completedAt) continue;
        const k = asOf.deadline.kind;
        const ongoing = k === "ongoing" || (k === "date+ongoing" && asOf.deadline.date !== null && day > asOf.deadline.date);
        if (!ongoing) continue;
        const since = i > 0 ? days[i - 1]! : addDays(day, -31);
        const graceEnd = addDays(day, LATE_GRACE_DAYS);
        const late = ups.find((u) => u.day > day && u.day <= graceEnd);
        if (ups.some((u) => u.day > since && u.day <= day && !usedLate.has(u.id))) row.reportsOnTime++;
        else if (late) {
          row.reportsLate++;
          usedLate.add(late.id);
        } else if (graceEnd < judged) row.reportsMissing++;
        else continue; // still within its grace: not counted yet
        row.reportsExpected++;
      }
      const asOfEnd = taskAsOf(task, h, endOfDay(end));
      // Overdue days within the period, up to completion or the end.
      const done = asOfEnd.completedAt ? dayOf(asOfEnd.completedAt) : null;
      const stop = done && done < end ? done : end;
      const overdueDays = (deadline: string | null): number => {
        if (!deadline) return 0;
        const startCount = laterDay(addDays(deadline, 1), period.from);
        return startCount > stop ? 0 : daysBetween(startCount, stop) + 1;
      };
      const dated = (dl: { kind: string; date: string | null } | null) => (dl && dl.kind === "date" ? dl.date : null);
      row.overdueDaysApproved += overdueDays(dated(asOfEnd.deadline));
      row.overdueDaysOriginal += overdueDays(dated(asOfEnd.originalDeadline ?? asOfEnd.deadline));
      if (done && done >= period.from && done <= end) row.completions++;
      for (const x of asOfEnd.targets) {
        row.targetsTotal++;
        if (x.current >= x.count) row.targetsMet++;
      }
    }
    for (const r of h.reminders) {
      if (r.deliveredAt === null || r.dueOn < period.from || r.dueOn > end || r.deliveredAt.getTime() > at.getTime()) continue;
      // Skipped (task done, paused, under review) and undeliverable (no room) reminders never reached the unit.
      if (/^(skipped|undeliverable)/.test(r.lastError ?? "")) continue;
      if (r.kind === "escalation") {
        const task = h.tasks.find((t) => t.id === r.taskId);
        if (task?.leadUnits.some((u) => d.directory.canonical(u) === unit)) row.escalations++;
      } else if (r.kind !== "notice" && d.directory.canonical(r.unit) === unit) row.remindersReceived++;
    }
    if (d.weights) {
      let score = 0;
      for (const [k, w] of Object.entries(d.weights)) {
        const v = row[k as keyof ScorecardRow];
        if (typeof v === "number") score += w * v;
      }
      row.score = Math.round(score * 100) / 100;
    }
    rows.push(row);
  }
  return {
    period: { ...period },
    rows,
    method: SCORECARD_METHOD(d.policy.reportDayOfMonth, end, judged, d.weights ?? null),
    weights: d.weights ?? null,
  };
}

const SCORECARD_METHOD = (reportDay: number, end: string, judged: string, weights: Record<string, number> | null): string[] => [
  weights
    ? `统计截至${end}（逾期报送按${judged}的记录判断），全部数字由督办机器人的记录计算；得分 = ${Object.entries(weights)
        .map(([k, w]) => `${w}×${FIGURE_NAMES[k] ?? k}`)
        .join(" + ")}（权重由科技办在配置文件中设定）。`
    : `统计截至${end}（逾期报送按${judged}的记录判断），全部数字由督办机器人的记录计算，未作任何加权（科技办可在配置文件中设置权重，设置后另列“得分”）。`,
  `应报次数：每月${reportDay}日为报送节点；本单位牵头、当日未办结且按持续推进跟踪的任务（“持续推进”类，或节点已过的“某日前完成、持续推进”类），每个节点计1次。`,
  `按时：上一节点次日至本节点当日（首个节点为前31天内）本单位人员在该任务报送过进展；逾期报送：节点后${LATE_GRACE_DAYS}天内才报送（该条进展不再计入下一节点）；未报：节点后${LATE_GRACE_DAYS}天内仍未报送。宽限期未满的节点暂不计入。`,
  "收到提醒：发给本单位并已送达的提醒条数（到期前、到期、逾期、报送、久未更新），已跳过的不计；督办升级：本单位牵头任务被升级至科技办的次数。",
  "逾期天数：本单位牵头的有明确时限的任务，在统计期内超过时限的天数之和（至办结日或统计截止日）；“原定”按计划文件的时限，“批准后”按经批准延期或调整后的时限。",
  "办结：统计期内办结的本单位牵头任务数；指标完成：本单位牵头任务的指标中已达到目标数的项数/指标总数。",
];

const FIGURE_NAMES: Record<string, string> = {
  reportsExpected: "应报次数",
  reportsOnTime: "按时",
  reportsLate: "逾期报送",
  reportsMissing: "未报",
  remindersReceived: "收到提醒",
  escalations: "督办升级",
  overdueDaysOriginal: "逾期天数(原定)",
  overdueDaysApproved: "逾期天数(批准后)",
  completions: "办结",
  targetsMet: "指标完成",
  targetsTotal: "指标总数",
};

// ---------------------------------------------------------------------------------------------------------------
// Review documents, exports, chart

/** The period a review covers: a calendar year (within the plan), the first half of the plan (to the end of the month of its midpoint), or the whole plan. */
export function reviewPeriod(h: History, k: ReportKind): { from: string; to: string; label: string } {
  const whole = planPeriod(h);
  if (k.kind === "year") {
    const [first, last] = [Number(whole.from.slice(0, 4)), Number(whole.to.slice(0, 4))];
    if (k.year < first || k.year > last)
      throw new UserError(`计划的实施期为${whole.from}至${whole.to}，${k.year}年不在其中。请写${first}至${last}之间的年份。`);
    const from = `${k.year}-01-01` < whole.from ? whole.from : `${k.year}-01-01`;
    const to = `${k.year}-12-31` > whole.to ? whole.to : `${k.year}-12-31`;
    return { from, to, label: `${k.year}年度` };
  }
  if (k.kind === "final") return { ...whole, label: "总结验收" };
  const mid = addDays(whole.from, Math.floor(daysBetween(whole.from, whole.to) / 2));
  const [y, m] = [Number(mid.slice(0, 4)), Number(mid.slice(5, 7))];
  return { from: whole.from, to: `${mid.slice(0, 7)}-${String(lastDayOfMonth(y, m)).padStart(2, "0")}`, label: "中期评估" };
}

const REPORT_TITLES: Record<ReportKind["kind"], string> = { year: "年度工作报告", midterm: "中期评估报告", final: "总结验收报告" };

function planName(title: string): string {
  return title.replace(/实施方案|[（(]\s*\d{4}\s*年?\s*[-—–~～至到]\s*\d{4}\s*年?\s*[)）]/g, "").trim();
}

/** The figures are taken at the end of the period, or at `now` when the period has not ended yet. */
function momentFor(period: { to: string }, now: Date): Date {
  const end = endOfDay(period.to);
  return end.getTime() < now.getTime() ? end : now;
}

export async function buildReviewReport(d: ReviewDeps, plan: PlanRecord, k: ReportKind, now: Date): Promise<ReviewReport> {
  const h = await loadHistory(d.repos, plan);
  const period = reviewPeriod(h, k);
  const at = momentFor(period, now);
  const tasks = reportTasks(h, at, d.thresholds, (id) => d.directory.displayName(id));
  const { sections, unsectioned } = sectionsOf(tasks);
  const targets = tasks.flatMap((t) => t.targets);
  return {
    kind: k.kind,
    title: `${planName(plan.title)}${k.kind === "year" ? `${k.year}年度工作报告` : REPORT_TITLES[k.kind]}`,
    period,
    at: iso(at),
    plan: { title: plan.title, issuedOn: plan.issuedOn },
    summary: { lights: countLights(tasks), tasks: tasks.length, targetsMet: targets.filter((x) => x.met).length, targetsTotal: targets.length },
    sections,
    unsectioned,
    scorecard: scorecard(h, d, period, at, now),
  };
}

export async function buildScorecard(d: ReviewDeps, plan: PlanRecord, year: number | null, now: Date): Promise<Scorecard> {
  const h = await loadHistory(d.repos, plan);
  const period = year === null ? { ...planPeriod(h), label: "全周期" } : reviewPeriod(h, { kind: "year", year });
  return scorecard(h, d, period, momentFor(period, now), now);
}

export async function buildExport(d: ReviewDeps, plan: PlanRecord, at: Date): Promise<ExportModel> {
  const h = await loadHistory(d.repos, plan);
  const byId = new Map(h.tasks.map((t) => [t.id, t.number] as const));
  const tasks = reportTasks(h, at, d.thresholds, (id) => d.directory.displayName(id));
  const period = { ...planPeriod(h), label: "全周期" };
  return {
    at: iso(at),
    plan: { title: plan.title, issuedOn: plan.issuedOn },
    tasks,
    updates: h.updates
      .filter((u) => u.createdAt.getTime() <= at.getTime())
      .map((u) => reportUpdate(u, byId.get(updateTaskAt(u, at.getTime())) ?? 0, at, (id) => d.directory.displayName(id))),
    targets: tasks.flatMap((t) => t.targets),
    scorecard: scorecard(h, d, period, at),
  };
}

/** The last day of each month from `from` to `to`, and `to` itself. */
function monthEnds(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const last = lastDayOfMonth(y, m);
    const d = `${y}-${String(m).padStart(2, "0")}-${String(last).padStart(2, "0")}`;
    if (d >= to) break;
    out.push(d);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  out.push(to);
  return out;
}

export async function buildChart(d: ReviewDeps, plan: PlanRecord, at: Date): Promise<ChartModel> {
  const h = await loadHistory(d.repos, plan);
  const tasks = reportTasks(h, at, d.thresholds, (id) => d.directory.displayName(id));
  const { sections } = sectionsOf(tasks);
  const whole = planPeriod(h);
  const today = dayOf(at);
  const dated = h.tasks.filter((t) => t.deadline.date !== null && (t.deadline.kind === "date" || t.deadline.kind === "date+ongoing"));
  const lastDeadline = dated.map((t) => (t.originalDeadline?.date ?? t.deadline.date)!).reduce(laterDay, whole.from);
  const days = monthEnds(whole.from, laterDay(whole.to, lastDeadline));
  const total = dated.length;
  const span = Math.max(1, daysBetween(whole.from, lastDeadline));
  return {
    title: `${planName(plan.title)}进度图`,
    at: iso(at),
    sections: sections.map((s) => ({ label: s.label, title: s.title, lights: countLights(s.tasks) })),
    targets: tasks.flatMap((t) => t.targets.map((x) => ({ label: `任务${t.number} ${x.name}`, current: x.current, count: x.count, behind: x.behind }))),
    burndown: days.map((day) => ({
      day,
      // Open as of the end of that day (or of `at`, on its own day): a task reopened since counts as it stood then.
      open: day > today ? null : dated.filter((t) => !taskAsOf(t, h, day === today ? at : endOfDay(day)).completedAt).length,
      ideal: Math.max(0, Math.round(total * (1 - Math.min(1, daysBetween(whole.from, day) / span)) * 10) / 10),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Weekly digest (周报)

export interface Digest {
  /** The week: from the previous digest (or 7 days before `at`) to `at`, as "YYYY-MM-DD HH:mm" in Asia/Shanghai. */
  from: string;
  to: string;
  at: string;
  planTitle: string;
  sections: { label: string; title: string; now: LightCounts; lastWeek: LightCounts }[];
  totals: { now: LightCounts; lastWeek: LightCounts };
  /** Tasks whose light changed since a week ago. */
  changed: { number: number; title: string; from: Light; to: Light }[];
  becameOverdue: { number: number; title: string; deadline: string; leadUnits: string[] }[];
  completed: { number: number; title: string; day: string }[];
  /** Updates of the week by the author's unit, most first. */
  updatesByUnit: { unit: string; count: number }[];
  updatesTotal: number;
  /** Units leading an open task that posted no update on it since the previous report day before the last one. */
  silentUnits: { unit: string; tasks: number[]; since: string }[];
  targetsBehind: { taskNumber: number; name: string; current: number; count: number; unit: string; due: string | null }[];
}

/**
 * The digest for the time from `since` (the previous digest, so that no week is left out or counted twice; by
 * default 7 days before `at`) to `at`. Lights "last week" are those at `since`.
 */
export async function buildDigest(d: ReviewDeps, plan: PlanRecord, at: Date, since?: Date | null): Promise<Digest> {
  const h = await loadHistory(d.repos, plan);
  const weekAgo = since && since.getTime() < at.getTime() ? since : new Date(at.getTime() - 7 * 86_400_000);
  const now = h.tasks.map((t) => reportTask(t, h, at, d.thresholds));
  const before = new Map(h.tasks.map((t) => [t.id, reportTask(t, h, weekAgo, d.thresholds)] as const));
  const sections = new Map<number, Digest["sections"][number]>();
  const totals = { now: emptyCounts(), lastWeek: emptyCounts() };
  const changed: Digest["changed"] = [];
  const becameOverdue: Digest["becameOverdue"] = [];
  const completed: Digest["completed"] = [];
  for (const { task, a } of now) {
    const prev = before.get(task.id)!;
    totals.now[task.light]++;
    totals.lastWeek[prev.task.light]++;
    if (task.section) {
      const s = sections.get(task.section.ordinal) ?? { label: task.section.label, title: task.section.title, now: emptyCounts(), lastWeek: emptyCounts() };
      s.now[task.light]++;
      s.lastWeek[prev.task.light]++;
      sections.set(task.section.ordinal, s);
    }
    if (prev.task.light !== task.light) changed.push({ number: task.number, title: task.title, from: prev.task.light, to: task.light });
    if (a.daysOverdue !== null && prev.a.daysOverdue === null && task.light === "red")
      becameOverdue.push({ number: task.number, title: task.title, deadline: task.deadline.text, leadUnits: task.leadUnits });
    if (task.completedAt && new Date(task.completedAt).getTime() > weekAgo.getTime())
      completed.push({ number: task.number, title: task.title, day: dayOf(new Date(task.completedAt)) });
  }
  const week = h.updates.filter(
    (u) => u.createdAt.getTime() > weekAgo.getTime() && u.createdAt.getTime() <= at.getTime() && !(u.retractedAt && u.retractedAt.getTime() <= at.getTime()),
  );
  const byUnit = new Map<string, number>();
  for (const u of week) byUnit.set(u.authorUnit ?? "未登记单位", (byUnit.get(u.authorUnit ?? "未登记单位") ?? 0) + 1);
  // The report cycle: since the report day before the latest one (so a whole cycle and the days since).
  const today = dayOf(at);
  const rd = reportDaysBetween(addDays(today, -70), today, d.policy.reportDayOfMonth);
  const cycleStart = rd.length >= 2 ? rd[rd.length - 2]! : addDays(today, -31);
  const silent = new Map<string, number[]>();
  for (const { task } of now) {
    if (task.completedAt) continue;
    for (const unit of task.leadUnits.filter((u) => !isCollectiveUnit(u)).map((u) => d.directory.canonical(u))) {
      const posted = (h.byTask.updates.get(task.id) ?? []).some(
        (u) =>
          u.authorUnit !== null &&
          d.directory.canonical(u.authorUnit) === unit &&
          dayOf(u.createdAt) > cycleStart &&
          u.createdAt.getTime() <= at.getTime() &&
          !(u.retractedAt && u.retractedAt.getTime() <= at.getTime()) &&
          updateTaskAt(u, at.getTime()) === task.id,
      );
      if (!posted) silent.set(unit, [...(silent.get(unit) ?? []), task.number]);
    }
  }
  return {
    from: formatDateTime(weekAgo),
    to: formatDateTime(at),
    at: iso(at),
    planTitle: plan.title,
    sections: [...sections.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s),
    totals,
    changed,
    becameOverdue,
    completed,
    updatesByUnit: [...byUnit.entries()].map(([unit, count]) => ({ unit, count })).sort((a, b) => b.count - a.count || a.unit.localeCompare(b.unit, "zh-CN")),
    updatesTotal: week.length,
    silentUnits: [...silent.entries()].map(([unit, tasks]) => ({ unit, tasks, since: cycleStart })).sort((a, b) => a.unit.localeCompare(b.unit, "zh-CN")),
    targetsBehind: now.flatMap(({ task }) =>
      task.targets
        .filter((x) => x.behind)
        .map((x) => ({ taskNumber: task.number, name: x.name, current: x.current, count: x.count, unit: x.unit, due: x.due })),
    ),
  };
}

export type { ReportTarget };
