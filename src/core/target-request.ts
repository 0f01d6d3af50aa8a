import { commandContext, type BotDeps } from "./bot-deps.js";
import type { CommandContext } from "./command.js";
import type { Message } from "./inbound.js";
import { TargetRangeError, type MovedTarget, type PendingRecord, type TaskRecord, type UpdateRecord } from "./model.js";
import { actorOf, leadUnitFor, mayMoveTargets, refuse } from "./permissions.js";
import { reply, type HandlerResult, type Notice } from "./reply.js";
import { leadRooms } from "./review.js";
import { checkTargetLimits, targetLimitError } from "./update-rules.js";

/**
 * Target requests (指标变动待确认): a responsible unit (责任单位) may report on a task, but only a member of a lead unit
 * (牵头单位) or an admin moves its targets. A responsible unit's `指标+1` is recorded with its update as a pending
 * question in each lead unit's room (the office's when none has a room), kept like a "要记录…吗？" question
 * (src/core/pending-update.ts) and answered with 是 / 否 or a 👍 within DUBAN_CONFIRM_HOURS.
 */

type Move = { targetId: number; delta: number };

/** The moves as people read them: `市级“公安数字工匠” +1`. */
function describe(t: CommandContext["t"], task: TaskRecord, moves: readonly Move[]): string {
  return moves.map((m) => t.targetRequest.move(task.targets.find((x) => x.id === m.targetId)?.name ?? String(m.targetId), m.delta)).join("、");
}

/**
 * Ask the lead units to confirm the moves `update` (just recorded, by the message in `ctx`) asked for: one pending
 * question per lead room, keyed `target-<update id>-<room>`. Returns the line for the reporter's reply, the asking
 * lines and the question's key (`asks`) when the reporter's own room is a lead room, and the notices for the others.
 */
export async function requestTargetMoves(
  ctx: CommandContext,
  task: TaskRecord,
  update: UpdateRecord,
  moves: Move[],
  who: string,
): Promise<{ lines: string[]; notices: Notice[]; asks?: string }> {
  const { t, inbound, clock } = ctx;
  const rooms = leadRooms(ctx, task);
  const moveText = describe(t, task, moves);
  const text = update.text.length > 80 ? `${update.text.slice(0, 80)}…` : update.text;
  const ask = t.targetRequest.ask(task.number, task.title, who, text, moveText, ctx.confirmHours);
  const lines = [t.targetRequest.waiting(moveText, task.leadUnits.join("、"), ctx.confirmHours)];
  const notices: Notice[] = [];
  let asks: string | undefined;
  for (const room of rooms) {
    const eventId = `target-${update.id}-${room}`;
    // A redelivered message asks once: the question already stored (answered or not) stays as it is.
    if (await ctx.repos.pending.byEventId(eventId)) continue;
    await ctx.repos.pending.create({
      eventId,
      room,
      authorId: inbound.sender,
      transport: inbound.transport,
      text: update.text,
      segments: [],
      candidates: [],
      at: clock.now(),
      expiresAt: new Date(clock.now().getTime() + ctx.confirmHours * 3600_000),
      request: { updateId: update.id, taskId: task.id, room: inbound.room, moves },
    });
    if (room === inbound.room) {
      lines.push(...ask.split("\n"));
      asks = eventId;
    }
    // `asks` lets a 👍 on the notice stand for this question (the Matrix transport carries it in the event).
    else notices.push({ rooms: [room], reply: { ...reply(ask.split("\n")), asks: eventId } });
  }
  return { lines, notices, ...(asks ? { asks } : {}) };
}

/** The open target requests `pending` belongs with: the same update's questions in the other lead rooms. */
async function siblings(deps: BotDeps, pending: PendingRecord, task: TaskRecord): Promise<PendingRecord[]> {
  const rooms = deps.directory.roomsOf(task.leadUnits);
  const all = [];
  for (const room of rooms.length ? rooms : deps.directory.officeRooms())
    all.push(...(await deps.repos.pending.unresolved(room)).filter((p) => p.id !== pending.id && p.request?.updateId === pending.request?.updateId));
  return all;
}

