import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { leadRooms, notice } from "../src/core/review.js";
import { requireTask } from "../src/core/task-view.js";

/**
 * `办结 6 市局已验收`: an office admin completes a task directly, with a reason; done tasks get no more
 * reminders. A pending completion request is approved with it. Lead units hear of it in their rooms.
 */
export default defineCommand({
  name: "complete",
  summary: "complete",
  examples: ["办结 6 市局已验收", "任务6办结 材料齐全", "complete task 6 accepted by the city bureau"],
  help: { topic: "completion" },
  cues: {
    kind: "task-command",
    prefixes: ["办结任务", "办结", "complete task", "complete", "mark done"],
    suffixes: ["办结"],
    around: [
      ["mark", "as complete"],
      ["mark", "complete"],
      ["mark", "as done"],
      ["mark", "done"],
    ],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    await requireAdminFor(ctx, "complete", tasks[0]!);
    if (!reason) throw new UserError(t.review.needReason(numbers[0]!, `办结 ${numbers[0]} 市局已验收`));
    const lines = [];
    const notices = [];
    for (const task of tasks) {
      if (task.completedAt) {
        lines.push(t.completion.already(task.number));
        continue;
      }
      await ctx.repos.plans.complete(task.id, reason, actorOf(ctx), ctx.clock.now());
      lines.push(t.review.completedDirect(task.number, task.title, reason));
      notices.push(...notice(ctx, leadRooms(ctx, task), [t.review.unitCompletedDirect(task.number, task.title, reason)]));
    }
    return { replies: [reply(lines)], notices };
  },
});
