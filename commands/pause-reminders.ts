import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";

/** `暂停提醒 6 已报市局协调`: an admin pauses a task's reminders, with the reason recorded. */
export default defineCommand({
  name: "pause-reminders",
  summary: "pauseReminders",
  examples: ["暂停提醒 6 已报市局协调", "任务12暂停催办，设备招标流程中", "pause reminders 6 waiting for the city bureau"],
  help: { topic: "admin" },
  // The reason is kept as the admin wrote it (the interpreter matches on the text with its case).
  cues: {
    kind: "task-command",
    prefixes: ["暂停提醒", "暂停催办", "pause reminders for task", "pause reminders for", "pause reminders", "pause reminder"],
    suffixes: [
      "暂停提醒",
      "暂停催办",
      "提醒暂停",
      "催办暂停",
      "停止提醒",
      "停止催办",
      "提醒先停一下",
      "催办先停一下",
      "提醒先停",
      "催办先停",
      "提醒停一下",
      "催办停一下",
    ],
    around: [
      ["暂停", "提醒"],
      ["暂停", "催办"],
    ],
    // With no task named (`这周局里集中整训，提醒先停一下`), the office is asked which tasks; words as the interpreter
    // reads them, 先/一下/所有 left out.
    bare: ["暂停提醒", "暂停催办", "提醒暂停", "催办暂停", "停止提醒", "停止催办", "提醒停", "催办停", "停发提醒", "提醒停发"],
  },
  args: z.object({ numbers: z.array(z.number().int()), reason: z.string() }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    if (numbers.length === 0) {
      await requireAdminFor(ctx, "pause-reminders", null);
      return { replies: [reply([t.remindersWhich.pause(reason || t.remindersWhich.exampleReason)])] };
    }
    // Check every task first, so that one unknown number pauses nothing.
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    await requireAdminFor(ctx, "pause-reminders", tasks[0]!);
    if (!reason) throw new UserError(t.reminders.needReason(numbers[0]!));
    for (const task of tasks) await ctx.repos.plans.setPaused(task.id, true, reason, actorOf(ctx), ctx.clock.now());
    return { replies: [reply(tasks.map((task) => t.reminders.paused(task.number, reason)))] };
  },
});
