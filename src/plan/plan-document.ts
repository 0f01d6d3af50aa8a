import { readFile } from "node:fs/promises";
import { PlanParseError } from "./plan-parser.js";
import type { ParsedPlan } from "./types.js";

/** How a plan document was written: a Word .docx (its lines are paragraphs, 段) or plain text (lines, 行). */
export type PlanDocumentKind = "docx" | "text";

/** A plan document as the parser reads it: one line per paragraph of a .docx, or the text file as it is. */
export interface PlanDocument {
  kind: PlanDocumentKind;
  text: string;
  /** Lines (1-based) of a .docx whose paragraphs have Word's automatic numbering (编号): the numbers are not in the text. */
  autoNumbered: number[];
}

/** What the first bytes say a file is. A .docx is a ZIP (`PK`); .doc and .wps are OLE compound files. */
function sniff(bytes: Buffer): "zip" | "ole" | "pdf" | "rtf" | "other" {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return "zip";
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return "ole";
  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") return "pdf";
  if (bytes.subarray(0, 5).toString("latin1") === "{\\rtf") return "rtf";
  return "other";
}

const ACCEPTED = "duban 读取 Word 文档（.docx）和纯文本（.txt，UTF-8 或 GBK 编码）";
const SAVE_AS = `${ACCEPTED}。请在 Word 或 WPS 中打开它，“另存为”Word 文档（*.docx）后再导入`;

/**
 * Reads a plan document, choosing by content, not by name: a .docx through mammoth, anything else as text (UTF-8,
 * else GBK/GB18030 as Windows Notepad and WPS save it). Throws PlanParseError (`unsupported`) for .doc, .wps, .pdf,
 * .rtf and ZIP files that are not Word documents.
 *
 * @example
 * const { kind, text } = await readPlanDocument(readFileSync("方案.docx")); // kind "docx", one paragraph per line
 */
export async function readPlanDocument(bytes: Buffer): Promise<PlanDocument> {
  switch (sniff(bytes)) {
    case "zip":
      return { kind: "docx", ...(await docxText(bytes)) };
    case "ole":
      throw new PlanParseError("unsupported", `这是旧版 Word（.doc）或 WPS（.wps）文件。${SAVE_AS}`);
    case "pdf":
      throw new PlanParseError("unsupported", `这是 PDF 文件，读不出可靠的段落。${ACCEPTED}：请找到方案的 Word 原件，“另存为”Word 文档（*.docx）后再导入`);
    case "rtf":
      throw new PlanParseError("unsupported", `这是 RTF 文件。${SAVE_AS}`);
    default:
      return { kind: "text", text: decodeText(bytes), autoNumbered: [] };
  }
}

/**
 * UTF-16 with a byte-order mark; UTF-8 when the bytes are valid UTF-8; else GB18030 (a superset of GBK) when they
 * are valid GB18030; else UTF-8 with replacements, which the parser refuses as unreadable.
 */
function decodeText(bytes: Buffer): string {
  // Notepad's "Unicode" is UTF-16 with a byte-order mark.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  for (const encoding of ["utf-8", "gb18030"]) {
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      // not this encoding
    }
  }
  return bytes.toString("utf8");
}

/** `readPlanDocument` on a file: `await readPlanFileDocument("方案.docx")`. Errors reading the file itself are passed on. */
export async function readPlanFileDocument(file: string): Promise<PlanDocument> {
  return readPlanDocument(await readFile(file));
}

/** The text of a .docx, one line per paragraph (headings, list items and table cells included, empty ones left out). */
async function docxText(bytes: Buffer): Promise<{ text: string; autoNumbered: number[] }> {
  // Imported here, not at the top: every start reads the demo plan's module, and mammoth with its ZIP and XML
  // libraries adds about 60 ms to a one-shot command that never sees a .docx (tests/startup-cost.test.ts).
  const { default: mammoth } = await import("mammoth");
  let html: string;
  try {
    const result = await mammoth.convertToHtml({ buffer: bytes }, { convertImage: mammoth.images.imgElement(async () => ({ src: "" })) });
    html = result.value;
  } catch {
    throw new PlanParseError("unsupported", `这是 ZIP 压缩文件，但不是可读的 Word 文档（.docx）。${SAVE_AS}`);
  }
  const paragraphs = htmlParagraphs(html);
  return {
    text: paragraphs.map((p) => p.text).join("\n"),
    autoNumbered: paragraphs.flatMap((p, i) => (p.numbered ? [i + 1] : [])),
  };
}

const BLOCK = /(<\/?(?:p|h[1-6]|li|ol|ul|td|th|tr|table|thead|tbody|blockquote)(?:\s[^>]*)?>)/;
const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " " };

interface Paragraph {
  text: string;
  numbered: boolean;
}

/**
 * The paragraphs of mammoth's HTML as lines: a line break inside a paragraph (Shift+Enter) becomes a space, so a
 * paragraph stays one line whatever the breaks in it. `numbered` marks an item of a numbered list (`<ol>`): Word's
 * automatic numbering, whose numbers mammoth does not write. A task table (a header row with 牵头单位 and 完成时限)
 * becomes one task line per row; any other table, one line per paragraph of its cells.
 */
