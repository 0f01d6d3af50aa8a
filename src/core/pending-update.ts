import { commandContext, type BotDeps } from "./bot-deps.js";
import type { Message } from "./inbound.js";
import type { PendingRecord } from "./model.js";
import { addressMessage, assertNamedPlanActive } from "./plan-scope.js";
import { reply, type HandlerResult } from "./reply.js";

/**
 * Record a pending update (a "要记录…吗？" question answered yes, by a reply or a 👍) as its author wrote it, through
 * the update command's own path (its `confirmed`), then close the question. `chosen` picks one of the tasks offered.
 */
export async function confirmPending(deps: BotDeps, answer: Message, pending: PendingRecord, chosen: number | null): Promise<HandlerResult> {
  const update = deps.commands.find((c) => c.cues.kind === "update");
  if (!update?.confirmed) return { replies: [] };
  const segments = chosen === null ? pending.segments : pending.segments.map((s, i) => (i === 0 ? { ...s, numbers: [chosen] } : s));
  // The question was about the plan its stored text names (see the update command), whichever room answers.
  const original = addressMessage(
    {
      transport: pending.transport,
      room: pending.room,
      sender: pending.authorId,
      text: pending.text,
      eventId: pending.eventId ?? `pending-${pending.id}`,
      isDirect: answer.isDirect,
      mentionsBot: true,
    },
    answer.plans,
  );
  assertNamedPlanActive(deps.t, original);
  const result = await update.confirmed(segments, commandContext(deps, original));
  await deps.repos.pending.resolve(pending.id, "confirmed", answer.sender, deps.clock.now());
  return result;
}

/** A question answered after it expired: closed as expired, and the author told to post again. */
export async function expirePending(deps: BotDeps, pending: PendingRecord, by: string): Promise<HandlerResult> {
  await deps.repos.pending.resolve(pending.id, "expired", by, deps.clock.now());
  return { replies: [reply([deps.t.confirm.expired(deps.confirmHours)])] };
}
