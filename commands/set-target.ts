import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { resolveTarget } from "../src/core/targets.js";
import { requireTask } from "../src/core/task-view.js";

/** `设置指标 6 数字工匠 2 市局文件已下达`: an admin sets a target's count outright, with a reason. */
export default defineCommand({
  name: "set-target",
  summary: "setTarget",
  examples: ["设置指标 6 数字工匠 2 市局文件已下达", "set target 6 数字工匠 2 the city bureau's notice"],
  help: { topic: "targets" },
  cues: { kind: "task-command", prefixes: ["设置指标", "修改指标", "调整指标", "指标设为", "set target"] },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const x = ctx.t.targets;
    if (numbers.length > 1) throw new UserError(ctx.t.review.oneAtATime);
    const { task } = await requireTask(ctx, numbers[0]!);
    await requireAdminFor(ctx, "target-set", task);
    if (task.targets.length === 0) throw new UserError(x.none(task.number));
    // "[名称] 数量 理由": the name may be left out when the task has one target.
    const m = /^(?:(\S+?)\s*)?(\d{1,5})\s*(?:名|个|项|支|家|套|处|所|人|篇|件|部|门|条|次)?(?:[\s，,；;:：]+([\s\S]*))?$/u.exec(reason.trim());
    if (!m) throw new UserError(x.setUsage(task.number, task.targets[0]!.name));
    const target = resolveTarget({ name: m[1] ?? null, delta: 0 }, task.targets);
    if (!target)
      throw new UserError(
        x.which(
          task.number,
          task.targets.map((t) => t.name),
        ),
      );
    const why = (m[3] ?? "").trim();
    if (!why) throw new UserError(ctx.t.review.needReason(task.number, `设置指标 ${task.number} ${target.name} ${m[2]} 市局文件已下达`));
    const stored = await ctx.repos.targets.setCurrent(target.id, Number(m[2]), why, actorOf(ctx), ctx.clock.now());
    return { replies: [reply([x.set(task.number, stored.name, target.current, stored.current, stored.count, stored.unit, why)])] };
  },
});
