import { createHash } from "node:crypto";
import { formatSize } from "../../util/format-size.js";
import { commandContext, type BotDeps } from "../bot-deps.js";
import type { Message } from "../inbound.js";
import { actorOf, leadUnitFor, refuse } from "../permissions.js";
import { assertPlanActive } from "../plan-scope.js";
import { reply, type HandlerResult } from "../reply.js";

/**
 * A file sent as a reply to a completion or extension request (or to the bot's confirmation of it) is evidence
 * (佐证材料): downloaded, hashed, kept under the evidence folder and audited. Any other file is ignored.
 */
export async function onFile(msg: Message, deps: BotDeps): Promise<HandlerResult> {
  const file = msg.file;
  const store = deps.evidence;
  if (!file || !store || !msg.targetEventId) return { replies: [] };
  const { repos, directory: dir, t } = deps;
  const request = await repos.requests.byEventId(msg.targetEventId);
  if (!request) return { replies: [] };
  const task = await repos.plans.taskById(request.taskId);
  if (!task) return { replies: [] };
  const ctx = commandContext(deps, msg);
  const sender = msg.sender;
  if (sender !== request.requestedBy && !leadUnitFor(dir, sender, task) && !dir.isAdmin(sender))
    await refuse(ctx, "add-evidence", task, t.evidence.notRequester(task.number));
  if (request.state !== "pending") await refuse(ctx, "add-evidence", task, t.evidence.closed(task.number));
  assertPlanActive(t, msg, task.planId);
  const maxMb = deps.evidenceMaxMb;
  const max = maxMb * 1024 * 1024;
  if (file.size !== null && file.size > max) await refuse(ctx, "add-evidence", task, t.evidence.tooBig(file.name, formatSize(file.size), maxMb));
  let bytes: Uint8Array;
  try {
    bytes = await file.fetch();
  } catch (e) {
    deps.log.warn("could not download evidence", { eventId: msg.eventId, error: e instanceof Error ? e.message : String(e) });
    return { replies: [reply([t.evidence.failed(file.name)])] };
  }
  if (bytes.byteLength > max) await refuse(ctx, "add-evidence", task, t.evidence.tooBig(file.name, formatSize(bytes.byteLength), maxMb));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const path = await store.save(bytes, { taskNumber: task.number, sha256, name: file.name });
  const stored = await repos.evidence.add(
    {
      taskId: task.id,
      requestId: request.id,
      fileName: file.name,
      mimeType: file.mimeType,
      size: bytes.byteLength,
      sha256,
      path,
      uploader: sender,
      eventId: msg.eventId ?? null,
    },
    actorOf(ctx, leadUnitFor(dir, sender, task) ?? dir.homeUnit(sender)),
    deps.clock.now(),
  );
  return { replies: [reply([t.evidence.stored(task.number, stored.fileName, formatSize(stored.size), stored.sha256.slice(0, 16))])], reaction: "✅" };
}
