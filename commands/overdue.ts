import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { perPlan } from "../src/core/plan-scope.js";
import { assess, tasksNow, units } from "../src/core/task-view.js";
import { LIGHT_ICON } from "../src/core/task-status.js";

const MAX_ITEMS = 50;

/** `逾期`, `overdue`: dated tasks past their deadline and not done, most overdue first. */
export default defineCommand({
  name: "overdue",
  summary: "overdue",
  examples: ["逾期", "看看逾期的", "哪些任务逾期了", "overdue"],
  help: { topic: "main" },
  cues: {
    kind: "list-query",
    words: [
      "逾期",
      "超期",
      "过期",
      "延期",
      "拖期",
      "超时",
      "拖延",
      "过了时限",
      "过了期限",
      "超过时限",
      "超过期限",
      "没按时",
      "未按时",
      "红灯",
      "overdue",
      "late",
      "behind schedule",
      "past due",
    ],
  },
  args: z.object({}),
  async handle(_args, ctx) {
    return perPlan(ctx, async (plan) => {
      const l = ctx.t.lists;
      const overdue = (await tasksNow(ctx, plan, await ctx.repos.plans.tasks(plan.id)))
        .map((task) => ({ task, a: assess(ctx, plan, task) }))
        .filter((x) => x.a.daysOverdue !== null)
        .sort((x, y) => y.a.daysOverdue! - x.a.daysOverdue! || x.task.number - y.task.number);
      if (overdue.length === 0) return { replies: [reply([l.overdueNone])] };
      const lines = [l.overdueHeader(overdue.length)];
      for (const { task, a } of overdue.slice(0, MAX_ITEMS))
        lines.push(l.overdueItem(LIGHT_ICON[a.light], task.number, task.title, units(ctx, task.leadUnits), a.daysOverdue!));
      if (overdue.length > MAX_ITEMS) lines.push(l.truncated(MAX_ITEMS, overdue.length));
      return { replies: [reply(lines, { heading: true })] };
    });
  },
});
