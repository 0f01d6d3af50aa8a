import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireAdmin, requireTask } from "../src/core/task-view.js";

/** `办结 6`: an office admin approves completion; done tasks get no more reminders. */
export default defineCommand({
  name: "complete",
  summary: "complete",
  examples: ["办结 6", "任务6办结", "complete task 6"],
  cues: { kind: "task-command", prefixes: ["办结任务", "办结", "complete task", "complete", "mark done"], suffixes: ["办结"], around: [["mark", "as complete"], ["mark", "complete"], ["mark", "as done"], ["mark", "done"]] },
  args: z.object({ numbers: z.array(z.number().int()).min(1) }),
  async handle({ numbers }, ctx) {
    const t = ctx.t;
    requireAdmin(ctx);
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    const lines = [];
    for (const task of tasks) {
      if (task.completedAt) {
        lines.push(t.completion.already(task.number));
        continue;
      }
      await ctx.repos.plans.complete(task.id, ctx.inbound.sender, ctx.clock.now());
      lines.push(t.completion.done(task.number, task.title));
    }
    return { replies: [reply(lines)] };
  },
});
