import { UserError, type CommandContext } from "./command.js";
import { RequestPendingError, type RequestRecord, type TaskRecord } from "./model.js";
import { actorOf, leadUnitFor, refuse } from "./permissions.js";
import { personLabel } from "./person.js";
import { formatDateTime } from "./time.js";
import { parseDeadline } from "../plan/deadline-parser.js";
import type { Deadline } from "../plan/types.js";
import { reply, type Notice } from "./reply.js";

/**
 * Helpers shared by the completion (办结) and extension (延期) commands: who is told, and how a
 * decision or a deadline is read from what an admin or officer wrote.
 */

/** A notice for rooms other than the one the command came from (that room gets the reply instead). */
export function notice(ctx: CommandContext, rooms: readonly string[], lines: string[]): Notice[] {
  const others = rooms.filter((r) => r !== ctx.inbound.room);
  return others.length ? [{ rooms: others, reply: reply(lines) }] : [];
}

/** The rooms of a task's lead units; the office's rooms when none of them has a room. */
export function leadRooms(ctx: CommandContext, task: TaskRecord): string[] {
  const rooms = ctx.directory.roomsOf(task.leadUnits);
  return rooms.length ? rooms : ctx.directory.officeRooms();
}

const APPROVE = /^(?:通过|同意|批准|准予|予以通过|审核通过|approved?|yes)(?:[\s,，。:：;；]+|$)/iu;
const REJECT = /^(?:退回|驳回|不通过|不同意|不予通过|打回|rejected?|no)(?:[\s,，。:：;；]+|$)/iu;

/**
 * The decision and reason of a review: from the verb for `approve 6 …` / `reject 6 …`, else from the
 * first word of the text (`办结审核 6 通过 材料齐全`). Null when neither says.
 */
export function readDecision(verb: string | undefined, text: string): { decision: "approved" | "rejected"; reason: string } | null {
  const v = (verb ?? "").toLowerCase();
  if (v.startsWith("approve")) return { decision: "approved", reason: text.trim() };
  if (v.startsWith("reject")) return { decision: "rejected", reason: text.trim() };
  const a = APPROVE.exec(text);
  if (a) return { decision: "approved", reason: text.slice(a[0].length).trim() };
  const r = REJECT.exec(text);
  if (r) return { decision: "rejected", reason: text.slice(r[0].length).trim() };
  return null;
}

/**
 * A deadline at the start of the text, read by the plan's own grammar, and the reason after it:
 * `2025年3月底前 市局评选推迟` → {deadline: 2025-03-31, rest: "市局评选推迟"}. Null deadline when unreadable.
 */
export function readDeadline(text: string): { written: string; deadline: Deadline | null; rest: string } {
  const m = /^(\S+?)(?:[\s，,；;:：]+([\s\S]*))?$/u.exec(text.trim());
  const written = m?.[1] ?? "";
  const parsed = written ? parseDeadline(written) : null;
  return { written, deadline: parsed && parsed.kind !== "unknown" ? parsed : null, rest: (m?.[2] ?? "").trim() };
}

/**
 * Checks shared by 申请办结 and 申请延期, before anything is stored: the sender belongs to a lead unit
 * (else refused and audited) and the task is not done. Returns the sender's lead unit.
 */
export async function requireRequester(ctx: CommandContext, kind: RequestRecord["kind"], task: TaskRecord): Promise<string> {
  const unit = leadUnitFor(ctx.directory, ctx.inbound.sender, task);
  if (!unit) return refuse(ctx, `request-${kind}`, task, ctx.t.permissions.notLead(task.number, task.leadUnits.join("、")));
  if (task.completedAt) throw new UserError(ctx.t.review.alreadyDone(task.number));
  return unit;
}

/** Store a request for the sender's unit; a second pending request of the same kind gets a clear reply instead. */
export async function submitRequest(
  ctx: CommandContext,
  task: TaskRecord,
  unit: string,
  r: { kind: RequestRecord["kind"]; note: string; deadline: Deadline | null },
): Promise<void> {
  try {
    await ctx.repos.requests.create({ taskId: task.id, ...r, link: ctx.inbound.link ?? null, actor: actorOf(ctx, unit), at: ctx.clock.now() });
  } catch (e) {
    if (e instanceof RequestPendingError)
      throw new UserError(
        ctx.t.review.alreadyPending(
          task.number,
          ctx.t.review.kind[r.kind],
          personLabel(ctx.t, ctx.directory, e.existing.requestedBy, e.existing.requesterUnit),
          formatDateTime(e.existing.createdAt),
        ),
      );
    throw e;
  }
}
