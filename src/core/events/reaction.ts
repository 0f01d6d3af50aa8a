import type { BotDeps } from "../bot-deps.js";
import type { Message } from "../inbound.js";
import { confirmPending, expirePending } from "../pending-update.js";
import type { HandlerResult } from "../reply.js";

/** Reactions that confirm a question on Matrix. */
const YES_REACTION = /^(?:👍|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿|✅|✔️?|是|yes)$/u;

/** A 👍 on a "要记录…吗？" question (the transport passes the asked-about message's id) confirms it; other reactions are ignored. */
export async function onReaction(msg: Message, deps: BotDeps): Promise<HandlerResult> {
  if (!msg.targetEventId || !YES_REACTION.test(msg.text.trim())) return { replies: [] };
  const pending = await deps.repos.pending.byEventId(msg.targetEventId);
  if (!pending || pending.resolvedAt) return { replies: [] };
  if (pending.authorId !== msg.sender && !deps.directory.isAdmin(msg.sender)) return { replies: [] };
  if (pending.expiresAt <= deps.clock.now()) return expirePending(deps, pending, msg.sender);
  return confirmPending(deps, msg, pending, pending.candidates[0] ?? null);
}
