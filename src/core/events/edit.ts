import { commandContext, interpretContext, type BotDeps } from "../bot-deps.js";
import { UserError } from "../command.js";
import { extractPercent } from "../grammar.js";
import type { Message } from "../inbound.js";
import { interpret } from "../interpreter/interpret.js";
import { TargetRangeError, type TaskRecord } from "../model.js";
import { actorOf, mayMoveTargets, refuse } from "../permissions.js";
import { readTargetMoves, targetMovesFor } from "../targets.js";
import { assertPlanActive, assertSamePlan } from "../plan-scope.js";
import { reply, type HandlerResult } from "../reply.js";
import { unknownTask } from "../task-view.js";
import { checkTargetLimits, reporterUnit, targetLimitError, updatePercent, updateTargetMoves, updateText } from "../update-rules.js";
import { onMessage } from "./message.js";

/**
 * An edited message. An update it recorded is revised (by its author or an admin) under the rules of a new update
 * (src/core/update-rules.ts), and moves to another task of its plan when the edit names one; an open question about
 * it is superseded; a request is not changed by an edit; a message never recorded is handled as that message.
 */
export async function onEdit(msg: Message, deps: BotDeps): Promise<HandlerResult> {
  const { repos, directory, clock, t } = deps;
  const target = msg.targetEventId;
  const parts = target ? await repos.updates.parts(target) : [];
  const isAdmin = directory.isAdmin(msg.sender);
  // Only the author (or an admin) may change a message's meaning. For a message never recorded the
  // transport says who sent it; when it cannot tell (the event was not found), the edit is refused too.
  if (parts.length === 0 && msg.targetSender !== undefined && msg.targetSender !== msg.sender && !isAdmin)
    await refuse(commandContext(deps, msg), "edit", null, t.permissions.notSender);
  // A request (申请办结, 申请延期) is not changed by editing it: a new request is the way.
  const request = target ? await repos.requests.byEventId(target) : null;
  if (request) return { replies: [reply([t.review.editIgnored])] };
  const pending = target ? await repos.pending.byEventId(target) : null;
  if (pending && !pending.resolvedAt && (pending.authorId === msg.sender || isAdmin))
    await repos.pending.resolve(pending.id, "superseded", msg.sender, clock.now());
  // An edit of a message we never recorded (say, a rejected update now corrected) is handled as that
  // message, under the original's event id, so editing it again revises instead of adding another update.
  if (!target || parts.length === 0) return onMessage({ ...msg, kind: "message", eventId: target ?? msg.eventId }, deps);
  const ctx = commandContext(deps, msg);
  const firstTask = await repos.plans.taskById(parts[0]!.taskId);
  // Only the author (or an admin) may change an update; anyone else is refused, audited, and changes nothing.
  if (parts.some((p) => p.authorId !== msg.sender) && !isAdmin) await refuse(ctx, "edit", firstTask, t.permissions.notAuthor(firstTask?.number ?? 0));
  if (msg.text.length > deps.maxLength) throw new UserError(t.errors.tooLong(msg.text.length, deps.maxLength));
  // An update stays in its plan: an archived plan's are not changed, and an edit cannot move one to another plan.
  const plan = firstTask ? assertPlanActive(t, msg, firstTask.planId) : null;
  assertSamePlan(t, msg, plan);
  // Read with the vocabulary of the update's own plan.
  const interpretation = interpret(msg.text, await interpretContext(deps, msg, plan ?? undefined));
  const segments = interpretation.command === "update" ? (interpretation.args.segments ?? []) : [];
  // Only a task number written in the edit moves the update; a task guessed from the subject never does.
  const namesTask = interpretation.confidence === "certain" && !interpretation.args.candidates?.length;
  // Check every part before revising any, so a bad edit changes nothing.
  const revisions: {
    eventId: string;
    task: TaskRecord | null;
    body: string;
    percent: number | null;
    moveTo: TaskRecord | null;
    /** Undefined: the update's target moves stay as they are. */
    targetMoves: { targetId: number; delta: number }[] | undefined;
    /** The edit wrote other target moves than the update had, and may not make them. */
    kept: boolean;
  }[] = [];
  for (const [i, part] of parts.entries()) {
    const task = await repos.plans.taskById(part.taskId);
    const segment = segments.find((s) => task && s.numbers.includes(task.number)) ?? segments[i];
    const body = updateText(t, task?.number ?? 0, segment?.body ?? msg.text.trim());
    const pct = segment ? { value: segment.percent, raw: segment.percentRaw } : extractPercent(body);
    const percent = updatePercent(t, pct?.value ?? null, pct?.raw ?? null);
    // An edit that names one other task moves the update there, within its plan, if its author may post on that task.
    let moveTo: TaskRecord | null = null;
    if (namesTask && segment && task && segment.numbers.length === 1 && segment.numbers[0] !== task.number) {
      moveTo = await repos.plans.task(task.planId, segment.numbers[0]!);
      if (!moveTo) {
        const { min, max } = await repos.plans.numberRange(task.planId);
        throw unknownTask(t, segment.numbers[0]!, min, max);
      }
      await reporterUnit(ctx, part.authorId, moveTo, "edit-move");
    }
    // Target moves (指标+1) are read again from the edited text: the earlier ones are undone, these applied.
    const on = moveTo ?? task;
    const targetMoves = on ? updateTargetMoves(t, on, body) : [];
    // Only a lead unit's member or an admin moves targets (src/core/target-request.ts): anyone else's edit leaves
    // the update's moves as they are, and says so when it wrote different ones.
    if (on && !mayMoveTargets(directory, msg.sender, on)) {
      // Nothing to say when the edit writes the moves the update has made, or those it first asked for.
      const wanted = net(targetMoves);
      const first = part.revisions[0]?.text ?? part.text;
      const asked = net(readTargetMoves(first).length ? targetMovesOr(t, on, first) : []);
      const made = await movedBy(deps, on.planId, part.id);
      const kept = !sameMoves(wanted, made) && !sameMoves(wanted, asked);
      revisions.push({ eventId: part.eventId!, task, body, percent, moveTo, targetMoves: undefined, kept });
      continue;
    }
    // Within the same limits as a new update, counting from before this update's own earlier moves.
    if (on) checkTargetLimits(t, on, targetMoves, { undone: await movedBy(deps, on.planId, part.id), edit: true });
    revisions.push({ eventId: part.eventId!, task, body, percent, moveTo, targetMoves, kept: false });
  }
  const replies = [];
  for (const r of revisions) {
    const change = { text: r.body, percent: r.percent, ...(r.targetMoves ? { targetMoves: r.targetMoves } : {}), ...(r.moveTo ? { taskId: r.moveTo.id } : {}) };
    const revised = await repos.updates.revise(r.eventId, change, actorOf(ctx), clock.now()).catch((e: unknown) => {
      throw e instanceof TargetRangeError ? targetLimitError(t, (r.moveTo ?? r.task)?.number ?? 0, e, true) : e;
    });
    const shown = r.moveTo ?? r.task;
    if (shown && revised) replies.push(reply([t.update.revised(shown.number, revised.percent), ...(r.kept ? [t.targetRequest.editKept] : [])]));
  }
  return { replies };
}

/** What an update has moved so far, net, per target id (its TargetChanges): an edit takes it back before applying its own. */
async function movedBy(deps: BotDeps, planId: number, updateId: number): Promise<Map<number, number>> {
  const net = new Map<number, number>();
  for (const c of await deps.repos.targets.changes(planId))
    if (c.updateId === updateId) net.set(c.targetId, (net.get(c.targetId) ?? 0) + c.toCount - c.fromCount);
  return net;
}

/** Moves summed per target id: `net([{targetId: 1, delta: 1}, {targetId: 1, delta: 1}])` → {1 → 2}. */
function net(moves: readonly { targetId: number; delta: number }[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of moves) out.set(m.targetId, (out.get(m.targetId) ?? 0) + m.delta);
  return out;
}

function sameMoves(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  const ids = new Set([...a.keys(), ...b.keys()]);
  return [...ids].every((id) => (a.get(id) ?? 0) === (b.get(id) ?? 0));
}

/** The moves an earlier text made on `task`, or none when they no longer read (a target removed since). */
function targetMovesOr(t: BotDeps["t"], task: TaskRecord, text: string): { targetId: number; delta: number }[] {
  try {
    return targetMovesFor(t, task, text);
  } catch {
    return [];
  }
}
