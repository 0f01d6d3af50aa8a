import { z } from "zod";
import { defineCommand, type CommandContext, type UpdateSegments } from "../src/core/command.js";
import { reply, type HandlerResult } from "../src/core/reply.js";
import { requirePlan, requireTask } from "../src/core/task-view.js";
import { planPrefix, planTag } from "../src/core/plan-scope.js";
import { TargetRangeError, type TaskRecord } from "../src/core/model.js";
import { checkUpdate, targetLimitError, type CheckedUpdate } from "../src/core/update-rules.js";
import { requestTargetMoves } from "../src/core/target-request.js";
import type { Notice } from "../src/core/reply.js";
import { unmetTargets } from "../src/core/completion-check.js";

/** How much of the update the confirmation quotes back. */
const QUOTE = 80;

const segment = z.object({
  numbers: z.array(z.number().int()).min(1),
  body: z.string(),
  // Any number, Infinity and NaN too (`1e999%`): src/core/update-rules.ts refuses those with a reply, as on an edit,
  // where zod's number() would fail the arguments and the person would get an internal error.
  percent: z.custom<number>((v) => typeof v === "number", "a number").nullable(),
  percentRaw: z.string().nullable(),
});
const candidate = z.object({ number: z.number().int(), title: z.string(), score: z.number(), shared: z.array(z.string()) });
const updateArgs = z.object({
  segments: z.array(segment).min(1),
  /** Tasks named only by subject, best first: the bot asks which one. */
  candidates: z.array(candidate).optional(),
});

const quote = (text: string) => (text.length > QUOTE ? `${text.slice(0, QUOTE)}…` : text);

type Part = CheckedUpdate & { task: TaskRecord };

/**
 * Check every part of an update before anything is written: known tasks, then the rules of src/core/update-rules.ts
 * (a sender who may post on each, see docs/directory-and-roles.md, "Roles and permissions"; some text; a percentage in 0–100).
 */
async function validate(segments: UpdateSegments, ctx: CommandContext, checkSender = true): Promise<Part[]> {
  const parts: Part[] = [];
  for (const s of segments) {
    for (const number of s.numbers) {
      const { task } = await requireTask(ctx, number);
      parts.push({ task, ...(await checkUpdate(ctx, { task, body: s.body, percent: s.percent, percentRaw: s.percentRaw }, checkSender ? "update" : null)) });
    }
  }
  return parts;
}

/** The next step after an update at 100%: the unmet targets, as the completion review will show them, then how to apply. */
function completionOffer(ctx: CommandContext, task: TaskRecord, moved: readonly { targetId: number; to: number }[]): string[] {
  const now = { ...task, targets: task.targets.map((x) => ({ ...x, current: moved.find((m) => m.targetId === x.id)?.to ?? x.current })) };
  const unmet = unmetTargets(ctx, now);
  return [...(unmet ? [ctx.t.figures.unmetTargets(task.number, unmet)] : []), ctx.t.figures.offerCompletion(task.number)];
}

