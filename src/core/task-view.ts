import type { CommandContext } from "./command.js";
import type { Catalogue } from "./i18n/index.js";
import { personLabel } from "./person.js";
import { UserError } from "./command.js";
import type { PlanRecord, RequestRecord, TaskRecord, UpdateRecord } from "./model.js";
import { assessTask, LIGHT_ICON, type TaskAssessment } from "./task-status.js";
import { formatDateTime } from "./time.js";
import { requirePlan } from "./plan-scope.js";
import { MAX_TASK_DIGITS } from "./grammar.js";
import { latestRecorded, loadPlanHistory, planStart, taskAsOf, taskStateAt, type PlanHistory } from "./plan-state.js";

export { requirePlan } from "./plan-scope.js";

/**
 * A task of the current plan by number, or a UserError naming the valid range. A number of more than MAX_TASK_DIGITS
 * digits (`任务99999999999999999999`, read as TASK_NUMBER_TOO_LONG) is refused without being looked up or shown.
 */
export async function requireTask(ctx: CommandContext, number: number): Promise<{ plan: PlanRecord; task: TaskRecord }> {
  const plan = await requirePlan(ctx);
  const task = tooLong(number) ? null : await ctx.repos.plans.task(plan.id, number);
  if (!task) {
    const { min, max } = await ctx.repos.plans.numberRange(plan.id);
    throw unknownTask(ctx.t, number, min, max);
  }
  return { plan, task };
}

const tooLong = (number: number) => !Number.isSafeInteger(number) || String(Math.abs(number)).length > MAX_TASK_DIGITS;

/** The refusal for a task number the plan does not have, naming its range; a number too long to be any task's is not repeated. */
export function unknownTask(t: Catalogue, number: number, min: number, max: number): UserError {
  return new UserError(tooLong(number) ? t.updateReading.taskNumberTooLong(min, max) : t.errors.unknownTask(number, min, max));
}

export { planStart } from "./plan-state.js";

/**
 * The plan's history when the clock stands before something recorded in it (`--at`, DUBAN_NOW in the past), else
 * null: then the records as they are now are the plan's state now (the fast path). The real clock is always now.
 */
export async function pastHistory(ctx: CommandContext, plan: PlanRecord): Promise<PlanHistory | null> {
  if (ctx.clock.live) return null;
  const now = ctx.clock.now().getTime();
  // Every change is audited as it is made: with no entry after the instant, the records are the state then, and
  // the whole history (several queries, each compiled once per process) is not read.
  if (!(await ctx.repos.audit.anyAfter(new Date(now)))) return null;
  const h = await loadPlanHistory(ctx.repos, plan);
  return latestRecorded(h) > now ? h : null;
}

/** Tasks as they stood at the clock's instant (planStateAt's definition): the records themselves, or replayed when the clock stands in the past. */
export async function tasksNow(ctx: CommandContext, plan: PlanRecord, tasks: TaskRecord[]): Promise<TaskRecord[]> {
  const h = await pastHistory(ctx, plan);
  if (!h) return tasks;
  const now = ctx.clock.now();
  return tasks.map((t) => taskAsOf(t, h, now));
}

/** One task at the clock's instant, with its latest update and the requests pending then, for the status reply. */
export async function taskStatusNow(
  ctx: CommandContext,
  plan: PlanRecord,
  task: TaskRecord,
): Promise<{ task: TaskRecord; latest: UpdateRecord | null; pending: RequestRecord[] }> {
  const h = await pastHistory(ctx, plan);
  if (h) return taskStateAt(h, task, ctx.clock.now(), ctx.thresholds);
  const [latest, pending] = await Promise.all([ctx.repos.updates.latest(task.id), ctx.repos.requests.pending(task.id)]);
  return { task, latest, pending };
}

export function assess(ctx: CommandContext, plan: PlanRecord, task: TaskRecord): TaskAssessment {
  return assessTask(task, ctx.clock.now(), ctx.thresholds, planStart(plan));
}

