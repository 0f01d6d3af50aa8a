import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { extractPercent, taskNumber } from "../src/core/grammar.js";
import { reply } from "../src/core/reply.js";
import { requireTaskNumbered } from "../src/core/task-view.js";

const N = "([0-9０-９]{1,6}|[零〇一二两三四五六七八九十百千]{1,8})";
const SP = "[\\s\\u3000]*";
const COLON = "[:：]";
const QUESTION = /^[?？]+$|^(?:怎么样|咋样|如何|怎样|情况|多少|是否|有没有|到哪|进展如何)|[?？吗呢]$/;
/** How much of the update the confirmation quotes back. */
const QUOTE = 80;
// Matched on the raw text so that the stored update keeps exactly what the officer wrote.
const FORMS = [
  new RegExp(`^${SP}update${SP}(?:task${SP})?#?${N}${SP}(?:${COLON}|[\\s\\u3000]|$)([\\s\\S]*)$`, "i"),
  new RegExp(`^${SP}任务${SP}${N}${SP}的?(?:进展|进度)${SP}(?:${COLON}([\\s\\S]*)|[\\s\\u3000]+([\\s\\S]*\\S[\\s\\S]*))$`),
  new RegExp(`^${SP}(?:进展|报送进展)${SP}${N}${SP}(?:${COLON}|[\\s\\u3000]|$)([\\s\\S]*)$`),
];

/** Split an update message into task number and body: `parseUpdate("任务6进展:完成初审 60%")` → {number: 6, body: "完成初审 60%"}. */
export function parseUpdate(raw: string): { number: number | null; numberText: string; body: string } | null {
  for (const re of FORMS) {
    const m = re.exec(raw);
    if (!m) continue;
    const numberText = m[1]!.normalize("NFKC");
    const body = (m[2] ?? m[3] ?? "").trim();
    // "任务6进展 怎么样了？" asks for status; only a colon makes a question-like text an update.
    if (m[3] !== undefined && QUESTION.test(body)) return null;
    return { number: taskNumber(numberText), numberText, body };
  }
  return null;
}

/** `任务6进展:完成初审 60%`, `update task 6: first review passed 60%`, `进展 6 完成初审`. */
export default defineCommand({
  name: "update",
  summary: "update",
  examples: ["任务6进展:完成初审 60%", "进展 6 完成初审", "update task 6: first review passed 60%"],
  match: (_text, raw) => parseUpdate(raw),
  args: z.object({ number: z.number().int().nullable(), numberText: z.string(), body: z.string() }),
  async handle({ numberText, body }, ctx) {
    const t = ctx.t;
    const { task } = await requireTaskNumbered(ctx, numberText);
    if (!body) throw new UserError(t.update.noText(task.number));
    const pct = extractPercent(body);
    if (pct && (pct.value < 0 || pct.value > 100)) throw new UserError(t.update.percentOutOfRange(pct.raw));
    const { inbound, directory, clock } = ctx;
    const { update: stored, updateCount } = await ctx.repos.updates.record({
      taskId: task.id,
      text: body,
      percent: pct?.value ?? null,
      authorId: inbound.sender,
      authorUnit: directory.authorUnit(inbound.sender, inbound.room),
      room: inbound.room,
      transport: inbound.transport,
      eventId: inbound.eventId ?? null,
      at: clock.now(),
    });
    const quote = stored.text.length > QUOTE ? `${stored.text.slice(0, QUOTE)}…` : stored.text;
    const lines = [t.update.recorded(task.number, task.title, stored.percent, updateCount, quote)];
    if (task.completedAt) lines.push(t.update.done(task.number));
    return { replies: [reply(lines)], reaction: "✅" };
  },
});
