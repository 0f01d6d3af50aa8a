import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireReports } from "../src/core/reports-view.js";
import { requirePlan } from "../src/core/task-view.js";

/** `周报`, `digest`: the weekly digest on demand (the scheduler sends it to the office on Monday mornings). */
export default defineCommand({
  name: "digest",
  summary: "digest",
  examples: ["周报", "digest"],
  help: { topic: "reports" },
  cues: {
    kind: "directive",
    prefixes: ["督办周报", "本周周报", "周报", "weekly digest", "digest"],
    rest: /^(?:呢|吧|看看|一下|发一下|发来看看|please)?[？?。!！]*$/iu,
  },
  access: "query",
  args: z.object({ rest: z.string() }),
  async handle(_args, ctx) {
    const plan = await requirePlan(ctx);
    return { replies: [reply(await requireReports(ctx).digestLines(plan, ctx.clock.now()), { heading: true })] };
  },
});
