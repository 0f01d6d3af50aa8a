import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { personLabel } from "../src/core/person.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";
import { formatDateTime } from "../src/core/time.js";

const SHOW = 10;

/**
 * `history 6`, `任务6历史`: the latest updates of a task, newest first, retracted ones marked. Each is numbered
 * `第3条` from the oldest, retracted ones counted, so the number stays put and `撤回 任务6 第3条 理由` can name it.
 */
export default defineCommand({
  name: "history",
  summary: "history",
  examples: ["任务6历史", "任务6都报过哪些进展", "history 6"],
  help: { topic: "main" },
  cues: {
    kind: "task-query",
    words: [
      "历史记录",
      "更新记录",
      "历史",
      "进展记录",
      "记录",
      "报过",
      "报了",
      "都报了",
      "历次",
      "以往",
      "以前",
      "之前",
      "此前",
      "报送过",
      "逐条",
      "第几条",
      "前面的",
      "前面几条",
      "前几条",
      "几次",
      "些啥",
      "history",
      "log",
      "past updates",
    ],
  },
  args: z.object({ numbers: z.array(z.number().int()).min(1) }),
  async handle({ numbers: [number] }, ctx) {
    const { task } = await requireTask(ctx, number!);
    const h = ctx.t.history;
    const items = await ctx.repos.updates.history(task.id, SHOW);
    if (items.length === 0) return { replies: [reply([h.none(number!)])] };
    const total = await ctx.repos.updates.count(task.id);
    const lines = [h.header(task.number, task.title, total, items.length)];
    for (const [i, u] of items.entries()) {
      const who = personLabel(ctx.t, ctx.directory, u.authorId, u.authorUnit);
      const pct = u.percent === null ? "" : h.percent(u.percent);
      lines.push(
        ctx.t.retract.number(total - i) +
          (u.retractedAt ? h.retracted : "") +
          h.item(formatDateTime(u.createdAt), who, pct, u.text) +
          (u.editedAt ? h.edited : ""),
      );
    }
    return { replies: [reply(lines, { heading: true })] };
  },
});
