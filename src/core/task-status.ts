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
}

/**
 * Assess a task at a moment: `assessTask(task6, now, {warnDays: 30, staleDays: 30}, "2023-11-18")`.
 * `planStart` is the day the plan started, the reference for staleness before any update.
 */
export function assessTask(task: TaskRecord, now: Date, th: LightThresholds, planStart: string): TaskAssessment {
  const today = dayOf(now);
  const silentSince = task.lastUpdateAt ? dayOf(task.lastUpdateAt) : planStart;
  const daysSilent = Math.max(0, daysBetween(silentSince, today));
  const stale = daysSilent >= th.staleDays;
  const base = { stale, daysSilent, daysLeft: null, daysOverdue: null, pastMilestone: false };
  if (task.completedAt) return { ...base, light: "done" };

  const { kind, date } = task.deadline;
  if (date && (kind === "date" || kind === "date+ongoing")) {
    const daysLeft = daysBetween(today, date);
    if (kind === "date+ongoing" && daysLeft < 0) {
      return { ...base, pastMilestone: true, light: stale ? "yellow" : "ongoing" };
    }
    if (daysLeft < 0) return { ...base, daysOverdue: -daysLeft, light: "red" };
    const light: Light = daysLeft <= th.warnDays || stale ? "yellow" : "green";
    return { ...base, daysLeft, light };
  }
  return { ...base, light: stale ? "yellow" : "ongoing" };
}
