import { parseArgs } from "node:util";
import { CliError, clockFor, withApp, type CliCommand, print } from "./shared.js";

/** `duban directory [--json]`: the effective directory, the file with the chat changes applied. */
export default {
  name: "directory",
  usage: ["directory [--json]"],
  async run(argv, { config }) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
    if (positionals.length) throw new CliError(`directory: unexpected ${positionals.join(" ")}`, { usage: true });
    return withApp(config, clockFor(undefined, config), async (app) => {
      const data = app.directoryAdmin.data;
      if (values.json) print(`${JSON.stringify(data, null, 2)}\n`);
      else {
        const out = [`科技办 office: ${data.office}`, `管理员 admins: ${data.admins.join(", ") || "—"}`, `局领导 leaders: ${data.leaders.join(", ") || "—"}`];
        for (const u of data.units)
          out.push(
            `• ${u.name}${u.aliases.length ? `（${u.aliases.join("、")}）` : ""} rooms: ${u.rooms.join(", ") || "—"} · ` +
              `leaders: ${u.leaders.join(", ") || "—"} · members: ${u.members.join(", ") || "—"}`,
          );
        print(`${out.join("\n")}\n`);
      }
      return 0;
    });
  },
} satisfies CliCommand;
