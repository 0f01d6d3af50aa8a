import type { PrismaClient } from "../generated/prisma/client.js";
import type { ImportReport, PlanRecord, PlanRepository, ReminderTaskRow, TaskRecord } from "../core/model.js";
import type { DeadlineKind, ParsedPlan } from "../plan/types.js";

type TaskRow = Awaited<ReturnType<PrismaClient["task"]["findFirstOrThrow"]>> & {
  section: { label: string; title: string; ordinal: number } | null;
};

const withSection = { section: { select: { label: true, title: true, ordinal: true } } } as const;

function toTask(row: TaskRow): TaskRecord {
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
  };
}

/** Plans and tasks in SQLite through Prisma. */
export class PrismaPlanRepository implements PlanRepository {
  constructor(private readonly db: PrismaClient) {}

  async currentPlan(): Promise<PlanRecord | null> {
    return this.db.plan.findFirst({ orderBy: [{ importedAt: "desc" }, { id: "desc" }] });
  }

  async task(planId: number, number: number): Promise<TaskRecord | null> {
    const row = await this.db.task.findUnique({ where: { planId_number: { planId, number } }, include: withSection });
    return row ? toTask(row) : null;
  }

  async taskById(id: number): Promise<TaskRecord | null> {
    const row = await this.db.task.findUnique({ where: { id }, include: withSection });
    return row ? toTask(row) : null;
  }

  async tasks(planId: number): Promise<TaskRecord[]> {
    const rows = await this.db.task.findMany({ where: { planId }, include: withSection, orderBy: { number: "asc" } });
    return rows.map(toTask);
  }

  async tasksByIds(ids: number[]): Promise<TaskRecord[]> {
    const out: TaskRecord[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.task.findMany({ where: { id: { in: ids.slice(i, i + 500) } }, include: withSection, orderBy: { number: "asc" } });
      out.push(...rows.map(toTask));
    }
    return out.sort((a, b) => a.number - b.number);
  }

  async reminderTasks(planId: number): Promise<ReminderTaskRow[]> {
    const rows = await this.db.task.findMany({
      // A task that a re-import no longer lists is kept for its history but not reminded.
      where: { planId, inDocument: true },
      select: {
        id: true,
        number: true,
        leadUnits: true,
        deadlineText: true,
        deadlineKind: true,
        deadlineDate: true,
        completedAt: true,
        remindersPaused: true,
        lastUpdateAt: true,
      },
      orderBy: { number: "asc" },
    });
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      leadUnits: JSON.parse(r.leadUnits) as string[],
      deadline: { text: r.deadlineText, kind: r.deadlineKind as DeadlineKind, date: r.deadlineDate },
      done: r.completedAt !== null,
      paused: r.remindersPaused,
      lastUpdateAt: r.lastUpdateAt,
    }));
  }

  async tasksLedBy(planId: number, units: string[]): Promise<TaskRecord[]> {
    const rows = await this.db.task.findMany({
      where: { planId, units: { some: { role: "lead", unit: { in: units } } } },
      include: withSection,
      orderBy: { number: "asc" },
    });
    return rows.map(toTask);
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
  async importPlan(parsed: ParsedPlan, at: Date): Promise<ImportReport> {
    return this.db.$transaction(
      async (tx) => {
        const plan = await tx.plan.upsert({
          where: { title: parsed.plan.title },
          create: { title: parsed.plan.title, issuedOn: parsed.plan.issuedOn, importedAt: at },
          update: { issuedOn: parsed.plan.issuedOn, importedAt: at },
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
        const existing = new Map(
          (await tx.task.findMany({ where: { planId: plan.id } })).map((t) => [t.number, t] as const),
        );
        const report: ImportReport = { planId: plan.id, title: plan.title, created: [], updated: [], unchanged: [], missing: [] };
        for (const t of parsed.tasks) {
          const fields = {
            title: t.title,
            description: t.description,
            sectionId: t.sectionOrdinal === null ? null : (sectionIds.get(t.sectionOrdinal) ?? null),
            leadUnits: JSON.stringify(t.leadUnits),
            responsibleUnits: JSON.stringify(t.responsibleUnits),
            deadlineText: t.deadline.text,
            deadlineKind: t.deadline.kind,
            deadlineDate: t.deadline.date,
            inDocument: true,
          };
          const old = existing.get(t.number);
          let taskId: number;
          if (!old) {
            taskId = (await tx.task.create({ data: { planId: plan.id, number: t.number, ...fields } })).id;
            report.created.push(t.number);
          } else {
            taskId = old.id;
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
              ...t.leadUnits.map((unit, position) => ({ taskId, unit, role: "lead", position })),
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
        return report;
      },
      { timeout: 600_000, maxWait: 30_000 },
    );
  }

  async complete(taskId: number, by: string, at: Date): Promise<void> {
    await this.db.$transaction([
      this.db.task.update({ where: { id: taskId }, data: { completedAt: at, completedBy: by } }),
      this.db.auditLog.create({ data: { at, actor: by, action: "complete", detail: JSON.stringify({ taskId }) } }),
    ]);
  }

  async setPaused(taskId: number, paused: boolean, reason: string | null, by: string, at: Date): Promise<void> {
    await this.db.$transaction([
      this.db.task.update({ where: { id: taskId }, data: { remindersPaused: paused, pauseReason: paused ? reason : null } }),
      this.db.auditLog.create({
        data: { at, actor: by, action: paused ? "pause-reminders" : "resume-reminders", detail: JSON.stringify({ taskId, reason }) },
      }),
    ]);
  }
}
