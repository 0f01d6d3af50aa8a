import type { BotDeps } from "../bot-deps.js";
import type { Message } from "../inbound.js";
import type { HandlerResult } from "../reply.js";
import { roomMemberNotices } from "../room-members.js";

/**
 * Someone joined or left rooms (or a transport's list of everyone in them): stored, and where a unit counts its room's
 * people as members (members_from_room), each resulting change audited and told to the office. No reply in the room.
 */
export async function onMembership(msg: Message, deps: BotDeps): Promise<HandlerResult> {
  if (!deps.directoryAdmin || !msg.membership?.length) return { replies: [] };
  const actor = { id: msg.sender, unit: null, transport: msg.transport, room: msg.room || null, eventId: msg.eventId ?? null };
  const changes = await deps.directoryAdmin.roomMembership(msg.membership, actor, deps.clock.now());
  if (changes.length) deps.log.info("unit members counted from rooms changed", { changes });
  const notices = roomMemberNotices(deps.directory, deps.t, changes);
  return notices.length ? { replies: [], notices } : { replies: [] };
}
