import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireTask, statusLines, taskStatusNow } from "../src/core/task-view.js";
import { planTag } from "../src/core/plan-scope.js";
import { closestExamples, exampleCatalogue } from "../src/core/example-catalogue.js";

/** At most this many tasks are answered in one status reply. */
const MAX_TASKS = 5;

/** `status task 6`, `任务6`, `6号任务进度`, `任务6目前啥进度？`, `谁牵头任务12`, `任务6、7怎么样了`. */
export default defineCommand({
  name: "status",
  summary: "status",
  examples: ["任务6", "任务6目前啥进度？", "6号任务进度", "谁牵头任务12", "status task 6"],
  help: { topic: "main" },
  // Any question about a numbered task that is not for another task query.
  cues: { kind: "task-query", words: [] },
  args: z.object({
    numbers: z.array(z.number().int()).min(1),
    /** Tasks a question named only by its subject (`无人机那一块怎么样了`), best first. */
    candidates: z.array(z.object({ number: z.number().int(), title: z.string() })).optional(),
    /** Ask even for one task: the message named it but said too little to read (`督办 任务6 材料`). */
    ask: z.boolean().optional(),
    /** A task command written as an order with a question in it (`暂停提醒 6 谁停的`): answered here, and said so. */
    asked: z.string().optional(),
  }),
  async handle({ numbers, candidates, ask, asked }, ctx) {
    // Several tasks fit the subject, or the message was not clear: ask with the best guesses rather than answer (issue 25).
    if (ctx.confidence === "likely" && candidates && (candidates.length > 1 || (ask && candidates.length > 0))) {
      const guesses = candidates.slice(0, 3);
      // Kept as a pending question of its asker, so that 是, 👍 or a number answers it.
      await ctx.repos.pending.create({
        eventId: ctx.inbound.eventId ?? null,
        room: ctx.inbound.room,
        authorId: ctx.inbound.sender,
        transport: ctx.inbound.transport,
        text: ctx.inbound.text,
        segments: [],
        candidates: guesses.map((c) => c.number),
        at: ctx.clock.now(),
        expiresAt: new Date(ctx.clock.now().getTime() + ctx.confirmHours * 3600_000),
        kind: "status",
      });
      const offered = guesses.map((c) => ctx.t.leaderQuestions.guess(c.number, c.title));
      if (guesses.length > 1) return { replies: [reply([ctx.t.leaderQuestions.which(offered.join("、"))])] };
      // One guess: 是 answers it; other commands about the task, close to what was written, are shown too.
      const others = closestExamples(exampleCatalogue(ctx.commands, ctx.lang), ctx.inbound.text, {
        n: 2,
        except: ["status"],
        usual: false,
        task: guesses[0]!.number,
      }).filter((e) => new RegExp(`(?<!\\d)${guesses[0]!.number}(?!\\d)`).test(e));
      return { replies: [reply([ctx.t.askInstead.status(offered[0]!), ...(others.length ? [ctx.t.askInstead.orSend(others.slice(0, 2))] : [])])] };
    }
    const replies = [];
    for (const number of numbers.slice(0, MAX_TASKS)) {
      const found = await requireTask(ctx, number);
      const plan = found.plan;
      // As it stood at the clock's instant: with --at or DUBAN_NOW in the past, replayed from the history.
      const { task, latest, pending } = await taskStatusNow(ctx, plan, found.task);
      const [first = "", ...rest] = statusLines(ctx, plan, task, latest, pending);
      replies.push(reply([(await planTag(ctx, plan)) + first, ...rest], { heading: true }));
    }
    if (asked) {
      const n = ctx.t.askedNotOrdered;
      const command = asked in n.command ? n.command[asked as keyof typeof n.command](numbers[0]!) : null;
      replies.push(reply([n.note(command)]));
    }
    return { replies };
  },
});
