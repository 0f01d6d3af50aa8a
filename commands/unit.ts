import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { taskLine, tasksNow } from "../src/core/task-view.js";
import { perPlan, planScope } from "../src/core/plan-scope.js";
import type { PlanRecord } from "../src/core/model.js";
import type { CommandContext } from "../src/core/command.js";

const MAX_ITEMS = 60;

/** Lines listing the tasks led by any of `names` (a unit's name and aliases), or null when there are none. */
export async function unitTaskLines(ctx: CommandContext, plan: PlanRecord, header: (n: number) => string, names: string[]): Promise<string[] | null> {
  const tasks = await tasksNow(ctx, plan, await ctx.repos.plans.tasksLedBy(plan.id, names));
  if (tasks.length === 0) return null;
  const lines = [header(tasks.length)];
  for (const task of tasks.slice(0, MAX_ITEMS)) lines.push(taskLine(ctx, plan, task));
  if (tasks.length > MAX_ITEMS) lines.push(ctx.t.lists.truncated(MAX_ITEMS, tasks.length));
  return lines;
}

/** `unit 刑侦大队`, `刑侦大队的任务`, `刑侦的任务` (aliases from the directory). */
export default defineCommand({
  name: "unit",
  summary: "unit",
  examples: ["刑侦大队的任务", "刑侦大队负责哪些任务", "unit 刑侦大队"],
  help: { topic: "main" },
  cues: {
    kind: "unit-query",
    words: ["任务", "负责", "牵头", "承担", "主责", "手上", "手里", "名下", "tasks", "task", "led by"],
    explicit: ["unit", "单位", "查询单位"],
  },
  args: z.object({ name: z.string().min(1), explicit: z.boolean() }),
  handle: async ({ name }, ctx) => {
    // The name is looked up in the directory, then in the units of every plan the message is about: with several
    // plans in progress, a unit that only one plan names is still that unit (and has no tasks in the others).
    const scope = await planScope(ctx);
    const plans = "one" in scope ? [scope.one] : scope.several;
    let canonical = ctx.directory.unit(name)?.name;
    const planUnits: string[] = [];
    for (const plan of plans) {
      if (canonical) break;
      const units = await ctx.repos.plans.unitNames(plan.id);
      if (units.includes(name)) canonical = name;
      planUnits.push(...units);
    }
    if (!canonical) {
      // "今天的任务" in a busy room is chatter, not a query: stay silent unless addressed.
      if (!ctx.inbound.isDirect && !ctx.inbound.mentionsBot && !/^(?:unit|单位)/.test(name)) return { replies: [], ignored: true };
      const all = [...new Set([...ctx.directory.units.map((u) => u.name), ...planUnits])];
      throw new UserError(ctx.t.errors.unknownUnit(name, ctx.t.list(all)));
    }
    const unit = canonical;
    const names = ctx.directory.namesOf(unit);
    return perPlan(ctx, async (plan) => {
      const lines = await unitTaskLines(ctx, plan, (n) => ctx.t.lists.unitHeader(unit, n), names);
      return { replies: [reply(lines ?? [ctx.t.lists.unitNone(unit)], { heading: lines !== null })] };
    });
  },
});
