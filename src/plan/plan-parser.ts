import { attachYearlyTargets, findTargets } from "./target-parser.js";
import { parseDeadline } from "./deadline-parser.js";
import type { Deadline, ParsedPlan, ParsedSection, ParsedTask, PlanProblem } from "./types.js";
import { splitUnits } from "./unit-list.js";

export type PlanParseErrorCode = "empty" | "unreadable" | "unsupported" | "no-tasks";

const MESSAGES: Record<PlanParseErrorCode, string> = {
  empty: "计划文件为空",
  unreadable: "无法识别文件内容（不是 UTF-8 文本？）",
  unsupported: "不支持的文件格式：请另存为 Word 文档（.docx）或 UTF-8 纯文本（.txt）",
  "no-tasks": "未找到可识别的任务（需要“主要任务”部分中带“牵头单位”/“完成时限”的编号条目）",
};

/** A plan document that cannot be read at all. `message` is Chinese and can be shown to the office as is. */
export class PlanParseError extends Error {
  readonly code: PlanParseErrorCode;

  constructor(code: PlanParseErrorCode, message: string = MESSAGES[code]) {
    super(message);
    this.name = "PlanParseError";
    this.code = code;
  }
}

/**
 * Reads a plan document (实施方案) as plain text, one paragraph per line: its title, issue date, sections and
 * numbered tasks. The grammar, in words, is docs/plan-format.md.
 *
 * The task part starts at a heading such as `四、主要任务` (also 重点任务 / 工作任务) and ends at the next
 * top-level heading (`五、…`); under an unnumbered heading (`主要任务`) it ends at a heading such as `保障措施`.
 * Inside it, `（一）Title` lines (or, where there are none, `一、Title` lines, or a short unnumbered line before a
 * task) are sections and `N.` / `N．` / `N、` lines are tasks, followed by their fields (`牵头单位：` `责任单位：`
 * `配合单位：` `完成时限：`): on the next lines, at the end of the task line, in brackets, several on one line.
 * Without such a heading the whole document is scanned and only numbered items with fields are tasks.
 *
 * A task the office could not follow (no 牵头单位, no or an unreadable 完成时限, a repeated number) is listed in
 * `problems`, with its line, and in `warnings`; the import refuses such a plan unless told otherwise. A document
 * with nothing to import throws {@link PlanParseError}.
 *
 * @example
 * const plan = parsePlan(readFileSync("mingxi-2023-2025.txt", "utf8"));
 * plan.tasks[5]?.deadline; // { text: "2024年底前", kind: "date", date: "2024-12-31" }
 */
