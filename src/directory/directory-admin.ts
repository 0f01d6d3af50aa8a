import type { DirectoryAdminPort } from "../core/command.js";
import type { Actor, AuditRepository, DirectoryChangeRepository, SettingsStore } from "../core/model.js";
import {
  applyOverlay,
  type Directory,
  DirectoryError,
  type EntrySource,
  loadDirectory,
  validateDirectory,
  type DirectoryData,
  type OverlayChange,
  type RoomMemberChange,
  type RoomMembership,
} from "./directory.js";

/** Where who is joined to each room is kept (JSON: room → user ids), so a restart reports only what changed meanwhile. */
export const JOINED_KEY = "directory.room-members";

/**
 * Where the memberships through rooms last audited and told are kept (JSON: [unit, user] pairs): what changed since, by
 * a join or by the file (members_from_room turned on while the bot was stopped), is audited at the next report.
 */
export const ANNOUNCED_KEY = "directory.room-memberships";

type Memberships = Map<string, { unit: string; user: string }>;

/** A unit as `duban directory --json` shows it: the effective entries, and where each one comes from. */
export type SourcedUnit = DirectoryData["units"][number] & {
  sources: { rooms: Record<string, EntrySource>; leaders: Record<string, EntrySource>; members: Record<string, EntrySource> };
};

/**
 * The effective directory: the file with the chat changes (绑定 / 解绑 / 绑定本群) applied over it. Chat
 * changes are validated like the file, stored, audited, and in force at once; `reload` re-reads the file
 * (SIGHUP, or when it changes) and keeps the old directory if the new file does not validate.
 */
export class DirectoryAdmin implements DirectoryAdminPort {
  private constructor(
    private readonly file: string,
    private fileData: DirectoryData,
    readonly directory: Directory,
    private readonly changes: DirectoryChangeRepository,
    private readonly audit: AuditRepository,
    private readonly settings: SettingsStore,
  ) {}

  /**
   * Load the file and apply the stored changes. Changes that no longer fit the file are skipped and returned.
   * `fileDirectory` is the already loaded file (openApp loads it before the database exists).
   */
  static async open(
    file: string,
    fileDirectory: Directory,
    changes: DirectoryChangeRepository,
    audit: AuditRepository,
    settings: SettingsStore,
  ): Promise<{ admin: DirectoryAdmin; skipped: string[] }> {
    const admin = new DirectoryAdmin(file, structuredClone(fileDirectory.data), fileDirectory, changes, audit, settings);
    const skipped = await admin.rebuild(admin.fileData);
    fileDirectory.replaceJoined(await readJoined(settings));
    return { admin, skipped };
  }

  /** The effective data for a file: overlay applied; throws DirectoryError when the result is invalid. */
  private async effective(fileData: DirectoryData, extra: OverlayChange[] = []): Promise<{ data: DirectoryData; skipped: string[] }> {
    const { data, skipped } = applyOverlay(fileData, [...(await this.changes.list()), ...extra]);
    validateDirectory(data, this.file);
    return { data, skipped: skipped.map((s) => `${s.change.op} ${s.change.user ?? s.change.room ?? ""} ${s.change.unit}: ${s.problem}`) };
  }

  private async rebuild(fileData: DirectoryData): Promise<string[]> {
    let result: { data: DirectoryData; skipped: string[] };
    try {
      result = await this.effective(fileData);
    } catch (e) {
      // The stored changes no longer fit this file: the file alone is in force, and the problem is reported.
      if (!(e instanceof DirectoryError)) throw e;
      this.fileData = fileData;
      this.directory.replace(structuredClone(fileData));
      return e.problems.map((p) => `chat changes not applied: ${p}`);
    }
    this.fileData = fileData;
    this.directory.replace(result.data);
    return result.skipped;
  }

  /** Apply a chat change; returns who became or stopped being a member through a room because of it (a room bound, say). */
  async apply(change: OverlayChange, actor: Actor, at: Date): Promise<RoomMemberChange[]> {
    // Earlier changes that no longer fit the file are skipped as they already are; only this change must apply.
    const { skipped: before } = applyOverlay(this.fileData, await this.changes.list());
    const { data, skipped } = await this.effective(this.fileData, [change]);
    if (skipped.length > before.length) throw new DirectoryError(this.file, skipped.slice(before.length));
    await this.changes.add({ ...change, by: actor.id, at }, actor);
    this.directory.replace(data);
    return this.auditRoomMembers(actor, at, change.op);
  }

