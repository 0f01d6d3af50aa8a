import { UserError, type CommandContext } from "./command.js";
import type { Catalogue } from "./i18n/index.js";
import { outsideLimits, TargetRangeError, type TargetRecord, type TaskRecord } from "./model.js";
import { mayMoveTargets, refuseReporter, reportingUnit } from "./permissions.js";
import { targetMovesFor } from "./targets.js";

/**
 * The rules a progress update (进展) obeys, whether it is posted (commands/update.ts) or changed by an edit
 * (src/core/events/edit.ts): who may report on a task, some text, a percentage in 0–100 (rounded), and the target
 * moves (`指标+1`) its text makes. One copy, so the two paths cannot drift apart again.
 */

/** A part of an update as checked: what is stored. */
export interface CheckedUpdate {
  /** The unit the author reports for; "" when they report for none (a question about a task offered by subject). */
  unit: string;
  body: string;
  percent: number | null;
  /** The target moves applied with the update: its author is a lead unit's member or an admin. */
  targetMoves: { targetId: number; delta: number }[];
  /** The target moves a lead unit is asked to confirm (src/core/target-request.ts): its author reports for a responsible unit. */
  requestedMoves: { targetId: number; delta: number }[];
}

/**
 * The unit `author` reports for on `task` (docs/directory-and-roles.md, "Roles and permissions"). When there is none, the refusal is
 * audited as `action` and thrown; with `action` null the caller checks later (a task offered by subject).
 */
export async function reporterUnit(
  ctx: Pick<CommandContext, "inbound" | "directory" | "repos" | "clock" | "t">,
  author: string,
  task: TaskRecord,
  action: string | null,
): Promise<string | null> {
  const unit = reportingUnit(ctx.directory, author, task);
  if (!unit && action !== null) await refuseReporter(ctx, action, task);
  return unit;
}

/** The update's text, or a UserError when it is blank: `updateText(t, 6, "完成初审")` → "完成初审". */
export function updateText(t: Catalogue, taskNumber: number, body: string): string {
  if (!body.trim()) throw new UserError(t.update.noText(taskNumber));
  return body;
}

/** A figure no one writes for progress: another base (`0x10`), an exponent (`1e2`), or three decimals or more (`99.999`). */
const UNREADABLE_PERCENT = /^-?0[xob]|\d[e]|\.\d{3}|\..*\./i;

/**
 * The percentage to store, rounded, or a UserError when it is outside 0–100, not a number, or written in a form no one
 * writes for progress (`0x10`, `99.99999999999999999`); `raw` is as written. Below 100 it never rounds up to 100, which
 * would say the task is done. `updatePercent(t, 59.6, "59.6")` → 60; `updatePercent(t, 99.6, "99.6")` → 99;
 * `updatePercent(t, 150, "150")` throws "进度150%不在0–100之间…"; `updatePercent(t, 16, "0x10")` throws "进度“0x10%”不是…".
 */
export function updatePercent(t: Catalogue, percent: number | null, raw: string | null): number | null {
  if (percent === null) return null;
  const inRange = Number.isFinite(percent) && percent >= 0 && percent <= 100;
  // `1e999` and `150` are refused as out of range; `0x10` and `1e2` would pass as 16 and 100, `1.2.3` is no number.
  if (raw !== null && UNREADABLE_PERCENT.test(raw) && (inRange || !/\de/i.test(raw))) throw new UserError(t.updateReading.percentUnreadable(raw));
  if (!inRange) throw new UserError(t.update.percentOutOfRange(raw ?? String(percent)));
  return percent < 100 ? Math.min(99, Math.round(percent)) : 100;
}

/** The target moves (`指标+1`) an update's text makes on its task; a UserError when one names no target of it. */
export function updateTargetMoves(t: Catalogue, task: TaskRecord, body: string): { targetId: number; delta: number }[] {
  return targetMovesFor(t, task, body);
}

/**
 * Refuse target moves that would take a count past its promised number or below zero; nothing is clamped. `undone`
 * is what an edited update had moved so far, per target id, which the edit takes back first.
 * A target at 1/2名 with `指标+5` throws "任务6的指标 市级“公安数字工匠” 承诺2名，现为1名，这样会变成6名，超过承诺数…".
 */
export function checkTargetLimits(
  t: Catalogue,
  task: Pick<TaskRecord, "number"> & { targets: readonly TargetRecord[] },
  moves: readonly { targetId: number; delta: number }[],
  opts: { undone?: ReadonlyMap<number, number>; edit?: boolean } = {},
): void {
  const undone = opts.undone ?? new Map<number, number>();
  const wanted = new Map<number, number>();
  for (const m of moves) wanted.set(m.targetId, (wanted.get(m.targetId) ?? 0) + m.delta);
  for (const target of task.targets) {
    if (!wanted.has(target.id) && !undone.has(target.id)) continue;
    const from = target.current - (undone.get(target.id) ?? 0);
    const to = from + (wanted.get(target.id) ?? 0);
    if (outsideLimits(target, from, to)) throw targetLimitError(t, task.number, new TargetRangeError(target, target.current, to), opts.edit ?? false);
  }
}

/** The reply for a move refused by the limits (also when the repository's guard caught it): names the promised number. */
export function targetLimitError(t: Catalogue, taskNumber: number, e: TargetRangeError, edit: boolean): UserError {
  const { name, count, unit } = e.target;
  return new UserError(
    e.to < 0
      ? t.targetLimits.belowZero(taskNumber, name, e.from, e.to, unit, edit)
      : t.targetLimits.abovePromise(taskNumber, name, e.from, e.to, count, unit, edit),
  );
}

/**
 * Every rule for one part of a new update, in order: the reporter (refused as `action` unless null), text, percentage,
 * target moves within the promise and above zero, applied or (a responsible unit's) asked of a lead unit.
 */
export async function checkUpdate(
  ctx: Pick<CommandContext, "inbound" | "directory" | "repos" | "clock" | "t">,
  part: { task: TaskRecord; body: string; percent: number | null; percentRaw: string | null },
  action: string | null,
): Promise<CheckedUpdate> {
  const unit = await reporterUnit(ctx, ctx.inbound.sender, part.task, action);
  const body = updateText(ctx.t, part.task.number, part.body);
  const percent = updatePercent(ctx.t, part.percent, part.percentRaw);
  const targetMoves = updateTargetMoves(ctx.t, part.task, body);
  checkTargetLimits(ctx.t, part.task, targetMoves);
  if (targetMoves.length && !mayMoveTargets(ctx.directory, ctx.inbound.sender, part.task))
    return { unit: unit ?? "", body, percent, targetMoves: [], requestedMoves: targetMoves };
  return { unit: unit ?? "", body, percent, targetMoves, requestedMoves: [] };
}
