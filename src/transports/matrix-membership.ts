import type { RoomMembership } from "../directory/directory.js";
import type { MatrixEvent } from "./matrix-sync.js";

/** What one m.room.member event says of someone: joined (with the display name it carries) or left. */
export interface MemberChange {
  user: string;
  joined: boolean;
  name: string | undefined;
}

/**
 * Read an `m.room.member` event: a join (a display-name change is a join again, which the core finds is no change) or a
 * leave (left, kicked or banned). Null for anything else: invites, knocks, other events, and the bot itself, which is
 * never a member of anything.
 */
export function memberChange(event: MatrixEvent, me: string): MemberChange | null {
  if (event.type !== "m.room.member" || typeof event.state_key !== "string" || !event.state_key || event.state_key === me) return null;
  const membership = event.content?.membership;
  const name = typeof event.content?.displayname === "string" ? event.content.displayname : undefined;
  if (membership === "join") return { user: event.state_key, joined: true, name };
  if (membership === "leave" || membership === "ban") return { user: event.state_key, joined: false, name: undefined };
  return null;
}

/** A room's joined members (`GET /joined_members`) as the core takes them: everyone but the bot, with their display names. */
export function joinedList(
  room: string,
  joined: Record<string, { display_name?: string | null } | undefined>,
  me: string,
): { membership: RoomMembership; names: [string, string | undefined][] } {
  const users = Object.keys(joined)
    .filter((u) => u !== me)
    .sort();
  return {
    membership: { room, joined: users, left: [], complete: true },
    names: users.map((u) => [u, typeof joined[u]?.display_name === "string" ? joined[u]!.display_name! : undefined]),
  };
}
