/** Shared pieces of the chat grammar: normalising text, task numbers and percentages. */
import { spokenFigures } from "./spoken-figures.js";

/** A task number as written: Arabic digits (any number of them, see `taskNumber`) or Chinese numerals. */
export const NUMBER = "(\\d+|[零〇一二两三四五六七八九十百千]{1,8})";

/** No plan numbers a task with more digits than this (a task number is a 32-bit integer in the database). */
export const MAX_TASK_DIGITS = 9;
/**
 * What `taskNumber` gives for a number of more than MAX_TASK_DIGITS digits (`任务99999999999999999999`): the largest
 * 32-bit integer, which fits the database column and is no task, so the message is refused with the plan's range
 * (src/core/task-view.ts) instead of being read as a rounded number or as a number further on.
 */
export const TASK_NUMBER_TOO_LONG = 2_147_483_647;

/**
 * Normalise a message for matching: NFKC (full-width → half-width, `：`→`:`, `？`→`?`),
 * trimmed, inner spaces collapsed, trailing `?`/`。`/`!` removed, lower-cased.
 * `normalize("  任务６进展？ ")` → "任务6进展".
 */
export function normalize(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u3000\s]+/g, " ")
    .trim()
    .replace(/[?？。.!！~～]+$/u, "")
    .trim()
    .toLowerCase();
}

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Parse Chinese numerals up to 9999: `chineseNumber("二十五")` → 25, `chineseNumber("十二")` → 12. */
export function chineseNumber(text: string): number | null {
  if (!text) return null;
  let total = 0;
  let digit: number | null = null;
  for (const ch of text) {
    if (ch in DIGIT) {
      if (digit !== null && digit !== 0) return null;
      digit = DIGIT[ch]!;
    } else if (ch in UNIT) {
      total += (digit ?? 1) * UNIT[ch]!;
      digit = null;
    } else {
      return null;
    }
  }
  return total + (digit ?? 0);
}

/**
 * A task number from digits or Chinese numerals: `taskNumber("六")` → 6, `taskNumber("06")` → 6,
 * `taskNumber("99999999999999999999")` → TASK_NUMBER_TOO_LONG.
 */
export function taskNumber(text: string): number | null {
  const t = text.normalize("NFKC");
  if (/^\d+$/.test(t)) return t.replace(/^0+(?=\d)/, "").length > MAX_TASK_DIGITS ? TASK_NUMBER_TOO_LONG : Number(t);
  return chineseNumber(t);
}

/** Words just before a percentage that make it what is left, not the progress: "剩余40%". */
const REMAINING = /(?:剩余|剩下|还剩|还差|尚余|尚差|未完成|差)\s*(?:约|近|大约|大概)?\s*$/;
/**
 * Words just before a percentage that make it a rate or a change, not the task's progress:
 * "成功率提升了20%", "准确率95%", "同比增长12%". `完成率` and `完成度` are progress.
 */
const NOT_PROGRESS = [
  // A rate or a share, whatever the verb: "准确率提高到95%", "电量只剩20%".
  /(?:(?<!完成|进度|进展)率|占比|比例|比重|电量|电池|折扣|增幅|降幅|同比|环比)[^\d%]{0,8}$/,
  // A change, not a level: "提升了20%", "增长12%"; but "从40%提高到70%" reaches a level.
  /(?:提升|提高|增长|增加|上升|下降|降低|减少|涨|降|超过|高于|低于)\s*(?:了|约|近|超)?\s*$/,
];

/** The upper bound of a range read at its lower one (`40%-50%`, spoken-figures.ts); `从60%到70%` is a change, not a range. */
function upperOfRange(t: string, index: number, value: number): boolean {
  const m = /(?<!(?:从|由)\s*)(?<![\d.])(\d{1,3})\s*%?\s*(?:-|~|～|到|至)\s*$/u.exec(t.slice(Math.max(0, index - 12), index));
  return m !== null && value > Number(m[1]) && value - Number(m[1]) <= 20;
}

/** A figure in tenths after a progress word or a hedge: `进度六成`, `约五成`, `快八成了`, `估计六成吧`, `整体四成`. */
const TENTHS = new RegExp(
  "(?:完成|进度|进展|达到|已达|约|大约|大概|约莫|约摸|接近|近|已过|过了|超过|差不多|有个|估计有|估计|有|快|将近|算是|算|都到|已到|的|^|[\\s,，;；:：]|" +
    // What a verb of work did (`做了七成`, `弄了六成`), not a share of something named after it (`来了三成的人`).
    "(?:做|搞|弄|干|推进|装|建|铺|改|完成)了(?=\\s*[一二两三四五六七八九十\\d]{1,2}\\s*成(?!\\s*的))|" +
    // Where the whole stands (`目前五成左右`, `整体四成`, `总体有六成`), not a share of something (`目前三成的民警`).
    "(?:目前|现在|当前|眼下|如今|整体|总体|整个|大体|总的)(?=\\s*(?:了|约|大约|大概|接近|近|差不多|为|达|有|算)?\\s*[一二两三四五六七八九十\\d]{1,2}\\s*成(?!\\s*的)))" +
    "\\s*(?:了|约|大约|大概|接近|近|差不多|为|达|:|：|有)?\\s*([一二两三四五六七八九十]|\\d{1,2})\\s*成(?![功员本果绩立熟交型为])",
  "g",
);

/** After a figure, words that make it a goal: `60%的目标`, `百分之八十的要求`. */
const GOAL_AFTER = /^[^,，。;；\s]{0,8}?(?:%|成)?\s*的?\s*(?:目标|要求|指标)/u;
/** Before a figure, words that make it a goal: `目标是年底100%`, `力争达到80%`; `完成年度目标的55%` is a level reached. */
const GOAL_BEFORE = /(?:目标(?:是|为)|要求(?:是|为)?|力争|争取|确保)[^,，。;；\d%]{0,6}$/u;