export function htmlParagraphs(html: string): Paragraph[] {
  const lists: string[] = [];
  const out: Paragraph[] = [];
  let table: string[][][] | null = null; // rows → cells → paragraphs
  let depth = 0; // nested tables are read as part of the outer cell
  for (const piece of html.replace(/<br\s*\/?>/g, " ").split(BLOCK)) {
    const tag = /^<(\/?)(ol|ul|table|tr|td|th)\b/.exec(piece);
    if (tag) {
      const [, close, name] = tag;
      if (name === "ol" || name === "ul") {
        if (close) lists.pop();
        else lists.push(name);
      } else if (name === "table") {
        depth += close ? -1 : 1;
        if (!close && depth === 1) table = [];
        if (close && depth === 0 && table) {
          out.push(...tableLines(table));
          table = null;
        }
      } else if (!close && table && depth === 1) {
        if (name === "tr") table.push([]);
        else table.at(-1)?.push([]);
      }
      continue;
    }
    if (piece.startsWith("<")) continue;
    const text = piece
      .replace(/<[^>]*>/g, "")
      .replace(/&(?:amp|lt|gt|quot|#39|nbsp);/g, (e) => ENTITIES[e] ?? e)
      .replace(/[\r\n]+/g, " ")
      .trim();
    if (text === "") continue;
    if (table) table.at(-1)?.at(-1)?.push(text);
    else out.push({ text, numbered: lists.at(-1) === "ol" });
  }
  return out;
}

type Column = "number" | "task" | "lead" | "responsible" | "deadline";

/** A header cell's column: 序号, 任务 (重点任务, 工作内容…), 牵头单位, 责任单位 (配合单位…), 完成时限 (时间节点…); null for others (牵头领导, 备注). */
function columnOf(header: string): Column | null {
  const h = header.replace(/\s/g, "");
  if (/^(?:序号|编号|序)$/.test(h)) return "number";
  if (/^牵头(?:单位|部门)?$/.test(h)) return "lead";
  if (/^(?:责任|配合|协办|参与|协助)(?:单位|部门)$/.test(h)) return "responsible";
  if (/^(?:完成时限|完成时间|完成期限|时间节点|时限要求|时限|时间)$/.test(h)) return "deadline";
  if (/任务|措施|内容|事项|工作/.test(h) && !/领导|人$/.test(h)) return "task";
  return null;
}

/**
 * The lines of a table. A task table (序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限) gives one line per row, written as
 * the grammar's task line (`3.任务 牵头单位：A 责任单位：B 完成时限：C`); a row with one filled cell (a merged
 * category row) gives that cell as a line (a section heading); an empty 序号 (Word's automatic numbering) counts on
 * from the row before. Any other table gives one line per paragraph of its cells.
 */
function tableLines(rows: string[][][]): Paragraph[] {
  // The header is one of the first rows (a merged title row may come first).
  const header = rows.slice(0, 3).findIndex((row) => {
    const kinds = row.map((cell) => columnOf(cell.join("")));
    return kinds.includes("task") && kinds.includes("lead") && kinds.includes("deadline");
  });
  if (header < 0) return rows.flat(2).map((text) => ({ text, numbered: false }));
  const columns = (rows[header] ?? []).map((cell) => columnOf(cell.join("")));
  const out: Paragraph[] = rows.slice(0, header).flatMap((row) => row.flat().map((text) => ({ text, numbered: false })));
  let last = 0;
  for (const row of rows.slice(header + 1)) {
    const filled = row.filter((cell) => cell.length > 0);
    if (filled.length === 0) continue;
    if (filled.length === 1) {
      out.push({ text: (filled[0] ?? []).join(" "), numbered: false });
      continue;
    }
    const cell = (column: Column, join: string) =>
      row
        .filter((_, i) => columns[i] === column)
        .map((c) => c.join(join))
        .filter((t) => t !== "")
        .join(join);
    const task = row
      .filter((_, i) => columns[i] === "task")
      .flat()
      .reduce((all, p) => (all === "" ? p : /[。；;！？]$/.test(all) ? `${all}${p}` : `${all}。${p}`), "");
    const fields = [
      ["牵头单位", cell("lead", "、")],
      ["责任单位", cell("responsible", "、")],
      ["完成时限", cell("deadline", "、")],
    ].filter(([, value]) => value !== "");
    // The number: the 序号 cell's, else one written at the start of the task cell, else the row before's plus one.
    const written = /^\s*([0-9０-９]+)/.exec(cell("number", "")) ?? /^\s*([0-9０-９]+)\s*[.、．]/.exec(task);
    const number = written ? Number(written[1]?.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))) : last + 1;
    last = number;
    const title = task.replace(/^\s*[0-9０-９]+\s*[.、．]\s*/, "");
    out.push({ text: `${number}.${title}${fields.map(([label, value]) => ` ${label}：${value}`).join("")}`, numbered: false });
  }
  return out;
}

/** What to do about Word's automatic numbering, for a message. */
export const AUTO_NUMBERING_HINT = "Word 自动编号的编号不在文字里，没有读入：请改为手工输入编号，或在 Word 中另存为纯文本（*.txt，会写出编号）后导入";

/** Where a line is, in the words of its document: `第37行` in a text file, `第37段` (the 37th paragraph with text) in a .docx. */
export function placeOf(kind: PlanDocumentKind, line: number): string {
  return `第${line}${kind === "docx" ? "段" : "行"}`;
}

/**
 * A plan's problems with their places, and a problem for each paragraph with Word's automatic numbering (a task or
 * section whose number was lost): `[{ line: 37, place: "第37行", message: "任务14“…”找不到“完成时限”" }]`.
 */
export function placedProblems(parsed: ParsedPlan, document: PlanDocument): { line: number; place: string; message: string }[] {
  const lines = document.text.split("\n");
  const numbering = document.autoNumbered.map((line) => ({ line, message: `“${excerpt(lines[line - 1] ?? "")}”用了 Word 自动编号，编号没有读入` }));
  return [...parsed.problems, ...numbering]
    .sort((a, b) => a.line - b.line)
    .map((p) => ({ line: p.line, place: placeOf(document.kind, p.line), message: p.message }));
}

function excerpt(text: string): string {
  return [...text].length > 20 ? `${[...text].slice(0, 20).join("")}…` : text;
}
