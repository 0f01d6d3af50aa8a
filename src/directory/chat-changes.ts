import { UserError, type CommandContext } from "../core/command.js";
import type { Actor } from "../core/model.js";
import { DirectoryError, type OverlayChange, type RoomMemberChange } from "./directory.js";

/** `@zhang:bureau.local 刑侦大队 [member|leader|成员|负责人]` → the user, the unit and the role. */
export function readUserAndUnit(rest: string, withRole: boolean): { user: string; unit: string; role: "member" | "leader" | null } | null {
  const role = withRole ? "(?:\\s+(member|leader|成员|负责人|领导))?" : "";
  const m = new RegExp(`^(@[^\\s:]+:\\S+)\\s+(\\S+)${role}$`, "iu").exec(rest.trim());
  if (!m) return null;
  const r = m[3]?.toLowerCase();
  return { user: m[1]!, unit: m[2]!, role: r === undefined ? null : r === "leader" || r === "负责人" || r === "领导" ? "leader" : "member" };
}

/**
 * Apply a chat change through the directory port, turning a validation failure into a clear reply. Returns who became or
 * stopped being a member through a room because of it (绑定本群 of a unit with members_from_room).
 */
export async function applyDirectoryChange(ctx: CommandContext, change: OverlayChange, actor: Actor): Promise<RoomMemberChange[]> {
  if (!ctx.directoryAdmin) throw new UserError(ctx.t.errors.internal);
  try {
    return await ctx.directoryAdmin.apply(change, actor, ctx.clock.now());
  } catch (e) {
    if (e instanceof DirectoryError) throw new UserError(ctx.t.directoryChat.invalid(e.problems.join("；")));
    throw e;
  }
}
