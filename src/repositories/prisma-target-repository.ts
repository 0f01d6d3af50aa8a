import type { PrismaClient } from "../generated/prisma/client.js";
import { TargetExistsError, type Actor, type TargetChangeRecord, type TargetRecord, type TargetRepository } from "../core/model.js";
import { appendAudit } from "./prisma-audit-repository.js";
import { nameKey } from "../plan/target-parser.js";
import { toTarget } from "./prisma-plan-repository.js";
import { moveTarget } from "./prisma-update-repository.js";

/** Targets (指标) in SQLite; every change is stored with its TargetChange row and audit entry in one transaction. */
export class PrismaTargetRepository implements TargetRepository {
  constructor(private readonly db: PrismaClient) {}

  async forTask(taskId: number): Promise<TargetRecord[]> {
    return (await this.db.target.findMany({ where: { taskId, removedAt: null }, orderBy: { id: "asc" } })).map(toTarget);
  }

  async forPlan(planId: number): Promise<(TargetRecord & { removedAt: Date | null })[]> {
    const rows = await this.db.target.findMany({ where: { task: { planId } }, orderBy: { id: "asc" } });
    return rows.map((r) => ({ ...toTarget(r), removedAt: r.removedAt }));
  }

  async changes(planId: number): Promise<TargetChangeRecord[]> {
    return this.db.targetChange.findMany({ where: { target: { task: { planId } } }, orderBy: { id: "asc" } });
  }

  async setCurrent(targetId: number, current: number, reason: string, actor: Actor, at: Date): Promise<TargetRecord> {
    return this.db.$transaction(async (tx) => {
      const before = await tx.target.findUniqueOrThrow({ where: { id: targetId }, include: { task: { select: { number: true } } } });
      const moved = await moveTarget(tx, targetId, current - before.current, { reason, actor: actor.id, actorUnit: actor.unit, updateId: null, at }, "set");
      await appendAudit(tx, {
        at,
        actor,
        action: "target-set",
        task: { id: before.taskId, number: before.task.number },
        before: { target: before.name, current: moved.from },
        after: { target: before.name, targetId, current: moved.to },
        detail: { reason },
      });
      return toTarget(await tx.target.findUniqueOrThrow({ where: { id: targetId } }));
    });
  }

  async add(
    t: { taskId: number; name: string; unit: string; count: number; due: string | null },
    reason: string,
    actor: Actor,
    at: Date,
  ): Promise<TargetRecord> {
    return this.db.$transaction(async (tx) => {
      // Names compare without quotes and spaces: 市级公安数字工匠 is 市级“公安数字工匠”.
      const same = (await tx.target.findMany({ where: { taskId: t.taskId } })).filter((x) => nameKey(x.name) === nameKey(t.name));
      const live = same.find((x) => !x.removedAt);
      if (live) throw new TargetExistsError(live.name);
      const existing = same.find((x) => x.name === t.name) ?? null;
      const task = await tx.task.findUniqueOrThrow({ where: { id: t.taskId }, select: { number: true } });
      // Adding a removed target again brings it back with the new figures; its history stays.
      const row = existing
        ? await tx.target.update({
            where: { id: existing.id },
            data: { unit: t.unit, count: t.count, due: t.due, removedAt: null, source: "admin", createdAt: at },
          })
        : await tx.target.create({ data: { ...t, source: "admin", createdAt: at } });
      await appendAudit(tx, {
        at,
        actor,
        action: "target-add",
        task: { id: t.taskId, number: task.number },
        // Its id and count (a target added again keeps its count): the audit replay follows it from here.
        after: { target: t.name, targetId: row.id, unit: t.unit, count: t.count, due: t.due, current: row.current },
        detail: { reason },
      });
      return toTarget(row);
    });
  }

  async remove(targetId: number, reason: string, actor: Actor, at: Date): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const row = await tx.target.findUniqueOrThrow({ where: { id: targetId }, include: { task: { select: { number: true } } } });
      await tx.target.update({ where: { id: targetId }, data: { removedAt: at } });
      await appendAudit(tx, {
        at,
        actor,
        action: "target-remove",
        task: { id: row.taskId, number: row.task.number },
        before: { target: row.name, targetId, unit: row.unit, count: row.count, current: row.current, due: row.due },
        detail: { reason },
      });
    });
  }
}
