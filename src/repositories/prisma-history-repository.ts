import type { PrismaClient } from "../generated/prisma/client.js";
import { toRequest } from "./prisma-request-repository.js";
import { OF_NOTICE, toRecord } from "./prisma-reminder-repository.js";
import type { EvidenceRecord, HistoryRepository, ReminderRecord, RequestRecord, TaskEvent, UpdateRecord } from "../core/model.js";
import type { Deadline } from "../plan/types.js";

/** The whole recorded history of a plan, for reports and exports (cold paths: a county plan has a few thousand rows). */
export class PrismaHistoryRepository implements HistoryRepository {
  constructor(private readonly db: PrismaClient) {}

  async updates(planId: number): Promise<UpdateRecord[]> {
    const rows = await this.db.update.findMany({ where: { task: { planId } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map((r) => ({ ...r, revisions: JSON.parse(r.revisions) as UpdateRecord["revisions"] }));
  }

  async reminders(planId: number): Promise<ReminderRecord[]> {
    // Each occurrence with the unit and delivery of the notice that carried it.
    const rows = await this.db.reminder.findMany({
      where: { OR: [{ task: { planId } }, { taskId: null }] },
      orderBy: { id: "asc" },
      include: { notice: { select: OF_NOTICE } },
    });
    return rows.map(toRecord);
  }

  async requests(planId: number): Promise<RequestRecord[]> {
    return (await this.db.request.findMany({ where: { task: { planId } }, orderBy: { id: "asc" } })).map(toRequest);
  }

  async taskEvents(planId: number): Promise<TaskEvent[]> {
    const ids = (await this.db.task.findMany({ where: { planId }, select: { id: true } })).map((t) => t.id);
    const inPlan = new Set(ids);
    const rows = await this.db.auditLog.findMany({
      where: {
        outcome: "ok",
        action: { in: ["complete", "approve-completion", "reopen", "set-deadline", "pause-reminders", "resume-reminders"] },
        taskId: { not: null },
      },
      orderBy: { id: "asc" },
      select: { taskId: true, at: true, action: true, before: true, after: true },
    });
    const out: TaskEvent[] = [];
    for (const r of rows) {
      if (r.taskId === null || !inPlan.has(r.taskId)) continue;
      if (r.action === "set-deadline")
        out.push({
          taskId: r.taskId,
          at: r.at,
          kind: "deadline-set",
          before: JSON.parse(r.before ?? "null") as Deadline,
          after: JSON.parse(r.after ?? "null") as Deadline,
        });
      else if (r.action === "pause-reminders" || r.action === "resume-reminders") {
        const after = JSON.parse(r.after ?? "null") as { reason?: string | null } | null;
        out.push({ taskId: r.taskId, at: r.at, kind: r.action === "pause-reminders" ? "paused" : "resumed", reason: after?.reason ?? null });
      } else out.push({ taskId: r.taskId, at: r.at, kind: r.action === "reopen" ? "reopened" : "completed" });
    }
    return out;
  }

  async evidence(planId: number): Promise<EvidenceRecord[]> {
    return this.db.evidence.findMany({ where: { task: { planId } }, orderBy: { id: "asc" } });
  }
}
