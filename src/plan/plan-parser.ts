import { attachYearlyTargets, findTargets } from "./target-parser.js";
import { parseDeadline } from "./deadline-parser.js";
import type { Deadline, ParsedPlan, ParsedSection, ParsedTask } from "./types.js";
import { splitUnits } from "./unit-list.js";

export type PlanParseErrorCode = "empty" | "unreadable" | "no-tasks";

const MESSAGES: Record<PlanParseErrorCode, string> = {
  empty: "计划文件为空",
  unreadable: "无法识别文件内容（不是 UTF-8 文本？）",
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
 * Reads a plan document (实施方案) as plain text: its title, issue date, sections and numbered tasks.
 *
 * The task part starts at a heading such as `四、主要任务` (also 重点任务 / 工作任务) and ends at the next
 * top-level heading (`五、…`). Inside it, `（一）Title` lines are sections and `N.` / `N．` / `N、` lines are tasks,
 * followed by field lines (`牵头单位：` `责任单位：` `配合单位：` `完成时限：`, several per line with `；`).
 * Without such a heading the whole document is scanned and only numbered items with a field line are tasks.
 *
 * Problems that do not stop the import (unknown deadline, missing 牵头单位, duplicate numbers…) are returned
 * as Chinese `warnings`; a document with nothing to import throws {@link PlanParseError}.
 *
 * @example
 * const plan = parsePlan(readFileSync("mingxi-2023-2025.txt", "utf8"));
 * plan.tasks[5]?.deadline; // { text: "2024年底前", kind: "date", date: "2024-12-31" }
 */
export function parsePlan(text: string): ParsedPlan {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") throw new PlanParseError("empty");
  if (looksUnreadable(body)) throw new PlanParseError("unreadable");

  const lines = body.split(/\r\n|\r|\n/).map((line) => line.trim());
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
  if (scan.tasks.length === 0) throw new PlanParseError("no-tasks");
  const { unattached } = attachYearlyTargets(lines, scan.tasks);
  for (const t of unattached) warnings.push(`分年度目标中的指标“${t.count}${t.unit}${t.name}”未能对应到任务，未导入`);

  return {
    plan: { title: findTitle(lines), issuedOn: findIssuedOn(lines) },
    sections: scan.sections,
    tasks: scan.tasks,
    warnings: [...warnings, ...scan.warnings],
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
// Shared patterns

const CN_NUMERAL = "[一二三四五六七八九十百〇零]+";
/** `五、保障措施`: a top-level heading. */
const TOP_HEADING = new RegExp(`^${CN_NUMERAL}[、．.]\\s*\\S`);
/** `四、主要任务`, `三、重点任务`, `第三部分 工作任务`, `主要任务及分工`. */
const TASK_HEADING = new RegExp(`^(?:(?:${CN_NUMERAL}[、．.]|第${CN_NUMERAL}部分[、：:]?)\\s*[^。《》]{0,8}|)(?:主要任务|重点任务|工作任务)[^。《》]{0,12}$`);
/** `（一）Title` / `(一)Title`. */
const SECTION_LINE = new RegExp(`^([（(]\\s*(${CN_NUMERAL})\\s*[）)])\\s*(.*)$`);
/** `1.Title` / `１．Title` / `1、Title` (not `2023.11.18`). */
const TASK_LINE = /^([0-9０-９]+)\s*[.．、]\s*(?![0-9０-９])(\S.*)$/;
const FIELD_LABEL = /^(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|完成时限|完成时间)\s*[:：]\s*(.*)$/;

type FieldName = "lead" | "responsible" | "deadline";

function fieldName(label: string): FieldName {
  if (label.startsWith("牵头")) return "lead";
  if (label.startsWith("完成")) return "deadline";
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

// ---------------------------------------------------------------------------------------------------------------
// Task part

function findTaskPart(lines: string[]): { start: number; end: number } | null {
  const start = lines.findIndex((line) => TASK_HEADING.test(line));
  if (start < 0) return null;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (TOP_HEADING.test(lines[i] ?? "")) {
      end = i;
      break;
    }
  }
  return { start: start + 1, end };
}

interface Draft {
  number: number;
  title: string;
  descriptionLines: string[];
  section: ParsedSection | null;
  lead: string[];
  responsible: string[];
  deadlines: string[];
  hasFields: boolean;
}

interface Scan {
  sections: ParsedSection[];
  tasks: ParsedTask[];
  warnings: string[];
}

/**
 * Reads sections and tasks from lines [from, to). With `needFields` (no task heading was found) a numbered
 * item is a task only if it has a field line, and a section is kept only if it holds a task.
 */
function scanTasks(lines: string[], from: number, to: number, needFields: boolean): Scan {
  const drafts: Draft[] = [];
  const sectionsSeen: ParsedSection[] = [];
  let section: ParsedSection | null = null;
  let current: Draft | null = null;
  let inFields = false;

  const finish = () => {
    if (current && (!needFields || current.hasFields)) drafts.push(current);
    current = null;
    inFields = false;
  };

  for (let i = from; i < to; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;

    if (TOP_HEADING.test(line)) {
      finish();
      section = null;
      continue;
    }

    const sectionMatch = SECTION_LINE.exec(line);
    if (sectionMatch) {
      const ordinal = chineseNumeral(sectionMatch[2] ?? "");
      if (ordinal > 0) {
        finish();
        section = { ordinal, label: sectionMatch[1] ?? "", title: untilFullStop(sectionMatch[3] ?? "") };
        sectionsSeen.push(section);
        continue;
      }
    }

    const fields = readFieldLine(line);
    if (fields) {
      if (current) {
        addFields(current, fields);
        inFields = true;
      }
      continue;
    }

    const taskMatch = TASK_LINE.exec(line);
    if (taskMatch) {
      finish();
      // Fields may end the task line itself: `1.标题。描述（牵头单位：…；完成时限：…）` or `…。牵头单位：…；完成时限：…`.
      const { rest, fields: inline } = splitInlineFields(taskMatch[2] ?? "");
      const stop = rest.indexOf("。");
      current = {
        number: Number(toAsciiDigits(taskMatch[1] ?? "")),
        title: (stop < 0 ? rest : rest.slice(0, stop)).trim(),
        descriptionLines: stop < 0 ? [] : [rest.slice(stop + 1).trim()],
        section,
        lead: [],
        responsible: [],
        deadlines: [],
        hasFields: false,
      };
      if (inline) {
        addFields(current, inline);
        inFields = true;
      }
      continue;
    }

    // Any other line continues the description until the first field line; after the fields it ends the task.
    if (current && !inFields) (current as Draft).descriptionLines.push(line);
    else finish();
  }
  finish();

  return buildTasks(drafts, sectionsSeen, needFields);
}

/** Add a task's fields (牵头单位, 责任单位/配合单位, 完成时限) to its draft. */
function addFields(draft: Draft, fields: { name: FieldName; value: string }[]): void {
  for (const { name, value } of fields) {
    if (name === "lead") draft.lead.push(...splitUnits(value));
    else if (name === "responsible") draft.responsible.push(...splitUnits(value));
    else draft.deadlines.push(value.replace(/[。.]+$/, "").trim());
  }
  draft.hasFields = true;
}

const INLINE_LABEL = "(?:牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|完成时限|完成时间)\\s*[:：]";

/** A task line's text without the fields written at its end, and those fields (null when there are none). */
function splitInlineFields(text: string): { rest: string; fields: { name: FieldName; value: string }[] | null } {
  const bracketed = new RegExp(`[（(]\\s*(${INLINE_LABEL}[^（）()]*)[）)]\\s*[。.；;]?\\s*$`).exec(text);
  if (bracketed) {
    const fields = readFieldLine((bracketed[1] ?? "").trim());
    if (fields) return { rest: text.slice(0, bracketed.index).trim(), fields };
  }
  // Unbracketed, after the description's full stop: `…。牵头单位：刑侦大队；完成时限：2024年底前`.
  const plain = new RegExp(`[。；;]\\s*(${INLINE_LABEL}.*)$`).exec(text);
  if (plain) {
    const fields = readFieldLine((plain[1] ?? "").trim());
    if (fields) return { rest: text.slice(0, plain.index + 1).trim(), fields };
  }
  return { rest: text, fields: null };
}

/** The fields of a field line (`牵头单位：A、B；完成时限：2024年底前`), or null when the line is not one. */
function readFieldLine(line: string): { name: FieldName; value: string }[] | null {
  let text = line;
  // `（牵头单位：…；完成时限：…）` written as one bracketed line.
  const bracketed = /^[（(](.*)[）)]$/.exec(text);
  if (bracketed && FIELD_LABEL.test((bracketed[1] ?? "").trim())) text = (bracketed[1] ?? "").trim();
  if (!FIELD_LABEL.test(text)) return null;

  const fields: { name: FieldName; value: string }[] = [];
  for (const piece of text.split(/[；;]/)) {
    const part = piece.trim();
    if (part === "") continue;
    const m = FIELD_LABEL.exec(part);
    const last = fields[fields.length - 1];
    if (m) fields.push({ name: fieldName(m[1] ?? ""), value: (m[2] ?? "").trim() });
    else if (last) last.value = last.value === "" ? part : `${last.value}、${part}`;
  }
  return fields;
}

function buildTasks(drafts: Draft[], sectionsSeen: ParsedSection[], needFields: boolean): Scan {
  const warnings: string[] = [];
  const tasks: ParsedTask[] = [];
  const numbers = new Set<number>();

  for (const d of drafts) {
    if (numbers.has(d.number)) {
      warnings.push(`任务编号${d.number}重复，已忽略后出现的“${d.title}”`);
      continue;
    }
    numbers.add(d.number);

    let deadline: Deadline;
    const [deadlineText, ...extraDeadlines] = d.deadlines.filter((t) => t !== "");
    if (deadlineText === undefined) {
      deadline = { text: "", kind: "unknown", date: null };
      warnings.push(`任务${d.number}缺少完成时限`);
    } else {
      deadline = parseDeadline(deadlineText);
      if (deadline.kind === "unknown") warnings.push(`任务${d.number}的完成时限“${deadlineText}”无法识别`);
      if (extraDeadlines.length > 0) warnings.push(`任务${d.number}有多个完成时限，已使用第一个“${deadlineText}”`);
    }

    const leadUnits = unique(d.lead);
    if (leadUnits.length === 0) warnings.push(`任务${d.number}缺少牵头单位`);

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
      responsibleUnits: unique(d.responsible),
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
  return { sections, tasks, warnings };
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
