import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { commandsFor, HELP_MAX_LINES, helpItem, wantsEnglish } from "../src/core/help-view.js";
import { reply } from "../src/core/reply.js";

/**
 * `帮助`, `help`: the short help, at most 12 lines, from the commands' metadata (`help.topic: "main"`): how to report
 * and ask, and for an admin the reviews; it ends with the topics (`帮助 办结` …, commands/help-topic.ts).
 */
export default defineCommand({
  name: "help",
  summary: "help",
  examples: ["帮助", "这个机器人怎么用", "help"],
  cues: {
    kind: "list-query",
    words: [
      "帮助",
      "help",
      "怎么用",
      "如何使用",
      "使用说明",
      "使用方法",
      "用法",
      "命令",
      "命令列表",
      "菜单",
      "怎么报进展",
      "怎么报送",
      "如何报送",
      "如何报进展",
      "怎么报",
      "如何报",
      "能干啥",
      "能做什么",
      "会什么",
      "功能",
      "说明",
      "格式",
      "什么格式",
      "怎么查",
      "如何查",
      "怎么问",
      "能干啥",
      "能干什么",
      "干些啥",
      "干些什么",
      "能干",
      "做些什么",
      "what can you do",
      "how to use",
      "usage",
    ],
  },
  // Open to everyone, strangers included: it is how a newcomer learns to ask the office to be added.
  access: "open",
  args: z.object({}),
  async handle(_args, ctx) {
    const english = wantsEnglish(ctx);
    const h = ctx.t.helpTopics;
    // With several plans in progress, how to name one (a room's default plan needs no code).
    const active = await ctx.repos.plans.activePlans();
    const closing = [h.more, ...(active.length > 1 ? [h.plansShort(`${active[0]!.code ?? ""} 任务6`)] : [])];
    // A new production database has no plan until the office imports it: say so first, and how.
    const opening = active.length === 0 && (await ctx.repos.plans.plans()).length === 0 ? [ctx.t.errors.noPlan] : [];
    const items = commandsFor(ctx, "main").map((c) => helpItem(ctx, c, english, 1));
    const room = HELP_MAX_LINES - 1 - opening.length - closing.length;
    const lines = [ctx.t.help.header, ...opening, ...items.slice(0, room), ...closing];
    if (lines.length < HELP_MAX_LINES) lines.push(ctx.t.help.footer);
    return { replies: [reply(lines, { heading: true })] };
  },
});
