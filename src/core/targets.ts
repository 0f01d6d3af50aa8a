import type { TargetRecord } from "./model.js";
import { nameKey } from "../plan/target-parser.js";

/** A count move written in an update: `指标+1`, `指标：数字工匠+1`, `指标（省级团队）+2`, `指标-1` (a correction). */
export interface TargetMove {
  /** The target named after 指标, or null when none is. */
  name: string | null;
  delta: number;
}

const MOVE = /指标\s*[:：(（]?\s*([\p{Script=Han}“”"A-Za-z]{0,20}?)\s*[)）]?\s*([+＋\-－])\s*(\d{1,3})(?!\d)/gu;

/** Every count move in an update's text: `readTargetMoves("张三入选市级数字工匠 指标+1")` → [{name: null, delta: 1}]. */
export function readTargetMoves(text: string): TargetMove[] {
  return [...text.matchAll(MOVE)].map((m) => ({
    name: m[1] ? m[1] : null,
    delta: (m[2] === "+" || m[2] === "＋" ? 1 : -1) * Number(m[3]),
  }));
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
  const scored = targets
    .map((t) => ({ t, score: [...pairs(nameKey(t.name))].filter((p) => wanted.has(p)).length }))
    .sort((a, b) => b.score - a.score);
  if (scored[0]!.score === 0 || (scored[1] && scored[1].score === scored[0]!.score)) return null;
  return scored[0]!.t;
}
