import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { outsideLimits, TargetRangeError, type Actor, type MovedTarget, type NewUpdate, type UpdateRecord, type UpdateRepository } from "../core/model.js";
import { appendAudit } from "./prisma-audit-repository.js";

export type UpdateRow = Awaited<ReturnType<PrismaClient["update"]["findFirstOrThrow"]>>;
type Tx = Prisma.TransactionClient;

export function toUpdate(row: UpdateRow): UpdateRecord {
  const { task: _task, ...rest } = row as UpdateRow & { task?: unknown };
  return { ...rest, revisions: JSON.parse(row.revisions) as UpdateRecord["revisions"] };
}

/**
 * Move a target's count by `delta` and record the change; returns what the audit entry shows. A move past the
 * promised count or below zero throws TargetRangeError (`limits` "refuse"), or stops at 0 when a retraction takes
 * back what its update moved (`limits` "undo": the count may have been set lower since); an admin's 设置指标 may set
 * any count (`limits` "set": a correction, with its reason). Used inside the update's own transaction, so the count
 * and the update are stored together or not at all.
 */
export async function moveTarget(
  tx: Tx,
  targetId: number,
  delta: number,
  by: { reason: string | null; actor: string; actorUnit: string | null; updateId: number | null; at: Date },
  limits: "refuse" | "undo" | "set" = "refuse",
): Promise<MovedTarget> {
  const target = await tx.target.findUniqueOrThrow({ where: { id: targetId } });
  const to = limits === "undo" ? Math.max(0, target.current + delta) : target.current + delta;
  if (limits === "refuse" && outsideLimits(target, target.current, to)) throw new TargetRangeError(target, target.current, to);
  await tx.target.update({ where: { id: targetId }, data: { current: to } });
  await tx.targetChange.create({ data: { targetId, fromCount: target.current, toCount: to, ...by } });
  return { targetId, name: target.name, from: target.current, to };
}

/** Progress updates in SQLite; every write keeps the task's denormalised progress in step, in one transaction. */
export class PrismaUpdateRepository implements UpdateRepository {
  constructor(private readonly db: PrismaClient) {}

  /** Store an update. A redelivered chat event (same eventId) returns the stored row instead of a second one. */
  async record(u: NewUpdate): Promise<{ update: UpdateRecord; updateCount: number; targets: MovedTarget[] }> {
    return this.db.$transaction(async (tx) => {
      if (u.eventId) {
        const dup = await tx.update.findUnique({ where: { eventId: u.eventId }, include: { task: { select: { updateCount: true } } } });
        if (dup) return { update: toUpdate(dup), updateCount: dup.task.updateCount, targets: [] };
      }
      const row = await tx.update.create({
        data: {
          taskId: u.taskId,
          text: u.text,
          percent: u.percent,
          authorId: u.authorId,
          authorUnit: u.authorUnit,
          room: u.room,
          transport: u.transport,
          eventId: u.eventId,
          createdAt: u.at,
        },
      });
      const task = await tx.task.update({
        where: { id: u.taskId },
        data: {
          updateCount: { increment: 1 },
          lastUpdateAt: u.at,
          ...(u.percent === null ? {} : { progress: u.percent }),
        },
        select: { updateCount: true, number: true },
      });
      const targets = [];
      for (const move of u.targetMoves ?? [])
        targets.push(await moveTarget(tx, move.targetId, move.delta, { reason: null, actor: u.authorId, actorUnit: u.authorUnit, updateId: row.id, at: u.at }));
      await appendAudit(tx, {
        at: u.at,
        actor: { id: u.authorId, unit: u.authorUnit, transport: u.transport, room: u.room, eventId: u.eventId },
        action: "update",
        task: { id: u.taskId, number: task.number },
        after: { updateId: row.id, text: u.text, percent: u.percent, ...(targets.length ? { targets } : {}) },
      });
      return { update: toUpdate(row), updateCount: task.updateCount, targets };
    });
  }

