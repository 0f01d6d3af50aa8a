/**
 * The review document (年度报告 / 中期评估 / 总结验收) as .docx, laid out after the official document format
 * (党政机关公文格式, GB/T 9704): A4, margins 37/35/28/26 mm, title in 黑体 二号, body in 仿宋_GB2312 三号 with a
 * fixed 28 pt line, headings numbered as the plan numbers them (一、 / （一） / 1.), page numbers "— 1 —".
 * It only lays out a `ReviewReport`; every figure comes from `src/reports/review-data.ts`.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  convertMillimetersToTwip,
  type IBorderOptions,
  type IParagraphOptions,
} from "docx";
import { DEFAULT_TIME_ZONE, dayOf, dayjs } from "../core/time.js";
import type { Deadline } from "../plan/types.js";
import {
  LIGHT_LABELS,
  type ReportTarget,
  type ReportTask,
  type ReviewReport,
  type Scorecard,
  type ScorecardRow,
  LIGHT_ORDER,
  SCORECARD_HEADERS,
} from "./types.js";

// ---- Page and type (GB/T 9704) ----------------------------------------------------------------------------

const PAGE_WIDTH = 11906; // A4, twips
const PAGE_HEIGHT = 16838;
const MARGIN = {
  top: convertMillimetersToTwip(37),
  bottom: convertMillimetersToTwip(35),
  left: convertMillimetersToTwip(28),
  right: convertMillimetersToTwip(26),
  header: convertMillimetersToTwip(15),
  // The page number sits about 7 mm below the text block.
  footer: convertMillimetersToTwip(28),
};
/** Width of the text block (版心), 156 mm. */
const TEXT_WIDTH = PAGE_WIDTH - MARGIN.left - MARGIN.right;

const FONT = {
  body: "仿宋_GB2312",
  heading: "黑体",
  kai: "楷体_GB2312",
  pageNumber: "宋体",
} as const;

/** Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt, 小五 9 pt. */
const SIZE = { erhao: 44, sanhao: 32, sihao: 28, xiaosi: 24, wuhao: 21, xiaowu: 18 } as const;

/** Fixed 28 pt line (560 twips): 22 lines on the page, as the standard asks. */
const BODY_SPACING = { line: 560, lineRule: LineRuleType.EXACT } as const;
/** First-line indent of two characters (firstLineChars in 1/100 char; firstLine as 2 × 16 pt for readers that ignore it). */
const INDENT_2 = { firstLineChars: 200, firstLine: 640 } as const;

/** The order the lights are counted in. */

// ---- Paragraph helpers ------------------------------------------------------------------------------------

interface RunStyle {
  font?: string;
  size?: number;
  bold?: boolean;
}

function run(text: string, style: RunStyle = {}): TextRun {
  return new TextRun({ text, font: style.font ?? FONT.body, size: style.size ?? SIZE.sanhao, bold: style.bold });
}

/** A body paragraph (仿宋 三号, indent 2, fixed 28 pt). */
function body(text: string | TextRun[], extra: Partial<IParagraphOptions> = {}): Paragraph {
  return new Paragraph({
    children: typeof text === "string" ? [run(text)] : text,
    alignment: AlignmentType.JUSTIFIED,
    indent: INDENT_2,
    spacing: BODY_SPACING,
    ...extra,
  });
}

function heading(text: string, level: 0 | 1 | 2): Paragraph {
  const style: RunStyle = level === 0 ? { font: FONT.heading } : level === 1 ? { font: FONT.kai } : { font: FONT.body, bold: true };
  return new Paragraph({
    children: [run(text, style)],
    alignment: AlignmentType.JUSTIFIED,
    indent: INDENT_2,
    spacing: BODY_SPACING,
    outlineLevel: level,
    keepNext: true,
    keepLines: true,
  });
}

/** A small note (仿宋 小四) as printed under a table. */
function note(text: string): Paragraph {
  return new Paragraph({
    children: [run(text, { size: SIZE.xiaosi })],
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLineChars: 200, firstLine: 480 },
    spacing: { line: 400, lineRule: LineRuleType.EXACT },
  });
}

// ---- Tables -----------------------------------------------------------------------------------------------

const LINE: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: "000000" };
const TABLE_BORDERS = { top: LINE, bottom: LINE, left: LINE, right: LINE, insideHorizontal: LINE, insideVertical: LINE };

function cell(text: string, width: number, size: number, bold: boolean, align: (typeof AlignmentType)[keyof typeof AlignmentType]): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    verticalAlign: VerticalAlignTable.CENTER,
    children: [
      new Paragraph({
        children: [run(text, { size, bold })],
        alignment: align,
        spacing: { line: 240, lineRule: LineRuleType.AUTO },
      }),
    ],
  });
}

