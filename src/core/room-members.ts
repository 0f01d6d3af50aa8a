import type { Directory, RoomMemberChange } from "../directory/directory.js";
import type { Catalogue } from "./i18n/index.js";
import { reply, type Notice } from "./reply.js";

/** At most this many names per unit and direction in the office's message; the rest are counted. */
const NAMES_SHOWN = 10;

/**
 * What the office is told of changes in who counts as a member through a unit's room (members_from_room): one short
 * line for one change, else one message with a line per unit, however many people a start or a 绑定本群 brings.
 */
export function roomMemberLines(directory: Directory, t: Catalogue, changes: readonly RoomMemberChange[]): string[] {
  if (changes.length === 0) return [];
  if (changes.length === 1) {
    const c = changes[0]!;
    return [t.roomMembers.one(directory.displayName(c.user), c.unit, c.change === "added")];
  }
  const units = [...new Set(changes.map((c) => c.unit))];
  const names = (unit: string, change: RoomMemberChange["change"]) => {
    const who = changes.filter((c) => c.unit === unit && c.change === change).map((c) => directory.displayName(c.user));
    return who.length ? t.roomMembers.names(who.slice(0, NAMES_SHOWN), who.length) : "";
  };
  return [t.roomMembers.header, ...units.map((u) => t.roomMembers.line(u, names(u, "added"), names(u, "removed")))];
}

/** The same, as a notice to the office's rooms (none when nothing changed or the office has no room). */
export function roomMemberNotices(directory: Directory, t: Catalogue, changes: readonly RoomMemberChange[]): Notice[] {
  const lines = roomMemberLines(directory, t, changes);
  const rooms = directory.officeRooms();
  return lines.length && rooms.length ? [{ rooms, reply: reply(lines) }] : [];
}
