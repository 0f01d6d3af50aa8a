import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { readYear, requireReports } from "../src/core/reports-view.js";
import { requirePlan } from "../src/core/task-view.js";

/** `单位考评 2024 [单位]`, `scorecard 2024 [unit]`: each unit's raw figures for a year (or the whole plan), with the method. */
export default defineCommand({
  name: "scorecard",
  summary: "scorecard",
  examples: ["单位考评 2024", "单位考评 2024 刑侦大队", "scorecard 2024"],
  help: { topic: "reports" },
  // A year and/or a unit name, nothing that names a task (`考评 任务6 材料已报送` is an update).
  cues: { kind: "directive", prefixes: ["单位考评", "考评", "scorecard"], rest: /^(?:20\d{2}\s*年?度?)?\s*(?:[\p{Script=Han}A-Za-z（）()]{2,20})?$/u },
  access: "query",
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const plan = await requirePlan(ctx);
    const year = readYear(rest);
    const name = rest.replace(/(?<!\d)20\d{2}(?!\d)\s*年?(度)?/, "").trim();
    let unit: string | null = null;
    if (name) {
      const known = ctx.directory.unit(name);
      if (!known) throw new UserError(ctx.t.reports.unknownUnit(name, ctx.directory.units.map((u) => u.name).join("、")));
      unit = known.name;
    }
    return { replies: [reply(await requireReports(ctx).scorecardLines(plan, year, unit, ctx.clock.now()), { heading: true })] };
  },
});
