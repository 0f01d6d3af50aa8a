import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { NUMBER, taskNumber } from "../src/core/grammar.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";

const FORMS = [new RegExp(`^(?:办结|办结任务) ?(?:任务)? ?${NUMBER}$`), new RegExp(`^complete (?:task )?#?${NUMBER}$`)];

/** `办结 6`: an office admin approves completion; done tasks get no more reminders. */
export default defineCommand({
  name: "complete",
  summary: "complete",
  examples: ["办结 6", "complete task 6"],
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
    if (task.completedAt) return { replies: [reply([t.completion.already(number)])] };
    await ctx.repos.plans.complete(task.id, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.completion.done(number, task.title)])] };
  },
});
