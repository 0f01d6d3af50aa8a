import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { perPlan } from "../src/core/plan-scope.js";
import type { Catalogue } from "../src/core/i18n/index.js";
import { assess, shortTitle, tasksNow } from "../src/core/task-view.js";
import { LIGHT_ICON, type Light, type TaskAssessment } from "../src/core/task-status.js";
import type { TaskRecord } from "../src/core/model.js";
import { dayOf } from "../src/core/time.js";

const ORDER: Light[] = ["red", "yellow", "green", "ongoing", "done"];
/** Tasks listed per light before the rest are counted, so a large plan stays readable. */
const MAX_TASKS_PER_LIGHT = 30;

/** Why a task is red or yellow: `逾期40天`, `剩余12天，45天未报送`, `指标滞后`; nothing for the other lights. */
function why(t: Catalogue, a: TaskAssessment, warnDays: number): string {
  if (a.light !== "red" && a.light !== "yellow") return "";
  const w = t.overviewTasks;
  const parts: string[] = [];
  if (a.daysOverdue !== null) parts.push(w.overdue(a.daysOverdue));
  else if (a.daysLeft !== null && a.daysLeft <= warnDays) parts.push(w.dueSoon(a.daysLeft));
  if (a.stale) parts.push(w.silent(a.daysSilent));
  if (a.targetsBehind.length) parts.push(w.behind);
  return w.reasons(parts);
}

/** `总览`, `汇总`, `status`, `overview`: every task by traffic light, each with a short title and, if red or yellow, why. */
export default defineCommand({
  name: "overview",
  summary: "overview",
  examples: ["总览", "整体进度怎么样", "overview"],
  help: { topic: "main" },
  cues: {
    kind: "list-query",
    words: [
      "总览",
      "汇总",
      "概览",
      "整体",
      "总体",
      "全部任务",
      "所有任务",
      "各项任务",
      "全局",
      "一览",
      "总进度",
      "overview",
      "summary",
      "status",
      "all tasks",
      "全部",
      "所有",
      "红黄绿灯",
      "红绿灯",
      "整体推进",
      "总体推进",
      "全局进度",
      "每项任务",
      "各任务",
    ],
  },
  args: z.object({}),
  async handle(_args, ctx) {
    return perPlan(ctx, async (plan) => {
      const tasks = await tasksNow(ctx, plan, await ctx.repos.plans.tasks(plan.id));
      const byLight = new Map<Light, { task: TaskRecord; a: TaskAssessment }[]>();
      const behind: string[] = [];
      let targets = 0;
      let met = 0;
      for (const task of tasks) {
        const a = assess(ctx, plan, task);
        const light = a.light;
        for (const x of task.targets) {
          targets++;
          if (x.current >= x.count) met++;
          if (a.targetsBehind.includes(x.id)) behind.push(`任务${task.number} ${x.name} ${x.current}/${x.count}`);
        }
        const list = byLight.get(light) ?? [];
        list.push({ task, a });
        byLight.set(light, list);
      }
      const o = ctx.t.overview;
      const lines = [o.header(plan.title, dayOf(ctx.clock.now()), tasks.length)];
      lines.push(
        ORDER.filter((l) => byLight.has(l))
          .map((l) => `${LIGHT_ICON[l]}${byLight.get(l)!.length}`)
          .join(" "),
      );
      const w = ctx.t.overviewTasks;
      for (const light of ORDER) {
        const list = byLight.get(light);
        if (!list) continue;
        lines.push(o.group(LIGHT_ICON[light], ctx.t.light[light], list.length));
        for (const { task, a } of list.slice(0, MAX_TASKS_PER_LIGHT))
          lines.push(w.item(task.number, shortTitle(task.title), why(ctx.t, a, ctx.thresholds.warnDays)));
        const rest = list.length - MAX_TASKS_PER_LIGHT;
        if (rest > 0) lines.push(light === "red" ? w.moreOverdue(rest) : w.more(rest));
      }
      const pending = tasks.filter((t) => t.reviewPending && !t.completedAt).map((t) => t.number);
      if (pending.length) lines.push(o.pending(pending.join(" ")));
      if (targets) lines.push(o.targets(met, targets));
      if (behind.length) lines.push(o.targetsBehind(behind.slice(0, 20).join("；")));
      lines.push(o.footer);
      return { replies: [reply(lines, { heading: true })] };
    });
  },
});
