import { ASKS } from "../command-cues.js";
import { chineseNumber } from "../grammar.js";

/*
 * A figure corrected in reply to the bot's confirmation of an update (issue 25): `不是80，是85，上一条数字写错了`,
 * `打错了 是45 😅`, `不好意思比例打错了，应该是45%`. A careful clerk writes the right figure on the task confirmed: an
 * update with that percent. Pure; the interpreter only calls it on a reply to a confirmation (InterpretContext.replyTo).
 */

/** A figure as written: `85`, `85%`, `百分之八十五`, `六成`; a Chinese numeral only after 百分之 or before % or 成. */
const FIGURE =
  "(?<figure>百分之\\s*(?:\\d{1,3}(?:\\.\\d+)?|[零〇一二两三四五六七八九十百]{1,4})|(?:\\d{1,3}(?:\\.\\d+)?|[零〇一二两三四五六七八九十百]{1,4}(?=\\s*(?:%|成)))\\s*(?:%|成)?)";
/** What says which figure is right: `应该是45`, `应为85%`, `改成60`, `是45` (not `不是80`). */
const RIGHT = new RegExp(`(?:应该是|应当是|应是|应为|应该为|改为|改成|更正为|实际(?:是|为)|正确的?(?:是|为)|(?<!不)是)\\s*(?:进度)?\\s*${FIGURE}`, "gu");
/** The wrong figure named: `不是80`, `不是80%`, `刚才说成六十了`. */
const WRONG = /(?:不是|(?:说|写|打|报|填|记|输)成)\s*(?:进度)?\s*(?:百分之)?\s*(?:\d{1,3}(?:\.\d+)?|[零〇一二两三四五六七八九十百]{1,4})\s*(?:%|成)?/gu;
/** Beside a wrong figure named, the right one may be a bare Chinese numeral: `刚才说成六十了 是六十五`. */
const RIGHT_BARE = /(?<!不)(?:应该是|应为|是)\s*(?:进度)?\s*(?<figure>[零〇一二两三四五六七八九十百]{1,4})/gu;
/** A mistake owned: without one, `是45` alone is no correction. */
const MISTAKE = /错|有误|不对|更正|纠正|不是\s*\d|应该是|应为|应是|改为|改成|(?:说|写|打|报|填)成/u;
/**
 * Everything else a correction may hold, nothing more: the mistake, what was wrong, an apology, filler, emoji. Anything
 * else (`是45，剩下的下周报`) is more than a correction and read as usual.
 */
const AROUND = new RegExp(
  [
    "不好意思|抱歉|sorry|哎呀|哎|唉|嗯|啊|呃|哈|呀|了|的|我|刚才|刚刚|上一条|上条|这条|那条|这个|那个|一下|请|帮忙|麻烦",
    "数字|数据|比例|百分比|进度|完成率|比率|数",
    "(?:打|写|填|报|输|记|说|搞|弄|敲|按)错了?|错了|错|有误|不对|更正|纠正|手滑了?|手误",
  ].join("|"),
  "gu",
);

/**
 * The right figure of a correction, or null when the message is no correction, asks (`是45吗`) or holds more than one:
 * `correctedFigure("不是80，是85，上一条数字写错了")` → `{ value: 85, raw: "85" }`.
 */
export function correctedFigure(low: string): { value: number; raw: string } | null {
  if (low.length > 40 || !MISTAKE.test(low) || ASKS.test(low)) return null;
  let right = [...low.matchAll(RIGHT)];
  if (right.length === 0 && new RegExp(WRONG.source, "u").test(low)) right = [...low.matchAll(RIGHT_BARE)];
  if (right.length !== 1) return null;
  const m = right[0]!;
  const rest = low
    .replace(m[0], " ")
    .replace(WRONG, " ")
    .replace(AROUND, " ")
    .replace(/[\p{P}\p{S}\p{Z}\s]|\u{FE0F}/gu, "");
  if (rest !== "") return null;
  const written = m.groups!.figure!;
  const number = /[\d.]+|[零〇一二两三四五六七八九十百]+/u.exec(written.replace(/^百分之/u, ""))![0];
  const n = /^\d/.test(number) ? Number(number) : chineseNumber(number);
  if (n === null || Number.isNaN(n)) return null;
  const value = /成\s*$/u.test(written) ? n * 10 : n;
  if (value < 0 || value > 100) return null;
  return { value, raw: `${value}` };
}

/** The figure a correction rejects (`不是80` → 80, `说成六十了` → 60), or null when it names none. */
export function rejectedFigure(low: string): number | null {
  const m = new RegExp(WRONG.source, "u").exec(low);
  if (!m) return null;
  const number = /[\d.]+|[零〇一二两三四五六七八九十百]+/u.exec(m[0].replace(/百分之/u, ""))?.[0];
  if (!number) return null;
  const n = /^\d/.test(number) ? Number(number) : chineseNumber(number);
  return n === null || Number.isNaN(n) ? null : /成\s*$/u.test(m[0]) ? n * 10 : n;
}
