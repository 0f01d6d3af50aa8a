/**
 * The state of a plan as of an instant T: the one definition every view computes (issue 22 §3). Status, overview,
 * unit, overdue and due-soon in chat; the digest, scorecard, chart, exports and review documents in src/reports.
 *
 * It is a replay of the recorded history: a task is as it stood at T (updates made and not retracted by then, in
 * the wording in force then; completions, reopenings and deadlines set by then; extensions approved by then;
 * target counts replayed from their changes), then assessed at T. In production T is now; with `--at` or
 * DUBAN_NOW every view shows the same past.
 *
 * The chat views keep their fast path (the task records as they are now, assessed now) when nothing in the plan's
 * history was recorded after T: then the records are the state at T. `tests/plan-state.property.test.ts` checks
 * the fast paths against this definition on random histories.
 */
import { planTitleYears } from "../plan/plan-parser.js";
import { groupBy } from "./group-by.js";
import type { PlanRecord, Repositories, RequestRecord, TargetChangeRecord, TargetRecord, TaskEvent, TaskRecord, UpdateRecord } from "./model.js";
import { assessTask, type Light, type LightThresholds, type TaskAssessment } from "./task-status.js";
import { dayOf } from "./time.js";

export type PlanTarget = TargetRecord & { removedAt: Date | null };

/** The recorded history a plan's state is replayed from. */
export interface PlanHistory {
  plan: PlanRecord;
  tasks: TaskRecord[];
  updates: UpdateRecord[];
  requests: RequestRecord[];
  targets: PlanTarget[];
  targetChanges: TargetChangeRecord[];
  /** Completions, reopenings and deadlines set by an admin, from the audit trail. */
  events: TaskEvent[];
  /** The same rows grouped by task (or target), oldest first, so each task's figures do not scan the whole history. */
  byTask: {
    updates: Map<number, UpdateRecord[]>;
    requests: Map<number, RequestRecord[]>;
    targets: Map<number, PlanTarget[]>;
    changes: Map<number, TargetChangeRecord[]>;
    events: Map<number, TaskEvent[]>;
  };
}

type Parts = Omit<PlanHistory, "byTask">;

/** Updates under every task they were ever on: an edit may have moved one (its revisions keep the task it left). */
function updatesByTask(updates: readonly UpdateRecord[]): Map<number, UpdateRecord[]> {
  const out = new Map<number, UpdateRecord[]>();
  for (const u of updates) {
    const tasks = new Set([u.taskId, ...u.revisions.flatMap((r) => (r.taskId === undefined ? [] : [r.taskId]))]);
    for (const id of tasks) {
      const list = out.get(id);
      if (list) list.push(u);
      else out.set(id, [u]);
    }
  }
  return out;
}

/** Group a history's rows by task. */
export function planHistory(parts: Parts): PlanHistory {
  return {
    ...parts,
    byTask: {
      updates: updatesByTask(parts.updates),
      requests: groupBy(parts.requests, (r) => r.taskId),
      targets: groupBy(parts.targets, (x) => x.taskId),
      changes: groupBy(parts.targetChanges, (c) => c.targetId),
      events: groupBy(parts.events, (e) => e.taskId),
    },
  };
}

/** Read a plan's history through the repositories. */
export async function loadPlanHistory(repos: Repositories, plan: PlanRecord): Promise<PlanHistory> {
  const [tasks, updates, requests, targets, targetChanges, events] = await Promise.all([
    repos.plans.tasks(plan.id),
    repos.history.updates(plan.id),
    repos.history.requests(plan.id),
    repos.targets.forPlan(plan.id),
    repos.targets.changes(plan.id),
    repos.history.taskEvents(plan.id),
  ]);
  return planHistory({ plan, tasks, updates, requests, targets, targetChanges, events });
}

/**
 * The day a plan started: its issue date, else the day it was imported, unless that day is after the last year
 * the title names (a 2023–2025 plan imported in 2026 without an issue date): then the first day of its first year.
 */
export function planStart(plan: Pick<PlanRecord, "issuedOn" | "importedAt" | "title">): string {
  if (plan.issuedOn) return plan.issuedOn;
  // Views ask once per task (an overview of 10,000 tasks): the title is read once per plan record.
  let start = starts.get(plan);
  if (start === undefined) {
    const imported = dayOf(plan.importedAt);
    const years = planTitleYears(plan.title);
    start = years && imported > `${years.last}-12-31` ? `${years.first}-01-01` : imported;
    starts.set(plan, start);
  }
  return start;
}
const starts = new WeakMap<object, string>();

