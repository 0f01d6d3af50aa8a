import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { applyDirectoryChange, readUserAndUnit } from "../src/directory/chat-changes.js";

/** `绑定 @zhang:bureau.local 刑侦大队 [member|leader]`: an office admin adds a person to a unit. */
export default defineCommand({
  name: "bind",
  summary: "bind",
  examples: ["绑定 @zhang:bureau.local 刑侦大队", "绑定 @li:bureau.local 刑侦大队 leader", "bind @zhang:bureau.local 刑侦大队 member"],
  help: { topic: "admin" },
  cues: { kind: "directive", prefixes: ["绑定", "bind"] },
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const t = ctx.t;
    const parsed = readUserAndUnit(rest, true);
    if (!parsed) {
      if (!ctx.directory.isAdmin(ctx.inbound.sender)) return { replies: [], ignored: true };
      throw new UserError(t.directoryChat.bindUsage);
    }
    await requireAdminFor(ctx, "directory-bind", null);
    const known = ctx.directory.unit(parsed.unit);
    if (!known) throw new UserError(t.directoryChat.unknownUnit(parsed.unit, ctx.directory.units.map((u) => u.name).join("、")));
    const role = parsed.role ?? "member";
    await applyDirectoryChange(ctx, { op: "bind", user: parsed.user, room: null, unit: known.name, role }, actorOf(ctx));
    return { replies: [reply([t.directoryChat.bound(parsed.user, known.name, t.directoryChat.role[role])])] };
  },
});
