import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { NUMBER } from "../src/core/grammar.js";
import { reply } from "../src/core/reply.js";
import { firstNumberForm, requireAdmin, requireTaskNumbered } from "../src/core/task-view.js";

const FORMS = [new RegExp(`^(?:办结|办结任务) ?(?:任务)? ?${NUMBER}$`), new RegExp(`^complete (?:task )?#?${NUMBER}$`)];

/** `办结 6`: an office admin approves completion; done tasks get no more reminders. */
export default defineCommand({
  name: "complete",
  summary: "complete",
  examples: ["办结 6", "complete task 6"],
  match: (text) => firstNumberForm(FORMS, text),
  args: z.object({ numberText: z.string() }),
  async handle({ numberText }, ctx) {
    const t = ctx.t;
    requireAdmin(ctx);
    const { task, number } = await requireTaskNumbered(ctx, numberText);
    if (task.completedAt) return { replies: [reply([t.completion.already(number)])] };
    await ctx.repos.plans.complete(task.id, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.completion.done(number, task.title)])] };
  },
});
