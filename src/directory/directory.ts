import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { isCollectiveUnit } from "../plan/unit-list.js";

const unitSchema = z.strictObject({
  name: z.string().trim().min(1, "unit name must not be empty"),
  aliases: z.array(z.string().trim().min(1)).default([]),
  rooms: z.array(z.string().trim().min(1)).default([]),
  members: z.array(z.string().trim().min(1)).default([]),
  leaders: z.array(z.string().trim().min(1)).default([]),
});

/** The directory file: units, their rooms and people. Keys are fixed so operators' files keep working. */
export const directorySchema = z.strictObject({
  office: z.string().trim().min(1, "office must name the unit that administers the plan"),
  admins: z.array(z.string().trim().min(1)).default([]),
  leaders: z.array(z.string().trim().min(1)).default([]),
  units: z.array(unitSchema).min(1, "list at least one unit"),
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
    return `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed keys are office, admins, leaders, units (and per unit: name, aliases, rooms, members, leaders)`;
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
  d.units.forEach((u, i) =>
    u.rooms.forEach((r, j) => {
      const prev = roomOwner.get(r);
      if (prev) problems.push(`units.${i}.rooms.${j}: room "${r}" is already mapped to ${prev}; a room belongs to one unit`);
      else roomOwner.set(r, u.name);
    }),
  );
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

/** The units, rooms and people of the bureau, with lookups by name, alias, room and user. */
export class Directory {
  private readonly byName = new Map<string, DirectoryUnit>();
  private readonly byRoom = new Map<string, DirectoryUnit>();

  constructor(readonly data: DirectoryData) {
    for (const u of data.units) {
      this.byName.set(u.name, u);
      for (const a of u.aliases) this.byName.set(a, u);
      for (const r of u.rooms) this.byRoom.set(r, u);
    }
  }

  get office(): string {
    return this.data.office;
  }

  get units(): readonly DirectoryUnit[] {
    return this.data.units;
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

  /** The units a user belongs to, as member or leader, in directory order. */
  unitsOf(user: string): DirectoryUnit[] {
    return this.data.units.filter((u) => u.members.includes(user) || u.leaders.includes(user));
  }

  /** The author's unit for an update: the room's unit if the author belongs to it, else the author's first unit, else the room's unit. */
  authorUnit(user: string, room: string | null): string | null {
    const units = this.unitsOf(user);
    const roomUnit = room ? this.unitOfRoom(room) : undefined;
    if (roomUnit && units.includes(roomUnit)) return roomUnit.name;
    return units[0]?.name ?? roomUnit?.name ?? null;
  }

  isAdmin(user: string): boolean {
    return this.data.admins.includes(user);
  }

  isLeader(user: string): boolean {
    return this.data.leaders.includes(user) || this.data.units.some((u) => u.leaders.includes(user));
  }

  /** Rooms of the office (科技办), where escalations go. */
  officeRooms(): string[] {
    return this.unit(this.office)?.rooms ?? [];
  }

  /** Plan unit names that the directory does not know (collective names such as 局属各单位 excepted). */
  missingUnits(planUnits: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const n of planUnits) if (!isCollectiveUnit(n) && !this.unit(n)) out.add(n);
    return [...out];
  }
}
