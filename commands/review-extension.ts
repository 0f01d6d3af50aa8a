import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { leadRooms, notice, readDecision } from "../src/core/review.js";
import { checkPlanEnd } from "../src/core/plan-end.js";
import { requireTask } from "../src/core/task-view.js";

/**
 * `延期审核 6 通过` / `延期审核 6 退回 理由` / `approve extension 6` / `reject extension 6 <reason>`: an office
 * admin decides an extension request. Approval moves the deadline; the document's deadline is kept as the original.
 */
export default defineCommand({
  name: "review-extension",
  summary: "reviewExtension",
  examples: ["延期审核 6 通过 同意延期", "延期审核 6 退回 时限不能再推迟", "approve extension 6", "reject extension 6 the deadline cannot move"],
  help: { topic: "extension", forAdmins: "main" },
  cues: {
    kind: "task-command",
    prefixes: [
      "延期审核",
      "审核延期",
      "approve extension for task",
      "approve extension of task",
      "approve extension",
      "reject extension for task",
      "reject extension of task",
      "reject extension",
    ],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default(""), verb: z.string().optional() }),
  async handle({ numbers, reason, verb }, ctx) {
    const t = ctx.t;
    const x = t.review.extension;
    if (numbers.length > 1) throw new UserError(t.review.oneAtATime);
    const { plan, task } = await requireTask(ctx, numbers[0]!);
    await requireAdminFor(ctx, "review-extension", task);
    const decided = readDecision(verb, reason);
    if (!decided) throw new UserError(x.needDecision(task.number));
    // A rejection must say why; an approval may stand on the request's own reason.
    if (decided.decision === "rejected" && !decided.reason)
      throw new UserError(t.review.needReason(task.number, `延期审核 ${task.number} 退回 时限不能再推迟`));
    const [request] = await ctx.repos.requests.pending(task.id, "extension");
    if (!request) throw new UserError(t.review.noPending(task.number, t.review.kind.extension));
    // Approving a deadline past the plan's end takes 确认 (`延期审核 6 通过 确认`): the reviewer is told first.
    const approving = decided.decision === "approved";
    const checked = approving
      ? await checkPlanEnd(ctx, plan, request.deadline?.date ?? null, request.deadline?.text ?? "", decided.reason, t.pastPlanEnd.reviewExample(task.number))
      : { rest: decided.reason, warning: null };
    const done = await ctx.repos.requests.decide(request.id, decided.decision, checked.rest, actorOf(ctx), ctx.clock.now());
    if (!done) throw new UserError(t.review.noPending(task.number, t.review.kind.extension));
    const rooms = [...new Set([...leadRooms(ctx, task), ...(request.room ? [request.room] : [])])];
    if (decided.decision === "rejected")
      return { replies: [reply([x.rejected(task.number, decided.reason)])], notices: notice(ctx, rooms, [x.unitRejected(task.number, decided.reason)]) };
    const original = task.originalDeadline?.text ?? task.deadline.text;
    const next = request.deadline?.text ?? "";
    const warning = checked.warning ? [checked.warning] : [];
    return {
      replies: [reply([x.approved(task.number, original, next), ...warning])],
      notices: notice(ctx, rooms, [x.unitApproved(task.number, original, next), ...warning]),
    };
  },
});
