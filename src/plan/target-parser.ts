import { parseDeadline } from "./deadline-parser.js";
import type { ParsedTarget, ParsedTask } from "./types.js";

/**
 * Proposes numeric targets (指标) from a plan's own wording: a verb of delivery, a count, a measure word and
 * what is counted.
 *
 * @example
 * findTargets("争取在2024年底前，培育2名擅长公安数据分析等重点领域的市级“公安数字工匠”，培养1名市级科技兴警创新领军人才。", null);
 * // [{ name: "市级“公安数字工匠”", count: 2, unit: "名", due: "2024-12-31", … },
 * //  { name: "市级科技兴警创新领军人才", count: 1, unit: "名", due: "2024-12-31", … }]
 *
 * - The verb comes first (培育, 培养, 遴选, 建成, 打造, 创建, 申报, 引进, 推出…), possibly two joined
 *   (`遴选和培育`, `培育遴选`, `争创并申报`); a bare number without one (`1+2+7`, `三年行动`) is no target.
 * - What is counted runs to the next `，。；` or bracket. A descriptive clause ending in 的 is dropped:
 *   `2名擅长…领域的市级“公安数字工匠”` counts 市级“公安数字工匠”.
 * - The due date is the latest date written earlier in the same sentence (`2024年底前，…`), else `defaultDue`.
 */
export function findTargets(text: string, defaultDue: string | null): ParsedTarget[] {
  const out: ParsedTarget[] = [];
  // Full-width digits read as ASCII (the same length, so positions stay).
  const plain = text.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  for (const sentence of plain.split(/[。；;！!\n]/)) {
    TARGET.lastIndex = 0;
    for (let m = TARGET.exec(sentence); m; m = TARGET.exec(sentence)) {
      const due = lastDate(sentence.slice(0, m.index)) ?? defaultDue;
      const first = target(m[2]!, m[3]!, m[4]!, m[0], due);
      if (first) out.push(first);
      // `培育2名数字工匠、3名领军人才`: further counts after 、/和 share the verb.
      let rest = sentence.slice(TARGET.lastIndex);
      let consumed = 0;
      for (let more = MORE.exec(rest); more; more = MORE.exec(rest)) {
        const next = target(more[1]!, more[2]!, more[3]!, more[0], due);
        if (next) out.push(next);
        consumed += more[0].length;
        rest = rest.slice(more[0].length);
      }
      TARGET.lastIndex += consumed;
    }
  }
  return dedupe(out);
}

function target(countText: string, unit: string, nameText: string, source: string, due: string | null): ParsedTarget | null {
  const count = readCount(countText);
  if (count === null || count <= 0 || count > 10_000) return null;
  let name = nameText.trim().replace(/^(?:及以上|以上|左右|以内|多)/, "");
  const de = name.lastIndexOf("的");
  if (de >= 0 && name.length - de - 1 >= 2) name = name.slice(de + 1);
  name = name.replace(/^(?:等|各|的)/, "").trim();
  if ([...name].length < 2 || !/\p{Script=Han}/u.test(name)) return null;
  return { name, count, unit, due, sourceText: source.trim() };
}

const VERB = "(?:培育|培养|遴选|选树|建成|建立|建设|打造|创建|争创|创成|申报|引进|推出|孵化|评选|选拔|形成|获评|获得|入选|认定|命名|研发|推广|挂牌)";
const COUNT = "(\\d{1,5}|[一二两三四五六七八九十]{1,3})";
const MEASURE = "(名|个|项|支|家|套|处|所|人|篇|件|部|门|条)";
/** What is counted: up to a clause break, and not into a further count (`、3名…`). */
const NAME = `((?:(?![、和及与]\\s*${COUNT.replace("(", "(?:")}\\s*${MEASURE.replace("(", "(?:")})[^，,。；;（(）)\\s]){2,60})`;
/** 1 verb(s), 2 count, 3 measure word, 4 what is counted. `不少于`/`至少` may stand before the count. */
const TARGET = new RegExp(`(${VERB}(?:[和与及并、]?${VERB})*)\\s*(?:不少于|至少|不低于)?\\s*${COUNT}\\s*${MEASURE}${NAME}`, "gu");
const MORE = new RegExp(`^[、和及与]\\s*${COUNT}\\s*${MEASURE}${NAME}`, "u");

const NUMERALS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

function readCount(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === "十") return 10;
  const tens = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (tens) return (tens[1] ? NUMERALS[tens[1]]! : 1) * 10 + (tens[2] ? NUMERALS[tens[2]]! : 0);
  return s.length === 1 ? (NUMERALS[s] ?? null) : null;
}

/** The latest dated phrase in `text` (`争取在2024年底前` → 2024-12-31). */
function lastDate(text: string): string | null {
  // Only a deadline (`2024年底前`, `到2025年6月底`), not a starting point (`自2023年以来`, `2024年起每年`).
  const dates = [...text.matchAll(/\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?|[上下]半年|年?[底末终内])?(?=[前底末内]|完成|$|[，,、])/g)]
    .map((m) => parseDeadline(m[0]).date)
    .filter((d): d is string => d !== null);
  return dates.length ? dates[dates.length - 1]! : null;
}

function dedupe(targets: ParsedTarget[]): ParsedTarget[] {
  const seen = new Map<string, ParsedTarget>();
  for (const t of targets) {
    const key = nameKey(t.name);
    const earlier = seen.get(key);
    if (!earlier) seen.set(key, t);
    else if (!earlier.due && t.due) earlier.due = t.due;
  }
  return [...seen.values()];
}

/** Names compare without quotes and spaces: `市级“公安数字工匠”` matches `市级公安数字工匠`. */
export function nameKey(name: string): string {
  return name.replace(/[“”"'‘’「」『』《》\s]/g, "");
}

/**
 * Targets of the yearly goals (分年度目标): each year's paragraph (`2.推进年（2024年）。…`) is read with that year's
 * end as the default due date, and each target is attached to the task that covers it: a task that already
 * names the same target (its due date filled in when the task gave none), else the task whose title and
 * description share the most of the target's character pairs (at least half of them). Unattached ones are
 * returned for a warning.
 */
export function attachYearlyTargets(lines: string[], tasks: ParsedTask[]): { unattached: ParsedTarget[] } {
  const unattached: ParsedTarget[] = [];
  for (const line of lines) {
    const year = /^\s*\d{1,2}\s*[.．、]\s*[\p{Script=Han}]{0,4}[（(](\d{4})年?[)）]/u.exec(line);
    if (!year) continue;
    for (const target of findTargets(line, `${year[1]}-12-31`)) {
      const same = tasks.find((t) => t.targets.some((x) => nameKey(x.name) === nameKey(target.name)));
      if (same) {
        const existing = same.targets.find((x) => nameKey(x.name) === nameKey(target.name))!;
        existing.due ??= target.due;
        continue;
      }
      const best = bestTask(target.name, tasks);
      if (best) best.targets.push(target);
      else unattached.push(target);
    }
  }
  return { unattached };
}

function bigrams(s: string): string[] {
  const chars = [...nameKey(s)];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function bestTask(name: string, tasks: ParsedTask[]): ParsedTask | null {
  const grams = [...new Set(bigrams(name))];
  if (grams.length === 0) return null;
  let best: { task: ParsedTask; score: number } | null = null;
  for (const task of tasks) {
    const title = task.title;
    const body = task.description;
    let score = 0;
    for (const g of grams) score += title.includes(g) ? 2 : body.includes(g) ? 1 : 0;
    if (!best || score > best.score) best = { task, score };
  }
  return best && best.score >= grams.length ? best.task : null;
}
