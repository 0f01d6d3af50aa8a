import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";

/** `恢复提醒 6`: an admin resumes a task's reminders. */
export default defineCommand({
  name: "resume-reminders",
  summary: "resumeReminders",
  examples: ["恢复提醒 6", "resume reminders 6"],
  help: { topic: "admin" },
  cues: {
    kind: "task-command",
    prefixes: ["恢复提醒", "恢复催办", "resume reminders for task", "resume reminders for", "resume reminders", "resume reminder"],
    suffixes: ["恢复提醒", "恢复催办", "提醒恢复"],
    around: [
      ["恢复", "提醒"],
      ["恢复", "催办"],
    ],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1) }),
  async handle({ numbers }, ctx) {
    const t = ctx.t;
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    await requireAdminFor(ctx, "resume-reminders", tasks[0]!);
    const lines = [];
    for (const task of tasks) {
      if (!task.remindersPaused) {
        lines.push(t.reminders.notPaused(task.number));
        continue;
      }
      await ctx.repos.plans.setPaused(task.id, false, null, actorOf(ctx), ctx.clock.now());
      lines.push(t.reminders.resumed(task.number));
    }
    return { replies: [reply(lines)] };
  },
});