/** Record an update: every part checked first, then stored, then the confirmation (also for an update confirmed after a question). */
async function record(segments: UpdateSegments, ctx: CommandContext): Promise<HandlerResult> {
  const t = ctx.t;
  const { inbound, clock } = ctx;
  const parts = await validate(segments, ctx);
  // With several plans in progress the reply says which plan's task it went to (a room's default is silent).
  const tag = await planTag(ctx, await requirePlan(ctx));
  const lines: string[] = [];
  const notices: Notice[] = [];
  let asks: string | undefined;
  for (const [i, part] of parts.entries()) {
    // One chat event may carry several updates; each gets its own key so a redelivery stores none twice.
    const eventId = inbound.eventId ? (i === 0 ? inbound.eventId : `${inbound.eventId}#${i + 1}`) : null;
    const {
      update: stored,
      updateCount,
      targets,
    } = await ctx.repos.updates
      .record({
        targetMoves: part.targetMoves,
        taskId: part.task.id,
        text: part.body,
        percent: part.percent,
        authorId: inbound.sender,
        authorUnit: part.unit,
        room: inbound.room,
        transport: inbound.transport,
        eventId,
        at: clock.now(),
      })
      .catch((e: unknown) => {
        // The count moved since the check (another message in between): refused like any move past the limits.
        throw e instanceof TargetRangeError ? targetLimitError(t, part.task.number, e, false) : e;
      });
    lines.push(tag + t.update.recorded(part.task.number, part.task.title, stored.percent, updateCount, quote(stored.text)));
    for (const moved of targets) {
      const target = part.task.targets.find((x) => x.id === moved.targetId);
      lines.push(t.update.targetMoved(moved.name, moved.from, moved.to, target?.count ?? moved.to, target?.unit ?? ""));
    }
    // A responsible unit's 指标+1: the update is recorded, the move waits for a lead unit.
    if (part.requestedMoves.length) {
      const asked = await requestTargetMoves(ctx, part.task, stored, part.requestedMoves, part.unit || inbound.sender);
      lines.push(...asked.lines);
      notices.push(...asked.notices);
      asks ??= asked.asks;
    }
    if (part.task.completedAt) lines.push(t.update.done(part.task.number));
    // 100% is not completion: only the office's review closes a task, so the reply offers the request (申请办结).
    else if (stored.percent === 100 && !part.task.reviewPending) lines.push(...completionOffer(ctx, part.task, targets));
  }
  // A reply that asks this room's lead unit about a target move carries the question's key, so a 👍 on it answers.
  return { replies: [{ ...reply(lines), ...(asks ? { asks } : {}) }], reaction: "✅", ...(notices.length ? { notices } : {}) };
}

/**
 * `任务6进展:完成初审 60%`, `6号任务进展：已推荐3名民警参加评选，完成40%`, `任务6、7进展…`,
 * `任务6：…；任务7：…`. When the interpreter is unsure (`likely`: a task named only by subject), it asks first.
 */
export default defineCommand({
  name: "update",
  summary: "update",
  examples: [
    "任务6进展:完成初审 60%",
    "6号任务：已推荐3名民警参加评选，完成40%",
    "【任务6】本周组织培训一次，进度约五成",
    "update task 6: first review passed 60%",
  ],
  help: { topic: "main" },
  cues: { kind: "update" },
  args: updateArgs,
  async handle(args, ctx) {
    const t = ctx.t;
    const { inbound, clock } = ctx;
    if (ctx.confidence === "likely") {
      // Tasks offered by subject are checked when the answer picks one; tasks named by number are checked now.
      const parts = await validate(args.segments, ctx, !args.candidates?.length);
      // Candidates come from the plan's subject index, with their titles; otherwise offer the tasks named.
      const tasks = args.candidates?.length ? args.candidates : parts.map((p) => p.task);
      const offered = tasks.map((x) => x.number);
      // With several plans in progress, the question keeps its plan's code in front of the text, so the answer
      // ("是", "6", 👍) records to that plan, whatever the room's default is by then.
      const prefix = await planPrefix(ctx, await requirePlan(ctx));
      await ctx.repos.pending.create({
        eventId: inbound.eventId ?? null,
        room: inbound.room,
        authorId: inbound.sender,
        transport: inbound.transport,
        text: prefix + inbound.text,
        segments: args.segments,
        candidates: args.candidates?.length ? offered : [],
        at: clock.now(),
        expiresAt: new Date(clock.now().getTime() + ctx.confirmHours * 3600_000),
      });
      const lines =
        tasks.length === 1 || !args.candidates?.length
          ? [t.confirm.askOne(tasks.map((x) => t.confirm.task(x.number, x.title)).join("、"), quote(args.segments[0]!.body), ctx.confirmHours)]
          : [
              t.confirm.askWhich(quote(args.segments[0]!.body)),
              ...tasks.map((x) => t.confirm.option(x.number, x.title)),
              t.confirm.howToChoose(tasks[0]!.number, ctx.confirmHours),
            ];
      return { replies: [reply(lines)] };
    }
    return record(args.segments, ctx);
  },
  confirmed: record,
});
