import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { isCollectiveUnit } from "../plan/unit-list.js";
import { NameBook } from "./name-book.js";

const unitSchema = z.strictObject({
  name: z.string().trim().min(1, "unit name must not be empty"),
  aliases: z.array(z.string().trim().min(1)).default([]),
  rooms: z.array(z.string().trim().min(1)).default([]),
  members: z.array(z.string().trim().min(1)).default([]),
  leaders: z.array(z.string().trim().min(1)).default([]),
  /** Codes of the plans its rooms are about by default (`任务6` there means this plan's), when several are followed. */
  plans: z.array(z.string().trim().min(1)).default([]),
  /**
   * Everyone joined to the unit's rooms (the file's or 绑定本群's) counts as a member (成员) of the unit, kept current as
   * people join and leave. Off by default; it never makes anyone a leader or an admin.
   */
  members_from_room: z.boolean().default(false),
});

/** The directory file: units, their rooms and people. Keys are fixed so operators' files keep working. */
export const directorySchema = z.strictObject({
  office: z.string().trim().min(1, "office must name the unit that administers the plan"),
  admins: z.array(z.string().trim().min(1)).default([]),
  leaders: z.array(z.string().trim().min(1)).default([]),
  units: z.array(unitSchema).min(1, "list at least one unit"),
  /** People's display names by user id (`"@zhang:bureau.local": { name: 张伟 }`), shown in replies instead of the id. */
  people: z.record(z.string().trim().min(1), z.strictObject({ name: z.string().trim().min(1, "a person's name must not be empty") })).default({}),
});

export type DirectoryData = z.infer<typeof directorySchema>;
export type DirectoryUnit = z.infer<typeof unitSchema>;

export class DirectoryError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`directory ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "DirectoryError";
  }
}

function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys")
    return (
      `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}; ` +
      `allowed keys are office, admins, leaders, units, people (per unit: name, aliases, rooms, members, leaders, plans, members_from_room; per person: name)`
    );
  if (issue.code === "invalid_type") return `${issue.message}; expected ${issue.expected}`;
  return issue.message;
}

/** Validate parsed directory data, naming every problem with its path and a fix. */
export function validateDirectory(data: unknown, file = "<directory>"): Directory {
  const parsed = directorySchema.safeParse(data ?? {});
  if (!parsed.success) {
    throw new DirectoryError(
      file,
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${fixFor(i)}`),
    );
  }
  const d = parsed.data;
  const problems: string[] = [];
  const seen = new Map<string, string>();
  d.units.forEach((u, i) => {
    for (const [j, name] of [u.name, ...u.aliases].entries()) {
      const where = j === 0 ? `units.${i}.name` : `units.${i}.aliases.${j - 1}`;
      const prev = seen.get(name);
      if (prev) problems.push(`${where}: "${name}" is already used at ${prev}; each unit name and alias must be unique`);
      else seen.set(name, where);
    }
  });
  const roomOwner = new Map<string, string>();
  d.units.forEach((u, i) => {
    u.rooms.forEach((r, j) => {
      const prev = roomOwner.get(r);
      if (prev) problems.push(`units.${i}.rooms.${j}: room "${r}" is already mapped to ${prev}; a room belongs to one unit`);
      else roomOwner.set(r, u.name);
    });
  });
  if (!d.units.some((u) => u.name === d.office))
    problems.push(`office: "${d.office}" is not listed under units; add a unit named "${d.office}" (with its room) or fix the name`);
  if (problems.length > 0) throw new DirectoryError(file, problems);
  return new Directory(d);
}

/** Load and validate a directory file (YAML or JSON): `loadDirectory("./directory.yaml")`. */
export function loadDirectory(file: string): Directory {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new DirectoryError(file, [`cannot read the file (${(e as Error).message}); set DUBAN_DIRECTORY to an existing file`]);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new DirectoryError(file, [`not valid YAML/JSON: ${(e as Error).message}`]);
  }
  return validateDirectory(data, file);
}

/** Where a directory entry comes from: the file, a chat change (绑定 / 绑定本群), or the unit's room (members_from_room). */
export type EntrySource = "file" | "chat" | "room";