  /**
   * What a transport saw of rooms' membership (joins, leaves, or everyone joined now): stored, and for the units with
   * members_from_room every resulting change (someone became or stopped being a member) audited and returned.
   * Nobody becomes a leader or an admin this way.
   */
  async roomMembership(reports: readonly RoomMembership[], actor: Actor, at: Date): Promise<RoomMemberChange[]> {
    const old = this.directory.joinedMembers();
    const next = this.directory.joinedMembers();
    for (const r of reports) {
      const users = new Set(r.complete ? [] : (next.get(r.room) ?? []));
      for (const u of r.joined) users.add(u);
      for (const u of r.left) users.delete(u);
      if (users.size > 0) next.set(r.room, [...users].sort());
      else next.delete(r.room);
    }
    const same = JSON.stringify([...old].sort()) === JSON.stringify([...next].sort());
    this.directory.replaceJoined(next);
    try {
      // Audited first, then stored: a failure in between audits the change again on redelivery rather than never.
      const changed = await this.auditRoomMembers(actor, at, reports.some((r) => r.complete) ? "room-sync" : "room-event");
      if (!same) await this.settings.set(JOINED_KEY, JSON.stringify(Object.fromEntries([...next].sort())));
      return changed;
    } catch (e) {
      this.directory.replaceJoined(old);
      throw e;
    }
  }

  /** Audit each difference between the room memberships last announced and now, and keep now's; returns them, additions first. */
  private async auditRoomMembers(actor: Actor, at: Date, cause: string): Promise<RoomMemberChange[]> {
    // Read each time: a command-line 绑定本群 (npx duban say) announces in its own process.
    const was = await readAnnounced(this.settings);
    const now = this.directory.roomMemberships();
    const changed: RoomMemberChange[] = [
      ...[...now].filter(([k]) => !was.has(k)).map(([, m]) => ({ ...m, change: "added" as const })),
      ...[...was].filter(([k]) => !now.has(k)).map(([, m]) => ({ ...m, change: "removed" as const })),
    ];
    if (changed.length === 0) return [];
    for (const c of changed)
      await this.audit.append({ at, actor, action: "directory-room-member", detail: { unit: c.unit, user: c.user, change: c.change, cause } });
    await this.settings.set(ANNOUNCED_KEY, JSON.stringify([...now.values()].map((m) => [m.unit, m.user])));
    return changed;
  }

  /** The effective units with the source of every room, leader and member (`npx duban directory --json`). */
  sourcedUnits(): SourcedUnit[] {
    const fileUnit = (name: string) => this.fileData.units.find((u) => u.name === name);
    return this.directory.units.map((u) => {
      const f = fileUnit(u.name);
      const from = (ids: readonly string[], inFile: readonly string[] | undefined) =>
        Object.fromEntries(ids.map((id) => [id, (inFile?.includes(id) ? "file" : "chat") as EntrySource]));
      const viaRoom = this.directory.roomMembersOf(u);
      return {
        ...u,
        members: [...u.members, ...viaRoom],
        sources: {
          rooms: from(u.rooms, f?.rooms),
          leaders: from(u.leaders, f?.leaders),
          members: { ...from(u.members, f?.members), ...Object.fromEntries(viaRoom.map((id) => [id, "room" as EntrySource])) },
        },
      };
    });
  }

  /**
   * Re-read the file. On success the new file plus the chat changes is in force; otherwise the old
   * directory stays and the problems are returned (the caller tells the office). Audited either way.
   */
  async reload(actor: Actor, at: Date): Promise<{ ok: boolean; problems: string[]; roomMembers: RoomMemberChange[] }> {
    let loaded: Directory;
    try {
      loaded = loadDirectory(this.file);
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      await this.audit.append({ at, actor, action: "directory-reload", outcome: "refused", detail: { file: this.file, problems: e.problems } });
      return { ok: false, problems: e.problems, roomMembers: [] };
    }
    const skipped = await this.rebuild(structuredClone(loaded.data));
    await this.audit.append({ at, actor, action: "directory-reload", detail: { file: this.file, skipped } });
    return { ok: true, problems: skipped, roomMembers: await this.auditRoomMembers(actor, at, "reload") };
  }

  /** The effective directory as data (`npx duban directory --json`). */
  get data(): DirectoryData {
    return this.directory.data;
  }
}

/** Who was joined to each room when last reported; a damaged value counts as none (the next start reports everyone again). */
async function readJoined(settings: SettingsStore): Promise<Map<string, string[]>> {
  const raw = await settings.get(JOINED_KEY);
  if (!raw) return new Map();
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return new Map(
      Object.entries(parsed).flatMap(([room, users]) => (Array.isArray(users) ? [[room, users.filter((u): u is string => typeof u === "string")]] : [])),
    );
  } catch {
    return new Map();
  }
}

/** The memberships through rooms last announced; none when never stored or damaged (the next report tells them all). */
async function readAnnounced(settings: SettingsStore): Promise<Memberships> {
  const raw = await settings.get(ANNOUNCED_KEY);
  const out: Memberships = new Map();
  try {
    for (const pair of raw ? (JSON.parse(raw) as unknown[]) : [])
      if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string")
        out.set(`${pair[0]}\u0000${pair[1]}`, { unit: pair[0], user: pair[1] });
  } catch {
    return new Map();
  }
  return out;
}