const RATE_IN_CLAUSE = /(?<!完成|进度|进展)率|占比|同比|环比/;

/**
 * Find a progress percentage in update text: `extractPercent("完成初审 60%")` → {value: 60},
 * `extractPercent("进度约五成")` → {value: 50}, `extractPercent("百分之八十")` → {value: 80}.
 * The last progress figure in the text wins; rates and changes ("准确率提升了20%") and what is
 * left ("剩余40%") are not progress. `全部完成` is 100. `raw` keeps the number as written, and `value` is not rounded:
 * src/core/update-rules.ts rounds it and refuses what is out of range or oddly written.
 */
export function extractPercent(text: string): { value: number; raw: string } | null {
  const all = extractPercents(text);
  return all[all.length - 1] ?? null;
}

/** Every progress figure in the text, in order: `extractPercents("分别完成50%、70%")` → [{value: 50}, {value: 70}]. */
export function extractPercents(text: string): { value: number; raw: string }[] {
  const t = text.normalize("NFKC");
  const found: { index: number; value: number; raw: string }[] = [];
  // The figure as written, odd forms too (`0x10`, `1e2`, `99.99999999999999999`, `1.2.3`): the update rules refuse those
  // by what was written, rather than this reading `0x10%` as 10% or the value rounding to 100.
  // A minus sign right after another figure is a range's dash (`40%-50%`), not a sign.
  for (const m of t.matchAll(/((?:(?<![\d%]\s*)-)?(?:0[xob][0-9a-f]+|\d+(?:\.\d+)*(?:e\d+)?))\s*%/gi))
    found.push({ index: m.index!, value: Number(m[1]) || Number.parseFloat(m[1]!), raw: m[1]! });
  for (const m of t.matchAll(
    /进度\s*(?:为|达到|达|:|已达|已到|到了|约|大约|大概|接近|近)?\s*(-?\d+(?:\.\d+)?)(?!\s*[%\d.]|[a-z])(?!\s*(?:项|个|名|人|次|天|月|年|件|份|条|成|号|台|套|家|所|处|批))/g,
  )) {
    found.push({ index: m.index! + m[0].length - m[1]!.length, value: Number(m[1]), raw: m[1]! });
  }
  // English words for it (`percent 40`, `40 percent`, `40 pct`): a young officer's shorthand.
  for (const m of t.matchAll(/(?<![\w.])(\d{1,3})\s*(?:percent|pct)\b|\b(?:percent|pct)\s*[:：]?\s*(\d{1,3})(?![\d.%])/gi))
    found.push({ index: m.index!, value: Number(m[1] ?? m[2]), raw: m[1] ?? m[2]! });
  // `百分之30`, half typed in digits.
  for (const m of t.matchAll(/百分之\s*(\d{1,3})(?![\d.%])/g)) found.push({ index: m.index!, value: Number(m[1]), raw: m[1]! });
  for (const m of t.matchAll(/百分之([零〇一二两三四五六七八九十百]+)/g)) {
    const v = chineseNumber(m[1]!);
    if (v !== null) found.push({ index: m.index!, value: v, raw: m[1]! });
  }
  for (const m of t.matchAll(TENTHS)) {
    const v = taskNumber(m[1]!);
    if (v !== null) found.push({ index: m.index! + m[0].length - m[1]!.length - 1, value: v * 10, raw: `${v * 10}` });
  }
  // `三分之二左右` is 67, `七八成` is 70 (spoken-figures.ts).
  found.push(...spokenFigures(t));
  // "进度差不多一半" is 50; "过半" says no figure.
  // "发了一半", "装了一半": half the work of a verb of work done.
  for (const m of t.matchAll(
    /(?:进度|进展|完成|差不多|大约|大概|约|约莫|算是|算|有|将近|接近|快|(?:发|配|装|建|做|弄|干|搞|推进|交|铺|换|改|签|录|接入|部署|到)了)\s*(?:了|约|大约|大概|差不多)?\s*一半/g,
  ))
    found.push({ index: m.index!, value: 50, raw: "50" });
  for (const m of t.matchAll(/(?:全部|全面|圆满|彻底)\s*(?:完成|完工|办结|建成)|已?(?:完成|完工)\s*(?:全部|所有)\s*(?:工作|任务)?/g)) {
    found.push({ index: m.index!, value: 100, raw: "100" });
  }
  const progress = found
    .filter((f) => {
      const before = t.slice(Math.max(0, f.index - 10), f.index);
      // A rate named earlier in the same clause: "在线率由87%提升至95%".
      const clause =
        t
          .slice(0, f.index)
          .split(/[,，。;；:：\n]/)
          .pop() ?? "";
      // The figure a correction rejects: `应该是35不是53`, `是40%而不是80%`.
      const rejected = /(?:而)?不是\s*$/u.test(before) || upperOfRange(t, f.index, f.value);
      // A goal, not a level reached: `60%的目标`, `目标是年底100%`, `力争达到80%`.
      const goal = GOAL_AFTER.test(t.slice(f.index, f.index + 16)) || GOAL_BEFORE.test(before);
      return !REMAINING.test(before) && !NOT_PROGRESS.some((re) => re.test(before)) && !RATE_IN_CLAUSE.test(clause) && !rejected && !goal;
    })
    .sort((x, y) => x.index - y.index);
  return progress.map((p) => ({ value: p.value, raw: p.raw }));
}
