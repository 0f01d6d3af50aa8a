import type { PrismaClient } from "../generated/prisma/client.js";
import type { Actor, EvidenceRecord, EvidenceRepository, NewEvidence } from "../core/model.js";
import { appendAudit } from "./prisma-audit-repository.js";

/** Evidence metadata (佐证材料); the files themselves live in the evidence folder. */
export class PrismaEvidenceRepository implements EvidenceRepository {
  constructor(private readonly db: PrismaClient) {}

  async add(e: NewEvidence, actor: Actor, at: Date): Promise<EvidenceRecord> {
    return this.db.$transaction(async (tx) => {
      if (e.eventId) {
        const dup = await tx.evidence.findUnique({ where: { eventId: e.eventId } });
        if (dup) return dup;
      }
      const row = await tx.evidence.create({ data: { ...e, createdAt: at } });
      const task = await tx.task.findUniqueOrThrow({ where: { id: e.taskId }, select: { id: true, number: true } });
      await appendAudit(tx, {
        at,
        actor,
        action: "add-evidence",
        task,
        after: { evidenceId: row.id, requestId: e.requestId, fileName: e.fileName, mimeType: e.mimeType, size: e.size, sha256: e.sha256 },
      });
      return row;
    });
  }

  forTask(taskId: number): Promise<EvidenceRecord[]> {
    return this.db.evidence.findMany({ where: { taskId }, orderBy: { id: "asc" } });
  }
}
