/** The Chinese digits these forms use, one character each (grammar.ts imports this file, so it has its own). */
const DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const chineseNumber = (ch: string): number | null => DIGITS[ch] ?? null;

/*
 * Progress figures said the way people speak or write formally rather than as `60%` (issue 25, "Hedged figures"):
 * a fraction (`三分之二左右` → 67) and a spoken range of tenths (`七八成` → 70, its lower bound, as a clerk writes
 * no more than was claimed; `40%-50%` → 40), and a figure corrected (`应该是35不是53` → 35). `extractPercents` in grammar.ts reads them
 * with the other forms.
 */

const DIGIT = "[一二两三四五六七八九]";
/** What may stand before a spoken figure: a progress word, a hedge, or a clause boundary. */
const LEAD =
  "(?:完成|进度|进展|达到|已达|到了|约|大约|大概|约莫|接近|近|已过|过了|超过|差不多|有个|估计有|有|算是|算|都到|" +
  "(?:做|搞|弄|干|推进|装|建|铺|改)了|的|^|[\\s,，;；:：])\\s*(?:了|约|大约|大概|接近|近|差不多|为|达)?\\s*";
/** `三分之二`, `四分之三`, `2/3` after a progress word: a fraction of the work, not of something named after it (`三分之一的民警`). */
const FRACTION = new RegExp(
  `${LEAD}(?:(${DIGIT}|十)\\s*分之\\s*(${DIGIT})|(?<=(?:完成|进度|进展|约|大约|大概|了)\\s*)([1-9])\\s*/\\s*([1-9])(?![\\d/]))(?!\\s*的)` +
    // … unless a verb that completes work stands before it: `做完了三分之二的系统` is two thirds of the work done.
    `|(?<=(?:完成了?|做完了?|弄完了?|搞完了?|干完了?|测完了?|装完了?|建完了?)\\s*)(${DIGIT}|十)\\s*分之\\s*(${DIGIT})`,
  "gdu",
);
/** `百分之六七十`: two neighbouring tens. */
const RANGE_OF_TENS = /百分之\s*([一二三四五六七八])([二三四五六七八九])十(?![一二三四五六七八九])/dgu;
/** `七八成`, `六七成`, `七到八成`: two neighbouring tenths; not a share of something named after it (`七八成的所队`). */
const RANGE_OF_TENTHS = new RegExp(`${LEAD}(${DIGIT})\\s*(?:到|至|-|~|～)?\\s*(${DIGIT})\\s*成(?![功员本果绩立熟交型为])(?!\\s*的)`, "gdu");

/** A figure corrected: `应该是35不是53`, `更正为40%，而不是80%` (the rejected one is left out by extractPercents). */
const CORRECTED = /(?:应该是|应该为|应为|应是|改为|改成|更正为|实际是|实际为|正确的是)\s*(\d{1,3}(?:\.\d+)?)\s*%?(?=\s*[,，]?\s*(?:而)?不是\s*\d)/dgu;

/** A range of percentages: `40%-50%`, `40-50%`, `四五十%` is not read; the lower bound is the figure. */
const RANGE_OF_PERCENTS = /(?<!(?:从|由)\s*)(?<![\d.])(\d{1,3})\s*%?\s*(?:-|~|～|到|至)\s*(\d{1,3})\s*%/dgu;

/** A figure found in text: where it starts, its value (0–100) and how to store it as written. */
export interface SpokenFigure {
  index: number;
  value: number;
  raw: string;
}

/**
 * Fractions and spoken ranges in `text` (NFKC): `spokenFigures("已完成总体工作量的三分之二左右")` → [{value: 67}],
 * `spokenFigures("完成了七八成")` → [{value: 70}], `spokenFigures("三分之一的民警")` → [{value: 33}] (the caller's
 * rules on rates and remainders still apply).
 */
export function spokenFigures(text: string): SpokenFigure[] {
  const out: SpokenFigure[] = [];
  for (const m of text.matchAll(FRACTION)) {
    // `三分之二` names the whole first, `2/3` the part.
    const [w, p] = m[1] ? [m[1], m[2]!] : [m[5], m[6]];
    const whole = w ? chineseNumber(w) : Number(m[4]);
    const part = p ? chineseNumber(p) : Number(m[3]);
    if (!whole || part === null || part <= 0 || part >= whole) continue;
    const value = Math.round((100 * part) / whole);
    out.push({ index: (m.indices![1] ?? m.indices![3] ?? m.indices![5])![0], value, raw: `${value}` });
  }
  for (const m of text.matchAll(RANGE_OF_TENTHS)) {
    const low = chineseNumber(m[1]!);
    const high = chineseNumber(m[2]!);
    // Neighbours only (`七八成`); `一二成` is no hedge on a count of tenths read elsewhere.
    if (low === null || high === null || high !== low + 1) continue;
    out.push({ index: m.indices![1]![0], value: low * 10, raw: `${low * 10}` });
  }
  for (const m of text.matchAll(RANGE_OF_TENS)) {
    const low = chineseNumber(m[1]!);
    if (low === null || chineseNumber(m[2]!) !== low + 1) continue;
    out.push({ index: m.index!, value: low * 10, raw: `${low * 10}` });
  }
  for (const m of text.matchAll(RANGE_OF_PERCENTS)) {
    const [low, high] = [Number(m[1]), Number(m[2])];
    if (high > low && high - low <= 20) out.push({ index: m.indices![1]![0], value: low, raw: m[1]! });
  }
  for (const m of text.matchAll(CORRECTED)) {
    // With a percent sign the figure is read already; only the bare one is added.
    if (/%/u.test(m[0])) continue;
    out.push({ index: m.indices![1]![0], value: Number(m[1]), raw: m[1]! });
  }
  return out;
}