/** The latest instant anything in the history was recorded: after it, the records as they are now are the state. */
export function latestRecorded(h: PlanHistory): number {
  let max = h.plan.importedAt.getTime();
  const see = (d: Date | null | undefined) => {
    if (d && d.getTime() > max) max = d.getTime();
  };
  for (const u of h.updates) {
    see(u.createdAt);
    see(u.editedAt);
    see(u.retractedAt);
  }
  for (const r of h.requests) {
    see(r.createdAt);
    see(r.decidedAt);
  }
  for (const x of h.targets) {
    see(x.createdAt);
    see(x.removedAt);
  }
  for (const c of h.targetChanges) see(c.at);
  for (const e of h.events) see(e.at);
  for (const t of h.tasks) see(t.completedAt);
  return max;
}

/** An update in the wording it had at `t`: an edit made later is undone from its revisions. */
export function updateAsOf(u: UpdateRecord, t: number): UpdateRecord {
  if (!u.editedAt || u.editedAt.getTime() <= t) return u;
  const then = u.revisions.find((r) => new Date(r.at).getTime() > t);
  return then ? { ...u, text: then.text, percent: then.percent, taskId: then.taskId ?? u.taskId, editedAt: null } : u;
}

/** The task an update was on at `t`: an edit after `t` may have moved it, and its revision keeps the task it left. */
export function updateTaskAt(u: UpdateRecord, t: number): number {
  if (!u.editedAt || u.editedAt.getTime() <= t) return u.taskId;
  return u.revisions.find((r) => new Date(r.at).getTime() > t)?.taskId ?? u.taskId;
}

/** A task's updates made by `t` and not retracted by then, oldest first, in the wording in force then. */
export function liveUpdates(h: PlanHistory, taskId: number, t: number): UpdateRecord[] {
  return (h.byTask.updates.get(taskId) ?? [])
    .filter((u) => u.createdAt.getTime() <= t && !(u.retractedAt && u.retractedAt.getTime() <= t) && updateTaskAt(u, t) === taskId)
    .map((u) => updateAsOf(u, t));
}

/**
 * A task rebuilt as at `at` from its history: done only if completed by then, the progress, last update and
 * count of the updates made by then (retractions by then applied), the target counts replayed from their
 * changes, a completion request pending then, and an extension only if approved by then.
 * Completion, reopening and deadlines an admin set directly (调整时限) are replayed from the audit trail.
 */
export function taskAsOf(task: TaskRecord, h: PlanHistory, at: Date): TaskRecord {
  const t = at.getTime();
  const live = liveUpdates(h, task.id, t);
  const last = live[live.length - 1] ?? null;
  const withPercent = [...live].reverse().find((u) => u.percent !== null) ?? null;
  const requests = h.byTask.requests.get(task.id) ?? [];
  const reviewPending = requests.some((r) => r.kind === "completion" && r.createdAt.getTime() <= t && (r.decidedAt === null || r.decidedAt.getTime() > t));
  let deadline = task.deadline;
  let originalDeadline = task.originalDeadline;
  let deadlineChange = task.deadlineChange;
  if (task.deadlineChange === "extension" && task.originalDeadline) {
    const approved = requests.filter((r) => r.kind === "extension" && r.state === "approved" && r.decidedAt && r.decidedAt.getTime() <= t && r.deadline);
    if (approved.length === 0) {
      deadline = task.originalDeadline;
      originalDeadline = null;
      deadlineChange = null;
    } else deadline = approved[approved.length - 1]!.deadline!;
  }
  const events = h.byTask.events.get(task.id) ?? [];
  if (task.deadlineChange === "adjusted") {
    const set = events.filter((e): e is Extract<TaskEvent, { kind: "deadline-set" }> => e.kind === "deadline-set");
    const inForce = [...set].reverse().find((e) => e.at.getTime() <= t);
    if (inForce) deadline = inForce.after;
    else if (set.length) {
      deadline = set[0]!.before;
      originalDeadline = null;
      deadlineChange = null;
    }
  }
  // Done at `t` if the last completion or reopening by then was a completion (a task reopened later was done then).
  const isDone = (e: TaskEvent) => e.kind === "completed" || e.kind === "reopened";
  const doneEvents = events.filter((e) => isDone(e) && e.at.getTime() <= t);
  const lastDone = doneEvents[doneEvents.length - 1];
  // Paused at `t` as the last pause or resume by then left it; before the first, the opposite of what that one did.
  const pauses = events.filter((e): e is Extract<TaskEvent, { kind: "paused" | "resumed" }> => e.kind === "paused" || e.kind === "resumed");
  const lastPause = [...pauses].reverse().find((e) => e.at.getTime() <= t);
  const remindersPaused = pauses.length === 0 ? task.remindersPaused : lastPause ? lastPause.kind === "paused" : pauses[0]!.kind === "resumed";
  const pauseReason = !remindersPaused ? null : lastPause?.kind === "paused" ? lastPause.reason : task.pauseReason;
  const completedAt = events.some(isDone)
    ? lastDone?.kind === "completed"
      ? lastDone.at
      : null
    : task.completedAt && task.completedAt.getTime() <= t
      ? task.completedAt
      : null;
  return {
    ...task,
    completedAt,
    completedBy: completedAt ? (task.completedBy ?? "") : null,
    remindersPaused,
    pauseReason,
    progress: withPercent?.percent ?? null,
    lastUpdateAt: last?.createdAt ?? null,
    updateCount: live.length,
    reviewPending,
    deadline,
    originalDeadline,
    deadlineChange,
    targets: targetsAsOf(task.id, h, at),
  };
}

