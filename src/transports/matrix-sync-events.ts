import type { MatrixEvent, SyncResponse } from "./matrix-sync.js";

/** The names matrix-bot-sdk's MatrixClient emits for what a sync brings (`client.on("room.message", …)`). */
export type SyncEventName =
  | "account_data"
  | "room.account_data"
  | "room.leave"
  | "room.invite"
  | "room.join"
  | "room.message"
  | "room.archived"
  | "room.upgraded"
  | "room.event";

/** One emitted event: `roomId` is null for the account's own data ("account_data"). Awaited before the next. */
export type SyncEmit = (name: SyncEventName, roomId: string | null, event: MatrixEvent) => Promise<void>;

/** Of several membership events of ours in one room, the newest (the smallest `unsigned.age`), as the SDK picks. */
function newest(events: MatrixEvent[]): MatrixEvent | null {
  let found: MatrixEvent | null = null;
  for (const e of events) if (!found || (e.unsigned?.age ?? 0) <= (found.unsigned?.age ?? 0)) found = e;
  return found;
}

/**
 * Walk one sync batch in the order and with the names of matrix-bot-sdk 0.8's `MatrixClient.processSync`: account
 * data; rooms left ("room.leave"); invites ("room.invite", our newest invite event); then each joined room's
 * timeline, where our own join into a room not in `joined` is "room.join" before its "room.event", and messages,
 * tombstones and upgrades also get "room.message", "room.archived" and "room.upgraded". `joined` (the rooms we are
 * in) is updated as rooms are joined and left. Unlike the SDK, there are no event preprocessors and no decryption.
 */
export async function emitSyncEvents(batch: SyncResponse, me: string, joined: Set<string>, emit: SyncEmit): Promise<void> {
  for (const event of batch.account_data?.events ?? []) await emit("account_data", null, event);
  const rooms = batch.rooms ?? {};
  for (const [roomId, room] of Object.entries(rooms.leave ?? {})) {
    for (const event of room.account_data?.events ?? []) await emit("room.account_data", roomId, event);
    const ours = (room.timeline?.events ?? []).filter(
      (e) => e.type === "m.room.member" && e.state_key === me && (e.content?.membership === "leave" || e.content?.membership === "ban"),
    );
    const leave = newest(ours);
    if (!leave) continue;
    await emit("room.leave", roomId, leave);
    joined.delete(roomId);
  }
  for (const [roomId, room] of Object.entries(rooms.invite ?? {})) {
    const ours = (room.invite_state?.events ?? []).filter((e) => e.type === "m.room.member" && e.state_key === me && e.content?.membership === "invite");
    const invite = newest(ours);
    if (invite) await emit("room.invite", roomId, invite);
  }
  for (const [roomId, room] of Object.entries(rooms.join ?? {})) {
    for (const event of room.account_data?.events ?? []) await emit("room.account_data", roomId, event);
    for (const event of room.timeline?.events ?? []) {
      if (event.type === "m.room.member" && event.state_key === me && event.content?.membership === "join" && !joined.has(roomId)) {
        await emit("room.join", roomId, event);
        joined.add(roomId);
      }
      if (event.type === "m.room.message") await emit("room.message", roomId, event);
      if (event.type === "m.room.tombstone" && event.state_key === "") await emit("room.archived", roomId, event);
      const predecessor = (event.content?.predecessor as { room_id?: string } | undefined)?.room_id;
      if (event.type === "m.room.create" && event.state_key === "" && predecessor) await emit("room.upgraded", roomId, event);
      await emit("room.event", roomId, event);
    }
  }
}