/** A change in who counts as a unit's member through its room (members_from_room): someone joined or left. */
export interface RoomMemberChange {
  unit: string;
  user: string;
  change: "added" | "removed";
}

/**
 * What a transport saw of a room's membership: who joined and who left, or (`complete`) everyone joined right now,
 * as on start or when the bot joins the room. The bot itself is never in it.
 */
export interface RoomMembership {
  room: string;
  joined: string[];
  left: string[];
  complete: boolean;
}

/** A role from the directory: admin (the office), leader, member, or stranger (in no entry). */
export type Role = "admin" | "leader" | "member" | "stranger";

/** One change made from chat, as applied over the file (see DirectoryChangeRecord). */
export interface OverlayChange {
  op: "bind" | "unbind" | "bind-room";
  user: string | null;
  room: string | null;
  unit: string;
  role: "member" | "leader" | null;
}

/**
 * Apply chat changes, in order, over the file's data: `bind` adds a user to a unit (as member or leader),
 * `unbind` removes them from it, `bind-room` moves a room to a unit. A change that no longer fits (its unit
 * was renamed in the file, say) is skipped and reported, never guessed.
 */
export function applyOverlay(
  file: DirectoryData,
  changes: readonly OverlayChange[],
): { data: DirectoryData; skipped: { change: OverlayChange; problem: string }[] } {
  const data: DirectoryData = structuredClone(file);
  const skipped: { change: OverlayChange; problem: string }[] = [];
  const find = (name: string) => data.units.find((u) => u.name === name || u.aliases.includes(name));
  for (const c of changes) {
    const unit = find(c.unit);
    if (!unit) {
      skipped.push({ change: c, problem: `unit "${c.unit}" is not in the directory file` });
      continue;
    }
    if (c.op === "bind" && c.user) {
      const list = c.role === "leader" ? unit.leaders : unit.members;
      if (!list.includes(c.user)) list.push(c.user);
    } else if (c.op === "unbind" && c.user) {
      unit.members = unit.members.filter((m) => m !== c.user);
      unit.leaders = unit.leaders.filter((m) => m !== c.user);
    } else if (c.op === "bind-room" && c.room) {
      for (const u of data.units) u.rooms = u.rooms.filter((r) => r !== c.room);
      unit.rooms.push(c.room);
    } else skipped.push({ change: c, problem: `malformed change ${JSON.stringify(c)}` });
  }
  return { data, skipped };
}

/**
 * The units, rooms and people of the bureau, with lookups by name, alias, room and user. One instance
 * is shared by the bot and the scheduler; `replace` swaps its contents in place (reload, chat changes).
 */
export class Directory {
  /** Names learnt from the chat network (the Matrix profile), used where the file gives none. Survives `replace`. */
  readonly names = new NameBook();
  /** Who is joined to each room, as the transport last reported it (members_from_room). Survives `replace`. */
  private joined = new Map<string, ReadonlySet<string>>();
  private byName = new Map<string, DirectoryUnit>();
  private byRoom = new Map<string, DirectoryUnit>();
  private current!: DirectoryData;

  constructor(data: DirectoryData) {
    this.replace(data);
  }

  /** Swap in new (already validated) contents. */
  replace(data: DirectoryData): void {
    const byName = new Map<string, DirectoryUnit>();
    const byRoom = new Map<string, DirectoryUnit>();
    for (const u of data.units) {
      byName.set(u.name, u);
      for (const a of u.aliases) byName.set(a, u);
      for (const r of u.rooms) byRoom.set(r, u);
    }
    this.current = data;
    this.byName = byName;
    this.byRoom = byRoom;
  }

  get data(): DirectoryData {
    return this.current;
  }

  get office(): string {
    return this.current.office;
  }

  get units(): readonly DirectoryUnit[] {
    return this.current.units;
  }

  /** A unit by its name or an alias: `unit("刑侦")` → the 刑侦大队 entry. */
  unit(nameOrAlias: string): DirectoryUnit | undefined {
    return this.byName.get(nameOrAlias.trim());
  }

  /** The canonical name for a unit name or alias; unknown names are returned as given. */
  canonical(name: string): string {
    return this.unit(name)?.name ?? name;
  }