/**
 * Answer a target request: `yes` applies the stored moves (once, whoever answers first; within the limits as they
 * stand now), `no` leaves the count. Only a lead unit's member or an admin may answer; anyone else is refused and
 * audited. The reporter's room is told either way.
 */
export async function answerTargetRequest(deps: BotDeps, answer: Message, pending: PendingRecord, yes: boolean): Promise<HandlerResult> {
  const { t, repos, clock } = deps;
  const request = pending.request!;
  const task = await repos.plans.taskById(request.taskId);
  if (!task) return { replies: [] };
  const ctx = commandContext(deps, answer);
  if (!mayMoveTargets(deps.directory, answer.sender, task))
    await refuse(ctx, "target-confirm", task, t.targetRequest.notLead(task.number, task.leadUnits.join("、")));
  const who = leadUnitFor(deps.directory, answer.sender, task) ?? deps.directory.homeUnit(answer.sender) ?? answer.sender;
  const moveText = describe(t, task, request.moves);
  if (!yes) {
    if (!(await repos.pending.resolve(pending.id, "declined", answer.sender, clock.now()))) return { replies: [] };
    for (const p of await siblings(deps, pending, task)) await repos.pending.resolve(p.id, "superseded", answer.sender, clock.now());
    return {
      replies: [reply([t.targetRequest.declined(task.number)])],
      notices: tell(answer, request.room, t.targetRequest.declinedNotice(task.number, moveText, who)),
    };
  }
  // Checked before the question is closed, so a move the count no longer allows leaves it open for an admin's 设置指标.
  checkTargetLimits(t, task, request.moves);
  if (!(await repos.pending.resolve(pending.id, "confirmed", answer.sender, clock.now()))) return { replies: [] };
  for (const p of await siblings(deps, pending, task)) await repos.pending.resolve(p.id, "superseded", answer.sender, clock.now());
  let moved: MovedTarget[] | null;
  try {
    moved = await repos.updates.confirmTargetMoves(
      request.updateId,
      request.moves,
      actorOf(ctx, leadUnitFor(deps.directory, answer.sender, task)),
      clock.now(),
    );
  } catch (e) {
    throw e instanceof TargetRangeError ? targetLimitError(t, task.number, e, false) : e;
  }
  if (!moved) return { replies: [reply([t.targetRequest.retracted(task.number)])] };
  const lines = moved.map((m) => {
    const target = task.targets.find((x) => x.id === m.targetId);
    return t.update.targetMoved(m.name, m.from, m.to, target?.count ?? m.to, target?.unit ?? "");
  });
  return {
    replies: [reply([t.targetRequest.confirmed(task.number), ...lines])],
    reaction: "✅",
    notices: tell(answer, request.room, [t.targetRequest.confirmedNotice(task.number, who), ...lines].join("\n")),
  };
}

/** A notice to the reporter's room, unless the answer came from there. */
function tell(answer: Message, room: string, text: string): Notice[] {
  return room === answer.room ? [] : [{ rooms: [room], reply: reply(text.split("\n")) }];
}

/** A target request answered after it expired: closed as expired, and the answerer told. */
export async function expireTargetRequest(deps: BotDeps, pending: PendingRecord, by: string): Promise<HandlerResult> {
  await deps.repos.pending.resolve(pending.id, "expired", by, deps.clock.now());
  return { replies: [reply([deps.t.targetRequest.expired(deps.confirmHours)])] };
}

/**
 * Close the open target requests of an update that was just retracted (a redaction, `撤回 任务5`): its moves are not
 * to be confirmed any more, so the question in each lead room is withdrawn rather than left to be answered.
 */
export async function withdrawTargetRequests(
  ctx: Pick<CommandContext, "repos" | "directory" | "clock">,
  task: TaskRecord,
  updateId: number,
  by: string,
): Promise<void> {
  const rooms = ctx.directory.roomsOf(task.leadUnits);
  for (const room of rooms.length ? rooms : ctx.directory.officeRooms()) {
    const pending = await ctx.repos.pending.byEventId(`target-${updateId}-${room}`);
    if (pending && !pending.resolvedAt) await ctx.repos.pending.resolve(pending.id, "withdrawn", by, ctx.clock.now());
  }
}
