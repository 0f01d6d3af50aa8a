import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { planAndReason } from "../src/core/plan-scope.js";
import { dayOf } from "../src/core/time.js";

/**
 * `归档计划 科技兴警 已通过总结验收`: an office admin archives a plan. It then sends no reminders and leaves the
 * overview and the other default views; its history stays queryable by code (`科技兴警 任务6`). Audited.
 */
export default defineCommand({
  name: "archive-plan",
  summary: "archivePlan",
  examples: ["归档计划 科技兴警 已通过总结验收", "archive plan 科技兴警 final review passed"],
  help: { topic: "admin" },
  cues: { kind: "directive", prefixes: ["归档计划", "计划归档", "archive plan"] },
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const t = ctx.t;
    await requireAdminFor(ctx, "archive-plan", null);
    const { plan, code, reason } = await planAndReason(ctx, rest, "归档计划 科技兴警 已通过总结验收");
    if (plan.archivedAt) throw new UserError(t.plans.alreadyArchived(code, dayOf(plan.archivedAt)));
    if (!reason) throw new UserError(t.plans.needReason("归档计划 科技兴警 已通过总结验收"));
    // Requests still awaiting review would be stuck: an archived plan's tasks can no longer be decided on.
    const pending = await ctx.repos.requests.pendingInPlan(plan.id);
    if (pending.length) {
      const numbers = new Map((await ctx.repos.plans.tasksByIds(pending.map((r) => r.taskId))).map((x) => [x.id, x.number] as const));
      const list = pending.map((r) => t.plans.pendingItem(numbers.get(r.taskId) ?? 0, r.kind)).join("、");
      throw new UserError(t.plans.pendingRequests(code, pending.length, list));
    }
    await ctx.repos.plans.archive(plan.id, reason, actorOf(ctx), ctx.clock.now());
    return { replies: [reply([t.plans.archived(code, plan.title, reason)])] };
  },
});
