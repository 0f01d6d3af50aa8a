import { createRequire } from "node:module";
import { chineseNumber } from "../grammar.js";
import { TRADITIONAL_CHARS } from "./traditional-chars.js";

/*
 * Normalisation before interpreting (issue 25): what the interpreter reads is the message with quoted lines left
 * out, in NFKC, in simplified characters, with English short forms of a task reference (`T6`, `tsk 6`) and the bot's
 * own keywords typed as homophones (`人物6`, `任务6近展`) written the way the rules expect. Every unit of the result
 * remembers where it came from in the message as written (`origin`), so that what is stored (an update's body) is
 * the sender's own words, cut from the original text.
 */

/** The text the interpreter reads, where each of its units came from in the raw message, and what was changed. */
export interface Normalised {
  text: string;
  /** `origin[i]` is the offset in the raw message of `text[i]`; one more entry for the end. */
  origin: number[];
  /** What normalisation did, for `duban explain`: `quote:2`, `traditional`, `short-form:T6→任务6`, `keyword:人物→任务`. */
  steps: string[];
  /** How many quoted lines (`> …`) were left out. */
  quoted: number;
}

interface Mapped {
  text: string;
  origin: number[];
}

/** Replace each match of `re` (global) by `by(match)`; a replacement of the same length keeps the origins one to one. */
function rewrite(m: Mapped, re: RegExp, by: (match: RegExpExecArray) => string | null): Mapped {
  let text = "";
  const origin: number[] = [];
  let at = 0;
  re.lastIndex = 0;
  for (let hit = re.exec(m.text); hit; hit = re.exec(m.text)) {
    if (hit[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const replacement = by(hit);
    if (replacement === null) {
      re.lastIndex = hit.index + 1;
      continue;
    }
    text += m.text.slice(at, hit.index);
    for (let k = at; k < hit.index; k++) origin.push(m.origin[k]!);
    text += replacement;
    const same = replacement.length === hit[0].length;
    for (let k = 0; k < replacement.length; k++) origin.push(m.origin[hit.index + (same ? k : 0)]!);
    at = hit.index + hit[0].length;
  }
  if (at === 0) return m;
  text += m.text.slice(at);
  for (let k = at; k < m.origin.length; k++) origin.push(m.origin[k]!);
  return { text, origin };
}

/**
 * Leave out quoted lines: Element's `> ` quote and a reply's fallback are someone else's words (often the bot's own
 * reminder), never the sender's update or command. A blank line right after a quote goes with it.
 */
function dropQuotes(raw: string): Mapped & { quoted: number } {
  let text = "";
  const origin: number[] = [];
  let quoted = 0;
  let afterQuote = false;
  let at = 0;
  for (const line of raw.split("\n")) {
    const end = at + line.length + 1;
    const isQuote = /^\s*>/.test(line);
    if (isQuote) quoted++;
    else if (!(afterQuote && line.trim() === "")) {
      const kept = raw.slice(at, Math.min(end, raw.length));
      text += kept;
      for (let k = 0; k < kept.length; k++) origin.push(at + k);
    }
    if (!(afterQuote && line.trim() === "")) afterQuote = isQuote;
    at = end;
  }
  origin.push(raw.length);
  return { text, origin, quoted };
}

/** NFKC, one code point at a time, so that each output unit keeps its origin: `任务６，` → `任务6,`. */
function nfkc(m: Mapped): Mapped {
  let text = "";
  const origin: number[] = [];
  let i = 0;
  for (const ch of m.text) {
    const n = ch.normalize("NFKC");
    for (let k = 0; k < n.length; k++) origin.push(m.origin[i]!);
    text += n;
    i += ch.length;
  }
  origin.push(m.origin[m.text.length]!);
  return { text, origin };
}

// Loaded on first use, so that a message in simplified characters (nearly all of them) costs nothing and a one-shot
// `duban say` does not load either library's dictionaries.
const require = createRequire(import.meta.url);
let traditionalSet: Set<string> | null = null;
let toSimplified: ((text: string) => string) | null = null;

function hasTraditional(text: string): boolean {
  traditionalSet ??= new Set(TRADITIONAL_CHARS);
  for (const ch of text) if (traditionalSet.has(ch)) return true;
  return false;
}

/** Traditional → simplified with opencc-js (`任務3進展` → `任务3进展`), only when the text holds a traditional character. */
function simplify(m: Mapped, steps: string[]): Mapped {
  if (!/[\u3400-\u9fff\u{20000}-\u{3134f}]/u.test(m.text) || !hasTraditional(m.text)) return m;
  if (!toSimplified) {
    const opencc = require("opencc-js/t2cn") as { Converter(o: { from: string; to: string }): (t: string) => string };
    toSimplified = opencc.Converter({ from: "t", to: "cn" });
  }
  const whole = toSimplified(m.text);
  if (whole === m.text) return m;
  steps.push("traditional");
  if (whole.length === m.text.length) return { text: whole, origin: m.origin };
  // A phrase that converts to a different length: convert character by character instead, keeping the origins.
  return rewrite(m, /[\s\S]/gu, (hit) => toSimplified!(hit[0]));
}

/**
 * English short forms of a task reference, where they stand as one: `T6`, `t6`, `tsk 6`, `task6` → `任务6`, also right
 * after Chinese (`撤回刚才T6那条`), and `No.11`. Not `T恤`, `6T硬盘` or `T3级`: the letters stand alone (no Latin letter or digit
 * before), and a unit, a letter or a decimal point after the number makes it a quantity or a model name.
 */
const SHORT_FORM =
  /(?<![\p{Script=Latin}\p{N}_@#./:-])(t(?=\d)|tsk\s?(?=\d)|task\s?(?=\d)|no\.\s?(?=\d))(?=\d{1,3}(?![\d.%]|[a-z]|\s*(?:个|台|套|寸|级|型|号楼|楼|年|月|天|日)))/giu;

/**
 * A keyword half typed in pinyin, the input method not yet switched: `进zhan 50`, `进du 60%`, `jinzhan`. Only 进展 and
 * 进度, after which a figure is read; free text in pinyin stays as it is.
 */
const PINYIN_KEYWORD = /(?:进|jin)\s?(zhan|du)(?![a-z])/giu;

interface Keyword {
  word: string;
  syllables: readonly string[];
}
const TASK: Keyword = { word: "任务", syllables: ["ren", "wu"] };
const PROGRESS: Keyword = { word: "进展", syllables: ["jin", "zhan"] };
const PROGRESS_RATE: Keyword = { word: "进度", syllables: ["jin", "du"] };

const NUMERAL = "(?:\\d{1,3}|[一二三四五六七八九十两]{1,3})";
/** A figure of progress ahead (`六成`, `30`, `百分之四十`), not a count (`30分钟`, `60场`). */
const FIGURE_AHEAD =
  "(?:百分之|一半|[一二三四五六七八九十两]\\s?成|\\d{1,3}\\s*%|" +
  "\\d{1,3}(?![\\d.]|\\s*(?:[a-z]|个|台|套|名|人|家|项|件|天|日|号|月|年|次|万|元|米|处|所|条|份|批|场|起|分|小时|周|星期)))";
const HAN2 = "([\\u4e00-\\u9fff]{2})";
/**
 * Where the bot's keywords stand, and only there, a word that sounds like one is read as it: `任务` before a task
 * number (`人物6`, `任物六`) or after `几个`/`哪几个` (`负责哪几个人物`); `进展`/`进度` right after a task reference
 * (`任务6近展`), after the verbs that report one (`报近展`, `交进都`) or before `记录`. So `人物画像` and `列车进站`,
 * with no task reference beside them, stay as written.
 */
const KEYWORD_PLACES: readonly { re: RegExp; keywords: readonly Keyword[] }[] = [
  // Every gap is bounded (`\\s{0,3}`): five unbounded `\\s*` in one look-behind took 45 s on `撤回` + 100 spaces.
  { re: new RegExp(`${HAN2}(?=\\s{0,3}#?${NUMERAL}(?![\\d%]))`, "gu"), keywords: [TASK] },
  { re: new RegExp(`(?<=(?:几|哪几|哪些)个?\\s{0,3})${HAN2}`, "gu"), keywords: [TASK] },
  // Said aloud: `第六个人物` (`3号人物` is a person of interest, and stays one).
  { re: new RegExp(`(?<=第\\s{0,2}${NUMERAL}\\s{0,2}个\\s{0,2})${HAN2}`, "gu"), keywords: [TASK] },
  {
    re: new RegExp(
      `(?<=(?:任务\\s{0,3}#?${NUMERAL}|${NUMERAL}\\s{0,2}(?:号|个)\\s{0,2}任务)\\s{0,3}(?:号)?(?:的)?\\s{0,3}(?:现在|目前)?(?:什么|啥)?\\s{0,3})${HAN2}`,
      "gu",
    ),
    keywords: [PROGRESS, PROGRESS_RATE],
  },
  { re: new RegExp(`(?<=(?:报|交|报送|什么|啥)\\s{0,3})${HAN2}|${HAN2}(?=\\s{0,3}记录)`, "gu"), keywords: [PROGRESS, PROGRESS_RATE] },
  // Right before a figure, in a message that names a task before it (`任务18 示范点定了 劲度六成`, `T17 申报表交了 進站30`):
  // `列车进站30分钟` names no task, and a unit after the number makes it a count.
  {
    re: new RegExp(
      `(?<=(?:(?:任务\\s{0,3}#?|#\\s?)${NUMERAL}|${NUMERAL}\\s{0,2}(?:号|个)\\s{0,2}任务)[^\\n]{0,40}?)${HAN2}(?=\\s{0,3}(?:到了?|达到|为|是|有)?\\s{0,3}${FIGURE_AHEAD})`,
      "gu",
    ),
    keywords: [PROGRESS, PROGRESS_RATE],
  },
  // `警保有啥仁务`, `有什么壬务`: what a unit has.
  { re: new RegExp(`(?<=(?:有啥|有什么|有哪些|有多少)\\s{0,3})${HAN2}`, "gu"), keywords: [TASK] },
];

let readings: ((text: string) => string[][]) | null = null;
const readingCache = new Map<string, readonly string[]>();

/** Every toneless reading of a character (`都` → dou, du), from pinyin-pro, loaded on first use and cached. */
function readingsOf(ch: string): readonly string[] {
  let r = readingCache.get(ch);
  if (!r) {
    if (!readings) {
      const pinyin = require("pinyin-pro") as { polyphonic(t: string, o: { toneType: "none"; type: "array" }): string[][] };
      readings = (t) => pinyin.polyphonic(t, { toneType: "none", type: "array" });
    }
    r = readings(ch)[0] ?? [];
    readingCache.set(ch, r);
  }
  return r;
}

/** A syllable without the front/back nasal distinction that speech engines blur (`zheng` → `zhen`, `ying` → `yin`). */
const blurNasal = (syllable: string) => syllable.replace(/ng$/, "n");

/**
 * Whether `heard` sounds like `word`, character by character, tones ignored: `soundsLike("等宝", "等保")` → true. With
 * `blur`, -n and -ng are one (`soundsLike("行政", "刑侦", true)` → true). Words of different lengths never do.
 */
export function soundsLike(heard: string, word: string, blur = false): boolean {
  const a = [...heard];
  const b = [...word];
  if (a.length !== b.length) return false;
  return a.every((c, i) => {
    if (c === b[i]) return true;
    const ra = readingsOf(c);
    const rb = readingsOf(b[i]!);
    return blur ? ra.some((x) => rb.some((y) => blurNasal(x) === blurNasal(y))) : ra.some((x) => rb.includes(x));
  });
}

/** The keyword among `keywords` that `word` is a homophone of (tones ignored), or null: `人物` → `任务`. */
function homophoneOf(word: string, keywords: readonly Keyword[]): Keyword | null {
  for (const k of keywords) {
    if (word === k.word) return null;
    const chars = [...word];
    if (chars.length === k.syllables.length && chars.every((c, i) => readingsOf(c).includes(k.syllables[i]!))) return k;
  }
  return null;
}

function keywords(m: Mapped, steps: string[]): Mapped {
  let out = m;
  for (const place of KEYWORD_PLACES) {
    out = rewrite(out, place.re, (hit) => {
      const word = hit[1] ?? hit[2]!;
      if (place.keywords.some((k) => k.word === word)) return null;
      const k = homophoneOf(word, place.keywords);
      if (!k) return null;
      steps.push(`keyword:${word}→${k.word}`);
      return hit[0].replace(word, k.word);
    });
  }
  return out;
}

/**
 * Voice input drops the percent sign: `任务6进展60设备到位`, `近展60`. A bare number of at most 100 right after 进展 or
 * 进度 (with `到`, `达到`, `为` or `是` between) is the figure, unless a unit or a date follows it (`进度3项`, `进展6月`), or
 * the keyword starts the message, where `进展 6 …` names task 6. Not across a line break: `本周进展⏎1、任务22：…` is a
 * heading and its first list marker.
 */
const BARE_FIGURE = new RegExp(
  String.raw`(?<=(?:进展|进度)[^\S\n]*(?:到了?|达到|为|是)?[^\S\n]*)(\d{1,3}|[一二三四五六七八九十]{1,3}|一百)` +
    String.raw`(?![\d.%一二三四五六七八九十百千万成半点]|\s*(?:[a-z]|个|台|套|名|人|家|项|件|天|日|号|月|年|次|万|元|米|处|所|条|份|批|场|起|分|小时|周|星期))`,
  "giu",
);

/**
 * A hedged bare number that closes the message or a clause with 吧/左右, `差不多60吧`, `大概40左右`: spoken, it is the figure
 * (`差不多60人`, `大概10 点`, `大约30 个` and `民警大概30，明天继续` count or tell the time, and are left alone).
 */
const HEDGED_FIGURE = /(?<=(?:差不多|大概|大约|约莫|估计|约)\s{0,2})(\d{1,3})(?=\s{0,2}(?:(?:吧|左右|的样子)\s{0,2}(?:$|[,，。;；!！~～\n\s])|$))/gu;

function hedgedFigures(m: Mapped, steps: string[]): Mapped {
  return rewrite(m, HEDGED_FIGURE, (hit) => {
    const n = Number(hit[1]);
    if (n < 5 || n > 100) return null;
    steps.push(`figure:${hit[1]}→${n}%`);
    return `${n}%`;
  });
}

function bareFigures(m: Mapped, steps: string[]): Mapped {
  return rewrite(m, BARE_FIGURE, (hit) => {
    // `进展 6 完成初审` at the start of a message (after any address) is the command word and a task number.
    const before = m.text.slice(0, hit.index).replace(/(?:进展|进度)\s*(?:到了?|达到|为|是)?\s*$/u, "");
    if (before.replace(/^\s*(?:@\S+\s*)*(?:督办\s*[:：,，]?)?\s*/u, "") === "") return null;
    const n = /^\d/.test(hit[1]!) ? Number(hit[1]) : chineseNumber(hit[1]!);
    if (n === null || n > 100) return null;
    steps.push(`figure:${hit[1]}→${n}%`);
    return `${n}%`;
  });
}

/**
 * What the interpreter reads of a raw message: `normalise("任務3進展：…").text` → `任务3进展:…`,
 * `normalise("人物六近展 百分之六十").text` → `任务六进展 百分之六十`, `normalise("> 【督办提醒】…\n@刘洋 跟一下").text` → `@刘洋 跟一下`.
 */
export function normalise(raw: string): Normalised {
  const steps: string[] = [];
  const unquoted = dropQuotes(raw);
  if (unquoted.quoted > 0) steps.push(`quote:${unquoted.quoted}`);
  let m = nfkc(unquoted);
  // Long runs of blanks become two (a wide gap still parts two segments): no rule reads more, and a rule's look-behind
  // over `\s*` must never meet hundreds of them (`任务6` + 300 spaces + `进展` took 13 s before).
  m = rewrite(m, /[ \t]{3,}|\n{3,}/g, (hit) => (hit[0][0] === "\n" ? "\n\n" : "  "));
  m = simplify(m, steps);
  m = rewrite(m, SHORT_FORM, (hit) => {
    steps.push(`short-form:${hit[0].trim()}→任务`);
    return "任务";
  });
  m = keywords(m, steps);
  m = rewrite(m, PINYIN_KEYWORD, (hit) => {
    const word = hit[1]!.toLowerCase() === "zhan" ? "进展" : "进度";
    steps.push(`pinyin:${hit[0]}→${word}`);
    return word;
  });
  m = bareFigures(m, steps);
  m = hedgedFigures(m, steps);
  return { ...m, steps, quoted: unquoted.quoted };
}
