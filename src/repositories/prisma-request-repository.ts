import type { PrismaClient } from "../generated/prisma/client.js";
import { RequestPendingError, type Actor, type NewRequest, type RequestRecord, type RequestRepository } from "../core/model.js";
import type { DeadlineKind } from "../plan/types.js";
import { appendAudit } from "./prisma-audit-repository.js";
import { deadlineChange } from "./prisma-plan-repository.js";

type Row = Awaited<ReturnType<PrismaClient["request"]["findFirstOrThrow"]>>;

export function toRequest(r: Row): RequestRecord {
  return {
    id: r.id,
    taskId: r.taskId,
    kind: r.kind as RequestRecord["kind"],
    state: r.state as RequestRecord["state"],
    note: r.note,
    deadline: r.deadlineText === null ? null : { text: r.deadlineText, kind: (r.deadlineKind ?? "unknown") as DeadlineKind, date: r.deadlineDate },
    requestedBy: r.requestedBy,
    requesterUnit: r.requesterUnit,
    room: r.room,
    transport: r.transport,
    eventId: r.eventId,
    link: r.link,
    createdAt: r.createdAt,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
  };
}

/** Completion and extension requests; a decision changes the task and appends its audit entry in the same transaction. */
export class PrismaRequestRepository implements RequestRepository {
  constructor(private readonly db: PrismaClient) {}

  async create(r: NewRequest): Promise<RequestRecord> {
    return this.db.$transaction(async (tx) => {
      const open = await tx.request.findFirst({ where: { taskId: r.taskId, kind: r.kind, state: "pending" } });
      if (open) throw new RequestPendingError(toRequest(open));
      const task = await tx.task.findUniqueOrThrow({ where: { id: r.taskId }, select: { id: true, number: true } });
      const row = await tx.request.create({
        data: {
          taskId: r.taskId,
          kind: r.kind,
          state: "pending",
          note: r.note,
          deadlineText: r.deadline?.text ?? null,
          deadlineKind: r.deadline?.kind ?? null,
          deadlineDate: r.deadline?.date ?? null,
          requestedBy: r.actor.id,
          requesterUnit: r.actor.unit,
          room: r.actor.room,
          transport: r.actor.transport,
          eventId: r.actor.eventId,
          link: r.link,
          createdAt: r.at,
        },
      });
      if (r.kind === "completion") await tx.task.update({ where: { id: r.taskId }, data: { reviewPending: "completion" } });
      await appendAudit(tx, {
        at: r.at,
        actor: r.actor,
        action: r.kind === "completion" ? "request-completion" : "request-extension",
        task,
        after: { requestId: row.id, note: r.note, deadline: r.deadline },
      });
      return toRequest(row);
    });
  }

  async pending(taskId: number, kind?: RequestRecord["kind"]): Promise<RequestRecord[]> {
    const rows = await this.db.request.findMany({ where: { taskId, state: "pending", ...(kind ? { kind } : {}) }, orderBy: { id: "asc" } });
    return rows.map(toRequest);
  }

  async pendingInPlan(planId: number): Promise<RequestRecord[]> {
    const rows = await this.db.request.findMany({ where: { state: "pending", task: { planId } }, orderBy: { id: "asc" } });
    return rows.map(toRequest);
  }

  async byId(id: number): Promise<RequestRecord | null> {
    const row = await this.db.request.findUnique({ where: { id } });
    return row ? toRequest(row) : null;
  }

  async byEventId(eventId: string): Promise<RequestRecord | null> {
    const row = await this.db.request.findUnique({ where: { eventId } });
    return row ? toRequest(row) : null;
  }

  async forTask(taskId: number): Promise<RequestRecord[]> {
    const rows = await this.db.request.findMany({ where: { taskId }, orderBy: { id: "desc" } });
    return rows.map(toRequest);
  }

  async decide(id: number, decision: "approved" | "rejected", reason: string, actor: Actor, at: Date): Promise<RequestRecord | null> {
    return this.db.$transaction(async (tx) => {
      // Conditional on the state, so two admins deciding at once cannot both win.
      const claimed = await tx.request.updateMany({
        where: { id, state: "pending" },
        data: { state: decision, decidedBy: actor.id, decidedAt: at, decisionReason: reason },
      });
      if (claimed.count === 0) return null;
      const row = await tx.request.findUniqueOrThrow({ where: { id } });
      const task = await tx.task.findUniqueOrThrow({ where: { id: row.taskId } });
      const before = { completedAt: task.completedAt?.toISOString() ?? null, deadline: task.deadlineText };
      if (row.kind === "completion") {
        await tx.task.update({
          where: { id: task.id },
          data: { reviewPending: null, ...(decision === "approved" ? { completedAt: at, completedBy: actor.id } : {}) },
        });
      } else if (decision === "approved" && row.deadlineText !== null) {
        const deadline = { text: row.deadlineText, kind: (row.deadlineKind ?? "unknown") as DeadlineKind, date: row.deadlineDate };
        await tx.task.update({ where: { id: task.id }, data: deadlineChange(task, deadline, "extension") });
      }
      await appendAudit(tx, {
        at,
        actor,
        action: `${decision === "approved" ? "approve" : "reject"}-${row.kind}`,
        task,
        before,
        after:
          decision === "approved"
            ? row.kind === "completion"
              ? { completedAt: at.toISOString(), completedBy: actor.id }
              : // The deadline in force, whole (kind and date too), for the audit replay.
                { deadline: row.deadlineText, deadlineKind: row.deadlineKind ?? "unknown", deadlineDate: row.deadlineDate }
            : before,
        detail: { requestId: id, reason, requestedBy: row.requestedBy },
      });
      return toRequest(row);
    });
  }
}
