import { parseArgs } from "node:util";
import { exportDirFor } from "../app.js";
import { writeFiles } from "../transports/console.js";
import { CliError, clockFor, withApp, type CliCommand, print } from "./shared.js";

/** `duban say [--as USER] [--room ROOM] "任务6进展：…"`: one message through the bot, as if sent in chat; prints the replies. */
export default {
  name: "say",
  usage: ['say [--as USER] [--room ROOM] [--at ISO-DATETIME] [--json] "MESSAGE"'],
  async run(argv, { config }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { as: { type: "string" }, room: { type: "string" }, at: { type: "string" }, json: { type: "boolean", default: false } },
    });
    const text = positionals.join(" ");
    if (!text.trim()) throw new CliError("say: 请给出消息内容 / give the message text", { usage: true });
    const clock = clockFor(values.at, config);
    return withApp(config, clock, async (app) => {
      const sender = values.as ?? config.consoleUser ?? app.directory.data.admins[0] ?? "console";
      const result = await app.bot.handle({
        transport: "cli",
        room: values.room ?? config.consoleRoom,
        sender,
        text,
        isDirect: values.room === undefined,
        mentionsBot: values.room === undefined,
      });
      const notices = (result.notices ?? []).map((n) => ({ rooms: n.rooms, text: n.reply.text }));
      const files = result.files?.length ? writeFiles(exportDirFor(config), result.files) : [];
      const replies = result.replies.map(({ text: t, html }) => ({ text: t, html }));
      if (values.json) print(`${JSON.stringify({ replies, notices, files, ...(result.failed ? { failed: true } : {}) })}\n`);
      else {
        for (const r of result.replies) print(`${r.text}\n`);
        for (const n of notices) print(`[→ ${n.rooms.join(", ")}]\n${n.text}\n`);
        for (const f of files) print(`📎 ${f}\n`);
      }
      // The reply is printed as the chat would show it; the status tells a script that the bot failed.
      return result.failed ? 1 : 0;
    });
  },
} satisfies CliCommand;
