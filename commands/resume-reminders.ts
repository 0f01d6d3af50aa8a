import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { NUMBER } from "../src/core/grammar.js";
import { reply } from "../src/core/reply.js";
import { firstNumberForm, requireAdmin, requireTaskNumbered } from "../src/core/task-view.js";

const FORMS = [new RegExp(`^(?:恢复提醒|恢复催办) ?(?:任务)? ?${NUMBER}$`), new RegExp(`^resume reminders? (?:for )?(?:task )?#?${NUMBER}$`)];

/** `恢复提醒 6`: an admin resumes a task's reminders. */
export default defineCommand({
  name: "resume-reminders",
  summary: "resumeReminders",
  examples: ["恢复提醒 6", "resume reminders 6"],
  match: (text) => firstNumberForm(FORMS, text),
  args: z.object({ numberText: z.string() }),
  async handle({ numberText }, ctx) {
    const t = ctx.t;
    requireAdmin(ctx);
    const { task, number } = await requireTaskNumbered(ctx, numberText);
    if (!task.remindersPaused) return { replies: [reply([t.reminders.notPaused(number)])] };
    await ctx.repos.plans.setPaused(task.id, false, null, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.reminders.resumed(number)])] };
  },
});
