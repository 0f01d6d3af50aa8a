import { groupBy } from "../core/group-by.js";
import { dayOf } from "../core/time.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Actor, ImportReport, PlanRecord, PlanRepository, ReminderTaskRow, TargetRecord, TaskChanges, TaskRecord } from "../core/model.js";
import type { Deadline, DeadlineKind, ParsedPlan, ParsedTarget } from "../plan/types.js";
import { appendAudit } from "./prisma-audit-repository.js";
import { PlanCodeError, derivePlanCode, planCodeProblem } from "../plan/plan-code.js";

export type TaskRow = Awaited<ReturnType<PrismaClient["task"]["findFirstOrThrow"]>> & {
  section: { label: string; title: string; ordinal: number } | null;
  targets?: TargetRow[];
};
export type TargetRow = Awaited<ReturnType<PrismaClient["target"]["findFirstOrThrow"]>>;

export const toTarget = (r: TargetRow): TargetRecord => ({
  id: r.id,
  taskId: r.taskId,
  name: r.name,
  unit: r.unit,
  count: r.count,
  current: r.current,
  due: r.due,
  source: r.source as TargetRecord["source"],
  createdAt: r.createdAt,
});

const withSection = { section: { select: { label: true, title: true, ordinal: true } } } as const;
/** One task with its live targets; lists load the targets in a second query (see attachTargets). */
const withTargets = { ...withSection, targets: { where: { removedAt: null }, orderBy: { id: "asc" } } } as const;

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * The plan's targets for a task that it does not have yet (by name, removed ones included: an admin's removal
 * stands). Existing targets are left as they are, so a re-import never resets a count.
 */
async function addPlanTargets(tx: Tx, taskId: number, targets: ParsedTarget[], at: Date): Promise<{ id: number; name: string }[]> {
  if (targets.length === 0) return [];
  const have = new Set((await tx.target.findMany({ where: { taskId }, select: { name: true } })).map((t) => t.name));
  const add = targets.filter((t) => !have.has(t.name));
  if (add.length === 0) return [];
  await tx.target.createMany({
    data: add.map((t) => ({ taskId, name: t.name, unit: t.unit, count: t.count, due: t.due, source: "plan", sourceText: t.sourceText, createdAt: at })),
  });
  // Their ids, for the import's audit entry (the replay's starting counts).
  return tx.target.findMany({ where: { taskId, name: { in: add.map((t) => t.name) } }, select: { id: true, name: true } });
}

export function toTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    planId: row.planId,
    number: row.number,
    title: row.title,
    description: row.description,
    section: row.section?.title ?? null,
    sectionLabel: row.section?.label ?? null,
    sectionOrdinal: row.section?.ordinal ?? null,
    leadUnits: JSON.parse(row.leadUnits) as string[],
    responsibleUnits: JSON.parse(row.responsibleUnits) as string[],
    deadline: { text: row.deadlineText, kind: row.deadlineKind as DeadlineKind, date: row.deadlineDate },
    inDocument: row.inDocument,
    completedAt: row.completedAt,
    completedBy: row.completedBy,
    remindersPaused: row.remindersPaused,
    pauseReason: row.pauseReason,
    progress: row.progress,
    lastUpdateAt: row.lastUpdateAt,
    updateCount: row.updateCount,
    originalDeadline:
      row.deadlineChange && row.originalDeadlineText !== null
        ? { text: row.originalDeadlineText, kind: (row.originalDeadlineKind ?? "unknown") as DeadlineKind, date: row.originalDeadlineDate }
        : null,
    deadlineChange: (row.deadlineChange as TaskRecord["deadlineChange"]) ?? null,
    reviewPending: row.reviewPending === "completion",
    targets: (row.targets ?? []).map(toTarget),
  };
}

const deadlineOf = (t: { deadlineText: string; deadlineKind: string; deadlineDate: string | null }): Deadline => ({
  text: t.deadlineText,
  kind: t.deadlineKind as DeadlineKind,
  date: t.deadlineDate,
});

/** Audited actions that change only the task they name (see changesSince). */
const ONE_TASK_ACTIONS: ReadonlySet<string> = new Set([
  "update",
  "edit",
  "retract",
  "complete",
  "reopen",
  "set-deadline",
  "set-lead-units",
  "pause-reminders",
  "resume-reminders",
  "request-completion",
  "request-extension",
  "approve-completion",
  "reject-completion",
  "approve-extension",
  "reject-extension",
  "target-set",
  "target-confirm",
  "target-add",
  "target-remove",
  "add-evidence",
]);

