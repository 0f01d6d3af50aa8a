import { taskNumber } from "../grammar.js";

/** A reference to one or more tasks by number, as written in a message. */
export interface TaskRef {
  numbers: number[];
  /** Where the reference starts and ends in the (NFKC) text. */
  start: number;
  end: number;
  /** The form that matched, for `explain`: "任务N", "N号任务", "第N项", "【任务N】", "#N"… */
  form: string;
}

const N = "(?:(?<!\\d)\\d{1,3}(?!\\d)|[零〇一二两三四五六七八九十]{1,4})";
/**
 * A task number in an explicit form (任务N, N号任务, 【任务N】, "status N"): any number of digits, so that
 * `任务123456` is read and refused with the plan's range rather than ignored, and `任务99999999999999999999`
 * never falls through to a number further on.
 */
const LONG_N = "(?:(?<!\\d)\\d+(?!\\d)|[零〇一二两三四五六七八九十]{1,4})";
/** After a Chinese numeral, characters that make it part of a word: 任务一览, 第一批, 任务一下子. */
const NUMERAL_WORD = /^[览下起样定般些直周次并律体把批步道块线切致同共旦再半点类种份手期]/u;
/** More task numbers after the first: "任务6、7", "任务6和7", "6号、7号任务", "任务6,7,8". */
const more = (n: string) => `(?:\\s*(?:[、,，/&]|和|及|与|以及|跟|and)\\s*(?:任务|第)?\\s*${n}\\s*(?:号|项)?)*`;
const MORE = more(N);
const LONG = `${LONG_N}${more(LONG_N)}`;

/** Between the ends of a range: `4到6`, `4至6`, `4-6`. */
const TO = "\\s*(?:到|至|~|～|-|—)\\s*";

interface Form {
  name: string;
  re: RegExp;
}

// Each form captures the whole list of numbers in group 1. Order matters: the bracketed and
// explicit forms come first, and a position taken by one form is not matched again.
const FORMS: Form[] = [
  { name: "【任务N】", re: new RegExp(`[【\\[](?:任务|task)?\\s*#?(${LONG})\\s*(?:号任务|号)?[】\\]]`, "giu") },
  // A range: "任务4到6", "任务4-6", "第4至6项", "4到6号任务" (at most ten tasks, see RANGE).
  {
    name: "任务N到M",
    re: new RegExp(
      `(?:(?:任务|tasks?|第)\\s*(${N}${TO}(?:任务|第)?\\s*${N})(?![\\d.%])(?!\\s*(?:个|名|次|天|月|日|年|条|份|件|台|套|家|批|周))` +
        `|(${N}${TO}${N})\\s*号\\s*任务)`,
      "gu",
    ),
  },
  {
    name: "任务N",
    re: new RegExp(
      `(?:任务|tasks?)\\s*(?:编号|第|no\\.?|number)?\\s*#?\\s*(${LONG})(?![\\d.%])(?!(?:个|名|次|天|月|日|年|项任务|条|份|件|台|套|家|批))`,
      "giu",
    ),
  },
  // A list of bare numbers then their count and 任务: "4、5、6三个任务", "7和8两项任务", "3、4号这两个任务".
  {
    name: "N、N个任务",
    re: new RegExp(
      `(?<![\\d.%/:])(${N}(?:\\s*号)?(?:\\s*(?:[、,，/&]|和|及|与|以及)\\s*${N}(?:\\s*号)?)+)\\s*(?:这|那)?\\s*(?:[两三四五六七八九十几]|\\d{1,2})\\s*(?:个|项)\\s*(?:任务|工作)`,
      "gu",
    ),
  },
  { name: "第N项", re: new RegExp(`第\\s*(${N}${MORE})\\s*项\\s*(?:任务|工作)?`, "gu") },
  // Said aloud: "第六个任务", "第二十三个任务", "第一个任务".
  { name: "第N个任务", re: new RegExp(`第\\s*(${N})\\s*个\\s*任务`, "gu") },
  { name: "N号任务", re: new RegExp(`(?<![月\\d年])(${LONG_N}(?:\\s*号)?${more(LONG_N)})\\s*号\\s*(?:任务|工作)`, "gu") },
  { name: "编号N", re: new RegExp(`编号\\s*(?:为|是)?\\s*(${N})`, "gu") },
  // "6号" alone: only before a colon, 进展/进度/情况 or the end, so "6号下午开会", "3号楼" and "5号、6号卡口" are not tasks.
  { name: "N号", re: new RegExp(`(?<![月\\d年第〕\\])）)])(${N}${MORE})\\s*号(?=\\s*(?:[:：]|进展|进度|情况|$)|\\s+\\d{1,3}\\s*%)`, "gu") },
  // A command word then a bare number at the very start: "status 6", "history 6", "update 6 …", "进展 6 …".
  {
    name: "关键词 N",
    re: new RegExp(`^\\s*(?:status|history|update|progress|进展|进度|历史|进展记录|报送进展|查询|查看|查)\\s*#?\\s*(${LONG_N})(?=$|[\\s:：,，])`, "giu"),
  },
  // Not a floor, a building or a gate: "#1楼", "#3号门".
  { name: "#N", re: new RegExp(`(?<![\\w#])#\\s*(${N})(?![\\d.]|\\s*(?:号?(?:楼|栋|幢|层|室|门|岗|单元|车道|机位)))`, "gu") },
];

