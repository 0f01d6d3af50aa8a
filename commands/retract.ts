import { z } from "zod";
import { withdrawTargetRequests } from "../src/core/target-request.js";
import { personLabel } from "../src/core/person.js";
import { defineCommand, UserError } from "../src/core/command.js";
import { chineseNumber } from "../src/core/grammar.js";
import type { UpdateRecord } from "../src/core/model.js";
import { actorOf, refuse } from "../src/core/permissions.js";
import { assertPlanActive, planTag } from "../src/core/plan-scope.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";
import { formatDateTime } from "../src/core/time.js";

/** The quoted text of an update in the reply: long ones cut. */
const QUOTE = 60;

/**
 * The update number written after the task, and the reason after it:
 * `ordinalAndReason("第3条 误报到本任务")` → `{ ordinal: 3, reason: "误报到本任务" }` (`第3条误报` too); `#3`, `no. 3`, `update 3` too.
 */
export function ordinalAndReason(rest: string): { ordinal: number | null; reason: string } {
  const m =
    /^(?:第\s*(\d{1,6}|[零〇一二两三四五六七八九十百千]{1,8})\s*条(?:进展)?|(?:#|no\.?\s*|update\s*)(\d{1,6})(?=$|[\s:：,，。;；]))[\s:：,，。;；]*/iu.exec(
      rest.trim(),
    );
  if (!m) return { ordinal: null, reason: rest.trim() };
  const digits = m[1] ?? m[2]!;
  return { ordinal: /^\d+$/.test(digits) ? Number(digits) : chineseNumber(digits), reason: rest.trim().slice(m[0].length).trim() };
}

/**
 * `撤回 任务5` / `retract task 5`: retract the sender's own latest live update on task 5, on any transport (a Matrix
 * redaction does the same for the message redacted). `撤回 任务5 第3条 理由`: an admin retracts update 3 as numbered by
 * `任务5历史` (from the oldest, retracted ones counted), whoever wrote it, with a reason. The update stays in the
 * history, marked; the task's progress is recomputed from the live ones; every retraction and refusal is audited.
 */
export default defineCommand({
  name: "retract",
  summary: "retract",
  examples: ["撤回 任务5", "撤回 任务5 第3条 误报到本任务", "retract task 5"],
  cues: {
    kind: "task-command",
    prefixes: ["撤回任务", "撤回进展", "撤回", "retract update of task", "retract task", "retract"],
    suffixes: ["进展撤回", "进展撤销"],
    around: [
      ["撤回", "最新一条进展"],
      ["撤回", "最新进展"],
      ["撤回", "进展"],
    ],
  },
  access: "change",
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason: rest }, ctx) {
    const t = ctx.t;
    const r = t.retract;
    if (numbers.length > 1) throw new UserError(r.oneTask(numbers[0]!));
    const { plan, task } = await requireTask(ctx, numbers[0]!);
    assertPlanActive(t, ctx.inbound, task.planId);
    const sender = ctx.inbound.sender;
    const admin = ctx.directory.isAdmin(sender);
    const { ordinal, reason } = ordinalAndReason(rest);
    const total = await ctx.repos.updates.count(task.id);
    if (total === 0) throw new UserError(r.empty(task.number));
    // Oldest first, so that all[m - 1] is 第m条 as the history numbers it.
    const all = (await ctx.repos.updates.history(task.id, total)).reverse();
    const ownIndex = all.map((u) => u.authorId === sender && !u.retractedAt).lastIndexOf(true);
    let index: number;
    if (ordinal === null) {
      if (ownIndex < 0) {
        if (!admin && all.some((u) => !u.retractedAt)) await refuse(ctx, "retract", task, r.notOwn(task.number, ctx.directory.office));
        throw new UserError(r.noneOwn(task.number));
      }
      index = ownIndex;
    } else {
      if (ordinal < 1 || ordinal > all.length) throw new UserError(r.noSuch(task.number, ordinal, all.length));
      index = ordinal - 1;
      // A member may name their own latest update by its number; anything else is the office's, with a reason.
      if (index !== ownIndex) {
        if (!admin) await refuse(ctx, "retract", task, r.notOwn(task.number, ctx.directory.office));
        if (all[index]!.retractedAt) throw new UserError(r.already(task.number, ordinal));
        if (!reason) throw new UserError(r.needReason(task.number, ordinal));
      }
    }
    const target: UpdateRecord = all[index]!;
    const retracted = await ctx.repos.updates.retractById(target.id, actorOf(ctx), ctx.clock.now(), reason || null);
    if (!retracted) throw new UserError(r.already(task.number, index + 1));
    await withdrawTargetRequests(ctx, task, target.id, sender);
    const after = (await ctx.repos.plans.taskById(task.id)) ?? task;
    const quote = target.text.length > QUOTE ? `${target.text.slice(0, QUOTE)}…` : target.text;
    const who = personLabel(t, ctx.directory, target.authorId, target.authorUnit);
    // With several plans in progress the reply says whose task 6 it was, as an update's confirmation does.
    const done = (await planTag(ctx, plan)) + r.done(task.number, index + 1, formatDateTime(target.createdAt), who, quote);
    return { replies: [reply([done, r.after(task.number, after.progress, after.updateCount)])] };
  },
});