/** Plans and tasks in SQLite through Prisma. */
export class PrismaPlanRepository implements PlanRepository {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Tasks with their live targets, read in one query by `where` (the plan, or a chunk of ids) instead of Prisma's
   * relation load, whose `IN (…)` list of every task id exceeds SQLite's parameter limit on a big plan.
   */
  private async attachTargets(rows: TaskRow[], where: { task: { planId: number } } | { taskId: { in: number[] } }): Promise<TaskRecord[]> {
    if (rows.length === 0) return [];
    const targets = await this.db.target.findMany({ where: { ...where, removedAt: null }, orderBy: { id: "asc" } });
    const byTask = new Map<number, TargetRow[]>();
    for (const t of targets) byTask.set(t.taskId, [...(byTask.get(t.taskId) ?? []), t]);
    return rows.map((row) => toTask({ ...row, targets: byTask.get(row.id) ?? [] }));
  }

  async currentPlan(): Promise<PlanRecord | null> {
    return this.db.plan.findFirst({ where: { archivedAt: null }, orderBy: [{ importedAt: "desc" }, { id: "desc" }] });
  }

  async plans(): Promise<PlanRecord[]> {
    return this.db.plan.findMany({ orderBy: [{ importedAt: "asc" }, { id: "asc" }] });
  }

  async activePlans(): Promise<PlanRecord[]> {
    return this.db.plan.findMany({ where: { archivedAt: null }, orderBy: [{ importedAt: "asc" }, { id: "asc" }] });
  }

  async planByCode(code: string): Promise<PlanRecord | null> {
    return this.db.plan.findUnique({ where: { code } });
  }

  async ensureCodes(): Promise<void> {
    const plans = await this.plans();
    if (plans.every((p) => p.code !== null)) return;
    const taken = new Set(plans.flatMap((p) => (p.code === null ? [] : [p.code])));
    for (const p of plans) {
      if (p.code !== null) continue;
      const code = derivePlanCode(p.title, taken);
      taken.add(code);
      await this.db.plan.update({ where: { id: p.id }, data: { code } });
    }
  }

