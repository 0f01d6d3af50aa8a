import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { personLabel } from "../src/core/person.js";
import { reply } from "../src/core/reply.js";
import { formatSize } from "../src/util/format-size.js";
import { requireTask } from "../src/core/task-view.js";
import { formatDateTime } from "../src/core/time.js";

/** `任务6佐证` / `evidence 6`: the evidence (佐证材料) attached to a task's requests, oldest first. */
export default defineCommand({
  name: "evidence",
  summary: "evidence",
  examples: ["任务6佐证", "佐证材料 6", "evidence 6"],
  help: { topic: "completion" },
  cues: {
    kind: "task-command",
    prefixes: ["佐证材料", "佐证", "evidence for task", "evidence of task", "evidence"],
    suffixes: ["的佐证材料", "佐证材料", "的佐证", "佐证", "evidence"],
  },
  access: "query",
  args: z.object({ numbers: z.array(z.number().int()).min(1) }),
  async handle({ numbers }, ctx) {
    const t = ctx.t;
    const replies = [];
    for (const n of numbers.slice(0, 5)) {
      const { task } = await requireTask(ctx, n);
      const list = await ctx.repos.evidence.forTask(task.id);
      if (list.length === 0) {
        replies.push(reply([t.evidence.none(task.number)]));
        continue;
      }
      const lines = [t.evidence.header(task.number, list.length)];
      for (const e of list)
        lines.push(
          t.evidence.item(e.fileName, formatSize(e.size), personLabel(t, ctx.directory, e.uploader), formatDateTime(e.createdAt), e.sha256.slice(0, 16)),
        );
      replies.push(reply(lines, { heading: true }));
    }
    return { replies };
  },
});
