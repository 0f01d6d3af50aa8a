import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireAdmin, requireTask } from "../src/core/task-view.js";

/** `办结 6`: an office admin approves completion; done tasks get no more reminders. */
export default defineCommand({
  name: "complete",
  summary: "complete",
  examples: ["办结 6", "complete task 6"],
  cues: { kind: "task-command", prefixes: ["办结任务", "办结", "complete task", "complete", "mark done"], suffixes: ["办结"] },
  args: z.object({ numbers: z.array(z.number().int()).length(1) }),
  async handle({ numbers: [number] }, ctx) {
    const t = ctx.t;
    requireAdmin(ctx);
    const { task } = await requireTask(ctx, number!);
    if (task.completedAt) return { replies: [reply([t.completion.already(number!)])] };
    await ctx.repos.plans.complete(task.id, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.completion.done(number!, task.title)])] };
  },
});
