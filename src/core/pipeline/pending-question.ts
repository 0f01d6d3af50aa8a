import { normalize, taskNumber } from "../grammar.js";
import { reply } from "../reply.js";
import { confirmPending, expirePending } from "../pending-update.js";
import { answerTargetRequest, expireTargetRequest } from "../target-request.js";
import { addressedToBot } from "./understood.js";
import { commandContext } from "../bot-deps.js";
import type { HandlerResult } from "../reply.js";
import type { Stage, Turn } from "./pipeline.js";

/** The status of task `n`, as the status command answers it: the answer to "您是想查看：任务11…的进度吗？". */
export async function answerStatus(turn: Pick<Turn, "msg" | "deps">, n: number): Promise<HandlerResult> {
  const status = turn.deps.commands.find((c) => c.name === "status");
  if (!status) return { replies: [] };
  return status.handle({ numbers: [n] }, commandContext(turn.deps, turn.msg, "certain"));
}

/** Replies that answer a "要记录…吗？" question. */
const YES = /^(?:是|是的|对|对的|确认|记录|要|要的|没错|yes|y|confirm|👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|✔️?)$/iu;
const NO = /^(?:否|不|不是|不用|不要|不对|忽略|取消|算了|别记|不记|no|n|cancel|ignore|👎|❌)$/iu;
/** A bare number ("6", "6号"): "任务6" stays a status query even while a question is open. */
const CHOICE = /^(\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:号|项)?$/u;

/**
 * A reply to an open "要记录…吗？" question from its author (or an admin): "是", "否", or a task number when several
 * were offered. Else "是" or "否" answers the room's newest target request (src/core/target-request.ts), which a lead
 * unit's member or an admin may answer. Anything else, or no open question, goes on.
 */
export const pendingQuestion: Stage<Turn> = async (turn, next) => {
  const { msg, deps } = turn;
  const text = normalize(turn.interpretation.text).replace(/[,，。!！\s]+$/u, "");
  const yes = YES.test(text);
  const no = NO.test(text);
  const choice = CHOICE.exec(text);
  if (!yes && !no && !choice) return next();
  const now = deps.clock.now();
  const isAdmin = deps.directory.isAdmin(msg.sender);
  const open = await deps.repos.pending.unresolved(msg.room);
  // The asker's newest open question, if it is "您是想查看…吗？": 是 or a number offered answers it with that task's status.
  const newest = open.find((p) => p.kind !== "target" && p.authorId === msg.sender && p.expiresAt > now);
  if (newest?.kind === "status") {
    const n = choice && !yes ? taskNumber(choice[1]!) : (newest.candidates[0] ?? null);
    if (n === null || !newest.candidates.includes(n)) return next();
    await deps.repos.pending.resolve(newest.id, no ? "declined" : "confirmed", msg.sender, now);
    return no ? { replies: [reply([deps.t.leaderQuestions.declined])] } : answerStatus(turn, n);
  }
  const mine = open.filter((p) => p.kind === "update" && (p.authorId === msg.sender || isAdmin));
  const pending = mine.find((p) => p.expiresAt > now);
  if (!pending) {
    const expired = mine.find((p) => p.authorId === msg.sender);
    if (expired && (yes || (choice && expired.candidates.length > 0))) return expirePending(deps, expired, msg.sender);
    const requests = open.filter((p) => p.kind === "target");
    if (requests.length === 0 || (!yes && !no)) return next();
    const request = requests.find((p) => p.expiresAt > now);
    if (request) return answerTargetRequest(deps, msg, request, yes);
    return yes ? expireTargetRequest(deps, requests[0]!, msg.sender) : next();
  }
  if (choice && !yes) {
    const n = taskNumber(choice[1]!);
    // A bare task number answers only a question that offered several tasks.
    if (pending.candidates.length === 0 || n === null) return next();
    if (!pending.candidates.includes(n)) {
      if (!addressedToBot(turn)) return next();
      return { replies: [reply([deps.t.confirm.notAnOption(n, pending.candidates.join("、"))])] };
    }
    return confirmPending(deps, msg, pending, n);
  }
  if (no) {
    await deps.repos.pending.resolve(pending.id, "declined", msg.sender, now);
    return { replies: [reply([deps.t.confirm.declined])] };
  }
  return confirmPending(deps, msg, pending, pending.candidates[0] ?? null);
};
