import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";

/** `提醒预览`, `reminders preview`: what the next reminder run would send, per unit. */
export default defineCommand({
  name: "reminders-preview",
  summary: "remindersPreview",
  examples: ["提醒预览", "reminders preview"],
  help: { topic: "reports" },
  cues: {
    kind: "list-query",
    words: [
      "提醒预览",
      "预览提醒",
      "预览一下",
      "下次提醒",
      "哪些提醒",
      "要发的提醒",
      "明天的提醒",
      "发哪些提醒",
      "推送哪些提醒",
      "什么提醒",
      "reminders preview",
      "reminder preview",
      "preview reminders",
      "next reminders",
    ],
  },
  args: z.object({}),
  async handle(_args, ctx) {
    if (!ctx.reminders) throw new UserError(ctx.t.reminders.notRunning);
    const r = ctx.t.reminders;
    const next = await ctx.reminders.nextRun(ctx.clock.now());
    if (next.messages.length === 0) return { replies: [reply([r.previewNone(next.day, next.time)])] };
    const lines = [r.previewHeader(next.day, next.time, next.messages.length)];
    for (const m of next.messages) {
      const kinds = ctx.t.list(m.kinds.map((k) => r.kind[k as keyof typeof r.kind] ?? k));
      lines.push(r.previewItem(m.unit, kinds, m.taskNumbers.join("、") || "—"));
    }
    return { replies: [reply(lines, { heading: true })] };
  },
});
