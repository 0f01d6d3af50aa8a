import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { planPrefix } from "../src/core/plan-scope.js";
import { personLabel } from "../src/core/person.js";
import { reply } from "../src/core/reply.js";
import { notice, readDeadline, requireRequester, submitRequest } from "../src/core/review.js";
import { checkPlanEnd } from "../src/core/plan-end.js";
import { requireTask } from "../src/core/task-view.js";

/**
 * `申请延期 6 2025年3月底前 市局评选推迟`: a lead unit asks for a later deadline, read by the plan's own
 * deadline grammar, with a reason. The office's room is told; reminders follow the current deadline meanwhile.
 */
export default defineCommand({
  name: "request-extension",
  summary: "requestExtension",
  examples: [
    "申请延期 6 2025年3月底前 市局评选推迟",
    "任务6申请延期 2025年6月30日前 设备到货推迟",
    "request extension 6 2025年3月底前 the city bureau postponed",
  ],
  help: { topic: "extension" },
  cues: {
    kind: "task-command",
    prefixes: ["申请延期", "延期申请", "申请延长时限", "request extension for task", "request extension of task", "request extension"],
    suffixes: ["申请延期", "延期申请"],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    const x = t.review.extension;
    if (numbers.length > 1) throw new UserError(t.review.oneAtATime);
    const { plan, task } = await requireTask(ctx, numbers[0]!);
    const unit = await requireRequester(ctx, "extension", task);
    const { written, deadline, rest } = readDeadline(reason);
    if (!written || !rest) throw new UserError(x.needDeadline(task.number));
    if (!deadline?.date) throw new UserError(x.badDeadline(written));
    if (task.deadline.date && deadline.date <= task.deadline.date) throw new UserError(x.notLater(deadline.text, task.deadline.text));
    // Past the plan's end only with 确认 (`申请延期 6 2026年3月底前 确认 …`); the office's notice says so too.
    const checked = await checkPlanEnd(ctx, plan, deadline.date, deadline.text, rest, t.pastPlanEnd.requestExample(task.number, deadline.text));
    if (!checked.rest) throw new UserError(x.needDeadline(task.number));
    const warning = checked.warning ? [checked.warning] : [];
    await submitRequest(ctx, task, unit, { kind: "extension", note: checked.rest, deadline });
    const who = personLabel(t, ctx.directory, ctx.inbound.sender, unit);
    return {
      replies: [reply([x.requested(task.number, task.title, deadline.text), ...warning])],
      notices: notice(ctx, ctx.directory.officeRooms(), [
        ...x.officeNotice(task.number, task.title, who, deadline.text, checked.rest, ctx.inbound.link ?? "", await planPrefix(ctx, plan)).split("\n"),
        ...warning,
      ]),
    };
  },
});
