import { UserError, type CommandContext } from "./command.js";
import type { TaskRecord } from "./model.js";

/**
 * Completing a task (办结) whose numeric targets are not all met: the office is shown the unmet targets and the
 * latest percent, and completes it only when it says so, `办结审核 6 通过 确认 市局同意按现有成果验收` or
 * `办结 6 确认 …`. Shared by the review of a completion request and by direct completion.
 */

const CONFIRM = /^(?:确认|确定|confirm(?:ed)?)(?:[\s,，。:：;；]+|$)/iu;

/** The word 确认 (confirm) at the start of a reason, and the reason after it: `readConfirmation("确认 市局同意")` → {confirmed: true, reason: "市局同意"}. */
export function readConfirmation(reason: string): { confirmed: boolean; reason: string } {
  const m = CONFIRM.exec(reason.trim());
  return m ? { confirmed: true, reason: reason.trim().slice(m[0].length).trim() } : { confirmed: false, reason: reason.trim() };
}

/** The task's targets whose count is not reached, as `市级“公安数字工匠” 1/2名`, joined; "" when all are met. */
export function unmetTargets(ctx: CommandContext, task: TaskRecord): string {
  const c = ctx.t.completionCheck;
  return ctx.t.list(task.targets.filter((x) => x.current < x.count).map((x) => c.target(x.name, x.current, x.count, x.unit)));
}

/**
 * Before a task is completed: nothing to say when its targets are met (null); the line that records the unmet
 * targets when the office confirmed; otherwise a UserError listing them with the latest percent and how to confirm.
 */
export function checkCompletion(ctx: CommandContext, task: TaskRecord, confirmed: boolean, example: string): string | null {
  const unmet = unmetTargets(ctx, task);
  if (!unmet) return null;
  const c = ctx.t.completionCheck;
  if (!confirmed) throw new UserError(c.unmet(task.number, unmet, task.progress, example));
  return c.acknowledged(unmet, task.progress);
}
