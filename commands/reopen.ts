import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { requireTask } from "../src/core/task-view.js";

/** `重启任务 6 市局要求补充材料` / `reopen 6 <reason>`: an office admin reopens a completed task; reminders resume. */
export default defineCommand({
  name: "reopen",
  summary: "reopen",
  examples: ["重启任务 6 市局要求补充材料", "reopen task 6 the city bureau asked for more"],
  help: { topic: "completion" },
  cues: { kind: "task-command", prefixes: ["重启任务", "重新启动任务", "重新打开任务", "reopen task", "reopen"], suffixes: ["重启", "重新启动"] },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    await requireAdminFor(ctx, "reopen", tasks[0]!);
    if (!reason) throw new UserError(t.review.needReason(numbers[0]!, `重启任务 ${numbers[0]} 市局要求补充材料`));
    const lines = [];
    for (const task of tasks) {
      if (!task.completedAt) {
        lines.push(t.review.notDone(task.number));
        continue;
      }
      await ctx.repos.plans.reopen(task.id, reason, actorOf(ctx), ctx.clock.now());
      lines.push(t.review.reopened(task.number, task.title, reason));
    }
    return { replies: [reply(lines)] };
  },
});
