import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { unitTaskLines } from "./unit.js";
import { perPlan } from "../src/core/plan-scope.js";

/** `我的任务`, `my tasks`: tasks led by the sender's units in the directory. */
export default defineCommand({
  name: "mine",
  summary: "mine",
  examples: ["我们单位的任务", "我们队负责哪些", "my tasks"],
  help: { topic: "main" },
  cues: {
    kind: "list-query",
    words: [
      "我的任务",
      "我们单位",
      "我单位",
      "本单位",
      "我们队",
      "我们所",
      "我们大队",
      "我们中心",
      "我们室",
      "我们科",
      "我们部门",
      "咱们所",
      "咱们队",
      "咱们单位",
      "咱们室",
      "咱们科",
      "咱们中心",
      "咱们大队",
      "咱们支队",
      "咱所",
      "咱队",
      "咱室",
      "我们支队",
      "本室",
      "本中心",
      "我这边",
      "我们这边",
      "咱们这边",
      "咱这边",
      "我这里",
      "我们这里",
      "咱们",
      "咱单位",
      "本所",
      "本队",
      "本大队",
      "本部门",
      "我队",
      "我所",
      "我们",
      "负责",
      "牵头",
      "mine",
      "my tasks",
      "our tasks",
      "my",
      "our",
    ],
  },
  args: z.object({}),
  async handle(_args, ctx) {
    const m = ctx.t.mine;
    const mine = ctx.directory.unitsOf(ctx.inbound.sender);
    if (mine.length === 0) return { replies: [reply([m.notInDirectory(ctx.inbound.sender)])] };
    const label = ctx.t.list(mine.map((u) => u.name));
    const names = mine.flatMap((u) => [u.name, ...u.aliases]);
    return perPlan(ctx, async (plan) => {
      const lines = await unitTaskLines(ctx, plan, (n) => m.header(label, n), names);
      return { replies: [reply(lines ?? [m.none(label)], { heading: lines !== null })] };
    });
  },
});
