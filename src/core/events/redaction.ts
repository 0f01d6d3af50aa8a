import { commandContext, type BotDeps } from "../bot-deps.js";
import type { Message } from "../inbound.js";
import { actorOf, refuse } from "../permissions.js";
import { assertPlanActive } from "../plan-scope.js";
import { reply, type HandlerResult } from "../reply.js";
import { withdrawTargetRequests } from "../target-request.js";

/** A deleted message: its open question is withdrawn, and the updates it recorded are retracted (by their author or an admin). */
export async function onRedaction(msg: Message, deps: BotDeps): Promise<HandlerResult> {
  const target = msg.targetEventId;
  if (!target) return { replies: [] };
  const { repos, directory, clock, t } = deps;
  const pending = await repos.pending.byEventId(target);
  if (pending && !pending.resolvedAt && (pending.authorId === msg.sender || directory.isAdmin(msg.sender)))
    await repos.pending.resolve(pending.id, "withdrawn", msg.sender, clock.now());
  const parts = await repos.updates.parts(target);
  if (parts.length === 0) return { replies: [] };
  const ctx = commandContext(deps, msg);
  const first = await repos.plans.taskById(parts[0]!.taskId);
  if (parts.some((p) => p.authorId !== msg.sender) && !directory.isAdmin(msg.sender))
    await refuse(ctx, "retract", first, t.permissions.notAuthor(first?.number ?? 0));
  if (first) assertPlanActive(t, msg, first.planId);
  const replies = [];
  for (const part of parts) {
    const retracted = await repos.updates.retract(part.eventId!, actorOf(ctx), clock.now());
    const task = retracted ? await repos.plans.taskById(retracted.taskId) : null;
    if (retracted && task) await withdrawTargetRequests(ctx, task, retracted.id, msg.sender);
    if (task) replies.push(reply([t.update.retracted(task.number)]));
  }
  return { replies };
}