  async archive(planId: number, reason: string, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const plan = await tx.plan.findUniqueOrThrow({ where: { id: planId } });
      await tx.plan.update({ where: { id: planId }, data: { archivedAt: at, archivedBy: actor.id, archiveReason: reason } });
      await appendAudit(tx, {
        at,
        actor,
        action: "archive-plan",
        before: { archivedAt: null },
        after: { archivedAt: at.toISOString() },
        detail: { plan: plan.code, title: plan.title, reason },
      });
    });
  }

  async restore(planId: number, reason: string, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const plan = await tx.plan.findUniqueOrThrow({ where: { id: planId } });
      await tx.plan.update({ where: { id: planId }, data: { archivedAt: null, archivedBy: null, archiveReason: null } });
      await appendAudit(tx, {
        at,
        actor,
        action: "restore-plan",
        before: { archivedAt: plan.archivedAt?.toISOString() ?? null, archivedBy: plan.archivedBy, archiveReason: plan.archiveReason },
        after: { archivedAt: null },
        detail: { plan: plan.code, title: plan.title, reason },
      });
    });
  }

  async task(planId: number, number: number): Promise<TaskRecord | null> {
    const row = await this.db.task.findUnique({ where: { planId_number: { planId, number } }, include: withTargets });
    return row ? toTask(row) : null;
  }

  async taskById(id: number): Promise<TaskRecord | null> {
    const row = await this.db.task.findUnique({ where: { id }, include: withTargets });
    return row ? toTask(row) : null;
  }

  async tasks(planId: number): Promise<TaskRecord[]> {
    const rows = await this.db.task.findMany({ where: { planId }, include: withSection, orderBy: { number: "asc" } });
    return this.attachTargets(rows, { task: { planId } });
  }

  async tasksByIds(ids: number[]): Promise<TaskRecord[]> {
    const out: TaskRecord[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await this.db.task.findMany({ where: { id: { in: chunk } }, include: withSection, orderBy: { number: "asc" } });
      out.push(...(await this.attachTargets(rows, { taskId: { in: chunk } })));
    }
    return out.sort((a, b) => a.number - b.number);
  }

  async reminderTasks(planId: number, page?: { after: number; limit: number }): Promise<ReminderTaskRow[]> {
    const rows = await this.db.task.findMany({
      // A task that a re-import no longer lists is kept for its history but not reminded.
      where: { planId, inDocument: true, ...(page ? { number: { gt: page.after } } : {}) },
      ...(page ? { take: page.limit } : {}),
      select: {
        id: true,
        number: true,
        title: true,
        leadUnits: true,
        deadlineText: true,
        deadlineKind: true,
        deadlineDate: true,
        completedAt: true,
        remindersPaused: true,
        reviewPending: true,
        lastUpdateAt: true,
        progress: true,
      },
      orderBy: { number: "asc" },
    });
    if (rows.length === 0) return [];
    const last = rows[rows.length - 1]!.number;
    const targets = await this.db.target.findMany({
      where: { removedAt: null, task: { planId, inDocument: true, number: page ? { gt: page.after, lte: last } : { lte: last } } },
      orderBy: { id: "asc" },
    });
    const byTask = groupBy(targets.map(toTarget), (t) => t.taskId);
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      title: r.title,
      leadUnits: JSON.parse(r.leadUnits) as string[],
      deadline: { text: r.deadlineText, kind: r.deadlineKind as DeadlineKind, date: r.deadlineDate },
      completedAt: r.completedAt,
      paused: r.remindersPaused,
      reviewPending: r.reviewPending === "completion",
      lastUpdateAt: r.lastUpdateAt,
      progress: r.progress,
      targets: byTask.get(r.id) ?? [],
      done: r.completedAt !== null,
      lastUpdateDay: r.lastUpdateAt ? dayOf(r.lastUpdateAt) : null,
    }));
  }

  /**
   * PostgreSQL keeps no change counter (the TaskChange triggers are SQLite's), so the audit log stands in for one:
   * duban audits each change to a task, in commit order (writers take turns). Only the actions in
   * ONE_TASK_ACTIONS are known to change no task but the one they name; any other (an import, a plan archived, an
   * edit that moves an update to another task, an action added later) may have changed any: then it cannot tell.
   * Refusals change nothing.
   */
  async changesSince(marker: number | null): Promise<TaskChanges | null> {
    if (marker === null) {
      const last = await this.db.auditLog.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
      return { marker: last?.id ?? 0, taskIds: new Set() };
    }
    const entries = await this.db.auditLog.findMany({
      where: { id: { gt: marker } },
      select: { id: true, taskId: true, outcome: true, action: true },
      orderBy: { id: "asc" },
    });
    const taskIds = new Set<number>();
    for (const e of entries) {
      if (e.outcome !== "ok") continue;
      if (e.taskId === null || !ONE_TASK_ACTIONS.has(e.action)) return null;
      taskIds.add(e.taskId);
    }
    return { marker: entries.length ? entries[entries.length - 1]!.id : marker, taskIds };
  }

  async tasksLedBy(planId: number, units: string[]): Promise<TaskRecord[]> {
    const rows = await this.db.task.findMany({
      where: { planId, units: { some: { role: "lead", unit: { in: units } } } },
      include: withSection,
      orderBy: { number: "asc" },
    });
    return this.attachTargets(rows, { task: { planId } });
  }

  async numberRange(planId: number): Promise<{ min: number; max: number; count: number }> {
    const agg = await this.db.task.aggregate({ where: { planId }, _min: { number: true }, _max: { number: true }, _count: true });
    return { min: agg._min.number ?? 0, max: agg._max.number ?? 0, count: agg._count };
  }

  async unitNames(planId: number): Promise<string[]> {
    const rows = await this.db.taskUnit.findMany({ where: { task: { planId } }, distinct: ["unit"], select: { unit: true } });
    return rows.map((r) => r.unit);
  }

  /** Create or update the plan, its sections and tasks in one transaction. Updates are never touched; vanished tasks are flagged, not deleted. */
  async importPlan(parsed: ParsedPlan, at: Date, actor: Actor, opts: { code?: string } = {}): Promise<ImportReport> {
    return this.db.$transaction(
      async (tx) => {
        const before = await tx.plan.findUnique({ where: { title: parsed.plan.title } });
        if (opts.code !== undefined) {
          const problem = planCodeProblem(opts.code);
          if (problem) throw new PlanCodeError(`${problem}：${opts.code}`);
          if (before && before.code !== null && before.code !== opts.code)
            throw new PlanCodeError(`《${before.title}》已导入，计划代码是“${before.code}”，不能改为“${opts.code}”`);
          const holder = await tx.plan.findUnique({ where: { code: opts.code } });
          if (holder && holder.id !== before?.id) throw new PlanCodeError(`计划代码“${opts.code}”已被《${holder.title}》使用，请另选一个`);
        }
        const code =
          before?.code ??
          opts.code ??
          derivePlanCode(
            parsed.plan.title,
            (await tx.plan.findMany({ select: { code: true } })).flatMap((p) => (p.code === null ? [] : [p.code])),
          );
        const plan = await tx.plan.upsert({
          where: { title: parsed.plan.title },
          create: { title: parsed.plan.title, issuedOn: parsed.plan.issuedOn, importedAt: at, code },
          // importedAt stays: a re-import neither resets staleness nor makes an older document current again.
          update: { issuedOn: parsed.plan.issuedOn, revisedAt: at, code },
        });
        const sectionIds = new Map<number, number>();
        for (const s of parsed.sections) {
          const row = await tx.section.upsert({
            where: { planId_ordinal: { planId: plan.id, ordinal: s.ordinal } },
            create: { planId: plan.id, ordinal: s.ordinal, label: s.label, title: s.title },
            update: { label: s.label, title: s.title },
          });
          sectionIds.set(s.ordinal, row.id);
        }
        const existing = new Map((await tx.task.findMany({ where: { planId: plan.id } })).map((t) => [t.number, t] as const));
        const report: ImportReport = { planId: plan.id, title: plan.title, code, created: [], updated: [], unchanged: [], missing: [], targetsAdded: 0 };
        // What every listed task holds after the import, and the targets it added: the audit replay starts from these.
        const baseline: { id: number; number: number; created: boolean; deadline: Deadline; leadUnits: string[] }[] = [];
        const addedTargets: { id: number; taskId: number; name: string; current: 0 }[] = [];
        for (const t of parsed.tasks) {
          const old = existing.get(t.number);
          // A deadline the office changed (extension, 调整时限) stays in force; the document's becomes the original.
          const keepDeadline = old?.deadlineChange ? old : null;
          const keepUnits = old?.unitsAdjusted ? old : null;
          const leadUnits = keepUnits ? (JSON.parse(keepUnits.leadUnits) as string[]) : t.leadUnits;
          const fields = {
            title: t.title,
            description: t.description,
            sectionId: t.sectionOrdinal === null ? null : (sectionIds.get(t.sectionOrdinal) ?? null),
            leadUnits: JSON.stringify(leadUnits),
            responsibleUnits: JSON.stringify(t.responsibleUnits),
            deadlineText: keepDeadline ? keepDeadline.deadlineText : t.deadline.text,
            deadlineKind: keepDeadline ? keepDeadline.deadlineKind : t.deadline.kind,
            deadlineDate: keepDeadline ? keepDeadline.deadlineDate : t.deadline.date,
            ...(keepDeadline ? { originalDeadlineText: t.deadline.text, originalDeadlineKind: t.deadline.kind, originalDeadlineDate: t.deadline.date } : {}),
            inDocument: true,
          };
          let taskId: number;
          const addTargets = async () => {
            const added = await addPlanTargets(tx, taskId, t.targets, at);
            report.targetsAdded += added.length;
            addedTargets.push(...added.map((a) => ({ ...a, taskId, current: 0 as const })));
          };
          baseline.push({
            id: old?.id ?? 0,
            number: t.number,
            created: !old,
            deadline: { text: fields.deadlineText, kind: fields.deadlineKind as DeadlineKind, date: fields.deadlineDate },
            leadUnits,
          });
          if (!old) {
            taskId = (await tx.task.create({ data: { planId: plan.id, number: t.number, ...fields } })).id;
            baseline[baseline.length - 1]!.id = taskId;
            report.created.push(t.number);
            await addTargets();
          } else {
            taskId = old.id;
            await addTargets();
            const same = (Object.keys(fields) as (keyof typeof fields)[]).every((k) => old[k] === fields[k]);
            if (same) {
              report.unchanged.push(t.number);
              continue;
            }
            await tx.task.update({ where: { id: old.id }, data: fields });
            await tx.taskUnit.deleteMany({ where: { taskId } });
            report.updated.push(t.number);
          }
          await tx.taskUnit.createMany({
            data: [
              ...leadUnits.map((unit, position) => ({ taskId, unit, role: "lead", position })),
              ...t.responsibleUnits.map((unit, position) => ({ taskId, unit, role: "responsible", position })),
            ],
          });
        }
        const listed = new Set(parsed.tasks.map((t) => t.number));
        for (const [number, old] of existing) {
          if (listed.has(number)) continue;
          report.missing.push(number);
          if (old.inDocument) await tx.task.update({ where: { id: old.id }, data: { inDocument: false } });
        }
        await appendAudit(tx, {
          at,
          actor,
          action: "import",
          after: {
            title: report.title,
            code,
            created: report.created,
            updated: report.updated,
            missing: report.missing,
            targetsAdded: report.targetsAdded,
            tasks: baseline,
            targets: addedTargets,
          },
        });
        return report;
      },
      { timeout: 600_000, maxWait: 30_000 },
    );
  }

  async complete(taskId: number, reason: string, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const task = await tx.task.findUniqueOrThrow({ where: { id: taskId } });
      await tx.task.update({ where: { id: taskId }, data: { completedAt: at, completedBy: actor.id, reviewPending: null } });
      const pending = await tx.request.updateMany({
        where: { taskId, kind: "completion", state: "pending" },
        data: { state: "approved", decidedBy: actor.id, decidedAt: at, decisionReason: reason },
      });
      await appendAudit(tx, {
        at,
        actor,
        action: "complete",
        task,
        before: { completedAt: task.completedAt },
        after: { completedAt: at.toISOString(), completedBy: actor.id },
        detail: { reason, requestsApproved: pending.count },
      });
    });
  }

  async reopen(taskId: number, reason: string, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const task = await tx.task.findUniqueOrThrow({ where: { id: taskId } });
      await tx.task.update({ where: { id: taskId }, data: { completedAt: null, completedBy: null } });
      await appendAudit(tx, {
        at,
        actor,
        action: "reopen",
        task,
        before: { completedAt: task.completedAt?.toISOString() ?? null, completedBy: task.completedBy },
        after: { completedAt: null },
        detail: { reason },
      });
    });
  }

  async setDeadline(taskId: number, deadline: Deadline, reason: string, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const task = await tx.task.findUniqueOrThrow({ where: { id: taskId } });
      await tx.task.update({ where: { id: taskId }, data: deadlineChange(task, deadline, "adjusted") });
      await appendAudit(tx, { at, actor, action: "set-deadline", task, before: deadlineOf(task), after: deadline, detail: { reason } });
    });
  }

  async setLeadUnits(taskId: number, units: string[], reason: string, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const task = await tx.task.findUniqueOrThrow({ where: { id: taskId } });
      await tx.task.update({ where: { id: taskId }, data: { leadUnits: JSON.stringify(units), unitsAdjusted: true } });
      await tx.taskUnit.deleteMany({ where: { taskId, role: "lead" } });
      await tx.taskUnit.createMany({ data: units.map((unit, position) => ({ taskId, unit, role: "lead", position })) });
      await appendAudit(tx, { at, actor, action: "set-lead-units", task, before: JSON.parse(task.leadUnits), after: units, detail: { reason } });
    });
  }

  async setPaused(taskId: number, paused: boolean, reason: string | null, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const task = await tx.task.findUniqueOrThrow({ where: { id: taskId } });
      await tx.task.update({ where: { id: taskId }, data: { remindersPaused: paused, pauseReason: paused ? reason : null } });
      await appendAudit(tx, {
        at,
        actor,
        action: paused ? "pause-reminders" : "resume-reminders",
        task,
        before: { paused: task.remindersPaused, reason: task.pauseReason },
        after: { paused, reason: paused ? reason : null },
        detail: { reason },
      });
    });
  }
}

/**
 * The task columns for a new deadline in force: the first change keeps the document's deadline as the
 * original, and later changes never overwrite it.
 */
export function deadlineChange(
  task: { deadlineText: string; deadlineKind: string; deadlineDate: string | null; deadlineChange: string | null },
  deadline: Deadline,
  how: "extension" | "adjusted",
) {
  return {
    ...(task.deadlineChange
      ? {}
      : { originalDeadlineText: task.deadlineText, originalDeadlineKind: task.deadlineKind, originalDeadlineDate: task.deadlineDate }),
    deadlineText: deadline.text,
    deadlineKind: deadline.kind,
    deadlineDate: deadline.date,
    deadlineChange: how,
  };
}
