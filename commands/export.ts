import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireAdminFor } from "../src/core/permissions.js";
import { requireReports } from "../src/core/reports-view.js";
import { requirePlan } from "../src/core/task-view.js";
import { EXPORT_FORMATS, type ExportFormat } from "../src/core/command.js";

/** `导出 xlsx|csv|ics|json`, `export xlsx`: the record as a file in the room. The complete JSON dump is for admins. */
export default defineCommand({
  name: "export",
  summary: "export",
  examples: ["导出 xlsx", "导出 ics", "export csv"],
  help: { topic: "reports" },
  // A format word or nothing: `导出 任务6 的材料` is not an export request. An unknown format still gets an answer.
  cues: { kind: "directive", prefixes: ["导出", "export"], rest: /^\.?[A-Za-z]{0,6}$|^(?:表格|日历|excel)$/iu },
  access: "query",
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const plan = await requirePlan(ctx);
    const r = ctx.t.reports;
    const word =
      rest
        .trim()
        .toLowerCase()
        .replace(/^\./, "")
        .replace(/^excel$|^表格$/, "xlsx")
        .replace(/^日历$/, "ics") || "xlsx";
    if (!EXPORT_FORMATS.includes(word as ExportFormat)) throw new UserError(r.exportUsage(rest.trim()));
    const format = word as ExportFormat;
    // The dump holds everything, the audit trail and every user id included.
    if (format === "json") await requireAdminFor(ctx, "export-json", null);
    const file = await requireReports(ctx).exportFile(plan, format, ctx.clock.now());
    return { replies: [reply([r.sending(file.name)])], files: [file] };
  },
});
