import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { TargetExistsError } from "../src/core/model.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { readDeadline } from "../src/core/review.js";
import { requireTask } from "../src/core/task-view.js";

/** `新增指标 6 省级数字工匠 1名 2025年底前 争创省级`: an admin adds a target, with an optional due date and a reason. */
export default defineCommand({
  name: "add-target",
  summary: "addTarget",
  examples: ["新增指标 6 省级数字工匠 1名 2025年底前 争创省级", "add target 6 省级数字工匠 1名 2025年底前 reason"],
  help: { topic: "targets" },
  cues: { kind: "task-command", prefixes: ["新增指标", "增加指标", "添加指标", "add target"] },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const x = ctx.t.targets;
    if (numbers.length > 1) throw new UserError(ctx.t.review.oneAtATime);
    const { task } = await requireTask(ctx, numbers[0]!);
    await requireAdminFor(ctx, "target-add", task);
    const m = /^(\S+?)\s*(\d{1,5})\s*(名|个|项|支|家|套|处|所|人|篇|件|部|门|条|次)?(?:[\s，,；;:：]+([\s\S]*))?$/u.exec(reason.trim());
    if (!m || Number(m[2]) <= 0) throw new UserError(x.addUsage(task.number));
    // A due date is optional: read one if the next word is a date, else it is part of the reason.
    let rest = (m[4] ?? "").trim();
    let due: string | null = null;
    const read = readDeadline(rest);
    if (read.deadline?.date) {
      due = read.deadline.date;
      rest = read.rest;
    }
    if (!rest) throw new UserError(ctx.t.review.needReason(task.number, `新增指标 ${task.number} ${m[1]} ${m[2]}${m[3] ?? "个"} 2025年底前 理由`));
    try {
      const stored = await ctx.repos.targets.add(
        { taskId: task.id, name: m[1]!, unit: m[3] ?? "个", count: Number(m[2]), due },
        rest,
        actorOf(ctx),
        ctx.clock.now(),
      );
      return { replies: [reply([x.added(task.number, stored.name, stored.count, stored.unit, stored.due, rest)])] };
    } catch (e) {
      if (e instanceof TargetExistsError) throw new UserError(x.exists(task.number, e.targetName));
      throw e;
    }
  },
});
