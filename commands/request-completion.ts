import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { planPrefix } from "../src/core/plan-scope.js";
import { personLabel } from "../src/core/person.js";
import { reply } from "../src/core/reply.js";
import { notice, requireRequester, submitRequest } from "../src/core/review.js";
import { requireTask } from "../src/core/task-view.js";

/**
 * `申请办结 6 两名民警已入选市级数字工匠`: a lead unit asks the office to approve completion. The task
 * shows 待审核 and gets no overdue reminders until the office decides; the office's room is told.
 */
export default defineCommand({
  name: "request-completion",
  summary: "requestCompletion",
  examples: ["申请办结 6 两名民警已入选市级数字工匠", "任务6申请办结 已全部完成", "request done 6 two officers were selected"],
  help: { topic: "completion" },
  cues: {
    kind: "task-command",
    prefixes: ["申请办结", "办结申请", "提请办结", "request done", "request completion of task", "request completion"],
    suffixes: ["申请办结", "办结申请", "提请办结"],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    if (numbers.length > 1) throw new UserError(t.review.oneAtATime);
    const { plan, task } = await requireTask(ctx, numbers[0]!);
    const unit = await requireRequester(ctx, "completion", task);
    if (!reason) throw new UserError(t.review.needNote(task.number));
    await submitRequest(ctx, task, unit, { kind: "completion", note: reason, deadline: null });
    const who = personLabel(t, ctx.directory, ctx.inbound.sender, unit);
    return {
      replies: [reply([t.review.requested(task.number, task.title)])],
      notices: notice(
        ctx,
        ctx.directory.officeRooms(),
        t.review.officeNotice(task.number, task.title, who, reason, ctx.inbound.link ?? "", await planPrefix(ctx, plan)).split("\n"),
      ),
    };
  },
});
