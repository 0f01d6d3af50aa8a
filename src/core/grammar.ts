/** Shared pieces of the chat grammar: normalising text, task numbers and percentages. */

/** A task number as written: Arabic digits or Chinese numerals. */
export const NUMBER = "(\\d{1,6}|[零〇一二两三四五六七八九十百千]{1,8})";

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

/** A task number from digits or Chinese numerals: `taskNumber("六")` → 6, `taskNumber("06")` → 6. */
export function taskNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  return chineseNumber(text);
}

/**
 * Find a progress percentage in update text: `extractPercent("完成初审 60%")` → {value: 60},
 * `extractPercent("进度六成")` → {value: 60}, `extractPercent("百分之八十")` → {value: 80}.
 * The last figure in the text wins. `raw` keeps the number as written for error messages.
 */
export function extractPercent(text: string): { value: number; raw: string } | null {
  const t = text.normalize("NFKC");
  const found: { index: number; value: number; raw: string }[] = [];
  for (const m of t.matchAll(/(-?\d+(?:\.\d+)?)\s*%/g)) found.push({ index: m.index!, value: Number(m[1]), raw: m[1]! });
  for (const m of t.matchAll(/进度\s*(?:为|达到|达|:)?\s*(-?\d+(?:\.\d+)?)(?!\s*[%\d.])(?!\s*(?:项|个|名|人|次|天|月|年|件|份|条|成))/g))
    found.push({ index: m.index!, value: Number(m[1]), raw: m[1]! });
  for (const m of t.matchAll(/百分之([零〇一二两三四五六七八九十百]+)/g)) {
    const v = chineseNumber(m[1]!);
    if (v !== null) found.push({ index: m.index!, value: v, raw: m[1]! });
  }
  for (const m of t.matchAll(/(?:完成|进度|达到|已达)\s*([一二两三四五六七八九十]|\d{1,2})\s*成/g)) {
    const v = taskNumber(m[1]!);
    if (v !== null) found.push({ index: m.index!, value: v * 10, raw: `${v * 10}` });
  }
  // "剩余40%" / "还差40%" is what is left, not the progress.
  const progress = found
    .filter((f) => !/(?:剩余|剩下|还差|尚余|未完成)\s*(?:约|近)?\s*$/.test(t.slice(Math.max(0, f.index - 6), f.index)))
    .sort((x, y) => x.index - y.index);
  const last = progress[progress.length - 1];
  if (!last) return null;
  return { value: Math.round(last.value), raw: last.raw };
}
