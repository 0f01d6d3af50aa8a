import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { perPlan } from "../src/core/plan-scope.js";
import { assess, tasksNow, units } from "../src/core/task-view.js";
import { LIGHT_ICON } from "../src/core/task-status.js";

const MAX_ITEMS = 50;

/** `临期`, `即将到期`, `due soon`: open dated tasks due within the warning window, soonest first. */
export default defineCommand({
  name: "due-soon",
  summary: "dueSoon",
  examples: ["有哪些快到期的任务", "本月到期的", "临期", "due soon"],
  help: { topic: "main" },
  cues: {
    kind: "list-query",
    words: [
      "快到期",
      "即将到期",
      "临期",
      "要到期",
      "快截止",
      "即将截止",
      "到期",
      "截止",
      "要完成的",
      "前要完成",
      "due soon",
      "due",
      "deadline",
      "deadlines",
      "upcoming",
    ],
  },
  args: z.object({}),
  async handle(_args, ctx) {
    return perPlan(ctx, async (plan) => {
      const l = ctx.t.lists;
      const window = ctx.thresholds.warnDays;
      const soon = (await tasksNow(ctx, plan, await ctx.repos.plans.tasks(plan.id)))
        .map((task) => ({ task, a: assess(ctx, plan, task) }))
        .filter((x) => x.a.light !== "done" && x.a.daysLeft !== null && x.a.daysLeft <= window)
        .sort((x, y) => x.a.daysLeft! - y.a.daysLeft! || x.task.number - y.task.number);
      if (soon.length === 0) return { replies: [reply([l.dueSoonNone(window)])] };
      const lines = [l.dueSoonHeader(window, soon.length)];
      for (const { task, a } of soon.slice(0, MAX_ITEMS))
        lines.push(l.dueSoonItem(LIGHT_ICON[a.light], task.number, task.title, units(ctx, task.leadUnits), a.daysLeft!, task.deadline.date ?? ""));
      if (soon.length > MAX_ITEMS) lines.push(l.truncated(MAX_ITEMS, soon.length));
      return { replies: [reply(lines, { heading: true })] };
    });
  },
});