function targetsAsOf(taskId: number, h: PlanHistory, at: Date): TargetRecord[] {
  const t = at.getTime();
  return (h.byTask.targets.get(taskId) ?? [])
    .filter((x) => x.createdAt.getTime() <= t && !(x.removedAt && x.removedAt.getTime() <= t))
    .map((x) => {
      const changes = (h.byTask.changes.get(x.id) ?? []).filter((c) => c.at.getTime() <= t);
      const { removedAt: _r, ...rest } = x;
      return { ...rest, current: changes.length ? changes[changes.length - 1]!.toCount : 0 };
    });
}

/** One task as of T: its record then, its assessment then, its latest update and the requests pending then. */
export interface TaskState {
  task: TaskRecord;
  a: TaskAssessment;
  latest: UpdateRecord | null;
  pending: RequestRecord[];
}

export interface PlanTotals {
  lights: Record<Light, number>;
  tasks: number;
  targetsMet: number;
  targetsTotal: number;
}

/** The state of a plan as of `at`: every task in plan order, and the totals. */
export interface PlanState {
  at: Date;
  tasks: TaskState[];
  totals: PlanTotals;
}

/** The requests of a task pending at `t`: made by then and not decided by then, oldest first. */
function pendingAt(h: PlanHistory, taskId: number, t: number): RequestRecord[] {
  return (h.byTask.requests.get(taskId) ?? [])
    .filter((r) => r.createdAt.getTime() <= t && (r.decidedAt === null || r.decidedAt.getTime() > t) && r.state !== "superseded")
    .map((r) => ({ ...r, state: "pending" as const, decidedAt: null, decidedBy: null, decisionReason: null }));
}

/** One task's state as of `at` (see planStateAt). */
export function taskStateAt(h: PlanHistory, task: TaskRecord, at: Date, th: LightThresholds): TaskState {
  const asOf = taskAsOf(task, h, at);
  const live = liveUpdates(h, task.id, at.getTime());
  return { task: asOf, a: assessTask(asOf, at, th, planStart(h.plan)), latest: live[live.length - 1] ?? null, pending: pendingAt(h, task.id, at.getTime()) };
}

/** Totals over task states: tasks per light, targets met and in all. */
export function totalsOf(states: readonly Pick<TaskState, "task" | "a">[]): PlanTotals {
  const lights: Record<Light, number> = { red: 0, yellow: 0, green: 0, ongoing: 0, done: 0 };
  let targetsMet = 0;
  let targetsTotal = 0;
  for (const s of states) {
    lights[s.a.light]++;
    for (const x of s.task.targets) {
      targetsTotal++;
      if (x.current >= x.count) targetsMet++;
    }
  }
  return { lights, tasks: states.length, targetsMet, targetsTotal };
}

/** The state of the plan as of `at`: the one definition (see the file's comment). */
export function planStateAt(h: PlanHistory, at: Date, th: LightThresholds): PlanState {
  const tasks = h.tasks.map((task) => taskStateAt(h, task, at, th));
  return { at, tasks, totals: totalsOf(tasks) };
}
