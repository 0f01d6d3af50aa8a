import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { NUMBER } from "../src/core/grammar.js";
import { reply } from "../src/core/reply.js";
import { requireAdmin, requireTaskNumbered } from "../src/core/task-view.js";

// Matched on the raw text (NFKC only, case kept) so the recorded reason is what the admin wrote.
const FORM = new RegExp(
  `^\\s*(?:暂停提醒|暂停催办|pause reminders?(?: for)?(?: task)?)\\s*(?:任务)?\\s*#?${NUMBER}(?:$|[\\s:,，]+([\\s\\S]*)$)`,
  "i",
);

/** `暂停提醒 6 已报市局协调`: an admin pauses a task's reminders, with the reason recorded. */
export default defineCommand({
  name: "pause-reminders",
  summary: "pauseReminders",
  examples: ["暂停提醒 6 已报市局协调", "pause reminders 6 waiting for the city bureau"],
  match(_text, raw) {
    const m = FORM.exec(raw.normalize("NFKC"));
    return m ? { numberText: m[1]!, reason: (m[2] ?? "").trim() } : null;
  },
  args: z.object({ numberText: z.string(), reason: z.string() }),
  async handle({ numberText, reason }, ctx) {
    const t = ctx.t;
    requireAdmin(ctx);
    const { task, number } = await requireTaskNumbered(ctx, numberText);
    if (!reason) throw new UserError(t.reminders.needReason(number));
    await ctx.repos.plans.setPaused(task.id, true, reason, ctx.inbound.sender, ctx.clock.now());
    return { replies: [reply([t.reminders.paused(number, reason)])] };
  },
});
