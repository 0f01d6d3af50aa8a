import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { planAndReason } from "../src/core/plan-scope.js";

/**
 * `恢复计划 科技兴警 误归档`: an office admin puts an archived plan back in progress (a plan archived by mistake,
 * or a document extended). Its reminders and views come back; audited.
 */
export default defineCommand({
  name: "restore-plan",
  summary: "restorePlan",
  examples: ["恢复计划 科技兴警 误归档", "restore plan 科技兴警 archived by mistake"],
  help: { topic: "admin" },
  cues: { kind: "directive", prefixes: ["恢复计划", "取消归档", "restore plan"] },
  onArchivedPlans: true,
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const t = ctx.t;
    await requireAdminFor(ctx, "restore-plan", null);
    const { plan, code, reason } = await planAndReason(ctx, rest, "恢复计划 科技兴警 误归档");
    if (!plan.archivedAt) throw new UserError(t.plans.notArchived(code));
    if (!reason) throw new UserError(t.plans.needReason("恢复计划 科技兴警 误归档"));
    await ctx.repos.plans.restore(plan.id, reason, actorOf(ctx), ctx.clock.now());
    return { replies: [reply([t.plans.restored(code, plan.title, reason)])] };
  },
});
