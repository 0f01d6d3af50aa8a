/**
 * The CSV export: the 任务 sheet of the xlsx export (same columns, same rows) as RFC 4180 CSV.
 *
 * - UTF-8 with a byte-order mark: Excel on Chinese Windows reads a CSV without one as GBK and shows mojibake.
 * - CRLF line ends, fields quoted when they hold a comma, a quote, CR or LF, quotes doubled (RFC 4180 §2).
 * - Formula injection: Excel, WPS and LibreOffice evaluate a CSV field that starts with =, +, - or @ as a
 *   formula (e.g. =HYPERLINK(…) or a DDE call), and task titles and unit names come from chat and documents we
 *   do not control. Such a text field gets a leading apostrophe, which the spreadsheet shows as text (OWASP
 *   "CSV Injection"); tab and CR, which OWASP lists too, are guarded the same way. Numbers from the model are
 *   written as they are (a negative number stays a number).
 *
 * No CSV library is a declared dependency (fast-csv in node_modules only comes with exceljs), and the format
 * is small enough to write here.
 */
import type { ExportModel } from "./types.js";
import { taskTable, type CellValue } from "./xlsx-export.js";

const BOM = "\uFEFF";
const CRLF = "\r\n";

/** Text that a spreadsheet would read as a formula: guarded with a leading apostrophe. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, guarded and quoted as needed. */
export function csvField(value: CellValue): string {
  if (value === null) return "";
  let s = typeof value === "number" ? String(value) : value;
  if (typeof value === "string" && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The tasks as CSV text (with its BOM); write it out as UTF-8. */
export function renderCsv(model: ExportModel): string {
  const { headers, rows } = taskTable(model);
  return BOM + [headers, ...rows].map((r) => r.map(csvField).join(",")).join(CRLF) + CRLF;
}
