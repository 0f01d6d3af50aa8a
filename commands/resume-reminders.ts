import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireAdmin, requireTask } from "../src/core/task-view.js";

/** `恢复提醒 6`: an admin resumes a task's reminders. */
export default defineCommand({
  name: "resume-reminders",
  summary: "resumeReminders",
  examples: ["恢复提醒 6", "resume reminders 6"],
  cues: { kind: "task-command", prefixes: ["恢复提醒", "恢复催办", "resume reminders for task", "resume reminders for", "resume reminders", "resume reminder"] },
  args: z.object({ numbers: z.array(z.number().int()).length(1) }),
  async handle({ numbers: [number] }, ctx) {
    const t = ctx.t;
    requireAdmin(ctx);
    const { task } = await requireTask(ctx, number!);
    if (!task.remindersPaused) return { replies: [reply([t.reminders.notPaused(number!)])] };
    await ctx.repos.plans.setPaused(task.id, false, null, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.reminders.resumed(number!)])] };
  },
});