/** A range names every task from its first number to its last: `rangeIn("4到6")` → [4, 5, 6]; wider than ten, null. */
const RANGE = new RegExp(`^(${LONG_N})${TO}(?:任务|第)?\\s*(${LONG_N})$`, "u");
function rangeIn(list: string): number[] | null {
  const m = RANGE.exec(list.trim());
  if (!m) return null;
  const [a, b] = [taskNumber(m[1]!), taskNumber(m[2]!)];
  if (a === null || b === null || b <= a || b - a > 9) return null;
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function numbersIn(list: string): number[] {
  const out: number[] = [];
  for (const m of list.matchAll(new RegExp(LONG_N, "gu"))) {
    const n = taskNumber(m[0]);
    if (n !== null && !out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * Every task reference in a message, in order: `findTaskRefs("任务6、7进展：…")` → [{numbers: [6, 7]}],
 * `findTaskRefs("【任务6】本周…")`, `findTaskRefs("第六项任务")`, `findTaskRefs("#6 进度")`.
 * Expects NFKC text (full-width digits already half-width).
 */
export function findTaskRefs(text: string): TaskRef[] {
  const taken: boolean[] = new Array(text.length).fill(false);
  const refs: TaskRef[] = [];
  for (const form of FORMS) {
    form.re.lastIndex = 0;
    for (const m of text.matchAll(form.re)) {
      // For "history 6" the command word is not part of the reference: it says what is asked.
      const start = form.name === "关键词 N" ? m.index! + m[0].lastIndexOf(m[1]!) : m.index!;
      const end = m.index! + m[0].length;
      if (taken.slice(start, end).some(Boolean)) continue;
      if (/[零〇一二两三四五六七八九十]$/u.test(m[1] ?? m[2]!) && m.index! + m[0].length === end && NUMERAL_WORD.test(text.slice(end))) continue;
      const numbers = form.name === "任务N到M" ? (rangeIn(m[1] ?? m[2]!) ?? []) : numbersIn(m[1]!);
      if (numbers.length === 0 || numbers.some((n) => n <= 0)) continue;
      // The count must be the list's: "4、5、6三个任务"; "3、4五个任务" is no list of tasks.
      const count = form.name === "N、N个任务" ? /([两三四五六七八九十几]|\d{1,2})\s*(?:个|项)\s*(?:任务|工作)$/u.exec(m[0])![1]! : null;
      if (count !== null && count !== "几" && taskNumber(count) !== numbers.length) continue;
      for (let i = start; i < end; i++) taken[i] = true;
      refs.push({ numbers, start, end, form: form.name });
    }
  }
  return refs.sort((a, b) => a.start - b.start);
}
