import { parseArgs } from "node:util";
import { CliError, clockFor, withApp, type CliCommand, print } from "./shared.js";

/**
 * `duban directory [--json]`: the effective directory (the file, the chat changes, and the members counted from rooms),
 * with where each room, leader and member comes from: `file`, `chat` (绑定 / 绑定本群) or `room` (members_from_room).
 */
export default {
  name: "directory",
  usage: ["directory [--json]"],
  async run(argv, { config }) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
    if (positionals.length) throw new CliError(`directory: unexpected ${positionals.join(" ")}`, { usage: true });
    return withApp(config, clockFor(undefined, config), async (app) => {
      const data = app.directoryAdmin.data;
      const units = app.directoryAdmin.sourcedUnits();
      if (values.json) print(`${JSON.stringify({ ...data, units }, null, 2)}\n`);
      else {
        const out = [`科技办 office: ${data.office}`, `管理员 admins: ${data.admins.join(", ") || "—"}`, `局领导 leaders: ${data.leaders.join(", ") || "—"}`];
        // Entries from the file are unmarked; the others say where they come from.
        const list = (ids: string[], sources: Record<string, string>) =>
          ids.map((id) => (sources[id] === "file" ? id : `${id} [${sources[id]}]`)).join(", ") || "—";
        for (const u of units)
          out.push(
            `• ${u.name}${u.aliases.length ? `（${u.aliases.join("、")}）` : ""} rooms: ${list(u.rooms, u.sources.rooms)} · ` +
              `leaders: ${list(u.leaders, u.sources.leaders)} · members: ${list(u.members, u.sources.members)}` +
              (u.members_from_room ? " · members_from_room" : ""),
          );
        if (units.some((u) => [u.sources.rooms, u.sources.leaders, u.sources.members].some((s) => Object.values(s).some((v) => v !== "file"))))
          out.push("[chat] 群内命令所加（绑定、绑定本群） / added in chat · [room] 按工作群计入 / counted from the unit's room (members_from_room)");
        print(`${out.join("\n")}\n`);
      }
      return 0;
    });
  },
} satisfies CliCommand;
