import { lastDayOfMonth } from "../core/time.js";
import type { Deadline } from "./types.js";

/**
 * Reads a deadline (完成时限) as Chinese government plans write it.
 *
 * @example
 * parseDeadline("2024年底前");                   // { text: "2024年底前", kind: "date", date: "2024-12-31" }
 * parseDeadline("持续推进");                     // { text: "持续推进", kind: "ongoing", date: null }
 * parseDeadline("2023年底前基本完成、持续推进"); // { text: …, kind: "date+ongoing", date: "2023-12-31" }
 * parseDeadline("根据上级部署");                 // { text: …, kind: "unknown", date: null }
 *
 * Understood:
 * - dated phrases (a four-digit year is required): `2024年底(前)`, `2024年年底前`, `2024年末/年终/年内`,
 *   `2024年` alone (→ year end), `2024年6月(底|末|份)(前)` (→ last day of the month), `2024年6月30日(前)`,
 *   `2024年6月上旬/中旬/下旬` (→ 10th / 20th / last day), `2024年上半年` (→ 06-30), `2024年下半年` (→ 12-31),
 *   `2024年第二季度` / `2024年2季度` / `2024年二季度` (→ last day of the quarter), `2024-06-30`, and ranges
 *   such as `2023-2025年` or `2023年至2025年底` (→ the end of the range). Full-width digits are accepted.
 *   Words around the date (力争, 前, 基本完成, 完成 …) are allowed.
 * - ongoing phrases, with no date: anything containing 长期, 持续, 常态(化), 定期, 长效, 经常, 逐年, 不间断,
 *   每日/每天/每周/每月/每季(度)/每半年/每年, 按月/按季/按年 (e.g. `长期持续`, `持续推进`, `常态化推进`).
 * - several parts joined by `、`, `，`, `,`, `；` or `;` (in any order): a dated part plus an ongoing part gives
 *   `date+ongoing`; a single part that has both a date and an ongoing word (`2023年底前完成并持续推进`) also does.
 *   With several dated parts the latest date is used.
 *
 * Anything else, an invalid date (`2024年13月`, `2023年2月30日`) or any part that cannot be read gives `unknown`.
 */
export function parseDeadline(text: string): Deadline {
  const original = text.trim();
  const unknown: Deadline = { text: original, kind: "unknown", date: null };
  const normalized = normalize(original);
  if (normalized === "") return unknown;

  const parts = normalized.split(/[、，,；;]/).filter((p) => p !== "");
  const dates: string[] = [];
  let ongoing = false;
  for (const part of parts) {
    const reading = readPart(part);
    if (reading === null) return unknown;
    dates.push(...reading.dates);
    ongoing ||= reading.ongoing;
  }
  if (dates.length === 0) return ongoing ? { text: original, kind: "ongoing", date: null } : unknown;
  // The latest day; YYYY-MM-DD days compare as text (Math.max does not apply).
  const date = dates.reduce((a: string, b: string) => (b > a ? b : a));
  return { text: original, kind: ongoing ? "date+ongoing" : "date", date };
}

const ONGOING = /长期|持续|常态|定期|长效|经常|逐年|不间断|每[日天周月季年]|每半年|按[月季年]/;

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/**
 * One date expression. Groups: 1 year, 2 年底/年末/年终/年内, 3 上/下 (半年), 4 quarter, 5 month, 6 day,
 * 7 旬, 8 ISO year, 9 ISO month, 10 ISO day.
 */
const DATE_EXPR = new RegExp(
  [
    String.raw`(\d{4})年(?:年?(底|末|终|内)|([上下])半年|第?([1-4一二三四])季度?|(\d{1,2}|十[一二]?|[一二三四五六七八九])月(?:(\d{1,2})[日号]|([上中下])旬|底|末|份)?)?`,
    String.raw`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)`,
  ].join("|"),
  "g",
);

/** `2023-2025年`, `2023年至2025年底`, `2024年6月到2024年12月`: drop the start of a range. */
const RANGE_START = /\d{4}(?:年(?:\d{1,2}月)?)?[-—–~～至到](?=\d{4})/g;

interface PartReading {
  dates: string[];
  ongoing: boolean;
}

/** One part of a deadline; null when it cannot be read. */
function readPart(part: string): PartReading | null {
  const source = part.replace(RANGE_START, "");
  const dates: string[] = [];
  let leftover = "";
  let last = 0;
  for (const m of source.matchAll(DATE_EXPR)) {
    const end = m.index + m[0].length;
    // A bare year glued to more digits (`2024年123`) is malformed.
    if (m[0].endsWith("年") && /^\d/.test(source.slice(end))) return null;
    // `2024年第五季度`, `2024年十三月`: a year followed by something that is not a known date part.
    if (m[0].endsWith("年") && /^(第|[一二三四五六七八九十]|[上下]半)/.test(source.slice(end))) return null;
    const date = dateOf(m);
    if (date === null) return null;
    leftover += source.slice(last, m.index);
    last = end;
    // `2024年起每年…`: a start date, not a deadline.
    if (/^(起|开始|以来)/.test(source.slice(end))) continue;
    dates.push(date);
  }
  leftover += source.slice(last);
  const ongoing = ONGOING.test(leftover);
  if (dates.length === 0 && !ongoing) return null;
  return { dates, ongoing };
}

function dateOf(m: RegExpMatchArray): string | null {
  if (m[8] !== undefined) return ymd(Number(m[8]), Number(m[9]), Number(m[10]));
  const year = Number(m[1]);
  if (m[3] !== undefined) return m[3] === "上" ? ymd(year, 6, 30) : ymd(year, 12, 31);
  if (m[4] !== undefined) {
    const quarter = /\d/.test(m[4]) ? Number(m[4]) : (CN_DIGITS[m[4]] ?? 0);
    return ymd(year, quarter * 3, lastDay(year, quarter * 3));
  }
  if (m[5] !== undefined) {
    const month = monthNumber(m[5]);
    if (m[6] !== undefined) return ymd(year, month, Number(m[6]));
    if (m[7] === "上") return ymd(year, month, 10);
    if (m[7] === "中") return ymd(year, month, 20);
    return ymd(year, month, lastDay(year, month));
  }
  return ymd(year, 12, 31); // 年底 / 年末 / 年终 / 年内 / the year alone
}

function monthNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (s.startsWith("十")) return 10 + (CN_DIGITS[s.slice(1)] ?? 0);
  return CN_DIGITS[s] ?? 0;
}

function lastDay(year: number, month: number): number {
  return month < 1 || month > 12 ? 0 : lastDayOfMonth(year, month);
}

/** "YYYY-MM-DD", or null for an impossible date. */
function ymd(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 || day > lastDay(year, month)) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Full-width digits to ASCII, no whitespace, no trailing full stop. */
function normalize(text: string): string {
  return text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[－]/g, "-")
    .replace(/[／]/g, "/")
    .replace(/\s+/g, "")
    .replace(/[。.]+$/, "");
}
