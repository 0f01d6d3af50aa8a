import type { Directory } from "../directory/directory.js";
import { isCollectiveUnit } from "../plan/unit-list.js";
import { UserError, type CommandContext } from "./command.js";
import type { Actor, TaskRecord } from "./model.js";

/**
 * Who may change what (see docs/directory-and-roles.md, "Roles and permissions"). Pure functions over the directory;
 * `refuse` is the one way a command says no: it writes the refusal to the audit trail, then replies.
 */

/** Whether `user` belongs to one of `units` (plan names or aliases); a collective name such as 局属各单位 covers every unit. */
function memberOf(dir: Directory, user: string, units: readonly string[]): string | null {
  const mine = dir.unitsOf(user);
  if (mine.length === 0) return null;
  for (const name of units) {
    if (isCollectiveUnit(name)) return mine[0]!.name;
    const unit = dir.unit(name);
    if (unit && mine.includes(unit)) return unit.name;
  }
  return null;
}

/** The lead unit (牵头单位) a user belongs to for this task, or null. */
export function leadUnitFor(dir: Directory, user: string, task: Pick<TaskRecord, "leadUnits">): string | null {
  return memberOf(dir, user, task.leadUnits);
}

/** Whether `user` moves `task`'s targets (指标+1) themselves: a member of one of its lead units, or an admin; a responsible unit asks. */
export function mayMoveTargets(dir: Directory, user: string, task: Pick<TaskRecord, "leadUnits">): boolean {
  return leadUnitFor(dir, user, task) !== null || dir.isAdmin(user);
}

/**
 * The unit a user reports for on this task, or null when they may not post to it: the lead unit they
 * belong to, else the first responsible unit they belong to. Admins may post anywhere, for their own unit.
 */
export function reportingUnit(dir: Directory, user: string, task: Pick<TaskRecord, "leadUnits" | "responsibleUnits">): string | null {
  const unit = memberOf(dir, user, task.leadUnits) ?? memberOf(dir, user, task.responsibleUnits);
  if (unit) return unit;
  return dir.isAdmin(user) ? dir.homeUnit(user) : null;
}

/** Refuse an update on a task the sender may not post on, naming the units that may. */
export function refuseReporter(ctx: Pick<CommandContext, "inbound" | "directory" | "repos" | "clock" | "t">, action: string, task: TaskRecord): Promise<never> {
  return refuse(ctx, action, task, ctx.t.permissions.notReporter(task.number, [...task.leadUnits, ...task.responsibleUnits].join("、")));
}

/** Admins and leaders read the audit trail. */
export function canReadAudit(dir: Directory, user: string): boolean {
  return dir.isAdmin(user) || dir.isLeader(user);
}

/** The audit actor for the message being handled. */
export function actorOf(ctx: Pick<CommandContext, "inbound" | "directory">, unit?: string | null): Actor {
  const { inbound, directory } = ctx;
  return {
    id: inbound.sender,
    unit: unit === undefined ? directory.homeUnit(inbound.sender) : unit,
    transport: inbound.transport,
    room: inbound.room,
    eventId: inbound.eventId ?? null,
  };
}

/**
 * Refuse a change: append a "refused" entry to the audit trail (nothing else is stored), then stop
 * the handler with a polite reply saying who may do it.
 */
export async function refuse(
  ctx: Pick<CommandContext, "inbound" | "directory" | "repos" | "clock">,
  action: string,
  task: Pick<TaskRecord, "id" | "number"> | null,
  message: string,
): Promise<never> {
  await ctx.repos.audit.append({
    at: ctx.clock.now(),
    actor: actorOf(ctx),
    action,
    outcome: "refused",
    task: task ? { id: task.id, number: task.number } : null,
    detail: { role: ctx.directory.roleOf(ctx.inbound.sender), text: ctx.inbound.text.slice(0, 500), reply: message },
  });
  throw new UserError(message);
}

/** Only admins (the office) may go on; anyone else is refused and audited. */
export async function requireAdminFor(ctx: CommandContext, action: string, task: Pick<TaskRecord, "id" | "number"> | null): Promise<void> {
  if (!ctx.directory.isAdmin(ctx.inbound.sender)) await refuse(ctx, action, task, ctx.t.permissions.adminOnly(ctx.directory.office));
}
