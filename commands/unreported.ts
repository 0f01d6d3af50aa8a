import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { perPlan } from "../src/core/plan-scope.js";
import { requireReports } from "../src/core/reports-view.js";
import { units } from "../src/core/task-view.js";

/**
 * `未报送`, `本月还有谁没交进展`: the lead units that have not reported on an open task of theirs in the current report
 * cycle, with those tasks. The same list as the weekly digest's section five (src/reports/review-data.ts).
 */
export default defineCommand({
  name: "unreported",
  summary: "unreported",
  examples: ["未报送", "本月还有谁没交进展", "哪些单位还没报进展"],
  help: { topic: "reports" },
  cues: {
    kind: "list-query",
    words: [
      "未报送",
      "没报送",
      "未报进展",
      "没报进展",
      "没交进展",
      "谁没交进展",
      "谁还没交进展",
      "谁没报",
      "谁还没报",
      "单位还没报进展",
      "单位没报进展",
      "单位还没报",
      "单位未报送",
      // Formally (`本月度尚未报送进展的单位有哪些？`) or plainly (`这个月还没报进展的单位有哪些`): the units that have not.
      "尚未报送",
      "尚未上报",
      "仍未报送",
      "还未报送",
      "未上报",
      "没上报",
      "尚未报送进展的单位",
      "未报送进展的单位",
      "没报送进展的单位",
      "尚未上报进展的单位",
      "未上报进展的单位",
      "没上报进展的单位",
      "尚未报进展的单位",
      "未报进展的单位",
      "没报进展的单位",
      "没交进展的单位",
      "未交进展的单位",
      "尚未报送的单位",
      "未报送的单位",
      "没报送的单位",
      "尚未上报的单位",
      "未上报的单位",
      "没上报的单位",
      "未报的单位",
      "没报的单位",
      "仍未报送的单位",
      "还未报送的单位",
      "还没报送的单位",
      "not reported",
      "unreported",
      "silent units",
    ],
  },
  access: "query",
  args: z.object({}),
  async handle(_args, ctx) {
    return perPlan(ctx, async (plan) => {
      const u = ctx.t.unreported;
      const silent = await requireReports(ctx).unreported(plan, ctx.clock.now());
      if (silent.length === 0) return { replies: [reply([u.none])] };
      const lines = [u.header(silent[0]!.since, silent.length), ...silent.map((s) => u.item(units(ctx, [s.unit]), s.tasks.join("、")))];
      return { replies: [reply(lines, { heading: true })] };
    });
  },
});
