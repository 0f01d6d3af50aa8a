import { z } from "zod";
import { defineCommand, type HelpTopic } from "../src/core/command.js";
import { commandsFor, helpItem, wantsEnglish } from "../src/core/help-view.js";
import { reply } from "../src/core/reply.js";

/** The words that name each topic after `帮助` / `help`. */
const TOPIC_WORDS: Record<Exclude<HelpTopic, "main">, string> = {
  completion: "办结|申请办结|办结审核|completion|complete",
  extension: "延期|申请延期|延期审核|时限|extension|deadline",
  targets: "指标|目标指标|targets?",
  reports: "报表|报告|周报|考评|导出|reports?|exports?",
  admin: "管理|管理员|admin",
};

/** The topic a `帮助 X` names: `topicOf("办结")` → `completion`. */
export function topicOf(word: string): Exclude<HelpTopic, "main"> | null {
  const w = word.replace(/[？?。!！\s]+$/u, "").trim();
  for (const [topic, words] of Object.entries(TOPIC_WORDS)) if (new RegExp(`^(?:${words})$`, "iu").test(w)) return topic as Exclude<HelpTopic, "main">;
  return null;
}

/** `帮助 办结`, `help reports`: one topic of the help, every command under it with its examples. */
export default defineCommand({
  name: "help-topic",
  summary: "help",
  examples: ["帮助 办结", "帮助 报表", "help admin"],
  help: { topic: "main" },
  cues: {
    kind: "directive",
    prefixes: ["帮助", "help"],
    rest: new RegExp(`^(?:${Object.values(TOPIC_WORDS).join("|")})[？?。!！]*$`, "iu"),
  },
  access: "open",
  args: z.object({ rest: z.string() }),
  async handle({ rest }, ctx) {
    const topic = topicOf(rest) ?? "admin";
    const english = wantsEnglish(ctx);
    const h = ctx.t.helpTopics;
    const items = commandsFor(ctx, topic).map((c) => helpItem(ctx, c, english));
    return { replies: [reply([h.header(h.names[topic]), ...(items.length ? items : [h.none]), h.back], { heading: true })] };
  },
});