export function parsePlan(text: string): ParsedPlan {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") throw new PlanParseError("empty");
  if (looksUnreadable(body)) throw new PlanParseError("unreadable");

  const lines = toLines(body);
  const texts = lines.map((line) => line.text);
  const warnings: string[] = [];

  const taskPart = findTaskPart(lines);
  let scan = taskPart ? scanTasks(lines, taskPart.start, taskPart.end, false) : null;
  if (scan === null || scan.tasks.length === 0) {
    const whole = scanTasks(lines, 0, lines.length, true);
    if (whole.tasks.length > 0) {
      warnings.push(
        taskPart
          ? "“主要任务”部分中未找到编号任务，已在全文中查找带“牵头单位”/“完成时限”的编号条目"
          : "未找到“主要任务”标题，已在全文中查找带“牵头单位”/“完成时限”的编号条目",
      );
    }
    scan = whole;
  }
  if (scan.tasks.length === 0) {
    throw new PlanParseError(
      "no-tasks",
      taskPart
        ? `${MESSAGES["no-tasks"]}：“${taskPart.heading.text}”之后没有“1.任务名称”这样的编号条目`
        : `${MESSAGES["no-tasks"]}：没有“四、主要任务”这样的标题，全文中也没有带“牵头单位：”或“完成时限：”的编号条目`,
    );
  }
  const { unattached } = attachYearlyTargets(texts, scan.tasks);
  for (const t of unattached) warnings.push(`分年度目标中的指标“${t.count}${t.unit}${t.name}”未能对应到任务，未导入`);

  return {
    plan: { title: findTitle(texts), issuedOn: findIssuedOn(texts) },
    sections: scan.sections,
    tasks: scan.tasks,
    warnings: [...warnings, ...scan.warnings],
    problems: scan.problems,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Readability

/** Control characters other than tab, LF, VT, FF and CR (which plain text carries), and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point; \p{Cc} would also match tab/LF/VT/FF/CR and U+0080–U+009F
const CONTROL_CHARACTER = /[\u0000-\u0008\u000E-\u001F\u007F]/;

function looksUnreadable(text: string): boolean {
  let replacement = 0;
  let control = 0;
  let visible = 0;
  for (const ch of text) {
    if (ch === "\uFFFD") replacement++;
    else if (CONTROL_CHARACTER.test(ch)) control++;
    if (!/\s/.test(ch)) visible++;
  }
  if (text.includes("\u0000")) return true; // binary, or UTF-16 read as UTF-8
  const bad = replacement + control;
  return bad >= 50 || (bad > 0 && bad / Math.max(visible, 1) >= 0.01);
}

// ---------------------------------------------------------------------------------------------------------------
// Lines and the shapes a line can take
//
// Matching is done on a line's `key`: its text with full-width forms folded to half-width (`（一）` → `(一)`,
// `１０．` → `10.`, `：` → `:`, `；` → `;`, `，` → `,`, the ideographic space → a space). The fold keeps every
// character in place, so what is kept (titles, units, deadlines) is sliced from the text exactly as written.

/** A line of the document: its number (1-based: 第N行 of a text file, 第N段 of a .docx), its trimmed text and its key. */
interface Line {
  n: number;
  text: string;
  key: string;
}

/** Full-width ASCII forms and the ideographic space folded to their half-width forms, one character for one. */
function fold(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");
}

function toLines(body: string): Line[] {
  return body.split(/\r\n|\r|\n/).map((raw, i) => {
    const text = raw.trim();
    return { n: i + 1, text, key: fold(text) };
  });
}

const CN_NUMERAL = "[一二三四五六七八九十百〇零]+";
/** `五、保障措施`, `五.保障措施`: a top-level heading. */
const TOP_HEADING = new RegExp(`^${CN_NUMERAL}\\s*[、.]\\s*\\S`);
/** The part of a plan that holds the tasks: `四、主要任务`, `三、重点任务`, `第三部分 工作任务`, `主要任务及分工`, `重点任务清单`. */
const TASK_HEADING = new RegExp(
  `^(?:(?:${CN_NUMERAL}\\s*[、.]|第${CN_NUMERAL}部分[、:]?)\\s*[^。《》]{0,8}|)(?:主要任务|重点任务|工作任务|任务分工|重点工作)[^。《》]{0,12}$`,
);
/** Headings that end an unnumbered task part: `保障措施`, `五、工作要求`, `(六)组织实施`. */
const AFTER_TASKS = new RegExp(
  `^(?:${CN_NUMERAL}\\s*[、.]|第${CN_NUMERAL}部分[、:]?|\\(\\s*${CN_NUMERAL}\\s*\\))?\\s*(?:保障措施|工作要求|有关要求|组织实施|组织保障|实施步骤|工作步骤|进度安排)`,
);
/** `(一)Title` (key of `（一）Title`). */
const SECTION_LINE = new RegExp(`^(\\(\\s*(${CN_NUMERAL})\\s*\\))\\s*(.*)$`);
/** `一、Title`. */
const TOP_SECTION_LINE = new RegExp(`^((${CN_NUMERAL})\\s*[、.])\\s*(.*)$`);
/** `1.Title` / `１０．Title` / `10、Title` (not `2023.11.18`). */
const TASK_LINE = /^(\d+)\s*[.、]\s*(?!\d)(\S.*)$/;
/** `(1)Title` (key of `（1）Title`): a task in plans whose `1.` lines are section headings. */
const PAREN_TASK_LINE = /^\(\s*(\d+)\s*\)\s*(\S.*)$/;
/** A field label: `牵头单位:`, `牵头:`, `责任单位:`, `配合部门:`, `完成时限:`… (on the key: the colon is half-width). */
const LABEL = "(牵头单位|牵头部门|牵头|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位|完成时限|完成时间|时限要求|时限)\\s*:";

type FieldName = "lead" | "responsible" | "deadline";

interface Field {
  name: FieldName;
  value: string;
  line: number;
}

function fieldName(label: string): FieldName {
  if (label.startsWith("牵头")) return "lead";
  if (label.includes("时")) return "deadline";
  return "responsible";
}

function toAsciiDigits(s: string): string {
  return s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/** 一 → 1, 十二 → 12, 二十一 → 21; 0 when it is not a numeral. */
function chineseNumeral(s: string): number {
  const digits: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  let total = 0;
  let current = 0;
  for (const ch of s) {
    const d = digits[ch];
    if (d !== undefined) current = d;
    else if (ch === "十") {
      total += (current || 1) * 10;
      current = 0;
    } else if (ch === "百") {
      total += (current || 1) * 100;
      current = 0;
    } else return 0;
  }
  return total + current;
}

/**
 * The fields written in `text` from `key`'s labels on: `牵头单位:A、B;完成时限:2024年底前`, `牵头:A 责任单位:B　完成时限:C`.
 * A value runs to the next label; separators around it (`;` `,` `。` spaces) are dropped.
 */
function readFields(text: string, key: string, line: number): Field[] {
  const labels = [...key.matchAll(new RegExp(LABEL, "g"))];
  return labels.map((m, i) => {
    const next = labels[i + 1];
    const value = text
      .slice((m.index ?? 0) + m[0].length, next ? next.index : text.length)
      .replace(/^[\s;；,，。.]+|[\s;；,，。.]+$/g, "")
      .replace(/\s*[;；]\s*/g, "、");
    return { name: fieldName(m[1] ?? ""), value, line };
  });
}

/** The fields of a field line (`牵头单位：A、B；完成时限：2024年底前`, or the same in brackets), or null when the line is not one. */
function readFieldLine(line: Line): Field[] | null {
  let { text, key } = line;
  const bracketed = /^\((.*)\)[。.;]?$/.exec(key);
  if (bracketed && new RegExp(`^\\s*${LABEL}`).test(bracketed[1] ?? "")) {
    text = text.slice(1, 1 + (bracketed[1] ?? "").length);
    key = bracketed[1] ?? "";
  }
  if (!new RegExp(`^${LABEL}`).test(key)) return null;
  return readFields(text, key, line.n);
}

/**
 * A task line's text without the fields written in it, and those fields: bracketed anywhere
 * (`建设平台（牵头单位：科技科；完成时限：2024年底前）。描述`) or unbracketed after a full stop, semicolon or space
 * (`建设平台。描述。牵头单位：…`, `建设平台　牵头：科技科　完成时限：…`).
 */
function splitInlineFields(text: string, key: string, line: number): { rest: string; fields: Field[] } {
  const open = new RegExp(`\\(\\s*${LABEL}`).exec(key);
  if (open && open.index > 0) {
    let depth = 0;
    let close = key.length;
    for (let i = open.index; i < key.length; i++) {
      if (key[i] === "(") depth++;
      else if (key[i] === ")" && --depth === 0) {
        close = i;
        break;
      }
    }
    const fields = readFields(text.slice(open.index + 1, close), key.slice(open.index + 1, close), line);
    const after = text.slice(close + 1).replace(/^[。.;；\s]+/, "");
    const rest = `${text.slice(0, open.index).trim()}${after === "" ? "" : `。${after}`}`;
    return { rest: rest.replace(/。。/g, "。"), fields };
  }
  const plain = new RegExp(`[。;,\\s]\\s*${LABEL}`).exec(key);
  if (plain) {
    const start = plain.index + 1;
    return { rest: text.slice(0, start).trim(), fields: readFields(text.slice(start), key.slice(start), line) };
  }
  return { rest: text, fields: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Task part

/** The task part's lines [start, end) and its heading, or null when there is no task heading. */
function findTaskPart(lines: Line[]): { start: number; end: number; heading: Line } | null {
  const start = lines.findIndex((line) => TASK_HEADING.test(line.key));
  if (start < 0) return null;
  const heading = lines[start] as Line;
  // Under a numbered heading (`四、主要任务`) the part ends at the next `五、`; under an unnumbered one, `一、` lines
  // are its sections and the part ends at a heading such as 保障措施.
  const numbered = !/^(?:主要任务|重点任务|工作任务|任务分工|重点工作)/.test(heading.key);
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const key = lines[i]?.key ?? "";
    if (numbered ? TOP_HEADING.test(key) : AFTER_TASKS.test(key)) {
      end = i;
      break;
    }
  }
  return { start: start + 1, end, heading };
}

interface Draft {
  number: number;
  line: number;
  title: string;
  descriptionLines: string[];
  section: ParsedSection | null;
  fields: Field[];
}

interface Scan {
  sections: ParsedSection[];
  tasks: ParsedTask[];
  warnings: string[];
  problems: PlanProblem[];
}

/** A short line with no full stop and no trailing comma or colon: a heading when a task follows it. */
function looksLikeHeading(key: string): boolean {
  return key.length <= 30 && !/[。;,:!?]/.test(key.replace(/^.*?[、.]/, "")) && !/[。;,:]$/.test(key);
}

/** Fields on a line: a field line, or fields after a full stop, separator, space or bracket. */
const FIELDS_ON_LINE = new RegExp(`(?:^\\(?|[。;,\\s(])\\s*${LABEL}`);

/**
 * Whether the tasks here are numbered `（1）` under `1.` headings (一、 / （一） / 1. / （1）): when more `（N）` items
 * than `N.` items carry fields, most `（N）` items do, and every `N.` line reads as a heading.
 */
function parenthesisedTasks(range: Line[]): boolean {
  const numbered = (key: string) => TASK_LINE.test(key) || PAREN_TASK_LINE.test(key) || SECTION_LINE.test(key) || TOP_HEADING.test(key);
  const withFields = (pattern: RegExp) =>
    range.filter((line, i) => {
      if (!pattern.test(line.key)) return false;
      if (FIELDS_ON_LINE.test(line.key)) return true;
      for (let j = i + 1; j < range.length && !numbered(range[j]?.key ?? ""); j++) if (FIELDS_ON_LINE.test(range[j]?.key ?? "")) return true;
      return false;
    }).length;
  // `1.建设平台。具体包括：` followed by `（1）…；` `（2）…。` and then the fields is a task with sub-items, not this.
  const parenthesised = withFields(PAREN_TASK_LINE);
  const items = range.filter((line) => PAREN_TASK_LINE.test(line.key)).length;
  const headings = range.filter((line) => TASK_LINE.test(line.key)).every((line) => looksLikeHeading(line.key));
  return parenthesised > 0 && parenthesised > withFields(TASK_LINE) && parenthesised * 2 > items && headings;
}

/**
 * Reads sections and tasks from lines [from, to). With `needFields` (no task heading was found) a numbered
 * item is a task only if it has fields, and a section is kept only if it holds a task.
 *
 * Sections are `（一）` headings; where there are none, `一、` headings (under an unnumbered task heading, or in
 * the whole document); and unnumbered short lines directly before a task. Where tasks are numbered `（1）`, the `1.`
 * lines are the sections (numbered in order) and higher headings only close them.
 */
function scanTasks(lines: Line[], from: number, to: number, needFields: boolean): Scan {
  const drafts: Draft[] = [];
  const sectionsSeen: ParsedSection[] = [];
  const range = lines.slice(from, to).filter((l) => l.key !== "");
  const hasBracketSections = range.some((l) => SECTION_LINE.test(l.key) && chineseNumeral(SECTION_LINE.exec(l.key)?.[2] ?? "") > 0);
  const parenthesised = parenthesisedTasks(range);
  const taskLine = parenthesised ? PAREN_TASK_LINE : TASK_LINE;
  const arabicSections = parenthesised && range.some((l) => TASK_LINE.test(l.key));
  let section: ParsedSection | null = null;
  let current: Draft | null = null;
  let inFields = false;

  const finish = () => {
    if (current && (!needFields || current.fields.length > 0)) drafts.push(current);
    current = null;
    inFields = false;
  };
  const startSection = (label: string, ordinal: number, title: string) => {
    finish();
    section = { ordinal, label, title: untilFullStop(title) };
    sectionsSeen.push(section);
  };

  for (let i = 0; i < range.length; i++) {
    const line = range[i] as Line;
    const { key, text } = line;

    const top = TOP_SECTION_LINE.exec(key);
    if (top && TOP_HEADING.test(key)) {
      const ordinal = chineseNumeral(top[2] ?? "");
      if (!hasBracketSections && !arabicSections && ordinal > 0)
        startSection(text.slice(0, (top[1] ?? "").length), ordinal, text.slice(key.length - (top[3] ?? "").length));
      else {
        finish();
        section = null;
      }
      continue;
    }

    const sectionMatch = SECTION_LINE.exec(key);
    if (sectionMatch) {
      const ordinal = chineseNumeral(sectionMatch[2] ?? "");
      if (ordinal > 0 && arabicSections) {
        finish();
        section = null;
        continue;
      }
      if (ordinal > 0) {
        startSection(text.slice(0, (sectionMatch[1] ?? "").length), ordinal, text.slice(key.length - (sectionMatch[3] ?? "").length));
        continue;
      }
    }

    const fields = readFieldLine(line);
    if (fields) {
      if (current) {
        (current as Draft).fields.push(...fields);
        inFields = true;
      }
      continue;
    }

    const arabic = arabicSections ? TASK_LINE.exec(key) : null;
    if (arabic) {
      const offset = key.length - (arabic[2] ?? "").length;
      startSection(text.slice(0, offset).trim(), sectionsSeen.length + 1, text.slice(offset));
      continue;
    }

    const taskMatch = taskLine.exec(key);
    if (taskMatch) {
      finish();
      const offset = key.length - (taskMatch[2] ?? "").length;
      const { rest, fields: inline } = splitInlineFields(text.slice(offset), key.slice(offset), line.n);
      const stop = rest.indexOf("。");
      current = {
        number: Number(toAsciiDigits(taskMatch[1] ?? "")),
        line: line.n,
        title: (stop < 0 ? rest : rest.slice(0, stop)).trim(),
        descriptionLines: stop < 0 || rest.slice(stop + 1).trim() === "" ? [] : [rest.slice(stop + 1).trim()],
        section,
        fields: inline,
      };
      inFields = inline.length > 0;
      continue;
    }

    // A short line before a task, outside a task's description: an unnumbered section heading.
    const next = range[i + 1];
    if ((current === null || inFields) && next && taskLine.test(next.key) && looksLikeHeading(key)) {
      startSection("", sectionsSeen.length + 1, text);
      continue;
    }

    // Any other line continues the description until the first fields (which may end this line); after the fields
    // it ends the task.
    if (current && !inFields) {
      const { rest, fields: inline } = splitInlineFields(text, key, line.n);
      (current as Draft).descriptionLines.push(rest);
      (current as Draft).fields.push(...inline);
      inFields = inline.length > 0;
    } else finish();
  }
  finish();

  return buildTasks(drafts, sectionsSeen, needFields);
}

const DEADLINE_HINT = "（可写“2024年底前”“2025年6月30日前”“持续推进”等）";

function buildTasks(drafts: Draft[], sectionsSeen: ParsedSection[], needFields: boolean): Scan {
  const warnings: string[] = [];
  const problems: PlanProblem[] = [];
  const tasks: ParsedTask[] = [];
  const numbers = new Map<number, Draft>();

  for (const d of drafts) {
    const name = `任务${d.number}“${d.title}”`;
    const earlier = numbers.get(d.number);
    if (earlier) {
      warnings.push(`任务编号${d.number}重复，已忽略后出现的“${d.title}”`);
      problems.push({ line: d.line, message: `任务编号${d.number}重复：${name}与前面的任务${d.number}“${earlier.title}”编号相同` });
      continue;
    }
    numbers.set(d.number, d);

    let deadline: Deadline;
    const deadlineFields = d.fields.filter((f) => f.name === "deadline" && f.value !== "");
    const [first, ...extra] = deadlineFields;
    if (first === undefined) {
      deadline = { text: "", kind: "unknown", date: null };
      warnings.push(`任务${d.number}缺少完成时限`);
      problems.push({ line: d.line, message: `${name}找不到“完成时限”` });
    } else {
      deadline = parseDeadline(first.value.replace(/[。.]+$/, "").trim());
      if (deadline.kind === "unknown") {
        warnings.push(`任务${d.number}的完成时限“${deadline.text}”无法识别`);
        problems.push({ line: first.line, message: `${name}的完成时限“${deadline.text}”无法识别${DEADLINE_HINT}` });
      }
      if (extra.length > 0) warnings.push(`任务${d.number}有多个完成时限，已使用第一个“${deadline.text}”`);
    }

    const leadUnits = unique(d.fields.filter((f) => f.name === "lead").flatMap((f) => splitUnits(f.value)));
    if (leadUnits.length === 0) {
      warnings.push(`任务${d.number}缺少牵头单位`);
      problems.push({ line: d.line, message: `${name}找不到“牵头单位”` });
    }

    tasks.push({
      number: d.number,
      title: d.title,
      description: d.descriptionLines
        .filter((l) => l !== "")
        .join("\n")
        .trim(),
      section: d.section?.title ?? null,
      sectionOrdinal: d.section?.ordinal ?? null,
      leadUnits,
      responsibleUnits: unique(d.fields.filter((f) => f.name === "responsible").flatMap((f) => splitUnits(f.value))),
      deadline,
      targets: findTargets(`${d.title}。${d.descriptionLines.join("")}`, deadline.date),
    });
  }

  // Sections: one per ordinal (the first one written); when scanning the whole document, only those with tasks.
  const sections: ParsedSection[] = [];
  for (const s of sectionsSeen) {
    if (needFields && !drafts.some((d) => d.section === s)) continue;
    const earlier = sections.find((x) => x.ordinal === s.ordinal);
    if (earlier) {
      if (earlier !== s) warnings.push(`章节序号${s.label}重复，已忽略后出现的“${s.title}”`);
      continue;
    }
    sections.push(s);
  }
  problems.sort((a, b) => a.line - b.line);
  return { sections, tasks, warnings, problems };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

/** The text before the first `。`, without trailing punctuation. */
function untilFullStop(text: string): string {
  const stop = text.indexOf("。");
  return (stop < 0 ? text : text.slice(0, stop)).trim();
}
// ---------------------------------------------------------------------------------------------------------------
// Title and issue date

/** `- 发布机构:县公安局`, `索 引 号：…`: metadata lines of a published document. */
function isMetadata(line: string): boolean {
  return /^[-•·*]\s/.test(line) || /^[^，,。：:]{1,8}[:：]/.test(line);
}

const TITLE_END = /(?:方案|计划|规划|要点)(?:\s*[（(][^（）()]*[）)])?$/;

/**
 * The years a plan's title names: `planTitleYears("…实施方案（2023—2025年）")` → { first: 2023, last: 2025 };
 * `planTitleYears("2024年度重点工作要点")` → { first: 2024, last: 2024 }; null when it names none.
 */
export function planTitleYears(title: string): { first: number; last: number } | null {
  const t = toAsciiDigits(title.normalize("NFKC"));
  const range = /(\d{4})\s*年?\s*[-—–~～至到]\s*(\d{4})\s*年/.exec(t);
  if (range && Number(range[1]) <= Number(range[2])) return { first: Number(range[1]), last: Number(range[2]) };
  const one = /(\d{4})\s*年/.exec(t);
  return one ? { first: Number(one[1]), last: Number(one[1]) } : null;
}

function findTitle(lines: string[]): string {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!TITLE_END.test(line) || line.includes("。") || line.includes("《") || isMetadata(line)) continue;
    if (line.length > 80) continue;
    // A title broken over two lines: `明溪县公安局科技兴警三年行动` / `实施方案（2023-2025年）`.
    const core = line.replace(/[（(][^（）()]*[）)]$/, "");
    const previous = lines[i - 1] ?? "";
    if (core.length <= 6 && previous !== "" && !/[。，,：:；;、]/.test(previous) && !isMetadata(previous)) {
      return previous + line;
    }
    return line;
  }
  const fallback = lines.find((line) => line !== "" && !isMetadata(line) && !/[:：]$/.test(line) && !/^\S*\d{4}年\d{1,2}月\d{1,2}日$/.test(line));
  return fallback ?? "";
}

function findIssuedOn(lines: string[]): string | null {
  const dateText = String.raw`(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?`;
  const labelled = new RegExp(`^(?:[-•·*]\\s*)?(?:公文生成日期|成文日期|发文日期|印发日期|发布日期)\\s*[:：]\\s*${dateText}$`);
  const bare = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;
  for (const raw of lines) {
    const line = toAsciiDigits(raw);
    const m = labelled.exec(line) ?? bare.exec(line);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) continue;
    return date.toISOString().slice(0, 10);
  }
  return null;
}
