import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { requireTask } from "../src/core/task-view.js";
import { isCollectiveUnit, splitUnits } from "../src/plan/unit-list.js";

/** `调整牵头单位 6 刑侦大队、网安大队 机构调整`: an office admin changes a task's lead units, with a reason. */
export default defineCommand({
  name: "set-lead-units",
  summary: "setLeadUnits",
  examples: ["调整牵头单位 6 刑侦大队、网安大队 机构调整", "set lead units 6 刑侦大队、网安大队 reorganisation"],
  help: { topic: "admin" },
  cues: {
    kind: "task-command",
    prefixes: ["调整牵头单位", "变更牵头单位", "修改牵头单位", "set lead units for task", "set lead units of task", "set lead units", "change lead units"],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    if (numbers.length > 1) throw new UserError(t.review.oneAtATime);
    const { task } = await requireTask(ctx, numbers[0]!);
    await requireAdminFor(ctx, "set-lead-units", task);
    const m = /^(\S+)(?:\s+([\s\S]*))?$/u.exec(reason.trim());
    const names = m ? splitUnits(m[1]!) : [];
    const why = (m?.[2] ?? "").trim();
    if (names.length === 0 || !why) throw new UserError(t.review.units.need(task.number));
    const unknown = names.filter((n) => !isCollectiveUnit(n) && !ctx.directory.unit(n));
    if (unknown.length) throw new UserError(t.review.units.unknown(unknown.join("、"), ctx.directory.units.map((u) => u.name).join("、")));
    const units = [...new Set(names.map((n) => ctx.directory.canonical(n)))];
    await ctx.repos.plans.setLeadUnits(task.id, units, why, actorOf(ctx), ctx.clock.now());
    return { replies: [reply([t.review.units.changed(task.number, task.leadUnits.join("、"), units.join("、"), why)])] };
  },
});
