import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";

/** `帮助`, `help`: generated from every command's metadata. */
export default defineCommand({
  name: "help",
  summary: "help",
  examples: ["帮助", "help"],
  match: (text) => (/^(?:help|帮助|使用说明|怎么用|命令|命令列表|菜单)$/.test(text) ? {} : null),
  args: z.object({}),
  async handle(_args, ctx) {
    const lines = [ctx.t.help.header];
    for (const c of ctx.commands) lines.push(ctx.t.help.item(ctx.t.commands[c.summary], c.examples.join(" / ")));
    lines.push(ctx.t.help.footer);
    return { replies: [reply(lines, { heading: true })] };
  },
});
