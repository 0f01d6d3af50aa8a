import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { leadRooms, notice, readDeadline } from "../src/core/review.js";
import { checkPlanEnd } from "../src/core/plan-end.js";
import { requireTask } from "../src/core/task-view.js";

/** `调整时限 6 2025年6月底前 市局统一调整`: an office admin changes a deadline directly, with a reason; the original is kept. */
export default defineCommand({
  name: "set-deadline",
  summary: "setDeadline",
  examples: ["调整时限 6 2025年6月底前 市局统一调整", "set deadline 6 2025年6月底前 the city bureau moved it"],
  help: { topic: "extension" },
  cues: {
    kind: "task-command",
    prefixes: [
      "调整时限",
      "调整完成时限",
      "修改时限",
      "修改完成时限",
      "变更时限",
      "set deadline for task",
      "set deadline of task",
      "set deadline",
      "change deadline",
    ],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    const x = t.review.extension;
    if (numbers.length > 1) throw new UserError(t.review.oneAtATime);
    const { plan, task } = await requireTask(ctx, numbers[0]!);
    await requireAdminFor(ctx, "set-deadline", task);
    const { written, deadline, rest } = readDeadline(reason);
    if (!written) throw new UserError(x.setUsage(task.number));
    if (!deadline) throw new UserError(x.badDeadline(written));
    // Past the plan's end only with 确认 before the reason (`调整时限 6 2026年6月底前 确认 …`).
    const checked = await checkPlanEnd(ctx, plan, deadline.date, deadline.text, rest, t.pastPlanEnd.setExample(task.number, deadline.text));
    const why = checked.rest;
    if (!why) throw new UserError(t.review.needReason(task.number, `调整时限 ${task.number} ${deadline.text} 市局统一调整`));
    await ctx.repos.plans.setDeadline(task.id, deadline, why, actorOf(ctx), ctx.clock.now());
    const warning = checked.warning ? [checked.warning] : [];
    return {
      replies: [reply([x.adjusted(task.number, task.deadline.text, deadline.text, why), ...warning])],
      notices: notice(ctx, leadRooms(ctx, task), [x.unitAdjusted(task.number, deadline.text, why), ...warning]),
    };
  },
});
