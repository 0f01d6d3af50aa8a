/** Numeric targets (指标) of tasks, the moves of their counts, and their repository. */
import type { Actor } from "./actor.js";

/** A numeric target (指标): `市级“公安数字工匠” 1/2名（2024-12-31）`. */
export interface TargetRecord {
  id: number;
  taskId: number;
  name: string;
  /** Measure word: 名, 个, 项… */
  unit: string;
  count: number;
  current: number;
  /** YYYY-MM-DD or null. */
  due: string | null;
  source: "plan" | "admin";
  /** When it was added: an admin's target is scheduled from then, a plan's from the plan's start. */
  createdAt: Date;
}

/** One move of a target's count, with who, when, why and the update it came from. */
export interface TargetChangeRecord {
  id: number;
  targetId: number;
  fromCount: number;
  toCount: number;
  reason: string | null;
  actor: string;
  actorUnit: string | null;
  updateId: number | null;
  at: Date;
}

/** A target count an update moved: `{name: "市级“公安数字工匠”", from: 0, to: 1}`. */
export interface MovedTarget {
  targetId: number;
  name: string;
  from: number;
  to: number;
}

/** Targets (指标): set, added and removed by admins; moved by updates through UpdateRepository.record. */
export interface TargetRepository {
  forTask(taskId: number): Promise<TargetRecord[]>;
  /** Every target of the plan, removed ones included (flagged), for reports. */
  forPlan(planId: number): Promise<(TargetRecord & { removedAt: Date | null })[]>;
  /** Every change of the plan's targets, oldest first. */
  changes(planId: number): Promise<TargetChangeRecord[]>;
  /** 设置指标: the count outright, with a reason; audited. */
  setCurrent(targetId: number, current: number, reason: string, actor: Actor, at: Date): Promise<TargetRecord>;
  /** 新增指标; throws TargetExistsError when the task already has one of that name. */
  add(t: { taskId: number; name: string; unit: string; count: number; due: string | null }, reason: string, actor: Actor, at: Date): Promise<TargetRecord>;
  /** 删除指标: soft, so its history stays. */
  remove(targetId: number, reason: string, actor: Actor, at: Date): Promise<void>;
}

/**
 * A move that would take a target's count past its promised number (a rise above `count`) or below zero: refused,
 * never clamped, and the transaction that tried it stores nothing. Commands check first (src/core/update-rules.ts);
 * this is the repository's guard against a count that moved in between.
 */
export class TargetRangeError extends Error {
  constructor(
    readonly target: { id: number; name: string; count: number; unit: string },
    readonly from: number,
    readonly to: number,
  ) {
    super(`target "${target.name}" would go from ${from} to ${to}, outside 0–${target.count}`);
  }
}

/** Whether moving a count from `from` to `to` breaks the limits: below zero, or a rise that ends above the promise. */
export function outsideLimits(target: { count: number }, from: number, to: number): boolean {
  return to < 0 || (to > target.count && to > from);
}

export class TargetExistsError extends Error {
  constructor(readonly targetName: string) {
    super(`target "${targetName}" exists`);
  }
}