  /** Every name (canonical and aliases) a unit goes by, for matching plan text. */
  namesOf(unit: string): string[] {
    const u = this.unit(unit);
    return u ? [u.name, ...u.aliases] : [unit];
  }

  unitOfRoom(room: string): DirectoryUnit | undefined {
    return this.byRoom.get(room);
  }

  /** The units a user belongs to, as member or leader in directory order, then those they are a member of through the unit's room. */
  unitsOf(user: string): DirectoryUnit[] {
    // The file's and chat's units come first, so that joining another unit's room never changes whom one reports for
    // where both units are responsible, nor the unit one's audit entries name.
    const named = this.current.units.filter((u) => u.members.includes(user) || u.leaders.includes(user));
    return [...named, ...this.current.units.filter((u) => !named.includes(u) && this.inUnitRoom(u, user))];
  }

  private inUnitRoom(u: DirectoryUnit, user: string): boolean {
    return u.members_from_room && u.rooms.some((r) => this.joined.get(r)?.has(user));
  }

  /**
   * The people who are the unit's members only through its room (members_from_room): joined to one of its rooms and
   * not already its member or leader by the file or chat. Empty when the unit has not opted in.
   */
  roomMembersOf(unit: DirectoryUnit): string[] {
    if (!unit.members_from_room) return [];
    const out = new Set<string>();
    for (const r of unit.rooms) for (const user of this.joined.get(r) ?? []) if (!unit.members.includes(user) && !unit.leaders.includes(user)) out.add(user);
    return [...out].sort();
  }

  /** Every (unit, person) pair that holds through a room, keyed `unit\u0000user`: what members_from_room adds. */
  roomMemberships(): Map<string, { unit: string; user: string }> {
    const out = new Map<string, { unit: string; user: string }>();
    for (const u of this.current.units) for (const user of this.roomMembersOf(u)) out.set(`${u.name}\u0000${user}`, { unit: u.name, user });
    return out;
  }

  /** Who is joined to each room, as last reported (a copy). */
  joinedMembers(): Map<string, string[]> {
    return new Map([...this.joined].map(([room, users]) => [room, [...users].sort()]));
  }

  /** Swap in who is joined to each room (already stored by the caller). */
  replaceJoined(joined: ReadonlyMap<string, readonly string[]>): void {
    this.joined = new Map([...joined].map(([room, users]) => [room, new Set(users)]));
  }

  /** How a person is shown in replies: the file's `name`, else the chat profile's, else the id: `displayName("@zhang:bureau.local")` → `张伟`. */
  displayName(user: string): string {
    return this.current.people[user]?.name ?? this.names.nameOf(user) ?? user;
  }

  isAdmin(user: string): boolean {
    return this.current.admins.includes(user);
  }

  isLeader(user: string): boolean {
    return this.current.leaders.includes(user) || this.current.units.some((u) => u.leaders.includes(user));
  }

  /** The strongest role a user has: admin, then leader, then member; stranger when in no entry. */
  roleOf(user: string): Role {
    if (this.isAdmin(user)) return "admin";
    if (this.isLeader(user)) return "leader";
    return this.unitsOf(user).length > 0 ? "member" : "stranger";
  }

  /** The unit a user acts for in the audit trail: their first unit, or the office for an admin in none. */
  homeUnit(user: string): string | null {
    return this.unitsOf(user)[0]?.name ?? (this.isAdmin(user) ? this.office : null);
  }

  /** Rooms of the office (科技办), where escalations go. */
  officeRooms(): string[] {
    return this.unit(this.office)?.rooms ?? [];
  }

  /** Rooms of the units named (plan names or aliases), without repeats; collective names are skipped. */
  roomsOf(units: readonly string[]): string[] {
    return [...new Set(units.flatMap((n) => this.unit(n)?.rooms ?? []))];
  }

  /** Plan unit names that the directory does not know (collective names such as 局属各单位 excepted). */
  missingUnits(planUnits: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const n of planUnits) if (!isCollectiveUnit(n) && !this.unit(n)) out.add(n);
    return [...out];
  }
}
