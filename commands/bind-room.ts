import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { roomMemberNotices } from "../src/core/room-members.js";
import { applyDirectoryChange } from "../src/directory/chat-changes.js";

/** `绑定本群 刑侦大队` / `bind room 刑侦大队`: an office admin makes the current room a unit's room. */
export default defineCommand({
  name: "bind-room",
  summary: "bindRoom",
  examples: ["绑定本群 刑侦大队", "bind room 刑侦大队"],
  help: { topic: "admin" },
  cues: { kind: "directive", prefixes: ["绑定本群", "绑定本房间", "bind this room to", "bind this room", "bind room"] },
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const t = ctx.t;
    const unit = rest.trim();
    if (!unit || /\s/.test(unit)) {
      if (!ctx.directory.isAdmin(ctx.inbound.sender)) return { replies: [], ignored: true };
      throw new UserError(t.directoryChat.bindRoomUsage);
    }
    await requireAdminFor(ctx, "directory-bind-room", null);
    const known = ctx.directory.unit(unit);
    if (!known) throw new UserError(t.directoryChat.unknownUnit(unit, ctx.directory.units.map((u) => u.name).join("、")));
    const viaRoom = await applyDirectoryChange(ctx, { op: "bind-room", user: null, room: ctx.inbound.room, unit: known.name, role: null }, actorOf(ctx));
    // A unit that counts its room's people as members gains this room's people now: the office is told who.
    const notices = roomMemberNotices(ctx.directory, t, viaRoom);
    return { replies: [reply([t.directoryChat.roomBound(known.name)])], ...(notices.length ? { notices } : {}) };
  },
});
