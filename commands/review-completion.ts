import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { leadRooms, notice, readDecision } from "../src/core/review.js";
import { requireTask } from "../src/core/task-view.js";
import { checkCompletion, readConfirmation } from "../src/core/completion-check.js";

/**
 * `办结审核 6 通过 材料齐全` / `办结审核 6 退回 缺少市局文件` / `approve 6 …` / `reject 6 …`: an office admin
 * decides a completion request, with a reason. Approval completes the task; either way the lead units are told.
 * A task with unmet targets is approved only with 确认 before the reason (`办结审核 6 通过 确认 市局同意按现有成果验收`):
 * the first answer lists the unmet targets and the latest percent.
 */
export default defineCommand({
  name: "review-completion",
  summary: "reviewCompletion",
  examples: ["办结审核 6 通过 材料齐全", "办结审核 6 退回 缺少市局文件", "approve 6 evidence complete", "reject 6 missing the city bureau's document"],
  help: { topic: "completion", forAdmins: "main" },
  cues: {
    kind: "task-command",
    prefixes: [
      "办结审核",
      "审核办结",
      "approve completion of task",
      "approve completion",
      "reject completion of task",
      "reject completion",
      "approve task",
      "reject task",
      "approve",
      "reject",
    ],
    // A rejection's reason is put to the officer and may ask (`退回 缺少验收报告，是不是漏传了？`); `办结审核 6 退回了吗` still asks.
    reasonMayAsk: /^(?:reject\S*(?: completion)?(?: of)?(?: task)?\s+\S|(?:办结审核|审核办结)\s+(?:退回|驳回|不予通过|不通过)[\s,，:：]+\S)/iu,
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default(""), verb: z.string().optional() }),
  async handle({ numbers, reason, verb }, ctx) {
    const t = ctx.t;
    if (numbers.length > 1) throw new UserError(t.review.oneAtATime);
    const { task } = await requireTask(ctx, numbers[0]!);
    await requireAdminFor(ctx, "review-completion", task);
    const decided = readDecision(verb, reason);
    if (!decided) throw new UserError(t.review.needDecision(task.number));
    const approved = decided.decision === "approved";
    // Approving a task with unmet targets takes 确认 (confirm) before the reason: `办结审核 6 通过 确认 …`.
    const { confirmed, reason: why } = approved ? readConfirmation(decided.reason) : { confirmed: false, reason: decided.reason };
    if (!why)
      throw new UserError(t.review.needReason(task.number, approved ? `办结审核 ${task.number} 通过 材料齐全` : `办结审核 ${task.number} 退回 缺少市局文件`));
    const [request] = await ctx.repos.requests.pending(task.id, "completion");
    if (!request) throw new UserError(t.review.noPending(task.number, t.review.kind.completion));
    const acknowledged = approved ? checkCompletion(ctx, task, confirmed, t.completionCheck.approveExample(task.number)) : null;
    const stored = acknowledged ? `${why}；${acknowledged}` : why;
    const done = await ctx.repos.requests.decide(request.id, decided.decision, stored, actorOf(ctx), ctx.clock.now());
    if (!done) throw new UserError(t.review.noPending(task.number, t.review.kind.completion));
    const rooms = [...new Set([...leadRooms(ctx, task), ...(request.room ? [request.room] : [])])];
    const extra = acknowledged ? [acknowledged] : [];
    return {
      replies: [reply([approved ? t.review.approved(task.number, task.title, why) : t.review.rejected(task.number, task.title, why), ...extra])],
      notices: notice(ctx, rooms, [
        approved ? t.review.unitApproved(task.number, task.title, why) : t.review.unitRejected(task.number, task.title, why),
        ...extra,
      ]),
    };
  },
});
