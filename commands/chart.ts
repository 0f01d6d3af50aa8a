import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireReports } from "../src/core/reports-view.js";
import { requirePlan } from "../src/core/task-view.js";

/** `进度图`, `chart`: lights by section, target progress and a burn-down of open dated tasks, as a PNG. */
export default defineCommand({
  name: "chart",
  summary: "chart",
  examples: ["进度图", "chart"],
  help: { topic: "reports" },
  cues: { kind: "directive", prefixes: ["进度图", "进度图表", "图表", "chart"], rest: /^(?:呢|吧|看看|一下|发一下|please)?[？?。!！]*$/iu },
  access: "query",
  args: z.object({ rest: z.string() }),
  async handle(_args, ctx) {
    const plan = await requirePlan(ctx);
    const file = await requireReports(ctx).chartFile(plan, ctx.clock.now());
    return { replies: [reply([ctx.t.reports.sending(file.name)])], files: [file] };
  },
});
