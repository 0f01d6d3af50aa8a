import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { perPlan } from "../src/core/plan-scope.js";
import { assess, tasksNow, units } from "../src/core/task-view.js";
import { LIGHT_ICON } from "../src/core/task-status.js";
import { dayOf, daysBetween, lastDayOfMonth } from "../src/core/time.js";

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
  args: z.object({ until: z.enum(["year", "month"]).optional() }),
  async handle({ until }, ctx) {
    return perPlan(ctx, async (plan) => {
      const l = ctx.t.lists;
      // `年底前要完成的还有几个`: due by the end of this year (or month), not only within the warning window.
      const today = dayOf(ctx.clock.now());
      const [year, month] = today.split("-").map(Number) as [number, number];
      const end = until === "year" ? `${year}-12-31` : until === "month" ? `${today.slice(0, 8)}${String(lastDayOfMonth(year, month)).padStart(2, "0")}` : null;
      const window = end ? daysBetween(today, end) : ctx.thresholds.warnDays;
      const soon = (await tasksNow(ctx, plan, await ctx.repos.plans.tasks(plan.id)))
        .map((task) => ({ task, a: assess(ctx, plan, task) }))
        .filter((x) => x.a.light !== "done" && x.a.daysLeft !== null && x.a.daysLeft <= window)
        .sort((x, y) => x.a.daysLeft! - y.a.daysLeft! || x.task.number - y.task.number);
      const q = ctx.t.leaderQuestions;
      if (soon.length === 0) return { replies: [reply([end ? q.dueByNone(end) : l.dueSoonNone(window)])] };
      const lines = [end ? q.dueByHeader(end, soon.length) : l.dueSoonHeader(window, soon.length)];
      for (const { task, a } of soon.slice(0, MAX_ITEMS))
        lines.push(l.dueSoonItem(LIGHT_ICON[a.light], task.number, task.title, units(ctx, task.leadUnits), a.daysLeft!, task.deadline.date ?? ""));
      if (soon.length > MAX_ITEMS) lines.push(l.truncated(MAX_ITEMS, soon.length));
      return { replies: [reply(lines, { heading: true })] };
    });
  },
});
