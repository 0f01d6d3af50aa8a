import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { NUMBER } from "../src/core/grammar.js";
import { reply } from "../src/core/reply.js";
import { firstNumberForm, requireTaskNumbered, statusLines } from "../src/core/task-view.js";

const ASK = "(?:的)?(?:进展|进度|情况|状态|详情)? ?(?:怎么样了?|咋样了?|如何|情况如何|到哪了)?";
const FORMS = [
  new RegExp(`^status (?:task ?)?#?${NUMBER}$`),
  new RegExp(`^task #?${NUMBER}$`),
  new RegExp(`^(?:查询|查看|查)? ?任务 ?${NUMBER} ?${ASK}$`),
  new RegExp(`^(?:查询|查看|查)? ?第? ?${NUMBER} ?(?:号|项) ?任务 ?${ASK}$`),
];

/** `status task 6`, `任务6`, `6号任务进度`, `第六项任务`, `任务6进展？`. */
export default defineCommand({
  name: "status",
  summary: "status",
  examples: ["任务6", "6号任务进度", "status task 6"],
  match: (text) => firstNumberForm(FORMS, text),
  args: z.object({ numberText: z.string() }),
  async handle({ numberText }, ctx) {
    const { plan, task } = await requireTaskNumbered(ctx, numberText);
    const latest = await ctx.repos.updates.latest(task.id);
    return { replies: [reply(statusLines(ctx, plan, task, latest), { heading: true })] };
  },
});
