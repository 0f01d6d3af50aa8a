/**
 * The xlsx export (导出表格): four sheets — 任务, 进展, 指标, 单位考评 — laid out from an ExportModel.
 *
 * Cell conventions:
 * - Numbers are written as numbers, so people can sum and sort them.
 * - Dates are written as text "YYYY-MM-DD" and moments as text "YYYY-MM-DD HH:mm" (Asia/Shanghai), never as
 *   Excel dates: exceljs stores a JS Date as a serial number in UTC, and Excel shows serials as local wall time
 *   with no zone, so a deadline at the end of a Shanghai day would show as the day before (or a moment 8 hours
 *   off) depending on the machine. Text always reads as the plan's own day. ISO text also sorts correctly.
 * - Strings are stored as strings (exceljs only writes a formula for a `{ formula }` value), so a field that
 *   starts with "=" is not a formula here; the CSV export, which Excel does evaluate, guards it separately.
 */
import ExcelJS from "exceljs";
import { formatDateTime } from "../core/time.js";
import { LIGHT_COLOURS, LIGHT_LABELS, type ExportModel, type Light, type ReportTarget, type ReportTask, SCORECARD_HEADERS } from "./types.js";

export type CellValue = string | number | null;

/** The sheet names, in workbook order. */
export const SHEET_NAMES = { tasks: "任务", updates: "进展", targets: "指标", scorecard: "单位考评" } as const;

export const TASK_HEADERS = [
  "任务编号",
  "所属部分",
  "任务名称",
  "牵头单位",
  "责任单位",
  "完成时限",
  "时限日期",
  "原定时限",
  "状态(灯)",
  "进度%",
  "最近进展时间",
  "进展条数",
  "待审核",
  "办结时间",
  "指标",
] as const;

/** Index of 状态(灯) in TASK_HEADERS. */
const LIGHT_COLUMN = TASK_HEADERS.indexOf("状态(灯)");

const UPDATE_HEADERS = ["任务编号", "时间", "填报人", "单位", "进度%", "内容", "已撤回"] as const;
const TARGET_HEADERS = ["任务编号", "指标名称", "计量单位", "目标数", "当前数", "截止日期", "完成", "滞后"] as const;

const yes = (b: boolean): string | null => (b ? "是" : null);
const yesNo = (b: boolean): string => (b ? "是" : "否");
/** A list in one cell, "、"-separated; an empty list leaves the cell empty. */
const list = (items: (string | number)[]): string | null => (items.length ? items.join("、") : null);
/** An ISO moment as Asia/Shanghai wall time, "YYYY-MM-DD HH:mm". */
const moment = (iso: string | null | undefined): string | null => (iso ? formatDateTime(new Date(iso)) : null);

/** "市级“公安数字工匠” 1/2". */
export function targetSummary(t: Pick<ReportTarget, "name" | "current" | "count">): string {
  return `${t.name} ${t.current}/${t.count}`;
}

/** One row of the 任务 sheet (and of the CSV export), in TASK_HEADERS order. */
export function taskRow(task: ReportTask): CellValue[] {
  return [
    task.number,
    task.section ? `${task.section.label}${task.section.title}` : null,
    task.title,
    list(task.leadUnits),
    list(task.responsibleUnits),
    task.deadline.text,
    task.deadline.date,
    task.originalDeadline ? task.originalDeadline.text : null,
    LIGHT_LABELS[task.light],
    task.completedAt ? 100 : task.progress, // a done task is 100% done, whatever was last reported
    moment(task.latestUpdates[0]?.at),
    task.updateCount,
    yes(task.reviewPending),
    moment(task.completedAt),
    task.targets.length ? task.targets.map(targetSummary).join("；") : null,
  ];
}

/** The 任务 sheet as a header and rows; the CSV export writes exactly this. */
export function taskTable(model: ExportModel): { headers: string[]; rows: CellValue[][] } {
  return { headers: [...TASK_HEADERS], rows: model.tasks.map(taskRow) };
}

/** "FFE5484D" from "#E5484D". */
function argb(hex: string): string {
  return `FF${hex.replace(/^#/, "").toUpperCase()}`;
}

