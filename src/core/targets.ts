import { UserError } from "./command.js";
import type { Catalogue } from "./i18n/index.js";
import type { TargetRecord, TaskRecord } from "./model.js";
import { nameKey } from "../plan/target-parser.js";

/** A count move written in an update: `指标+1`, `指标：数字工匠+1`, `指标（省级团队）+2`, `指标-1` (a correction). */
export interface TargetMove {
  /** The target named after 指标, or null when none is. */
  name: string | null;
  delta: number;
}

/** 1 the target's name, 2 the sign, 3 the number; not `指标+5%` or `指标+10分` (a rate or a score, not a count). */
const MOVE = /指标\s*[:：(（]?\s*([\p{Script=Han}“”"A-Za-z]{0,20}?)\s*[)）]?\s*([+＋\-－])\s*(\d{1,3})(?![\d%％分.．])/gu;
/** Further moves after the first, joined by 、 or ，: `指标：数字工匠+1、领军人才+1`. */
const MORE = /^[、，,；;]\s*([\p{Script=Han}“”"A-Za-z]{1,20}?)\s*([+＋\-－])\s*(\d{1,3})(?![\d%％分.．])/u;

/** Every count move in an update's text: `readTargetMoves("张三入选市级数字工匠 指标+1")` → [{name: null, delta: 1}]. */
export function readTargetMoves(text: string): TargetMove[] {
  const sign = (s: string) => (s === "+" || s === "＋" ? 1 : -1);
  const out: TargetMove[] = [];
  for (const m of text.matchAll(MOVE)) {
    out.push({ name: m[1] ? m[1] : null, delta: sign(m[2]!) * Number(m[3]) });
    let rest = text.slice(m.index + m[0].length);
    for (let more = MORE.exec(rest); more; more = MORE.exec(rest)) {
      out.push({ name: more[1]!, delta: sign(more[2]!) * Number(more[3]) });
      rest = rest.slice(more[0].length);
    }
  }
  return out;
}

/**
 * The target counts an update's text moves on `task`, or a UserError when the task has no targets or it is
 * unclear which one is meant (nothing is stored then). Used for new updates and for edits alike.
 */
export function targetMovesFor(t: Catalogue, task: TaskRecord, body: string): { targetId: number; delta: number }[] {
  return readTargetMoves(body).map((move) => {
    if (task.targets.length === 0) throw new UserError(t.update.noTargets(task.number));
    const target = resolveTarget(move, task.targets);
    if (!target)
      throw new UserError(
        t.update.whichTarget(
          task.number,
          task.targets.map((x) => x.name),
        ),
      );
    return { targetId: target.id, delta: move.delta };
  });
}

/**
 * The target a move means: the only one when none is named, else the one whose name contains the given name, or
 * shares the most character pairs with it. Null when it cannot tell (several targets, none named or none fitting).
 */
export function resolveTarget(move: TargetMove, targets: readonly TargetRecord[]): TargetRecord | null {
  if (targets.length === 0) return null;
  if (move.name === null) return targets.length === 1 ? targets[0]! : null;
  const key = nameKey(move.name);
  const containing = targets.filter((t) => nameKey(t.name).includes(key) || key.includes(nameKey(t.name)));
  if (containing.length === 1) return containing[0]!;
  const pairs = (s: string) => new Set([...s].slice(1).map((c, i) => [...s][i]! + c));
  const wanted = pairs(key);
  const scored = targets.map((t) => ({ t, score: [...pairs(nameKey(t.name))].filter((p) => wanted.has(p)).length })).sort((a, b) => b.score - a.score);
  if (scored[0]!.score === 0 || (scored[1] && scored[1].score === scored[0]!.score)) return null;
  return scored[0]!.t;
}
