import { UserError, type CommandContext } from "./command.js";
import type { PlanRecord } from "./model.js";
import { readConfirmation } from "./completion-check.js";
import { planTitleYears } from "../plan/plan-parser.js";

/**
 * A deadline past the plan's end (延期 or 调整时限 beyond the implementation period) is not taken silently: the
 * requester or the office is told and confirms with 确认. Shared by 申请延期, 延期审核 and 调整时限.
 */

/** The last day of a plan: the end of the last year its title names, else its latest dated deadline, else null. */
export async function planEndDay(ctx: CommandContext, plan: PlanRecord): Promise<string | null> {
  const years = planTitleYears(plan.title);
  if (years) return `${years.last}-12-31`;
  const dates = (await ctx.repos.plans.tasks(plan.id)).flatMap((t) => (t.deadline.date ? [t.deadline.date] : []));
  return dates.sort().at(-1) ?? null;
}

/**
 * Check a new deadline against the plan's end: the text without a leading 确认 and, when the deadline is past the
 * end, the warning line to show; a UserError (nothing changed) when it is past the end and 确认 was not written.
 * `checkPlanEnd(ctx, plan, "2026-03-31", "2026年3月底前", "确认 市局评选推迟", example)` → {rest: "市局评选推迟", warning: "…"}.
 */
export async function checkPlanEnd(
  ctx: CommandContext,
  plan: PlanRecord,
  date: string | null,
  written: string,
  text: string,
  example: string,
): Promise<{ rest: string; warning: string | null }> {
  const { confirmed, reason: rest } = readConfirmation(text);
  const end = date ? await planEndDay(ctx, plan) : null;
  if (!end || !date || date <= end) return { rest, warning: null };
  if (!confirmed) throw new UserError(ctx.t.pastPlanEnd.refused(written, end, example));
  return { rest, warning: ctx.t.pastPlanEnd.warning(written, end) };
}