/**
 * A bordered table filling the text block: bold header row repeated on every page, rows kept whole.
 * `widths` are relative; they are scaled to the text block.
 */
function table(headers: string[], rows: string[][], widths: number[], size: number, leftColumns = 0): Table {
  const total = widths.reduce((a, b) => a + b, 0);
  const cols = widths.map((w) => Math.floor((w / total) * TEXT_WIDTH));
  const width = (i: number): number => cols[i] ?? 0;
  return new Table({
    width: { size: cols.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: cols,
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER,
    borders: TABLE_BORDERS,
    margins: { marginUnitType: WidthType.DXA, top: 30, bottom: 30, left: 57, right: 57 },
    rows: [
      new TableRow({
        tableHeader: true,
        cantSplit: true,
        children: headers.map((h, i) => cell(h, width(i), size, true, AlignmentType.CENTER)),
      }),
      ...rows.map(
        (r) =>
          new TableRow({
            cantSplit: true,
            children: r.map((v, i) => cell(v, width(i), size, false, i < leftColumns ? AlignmentType.LEFT : AlignmentType.CENTER)),
          }),
      ),
    ],
  });
}

// ---- Wording ----------------------------------------------------------------------------------------------

/** "2024-12-31" → "2024年12月31日". */
function cnDay(day: string): string {
  const [y, m, d] = day.split("-");
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** A count as printed: integers as is, others with at most two decimals. */
function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

/** The day of an ISO moment in Asia/Shanghai. */
function dayOfIso(iso: string): string {
  return dayOf(new Date(iso));
}

/** The deadline's own wording ("2024年底前"); its date when the wording is missing. */
function deadlineText(d: Deadline): string {
  const text = d.text.trim();
  return text || d.date || "未明确";
}

function unitList(units: string[]): string {
  return units.length ? units.join("、") : "无";
}

function targetLine(t: ReportTarget): string {
  const due = t.due ? `（${t.due}前）` : "";
  const mark = t.met ? "（已完成）" : t.behind ? "（滞后）" : "";
  return `${t.name} ${num(t.current)}/${num(t.count)}${t.unit}${due}${mark}`;
}

function statusLine(t: ReportTask): string {
  const parts = [t.lightLabel || LIGHT_LABELS[t.light]];
  // A done task reads 已办结, never 已办结，进度60%.
  if (t.progress !== null && !t.completedAt) parts.push(`进度${num(t.progress)}%`);
  if (t.completedAt) parts.push(`办结日期${dayOfIso(t.completedAt)}`);
  else if (t.daysOverdue !== null) parts.push(`已逾期${t.daysOverdue}天`);
  else if (t.daysLeft === 0) parts.push("今天到期");
  else if (t.daysLeft !== null) parts.push(`剩余${t.daysLeft}天`);
  if (t.stale && !t.completedAt) parts.push("久未更新");
  if (t.reviewPending) parts.push("办结申请待审核");
  return parts.join("，");
}

function taskBlock(t: ReportTask): Paragraph[] {
  const out: Paragraph[] = [heading(`${t.number}.${t.title}`, 2)];
  out.push(body(`牵头单位：${unitList(t.leadUnits)}`));
  out.push(body(`责任单位：${unitList(t.responsibleUnits)}`));
  out.push(body(`完成时限：${deadlineText(t.deadline)}`));
  if (t.originalDeadline) {
    const change = t.deadlineChange === "extension" ? "已延期" : "已调整";
    out.push(body(`原定时限：${deadlineText(t.originalDeadline)}（${change}）`));
  }
  if (t.targets.length) out.push(body(`目标指标：${t.targets.map(targetLine).join("；")}`));
  out.push(body(`当前状态：${statusLine(t)}`));
  const updates = t.latestUpdates
    .filter((u) => !u.retracted)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, 3);
  if (!updates.length) out.push(body("最新进展：暂无"));
  updates.forEach((u, i) => {
    const who = u.unit ? `${u.authorName}（${u.unit}）` : u.authorName;
    const line = `${dayOfIso(u.at)}${who ? ` ${who}` : ""}：${u.text}`;
    out.push(body(i === 0 ? `最新进展：${line}` : line));
  });
  const evidence = t.evidence.map((e) => `${e.fileName}（${e.day}）`);
  out.push(body(`佐证材料：${evidence.length ? evidence.join("、") : "无"}`));
  return out;
}

// ---- Parts ------------------------------------------------------------------------------------------------

function titleBlock(r: ReviewReport): Paragraph[] {
  const asOf = dayjs(r.at).tz(DEFAULT_TIME_ZONE).format("YYYY年M月D日");
  return [
    new Paragraph({
      children: [run(r.title, { font: FONT.heading, size: SIZE.erhao })],
      alignment: AlignmentType.CENTER,
      spacing: { line: 700, lineRule: LineRuleType.EXACT },
    }),
    new Paragraph({
      children: [run(`${r.period.label}　数据截至 ${asOf}`, { font: FONT.kai })],
      alignment: AlignmentType.CENTER,
      spacing: { ...BODY_SPACING, before: 280, after: 560 },
    }),
  ];
}

function summaryBlock(r: ReviewReport): (Paragraph | Table)[] {
  const { lights, tasks, targetsMet, targetsTotal } = r.summary;
  const plan = r.plan.title.replace(/^《|》$/g, "");
  const counts = LIGHT_ORDER.map((l) => `${LIGHT_LABELS[l]}${lights[l] ?? 0}项`).join("、");
  const intro =
    `对照《${plan}》，本报告统计期间为${cnDay(r.period.from)}至${cnDay(r.period.to)}，` +
    `共有任务${tasks}项，其中${counts}。` +
    (targetsTotal > 0 ? `指标完成 ${targetsMet}/${targetsTotal} 项。` : "暂无量化指标。");
  const total = LIGHT_ORDER.reduce((a, l) => a + (lights[l] ?? 0), 0);
  return [
    heading("一、总体情况", 0),
    body(intro),
    table(
      [...LIGHT_ORDER.map((l) => LIGHT_LABELS[l]), "合计"],
      [[...LIGHT_ORDER.map((l) => String(lights[l] ?? 0)), String(total)]],
      [1, 1, 1, 1, 1, 1],
      SIZE.sihao,
    ),
  ];
}

function tasksBlock(r: ReviewReport): Paragraph[] {
  const out: Paragraph[] = [heading("二、各项任务进展", 0)];
  for (const s of r.sections) {
    out.push(heading(`${s.label}${s.title}`, 1));
    if (!s.tasks.length) out.push(body("本项下暂无任务。"));
    for (const t of s.tasks) out.push(...taskBlock(t));
  }
  if (r.unsectioned.length) {
    out.push(heading("（其他）", 1));
    for (const t of r.unsectioned) out.push(...taskBlock(t));
  }
  if (!r.sections.length && !r.unsectioned.length) out.push(body("暂无任务。"));
  return out;
}

const DOCX_SCORECARD_HEADERS = SCORECARD_HEADERS.filter((h) => h !== "责任任务");

function scorecardRow(row: ScorecardRow, withScore: boolean): string[] {
  const cells = [
    row.unit,
    row.leadTasks.length ? row.leadTasks.join("、") : "—",
    String(row.reportsExpected),
    String(row.reportsOnTime),
    String(row.reportsLate),
    String(row.reportsMissing),
    String(row.remindersReceived),
    String(row.escalations),
    String(row.overdueDaysOriginal),
    String(row.overdueDaysApproved),
    String(row.completions),
    `${row.targetsMet}/${row.targetsTotal}`,
  ];
  if (withScore) cells.push(row.score === null ? "—" : num(row.score));
  return cells;
}

function scorecardBlock(sc: Scorecard): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [heading("三、单位考评", 0)];
  out.push(body(`考评期间：${sc.period.label}（${cnDay(sc.period.from)}至${cnDay(sc.period.to)}）。`));
  if (!sc.rows.length) out.push(body("本期暂无单位考评数据。"));
  else {
    const withScore = sc.weights !== null;
    const headers = withScore ? [...DOCX_SCORECARD_HEADERS, "得分"] : DOCX_SCORECARD_HEADERS;
    const widths = [2.2, 1.5, 1, 1, 1, 1, 1, 1, 1.2, 1.2, 1, 1.1, ...(withScore ? [1] : [])];
    out.push(
      table(
        headers,
        sc.rows.map((row) => scorecardRow(row, withScore)),
        widths,
        SIZE.xiaowu,
        1,
      ),
    );
  }
  if (sc.method.length) {
    out.push(note("说明："));
    for (const line of sc.method) out.push(note(line));
  }
  return out;
}

function pageNumberFooter(): Footer {
  return new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"], font: FONT.pageNumber, size: SIZE.sihao })],
      }),
    ],
  });
}

// ---- Entry point ------------------------------------------------------------------------------------------

/** Render a review report as a .docx file: `await renderReportDocx(report)` → the file's bytes. */
export async function renderReportDocx(report: ReviewReport): Promise<Buffer> {
  const doc = new Document({
    title: report.title,
    creator: "duban",
    description: report.period.label,
    styles: {
      default: {
        document: {
          run: { font: FONT.body, size: SIZE.sanhao, language: { value: "en-US", eastAsia: "zh-CN" } },
        },
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE_WIDTH, height: PAGE_HEIGHT },
            margin: MARGIN,
          },
        },
        footers: { default: pageNumberFooter() },
        children: [...titleBlock(report), ...summaryBlock(report), ...tasksBlock(report), ...scorecardBlock(report.scorecard)],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
