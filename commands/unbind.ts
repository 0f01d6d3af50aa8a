import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { applyDirectoryChange, readUserAndUnit } from "../src/directory/chat-changes.js";

/** `解绑 @zhang:bureau.local 刑侦大队`: an office admin removes a person from a unit. */
export default defineCommand({
  name: "unbind",
  summary: "unbind",
  examples: ["解绑 @zhang:bureau.local 刑侦大队", "unbind @zhang:bureau.local 刑侦大队"],
  help: { topic: "admin" },
  cues: { kind: "directive", prefixes: ["解绑", "解除绑定", "unbind"] },
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const t = ctx.t;
    const parsed = readUserAndUnit(rest, false);
    if (!parsed) {
      if (!ctx.directory.isAdmin(ctx.inbound.sender)) return { replies: [], ignored: true };
      throw new UserError(t.directoryChat.unbindUsage);
    }
    await requireAdminFor(ctx, "directory-unbind", null);
    const known = ctx.directory.unit(parsed.unit);
    if (!known) throw new UserError(t.directoryChat.unknownUnit(parsed.unit, ctx.directory.units.map((u) => u.name).join("、")));
    if (!known.members.includes(parsed.user) && !known.leaders.includes(parsed.user)) {
      // Counted from the unit's room (members_from_room): only leaving the room, or the file, ends that.
      if (ctx.directory.roomMembersOf(known).includes(parsed.user)) throw new UserError(t.roomMembers.unbind(parsed.user, known.name));
      throw new UserError(t.directoryChat.notInUnit(parsed.user, known.name));
    }
    await applyDirectoryChange(ctx, { op: "unbind", user: parsed.user, room: null, unit: known.name, role: null }, actorOf(ctx));
    return { replies: [reply([t.directoryChat.unbound(parsed.user, known.name)])] };
  },
});
