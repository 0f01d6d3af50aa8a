import type { PrismaClient } from "../generated/prisma/client.js";
import { toRequest } from "./prisma-request-repository.js";
import type { EvidenceRecord, HistoryRepository, ReminderRecord, RequestRecord, UpdateRecord } from "../core/model.js";

/** The whole recorded history of a plan, for reports and exports (cold paths: a county plan has a few thousand rows). */
export class PrismaHistoryRepository implements HistoryRepository {
  constructor(private readonly db: PrismaClient) {}

  async updates(planId: number): Promise<UpdateRecord[]> {
    const rows = await this.db.update.findMany({ where: { task: { planId } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map((r) => ({ ...r, revisions: JSON.parse(r.revisions) as UpdateRecord["revisions"] }));
  }

  async reminders(planId: number): Promise<ReminderRecord[]> {
    const rows = await this.db.reminder.findMany({ where: { OR: [{ task: { planId } }, { taskId: null }] }, orderBy: { id: "asc" } });
    return rows.map((r) => ({ ...r, deliveredRooms: JSON.parse(r.deliveredRooms) as string[] }));
  }

  async requests(planId: number): Promise<RequestRecord[]> {
    return (await this.db.request.findMany({ where: { task: { planId } }, orderBy: { id: "asc" } })).map(toRequest);
  }

  async evidence(planId: number): Promise<EvidenceRecord[]> {
    return this.db.evidence.findMany({ where: { task: { planId } }, orderBy: { id: "asc" } });
  }
}
