/** Changes to the directory (名册) made from chat: people bound to units, rooms bound to units. */
import type { Actor } from "./actor.js";

/** A directory change made from chat, applied in order over the directory file. */
export interface DirectoryChangeRecord {
  id: number;
  op: "bind" | "unbind" | "bind-room";
  user: string | null;
  room: string | null;
  unit: string;
  role: "member" | "leader" | null;
  by: string;
  at: Date;
}

export interface DirectoryChangeRepository {
  list(): Promise<DirectoryChangeRecord[]>;
  add(change: Omit<DirectoryChangeRecord, "id">, actor: Actor): Promise<DirectoryChangeRecord>;
}
