import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { NUMBER, taskNumber } from "../src/core/grammar.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";

const FORMS = [new RegExp(`^(?:恢复提醒|恢复催办) ?(?:任务)? ?${NUMBER}$`), new RegExp(`^resume reminders? (?:for )?(?:task )?#?${NUMBER}$`)];

/** `恢复提醒 6`: an admin resumes a task's reminders. */
export default defineCommand({
  name: "resume-reminders",
  summary: "resumeReminders",
  examples: ["恢复提醒 6", "resume reminders 6"],
  match(text) {
    for (const re of FORMS) {
      const m = re.exec(text);
      if (m) return { numberText: m[1]! };
    }
    return null;
  },
  args: z.object({ numberText: z.string() }),
  async handle({ numberText }, ctx) {
    const t = ctx.t;
    if (!ctx.directory.isAdmin(ctx.inbound.sender)) throw new UserError(t.reminders.notAdmin);
    const number = taskNumber(numberText);
    if (number === null) throw new UserError(t.errors.badTaskNumber(numberText));
    const { task } = await requireTask(ctx, number);
    if (!task.remindersPaused) return { replies: [reply([t.reminders.notPaused(number)])] };
    await ctx.repos.plans.setPaused(task.id, false, null, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.reminders.resumed(number)])] };
  },
});
