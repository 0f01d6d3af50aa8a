import type { TaskRecord } from "./model.js";
import { dayOf, daysBetween } from "./time.js";

/** traffic light (红黄绿灯). */
export type Light = "red" | "yellow" | "green" | "done" | "ongoing";

export const LIGHT_ICON: Record<Light, string> = {
  red: "🔴",
  yellow: "🟡",
  green: "🟢",
  done: "✅",
  ongoing: "⚪",
};

export interface LightThresholds {
  /** A dated task due within this many days is yellow. */
  warnDays: number;
  /** A task without an update for this many days is stale, hence yellow. */
  staleDays: number;
}

export interface TaskAssessment {
  light: Light;
  /** Days until the dated deadline (0 on the day); null when the task has no date in force. */
  daysLeft: number | null;
  /** Days past the dated deadline; null when not overdue. */
  daysOverdue: number | null;
  stale: boolean;
  /** Days since the last update, or since the plan started when there is none. */
  daysSilent: number;
  /** A date+ongoing task whose milestone date has passed is followed as ongoing work. */
  pastMilestone: boolean;
  /** Ids of its targets behind schedule (see targetBehind); any of them turns a green or ongoing task yellow. */
  targetsBehind: number[];
}

/**
 * A target (指标) is behind schedule when its count is short of the share of the promised number that the time
 * elapsed from `start` to its due date calls for, rounded down; after the due date, when it is short at all.
 * `targetBehind({count: 2, current: 0, due: "2024-12-31"}, "2024-06-30", "2023-11-18")` → true (1 of 2 expected).
 */
export function targetBehind(t: { count: number; current: number; due: string | null }, today: string, start: string): boolean {
  if (t.current >= t.count || !t.due) return false;
  if (today > t.due) return true;
  const total = daysBetween(start, t.due);
  if (total <= 0) return false;
  const expected = Math.floor((t.count * Math.max(0, daysBetween(start, today))) / total);
  return t.current < expected;
}

/**
 * Assess a task at a moment: `assessTask(task6, now, {warnDays: 30, staleDays: 30}, "2023-11-18")`.
 * `planStart` is the day the plan started, the reference for staleness before any update.
 */
/** What assessing a task reads of it: a whole task, or a reminder run's lean row. */
export type Assessable = Pick<TaskRecord, "completedAt" | "lastUpdateAt" | "targets" | "deadline">;

export function assessTask(task: Assessable, now: Date, th: LightThresholds, planStart: string): TaskAssessment {
  const today = dayOf(now);
  const silentSince = task.lastUpdateAt ? dayOf(task.lastUpdateAt) : planStart;
  const daysSilent = Math.max(0, daysBetween(silentSince, today));
  const stale = daysSilent >= th.staleDays;
  const targets = task.targets ?? NO_TARGETS;
  const targetsBehind: number[] = [];
  if (!task.completedAt) for (const x of targets) if (targetBehind(x, today, targetStart(x, planStart))) targetsBehind.push(x.id);
  if (task.completedAt) return assessment("done", null, null, stale, daysSilent, false, targetsBehind);
  const behind = targetsBehind.length > 0;

  const { kind, date } = task.deadline;
  if (date && (kind === "date" || kind === "date+ongoing")) {
    const daysLeft = daysBetween(today, date);
    if (kind === "date+ongoing" && daysLeft < 0) return assessment(stale || behind ? "yellow" : "ongoing", null, null, stale, daysSilent, true, targetsBehind);
    if (daysLeft < 0) return assessment("red", null, -daysLeft, stale, daysSilent, false, targetsBehind);
    return assessment(daysLeft <= th.warnDays || stale || behind ? "yellow" : "green", daysLeft, null, stale, daysSilent, false, targetsBehind);
  }
  return assessment(stale || behind ? "yellow" : "ongoing", null, null, stale, daysSilent, false, targetsBehind);
}

const NO_TARGETS: readonly TaskRecord["targets"][number][] = [];

/** An admin's target is scheduled from the day it was added; the plan's own from the plan's start. */
function targetStart(x: TaskRecord["targets"][number], planStart: string): string {
  return x.source === "admin" && x.createdAt && dayOf(x.createdAt) > planStart ? dayOf(x.createdAt) : planStart;
}

/**
 * An assessment built in one place with every field, not by spreading a base, and by a plain function, not a
 * closure per task: an overview assesses every task of the plan, a reminder run tens of thousands.
 */
function assessment(
  light: Light,
  daysLeft: number | null,
  daysOverdue: number | null,
  stale: boolean,
  daysSilent: number,
  pastMilestone: boolean,
  targetsBehind: number[],
): TaskAssessment {
  return { light, daysLeft, daysOverdue, stale, daysSilent, pastMilestone, targetsBehind };
}