/** Display width of a value, counting CJK and full-width characters as two columns. */
function displayWidth(v: CellValue): number {
  if (v === null) return 0;
  let longest = 0;
  for (const line of String(v).split(/\r\n|\r|\n/)) {
    let w = 0;
    for (const ch of line) w += (ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1;
    longest = Math.max(longest, w);
  }
  return longest;
}

/**
 * Add a sheet with a bold, frozen, filtered header row and the rows under it; columns sized to their content
 * (between 6 and 50 characters wide; longer text wraps).
 */
function addTable(wb: ExcelJS.Workbook, name: string, headers: readonly string[], rows: CellValue[][]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  const header = ws.addRow([...headers]);
  header.font = { bold: true };
  header.alignment = { vertical: "middle" };
  header.eachCell((cell) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8E8ED" } };
  });
  for (const r of rows) ws.addRow(r.map((v) => v ?? null));
  // The filter covers the header and the data rows under it (not the notes a sheet may add further down).
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: headers.length } };
  headers.forEach((h, i) => {
    const width = Math.max(displayWidth(h) + 2, ...rows.map((r) => displayWidth(r[i] ?? null) + 2));
    const col = ws.getColumn(i + 1);
    col.width = Math.min(50, Math.max(6, width));
    if (width > 50) col.alignment = { wrapText: true, vertical: "top" };
  });
  return ws;
}

/** The light's colour behind its Chinese label; dark text on yellow, white on the others. */
function paintLight(cell: ExcelJS.Cell, light: Light): void {
  cell.value = LIGHT_LABELS[light];
  cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: argb(LIGHT_COLOURS[light]) } };
  cell.font = { bold: true, color: { argb: light === "yellow" ? "FF000000" : "FFFFFFFF" } };
  cell.alignment = { horizontal: "center" };
}

/** The workbook as an .xlsx file. */
export async function renderXlsx(model: ExportModel): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "duban";
  wb.title = model.plan.title;
  // Stamp the workbook with the model's moment rather than the wall clock, so one model gives one file.
  wb.created = new Date(model.at);
  wb.modified = new Date(model.at);

  const { headers, rows } = taskTable(model);
  const tasks = addTable(wb, SHEET_NAMES.tasks, headers, rows);
  model.tasks.forEach((task, i) => {
    paintLight(tasks.getRow(i + 2).getCell(LIGHT_COLUMN + 1), task.light);
  });

  addTable(
    wb,
    SHEET_NAMES.updates,
    UPDATE_HEADERS,
    model.updates.map((u) => [u.taskNumber, moment(u.at), u.authorName, u.unit, u.percent, u.text, yes(u.retracted)]),
  );

  addTable(
    wb,
    SHEET_NAMES.targets,
    TARGET_HEADERS,
    model.targets.map((t) => [t.taskNumber, t.name, t.unit, t.count, t.current, t.due, yesNo(t.met), yesNo(t.behind)]),
  );

  const sc = model.scorecard;
  const scored = sc.weights !== null;
  const scHeaders: string[] = scored ? [...SCORECARD_HEADERS, "得分"] : [...SCORECARD_HEADERS];
  const scRows: CellValue[][] = sc.rows.map((r) => {
    const row: CellValue[] = [
      r.unit,
      list(r.leadTasks),
      list(r.responsibleTasks),
      r.reportsExpected,
      r.reportsOnTime,
      r.reportsLate,
      r.reportsMissing,
      r.remindersReceived,
      r.escalations,
      r.overdueDaysOriginal,
      r.overdueDaysApproved,
      r.completions,
      `${r.targetsMet}/${r.targetsTotal}`,
    ];
    if (scored) row.push(r.score);
    return row;
  });
  const scorecard = addTable(wb, SHEET_NAMES.scorecard, scHeaders, scRows);
  // The method notes start two rows below the table (one empty row between), in column A, unwrapped so each
  // reads as one line across the sheet.
  sc.method.forEach((line, i) => {
    scorecard.getCell(scRows.length + 3 + i, 1).value = line;
    scorecard.getCell(scRows.length + 3 + i, 1).alignment = { wrapText: false };
  });

  const out = await wb.xlsx.writeBuffer();
  // exceljs types this as its own `Buffer extends ArrayBuffer`; at run time in Node it is a Node Buffer.
  return Buffer.isBuffer(out) ? out : Buffer.from(out as ArrayBuffer);
}