/** A title cut to its first 12 characters for one-line lists: `shortTitle("建设“情指勤舆”一体化实战平台")` → `建设“情指勤舆”一体化实战…`. */
export function shortTitle(title: string, max = 12): string {
  const chars = Array.from(title.trim());
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max).join("")}…`;
}

/** "刑侦大队、网安大队" in the reply language. */
export function units(ctx: CommandContext, list: string[]): string {
  return list.length ? ctx.t.list(list) : ctx.t.none;
}

/** The short deadline phrase for list items: "2024年底前（剩余184天）", "2023年底前（逾期182天）". */
export function deadlinePhrase(t: Catalogue, task: Pick<TaskRecord, "deadline">, a: TaskAssessment): string {
  if (a.daysOverdue !== null) return t.lists.deadlineOver(task.deadline.text, a.daysOverdue);
  if (a.daysLeft === 0) return t.lists.deadlineToday(task.deadline.text);
  if (a.daysLeft !== null) return t.lists.deadlineLeft(task.deadline.text, a.daysLeft);
  return task.deadline.text;
}

/** One list line for a task: "🟡 任务6 培育“公安数字工匠” · 2024年底前（剩余184天） · 进度60%". */
export function taskItem(t: Catalogue, task: Pick<TaskRecord, "deadline" | "progress" | "number" | "title">, a: TaskAssessment): string {
  // A done task reads as done (its ✅), never as the last percent reported before it was completed.
  const progress = task.progress === null || a.light === "done" ? "" : t.lists.progress(task.progress);
  return t.lists.taskItem(LIGHT_ICON[a.light], task.number, task.title, deadlinePhrase(t, task, a), progress);
}

/** One list line for a task of the current plan, assessed now. */
export function taskLine(ctx: CommandContext, plan: PlanRecord, task: TaskRecord): string {
  return taskItem(ctx.t, task, assess(ctx, plan, task));
}

/** The full status reply lines for one task. */
export function statusLines(
  ctx: CommandContext,
  plan: PlanRecord,
  task: TaskRecord,
  latest: UpdateRecord | null,
  pending: readonly RequestRecord[] = [],
): string[] {
  const t = ctx.t;
  const a = assess(ctx, plan, task);
  const s = t.status;
  const lines = [s.title(task.number, task.title)];
  if (task.section) lines.push(s.section(task.sectionLabel ?? "", task.section));
  lines.push(s.leadUnits(units(ctx, task.leadUnits)));
  if (task.responsibleUnits.length) lines.push(s.responsibleUnits(units(ctx, task.responsibleUnits)));
  if (task.originalDeadline)
    lines.push((task.deadlineChange === "extension" ? s.deadlineExtended : s.deadlineAdjusted)(task.originalDeadline.text, task.deadline.text));
  const { text, date, kind } = task.deadline;
  if (kind === "unknown" || (!date && kind !== "ongoing")) lines.push(s.deadlineUnknown(text));
  else if (kind === "ongoing" || !date) lines.push(s.deadlineOngoing(text));
  // A done task counts nothing down: its assessment has neither days left nor days overdue.
  else if (task.completedAt) lines.push(s.deadlineDone(text, date));
  else if (a.pastMilestone) lines.push(s.deadlinePastMilestone(text, date));
  else if (a.daysOverdue !== null) lines.push(s.deadlineOverdue(text, date, a.daysOverdue));
  else if (a.daysLeft === 0) lines.push(s.deadlineToday(text, date));
  else lines.push(s.deadlineDaysLeft(text, date, a.daysLeft ?? 0));
  const behindNames = task.targets.filter((x) => a.targetsBehind.includes(x.id)).map((x) => x.name);
  const extra = [a.stale ? (task.lastUpdateAt ? s.stale(a.daysSilent) : s.neverUpdated) : "", behindNames.length ? s.behind(t.list(behindNames)) : ""]
    .filter(Boolean)
    .join("；");
  lines.push(s.lightLine(LIGHT_ICON[a.light], t.light[a.light], a.light === "done" ? "" : extra));
  if (task.completedAt) lines.push(s.completed(formatDateTime(task.completedAt), task.completedBy ? personLabel(t, ctx.directory, task.completedBy) : ""));
  for (const r of pending) {
    const who = personLabel(t, ctx.directory, r.requestedBy, r.requesterUnit);
    if (r.kind === "completion") lines.push(s.reviewPending(who, formatDateTime(r.createdAt), r.note));
    else lines.push(s.extensionPending(who, r.deadline?.text ?? ""));
  }
  for (const x of task.targets) {
    const mark = x.current >= x.count ? s.targetMet : a.targetsBehind.includes(x.id) ? s.targetBehind : "";
    lines.push(s.target(x.name, x.current, x.count, x.unit, x.due, mark));
  }
  lines.push(task.completedAt ? t.completionCheck.progressDone : s.progress(task.progress));
  if (latest) lines.push(s.lastUpdate(formatDateTime(latest.createdAt), personLabel(t, ctx.directory, latest.authorId, latest.authorUnit), latest.text));
  else lines.push(s.lastUpdateNone);
  lines.push(s.updateCount(task.updateCount));
  if (task.remindersPaused) lines.push(s.paused(task.pauseReason ?? ""));
  if (!task.inDocument) lines.push(s.notInDocument);
  return lines;
}
