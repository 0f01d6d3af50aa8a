import type { BotDeps } from "../bot-deps.js";
import type { Message } from "../inbound.js";
import { confirmPending, expirePending } from "../pending-update.js";
import { answerTargetRequest, expireTargetRequest } from "../target-request.js";
import { mayMoveTargets } from "../permissions.js";
import type { HandlerResult } from "../reply.js";
import { answerStatus } from "../pipeline/pending-question.js";

/** Reactions that confirm a question on Matrix. */
const YES_REACTION = /^(?:👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|✔️?|是|yes)$/u;

/**
 * A 👍 on a "要记录…吗？" question (the transport passes the asked-about message's id) or on a target request (the key
 * the notice carries) confirms it; other reactions are ignored.
 */
export async function onReaction(msg: Message, deps: BotDeps): Promise<HandlerResult> {
  if (!msg.targetEventId || !YES_REACTION.test(msg.text.trim())) return { replies: [] };
  const pending = await deps.repos.pending.byEventId(msg.targetEventId);
  if (!pending || pending.resolvedAt) return { replies: [] };
  if (pending.kind === "target") {
    // A target request: a lead unit's member or an admin confirms; anyone else's 👍 is only a reaction.
    const task = await deps.repos.plans.taskById(pending.request!.taskId);
    if (!task || !mayMoveTargets(deps.directory, msg.sender, task)) return { replies: [] };
    if (pending.expiresAt <= deps.clock.now()) return expireTargetRequest(deps, pending, msg.sender);
    return answerTargetRequest(deps, msg, pending, true);
  }
  if (pending.kind === "status") {
    // 👍 on "您是想查看：任务11…的进度吗？" from its asker: the first guess's status.
    if (pending.authorId !== msg.sender || pending.expiresAt <= deps.clock.now() || pending.candidates.length === 0) return { replies: [] };
    await deps.repos.pending.resolve(pending.id, "confirmed", msg.sender, deps.clock.now());
    return answerStatus({ msg, deps }, pending.candidates[0]!);
  }
  if (pending.authorId !== msg.sender && !deps.directory.isAdmin(msg.sender)) return { replies: [] };
  if (pending.expiresAt <= deps.clock.now()) return expirePending(deps, pending, msg.sender);
  return confirmPending(deps, msg, pending, pending.candidates[0] ?? null);
}
