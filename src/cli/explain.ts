import { parseArgs } from "node:util";
import type { Interpretation } from "../core/interpreter/interpretation.js";
import { CliError, clockFor, withApp, type CliCommand, print } from "./shared.js";

const CONFIDENCE: Record<string, string> = { certain: "确定 certain", likely: "需确认 likely", unlikely: "不像命令 unlikely" };

const USED: Record<string, string> = { answered: "已用：作答 answered", suggested: "已用：提示命令 suggested" };

/**
 * The learned signal's line (intent-classifier.ts), where the interpreter consulted it:
 * `学习信号 learned: retract 0.981 · none 0.018 · status 0.001（阈值 0.9，已用：提示命令 suggested）`.
 */
export function learnedLine(i: Interpretation): string | null {
  if (!i.learned) return null;
  const top = i.learned.top.map((s) => `${s.intent} ${s.p.toFixed(3)}`).join(" · ");
  const used = i.learned.used ? USED[i.learned.used] : "未用 not used";
  return `学习信号 learned: ${top}（阈值 ${i.learned.threshold}，${used}）`;
}

/**
 * `duban explain "MESSAGE"`: what the interpreter makes of a message and the cues that decided, changing nothing.
 * `--reply-to "…"` reads it as a Matrix reply to that message of the bot's (a reminder, a status answer).
 */
export default {
  name: "explain",
  usage: ['explain [--json] [--reply-to "THE BOT\'S MESSAGE"] "MESSAGE"'],
  async run(argv, { config }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: "boolean", default: false }, "reply-to": { type: "string" } },
    });
    const text = positionals.join(" ");
    if (!text.trim()) throw new CliError("explain: 请给出消息内容 / give the message text", { usage: true });
    return withApp(config, clockFor(undefined, config), async (app) => {
      const i = await app.bot.explain(text, { replyTo: values["reply-to"] });
      if (values.json) {
        print(`${JSON.stringify(i, null, 2)}\n`);
        return 0;
      }
      const normalised = i.cues.some((c) => c.startsWith("normalised:"));
      const out = [
        ...(normalised ? [`规范化 normalised: ${i.text}`] : []),
        `意图 intent: ${i.command ?? "无 none"}（${CONFIDENCE[i.confidence]}）${i.addressed ? " · 点名机器人 addressed" : ""}`,
        `任务 tasks: ${i.tasks.length ? i.tasks.join("、") : "—"}`,
        `进度 percent: ${i.percent === null ? "—" : `${i.percent}%`}`,
      ];
      for (const [k, s] of (i.args.segments ?? []).entries())
        out.push(`  ${k + 1}. 任务${s.numbers.join("、")}${s.percent === null ? "" : ` · ${s.percent}%`} · ${s.body}`);
      for (const c of i.args.candidates ?? [])
        out.push(`  候选 candidate: 任务${c.number} ${c.title}${c.shared.length ? `（${c.shared.join("、")}，${c.score}）` : ""}`);
      if (i.args.name) out.push(`单位 unit: ${i.args.name}`);
      if (i.args.reason) out.push(`原因 reason: ${i.args.reason}`);
      const learned = learnedLine(i);
      if (learned) out.push(learned);
      out.push(`依据 cues: ${i.cues.length ? i.cues.join(" · ") : "—"}`);
      print(`${out.join("\n")}\n`);
      return 0;
    });
  },
} satisfies CliCommand;
