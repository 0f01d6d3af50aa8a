import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { readYear, requireReports } from "../src/core/reports-view.js";
import { requirePlan } from "../src/core/task-view.js";
import type { ReportKind } from "../src/core/command.js";

/** `年度报告 2024`, `中期评估`, `总结验收`, `report 2024`: the review document as .docx, sent to the room. */
export default defineCommand({
  name: "report",
  summary: "report",
  examples: ["年度报告 2024", "中期评估", "总结验收", "report 2024"],
  help: { topic: "reports" },
  cues: {
    kind: "directive",
    prefixes: ["年度报告", "年度总结", "中期评估", "总结验收", "report"],
    rest: /^(?:20\d{2}\s*年?度?)?\s*(?:报告|文档|docx)?[？?。!！]*$/iu,
  },
  access: "query",
  args: z.object({ verb: z.string(), rest: z.string() }),
  async handle({ verb, rest }, ctx) {
    const plan = await requirePlan(ctx);
    const r = ctx.t.reports;
    let kind: ReportKind;
    if (verb === "中期评估") kind = { kind: "midterm" };
    else if (verb === "总结验收") kind = { kind: "final" };
    else {
      const year = readYear(rest);
      if (year === null) throw new UserError(r.reportUsage);
      kind = { kind: "year", year };
    }
    const file = await requireReports(ctx).reportFile(plan, kind, ctx.clock.now());
    return { replies: [reply([r.sending(file.name)])], files: [file] };
  },
});
