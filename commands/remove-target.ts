import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { resolveTarget } from "../src/core/targets.js";
import { requireTask } from "../src/core/task-view.js";

/** `删除指标 6 省级数字工匠 市局取消该项`: an admin removes a target, with a reason; its history stays. */
export default defineCommand({
  name: "remove-target",
  summary: "removeTarget",
  examples: ["删除指标 6 省级数字工匠 市局取消该项", "remove target 6 省级数字工匠 reason"],
  help: { topic: "targets" },
  cues: { kind: "task-command", prefixes: ["删除指标", "取消指标", "移除指标", "remove target"] },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const x = ctx.t.targets;
    if (numbers.length > 1) throw new UserError(ctx.t.review.oneAtATime);
    const { task } = await requireTask(ctx, numbers[0]!);
    await requireAdminFor(ctx, "target-remove", task);
    if (task.targets.length === 0) throw new UserError(x.none(task.number));
    const m = /^(\S+)(?:[\s，,；;:：]+([\s\S]*))?$/u.exec(reason.trim());
    const target = m ? resolveTarget({ name: m[1]!, delta: 0 }, task.targets) : null;
    if (!target)
      throw new UserError(
        x.which(
          task.number,
          task.targets.map((t) => t.name),
        ),
      );
    const why = (m?.[2] ?? "").trim();
    if (!why) throw new UserError(ctx.t.review.needReason(task.number, `删除指标 ${task.number} ${target.name} 市局取消该项`));
    await ctx.repos.targets.remove(target.id, why, actorOf(ctx), ctx.clock.now());
    return { replies: [reply([x.removed(task.number, target.name, why)])] };
  },
});
