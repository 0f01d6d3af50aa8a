import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireAdmin, requireTask } from "../src/core/task-view.js";

/** `暂停提醒 6 已报市局协调`: an admin pauses a task's reminders, with the reason recorded. */
export default defineCommand({
  name: "pause-reminders",
  summary: "pauseReminders",
  examples: ["暂停提醒 6 已报市局协调", "pause reminders 6 waiting for the city bureau"],
  // The reason is kept as the admin wrote it (the interpreter matches on the text with its case).
  cues: { kind: "task-command", prefixes: ["暂停提醒", "暂停催办", "pause reminders for task", "pause reminders for", "pause reminders", "pause reminder"] },
  args: z.object({ numbers: z.array(z.number().int()).length(1), reason: z.string() }),
  async handle({ numbers: [number], reason }, ctx) {
    const t = ctx.t;
    requireAdmin(ctx);
    const { task } = await requireTask(ctx, number!);
    if (!reason) throw new UserError(t.reminders.needReason(number!));
    await ctx.repos.plans.setPaused(task.id, true, reason, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.reminders.paused(number!, reason)])] };
  },
});