  async latest(taskId: number): Promise<UpdateRecord | null> {
    const row = await this.db.update.findFirst({
      where: { taskId, retractedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return row ? toUpdate(row) : null;
  }

  async history(taskId: number, limit: number): Promise<UpdateRecord[]> {
    const rows = await this.db.update.findMany({ where: { taskId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit });
    return rows.map(toUpdate);
  }

  async count(taskId: number): Promise<number> {
    return this.db.update.count({ where: { taskId } });
  }

  async byEventId(eventId: string): Promise<UpdateRecord | null> {
    const row = await this.db.update.findUnique({ where: { eventId } });
    return row ? toUpdate(row) : null;
  }

  async parts(eventId: string): Promise<UpdateRecord[]> {
    const rows = await this.db.update.findMany({ where: { OR: [{ eventId }, { eventId: { startsWith: `${eventId}#` } }] } });
    const part = (id: string | null) => (id === eventId ? 1 : Number(id?.slice(eventId.length + 1)));
    return rows.sort((a, b) => part(a.eventId) - part(b.eventId)).map(toUpdate);
  }

  /** Replace an update's text (an edit), keeping the earlier text in `revisions`; a new `taskId` moves it. */
  async revise(
    eventId: string,
    change: { text: string; percent: number | null; taskId?: number; targetMoves?: { targetId: number; delta: number }[] },
    actor: Actor,
    at: Date,
  ): Promise<UpdateRecord | null> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.update.findUnique({ where: { eventId }, include: { task: { select: { number: true } } } });
      if (!row || row.retractedAt) return null;
      const taskId = change.taskId ?? row.taskId;
      const revisions = [
        ...(JSON.parse(row.revisions) as UpdateRecord["revisions"]),
        { text: row.text, percent: row.percent, at: at.toISOString(), taskId: row.taskId },
      ];
      const next = await tx.update.update({
        where: { id: row.id },
        data: { text: change.text, percent: change.percent, taskId, editedAt: at, revisions: JSON.stringify(revisions) },
        include: { task: { select: { number: true } } },
      });
      await this.refreshTask(tx, row.taskId);
      if (taskId !== row.taskId) await this.refreshTask(tx, taskId);
      const targets = change.targetMoves ? await this.replaceMoves(tx, row.id, change.targetMoves, "进展已修改", actor, at) : [];
      await appendAudit(tx, {
        at,
        actor,
        action: taskId === row.taskId ? "edit" : "edit-move",
        task: { id: taskId, number: next.task.number },
        before: { updateId: row.id, task: row.task.number, text: row.text, percent: row.percent },
        after: { updateId: row.id, task: next.task.number, text: next.text, percent: next.percent, ...(targets.length ? { targets } : {}) },
      });
      return toUpdate(next);
    });
  }

  /** Retract an update (a redaction): it stays in history, marked, and leaves the progress figures. */
  async retract(eventId: string, actor: Actor, at: Date): Promise<UpdateRecord | null> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.update.findUnique({ where: { eventId }, select: { id: true } });
      return row ? this.retractRow(tx, row.id, actor, at, null) : null;
    });
  }

  /** Retract an update by its id (`撤回 任务5 第3条 理由` in chat), the reason kept in the audit entry. */
  async retractById(updateId: number, actor: Actor, at: Date, reason: string | null = null): Promise<UpdateRecord | null> {
    return this.db.$transaction((tx) => this.retractRow(tx, updateId, actor, at, reason));
  }

  private async retractRow(tx: Tx, updateId: number, actor: Actor, at: Date, reason: string | null): Promise<UpdateRecord | null> {
    const row = await tx.update.findUnique({ where: { id: updateId }, include: { task: { select: { number: true } } } });
    if (!row || row.retractedAt) return null;
    const next = await tx.update.update({ where: { id: row.id }, data: { retractedAt: at } });
    await this.refreshTask(tx, row.taskId);
    // A count the update moved (指标+1) moves back with it.
    const targets = await this.replaceMoves(tx, row.id, [], "进展已撤回", actor, at, "undo");
    await appendAudit(tx, {
      at,
      actor,
      action: "retract",
      task: { id: row.taskId, number: row.task.number },
      before: { updateId: row.id, text: row.text, percent: row.percent, retractedAt: null },
      after: { updateId: row.id, retractedAt: at.toISOString(), ...(targets.length ? { targets } : {}) },
      ...(reason ? { detail: { reason } } : {}),
    });
    return toUpdate(next);
  }

  async confirmTargetMoves(updateId: number, moves: { targetId: number; delta: number }[], actor: Actor, at: Date): Promise<MovedTarget[] | null> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.update.findUnique({ where: { id: updateId }, include: { task: { select: { number: true } } } });
      if (!row || row.retractedAt) return null;
      const targets: MovedTarget[] = [];
      for (const m of moves)
        targets.push(await moveTarget(tx, m.targetId, m.delta, { reason: "指标变动已确认", actor: actor.id, actorUnit: actor.unit, updateId, at }));
      await appendAudit(tx, { at, actor, action: "target-confirm", task: { id: row.taskId, number: row.task.number }, after: { updateId, targets } });
      return targets;
    });
  }

  /**
   * Undo the net target moves an update has made so far and apply `moves` instead (none: just undo), each as a
   * TargetChange of that update with `reason`. Returns what changed, for the audit entry.
   */
  private async replaceMoves(
    tx: Tx,
    updateId: number,
    moves: { targetId: number; delta: number }[],
    reason: string,
    actor: Actor,
    at: Date,
    limits: "refuse" | "undo" = "refuse",
  ): Promise<MovedTarget[]> {
    const earlier = await tx.targetChange.findMany({ where: { updateId }, orderBy: { id: "asc" } });
    const net = new Map<number, number>();
    for (const c of earlier) net.set(c.targetId, (net.get(c.targetId) ?? 0) + c.toCount - c.fromCount);
    const wanted = new Map<number, number>();
    for (const m of moves) wanted.set(m.targetId, (wanted.get(m.targetId) ?? 0) + m.delta);
    const out: MovedTarget[] = [];
    for (const targetId of new Set([...net.keys(), ...wanted.keys()])) {
      const delta = (wanted.get(targetId) ?? 0) - (net.get(targetId) ?? 0);
      if (delta !== 0) out.push(await moveTarget(tx, targetId, delta, { reason, actor: actor.id, actorUnit: actor.unit, updateId, at }, limits));
    }
    return out;
  }

  /** Recompute a task's progress, last update time and count from its live updates. */
  private async refreshTask(tx: Tx, taskId: number): Promise<void> {
    const live = { taskId, retractedAt: null };
    const [count, last, lastWithPercent] = await Promise.all([
      tx.update.count({ where: live }),
      tx.update.findFirst({ where: live, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { createdAt: true } }),
      tx.update.findFirst({
        where: { ...live, percent: { not: null } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { percent: true },
      }),
    ]);
    await tx.task.update({
      where: { id: taskId },
      data: { updateCount: count, lastUpdateAt: last?.createdAt ?? null, progress: lastWithPercent?.percent ?? null },
    });
  }
}
