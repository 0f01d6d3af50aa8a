import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { perPlan } from "../src/core/plan-scope.js";
import { assess, tasksNow } from "../src/core/task-view.js";
import { LIGHT_ICON, type Light } from "../src/core/task-status.js";
import type { TaskRecord } from "../src/core/model.js";
import { dayOf } from "../src/core/time.js";

const ORDER: Light[] = ["red", "yellow", "green", "ongoing", "done"];
/** Task numbers listed per light before the rest are summarised, so huge plans stay readable. */
const MAX_NUMBERS_PER_LIGHT = 80;

/** `总览`, `汇总`, `status`, `overview`: every task by traffic light, then by section. */
export default defineCommand({
  name: "overview",
  summary: "overview",
  examples: ["总览", "整体进度怎么样", "overview"],
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
      const byLight = new Map<Light, TaskRecord[]>();
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
        list.push(task);
        byLight.set(light, list);
      }
      const o = ctx.t.overview;
      const lines = [o.header(plan.title, dayOf(ctx.clock.now()), tasks.length)];
      lines.push(
        ORDER.filter((l) => byLight.has(l))
          .map((l) => `${LIGHT_ICON[l]}${byLight.get(l)!.length}`)
          .join(" "),
      );
      for (const light of ORDER) {
        const list = byLight.get(light);
        if (!list) continue;
        lines.push(o.group(LIGHT_ICON[light], ctx.t.light[light], list.length));
        const shown = list.slice(0, MAX_NUMBERS_PER_LIGHT);
        const sections = new Map<string, number[]>();
        for (const task of shown) {
          const key = task.sectionLabel ?? "";
          const numbers = sections.get(key);
          if (numbers) numbers.push(task.number);
          else sections.set(key, [task.number]);
        }
        for (const [label, numbers] of sections) lines.push(o.sectionLine(label, numbers.join(" ")));
        if (list.length > shown.length) lines.push(`  ${o.more(list.length - shown.length)}`);
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
