import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { renderCsv } from "../src/reports/csv-export.js";
import { foldIcs, renderIcs } from "../src/reports/ics-export.js";
import { LIGHT_COLOURS, type ExportModel, type ReportTarget, type ReportTask, type ReportUpdate } from "../src/reports/types.js";
import { renderXlsx } from "../src/reports/xlsx-export.js";

// ---------------------------------------------------------------------------------------------------------
// Fixture: five tasks, one of each light; task 7's title holds a comma, quotes and a newline, task 8's title
// and a lead unit start with characters a spreadsheet would read as a formula; task 9's title is long enough
// (Chinese and an emoji) for the calendar export to fold it.
// ---------------------------------------------------------------------------------------------------------

const SECTION_2 = { ordinal: 2, label: "（二）", title: "加强科技人才培养" };
const LONG_TITLE = "建设“智慧警务”综合指挥平台🚓并实现全县各派出所视频会商系统全覆盖和数据实时汇聚共享";
const TRICKY_TITLE = '升级"雪亮工程"，扩容存储\n二期';
const FORMULA_TITLE = '=HYPERLINK("http://evil.example","点击")';

const target = (t: Partial<ReportTarget> & Pick<ReportTarget, "id" | "taskNumber" | "name">): ReportTarget => ({
  unit: "名",
  count: 2,
  current: 0,
  due: null,
  met: false,
  behind: false,
  ...t,
});

const update = (u: Partial<ReportUpdate> & Pick<ReportUpdate, "id" | "taskNumber" | "at" | "text">): ReportUpdate => ({
  author: "@zhang:bureau.local",
  authorName: "张伟",
  unit: "科技信息化大队",
  percent: null,
  retracted: false,
  ...u,
});

const T3 = target({ id: 3, taskNumber: 6, name: "市级“公安数字工匠”", count: 2, current: 1, due: "2024-12-31", behind: true });
const T4 = target({ id: 4, taskNumber: 9, name: "视频会商点", unit: "个", count: 3, current: 3, due: "2024-06-30", met: true });
const T5 = target({ id: 5, taskNumber: 10, name: "培训", unit: "次", count: 4, current: 1 });

const U1 = update({ id: 1, taskNumber: 6, at: "2024-03-01T01:00:00Z", text: "已报名两人", percent: 20 });
const U2 = update({ id: 2, taskNumber: 6, at: "2024-06-30T02:05:00Z", text: "一人通过市级评审，另一人待评", percent: 40 });
const U3 = update({ id: 3, taskNumber: 7, at: "2024-07-01T16:30:00Z", text: "=1+1 误报", unit: null, retracted: true });

const task = (t: Partial<ReportTask> & Pick<ReportTask, "number" | "title" | "light" | "deadline">): ReportTask => ({
  id: t.number + 100,
  section: SECTION_2,
  leadUnits: ["科技信息化大队"],
  responsibleUnits: [],
  originalDeadline: null,
  deadlineChange: null,
  lightLabel: "",
  daysLeft: null,
  daysOverdue: null,
  stale: false,
  progress: null,
  completedAt: null,
  reviewPending: false,
  updateCount: 0,
  targets: [],
  latestUpdates: [],
  evidence: [],
  ...t,
});

const TASKS: ReportTask[] = [
  task({
    number: 6,
    title: "培育“公安数字工匠”",
    light: "red",
    responsibleUnits: ["各派出所", "刑侦大队"],
    deadline: { text: "2024年12月底前", kind: "date", date: "2024-12-31" },
    originalDeadline: { text: "2024年6月底前", kind: "date", date: "2024-06-30" },
    deadlineChange: "extension",
    progress: 40,
    reviewPending: true,
    updateCount: 2,
    targets: [T3],
    latestUpdates: [U2, U1],
  }),
  task({
    number: 7,
    title: TRICKY_TITLE,
    light: "yellow",
    leadUnits: ["治安大队", "交警大队"],
    deadline: { text: "2025年3月底前", kind: "date", date: "2025-03-31" },
    updateCount: 1,
  }),
  task({
    number: 8,
    title: FORMULA_TITLE,
    light: "green",
    leadUnits: ["-网安大队"],
    deadline: { text: "2025年6月底前完成，并持续推进", kind: "date+ongoing", date: "2025-06-30" },
    progress: 0,
  }),
  task({
    number: 9,
    title: LONG_TITLE,
    light: "done",
    deadline: { text: "2024年6月底前", kind: "date", date: "2024-06-30" },
    progress: 100,
    completedAt: "2024-05-20T03:30:00Z",
    updateCount: 5,
    targets: [T4],
  }),
  task({
    number: 10,
    title: "常态化开展科技练兵",
    light: "ongoing",
    section: null,
    deadline: { text: "长期坚持", kind: "ongoing", date: null },
    targets: [T5],
  }),
];

const METHOD = [
  "应报次数：考评期内该单位牵头未办结任务的月报周期数。",
  "按时：周期截止前报送进展的次数；逾期报送：截止后补报的次数。",
  "得分 = 按时×2 − 未报×3 − 督办升级×5（权重由督办室设定）。",
];

const MODEL: ExportModel = {
  at: "2024-12-20T02:00:00Z",
  plan: { title: "明溪县公安局科技兴警三年行动", issuedOn: "2023-03-01" },
  tasks: TASKS,
  updates: [U1, U2, U3],
  targets: [T3, T4, T5],
  scorecard: {
    period: { from: "2024-01-01", to: "2024-12-31", label: "2024年度" },
    rows: [
      {
        unit: "科技信息化大队",
        leadTasks: [6, 9, 10],
        responsibleTasks: [],
        reportsExpected: 12,
        reportsOnTime: 10,
        reportsLate: 1,
        reportsMissing: 1,
        remindersReceived: 7,
        escalations: 1,
        overdueDaysOriginal: 173,
        overdueDaysApproved: 0,
        completions: 1,
        targetsMet: 1,
        targetsTotal: 3,
        score: 12.5,
      },
      {
        unit: "治安大队",
        leadTasks: [7],
        responsibleTasks: [6],
        reportsExpected: 12,
        reportsOnTime: 12,
        reportsLate: 0,
        reportsMissing: 0,
        remindersReceived: 0,
        escalations: 0,
        overdueDaysOriginal: 0,
        overdueDaysApproved: 0,
        completions: 0,
        targetsMet: 0,
        targetsTotal: 0,
        score: null,
      },
    ],
    method: METHOD,
    weights: { onTime: 2, missing: -3, escalation: -5 },
  },
};

const TASK_HEADERS = [
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
];

/** The 任务 rows the fixture should give, written out by hand (null: an empty cell). */
const TASK_ROWS: (string | number | null)[][] = [
  [
    6,
    "（二）加强科技人才培养",
    "培育“公安数字工匠”",
    "科技信息化大队",
    "各派出所、刑侦大队",
    "2024年12月底前",
    "2024-12-31",
    "2024年6月底前",
    "红灯",
    40,
    "2024-06-30 10:05",
    2,
    "是",
    null,
    "市级“公安数字工匠” 1/2",
  ],
  [7, "（二）加强科技人才培养", TRICKY_TITLE, "治安大队、交警大队", null, "2025年3月底前", "2025-03-31", null, "黄灯", null, null, 1, null, null, null],
  [8, "（二）加强科技人才培养", FORMULA_TITLE, "-网安大队", null, "2025年6月底前完成，并持续推进", "2025-06-30", null, "绿灯", 0, null, 0, null, null, null],
  [
    9,
    "（二）加强科技人才培养",
    LONG_TITLE,
    "科技信息化大队",
    null,
    "2024年6月底前",
    "2024-06-30",
    null,
    "已办结",
    100,
    null,
    5,
    null,
    "2024-05-20 11:30",
    "视频会商点 3/3",
  ],
  [10, null, "常态化开展科技练兵", "科技信息化大队", null, "长期坚持", null, null, "持续推进", null, null, 0, null, null, "培训 1/4"],
];

// ---------------------------------------------------------------------------------------------------------
// xlsx
// ---------------------------------------------------------------------------------------------------------

async function loadXlsx(model: ExportModel): Promise<ExcelJS.Workbook> {
  const buf = await renderXlsx(model);
  expect(Buffer.isBuffer(buf)).toBe(true);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

function rowValues(ws: ExcelJS.Worksheet, row: number, columns: number): unknown[] {
  return Array.from({ length: columns }, (_, i) => ws.getRow(row).getCell(i + 1).value);
}

/** An empty string cell reads back as null from exceljs; compare them as one. */
const blank = (v: unknown): unknown => (v === "" || v === undefined ? null : v);

describe("xlsx export", () => {
  it("has the four sheets, each with a bold, frozen, filtered header", async () => {
    const wb = await loadXlsx(MODEL);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["任务", "进展", "指标", "单位考评"]);
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.autoFilter).toBeTruthy();
      expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(6);
    }
    expect(String(wb.getWorksheet("任务")!.autoFilter)).toBe("A1:O6");
  });

  it("lays out the 任务 sheet: headers, every cell, numbers as numbers, dates as text", async () => {
    const ws = (await loadXlsx(MODEL)).getWorksheet("任务")!;
    expect(rowValues(ws, 1, TASK_HEADERS.length)).toEqual(TASK_HEADERS);
    TASK_ROWS.forEach((expected, i) => {
      expect(rowValues(ws, i + 2, TASK_HEADERS.length).map(blank), `task row ${i + 2}`).toEqual(expected.map(blank));
    });
    expect(ws.rowCount).toBe(TASK_ROWS.length + 1);
    expect(typeof ws.getCell("J2").value).toBe("number");
    expect(ws.getCell("G2").value).toBe("2024-12-31"); // text, not an Excel date
    expect(ws.getCell("C4").value).toBe(FORMULA_TITLE); // a string cell, not a formula
    expect(ws.getCell("C4").type).toBe(ExcelJS.ValueType.String);
  });

  it("fills the light cell with the light's colour", async () => {
    const ws = (await loadXlsx(MODEL)).getWorksheet("任务")!;
    TASKS.forEach((t, i) => {
      const cell = ws.getRow(i + 2).getCell(9);
      const fill = cell.fill as ExcelJS.FillPattern;
      expect(fill.type).toBe("pattern");
      expect(fill.pattern).toBe("solid");
      expect(fill.fgColor?.argb).toBe(`FF${LIGHT_COLOURS[t.light].slice(1)}`);
    });
  });

  it("lays out 进展 and 指标", async () => {
    const wb = await loadXlsx(MODEL);
    const updates = wb.getWorksheet("进展")!;
    expect(rowValues(updates, 1, 7)).toEqual(["任务编号", "时间", "填报人", "单位", "进度%", "内容", "已撤回"]);
    expect(rowValues(updates, 2, 7).map(blank)).toEqual([6, "2024-03-01 09:00", "张伟", "科技信息化大队", 20, "已报名两人", null]);
    expect(rowValues(updates, 4, 7).map(blank)).toEqual([7, "2024-07-02 00:30", "张伟", null, null, "=1+1 误报", "是"]);

    const targets = wb.getWorksheet("指标")!;
    expect(rowValues(targets, 1, 8)).toEqual(["任务编号", "指标名称", "计量单位", "目标数", "当前数", "截止日期", "完成", "滞后"]);
    expect(rowValues(targets, 2, 8)).toEqual([6, "市级“公安数字工匠”", "名", 2, 1, "2024-12-31", "否", "是"]);
    expect(rowValues(targets, 3, 8)).toEqual([9, "视频会商点", "个", 3, 3, "2024-06-30", "是", "否"]);
    expect(rowValues(targets, 4, 8).map(blank)).toEqual([10, "培训", "次", 4, 1, null, "否", "否"]);
  });

  it("lays out 单位考评 with 得分 when weighted, and the method lines two rows below the table", async () => {
    const ws = (await loadXlsx(MODEL)).getWorksheet("单位考评")!;
    const headers = rowValues(ws, 1, 14);
    expect(headers).toEqual([
      "单位",
      "牵头任务",
      "责任任务",
      "应报次数",
      "按时",
      "逾期报送",
      "未报",
      "收到提醒",
      "督办升级",
      "逾期天数(原定)",
      "逾期天数(批准后)",
      "办结",
      "指标完成",
      "得分",
    ]);
    expect(rowValues(ws, 2, 14).map(blank)).toEqual(["科技信息化大队", "6、9、10", null, 12, 10, 1, 1, 7, 1, 173, 0, 1, "1/3", 12.5].map(blank));
    expect(rowValues(ws, 3, 14).map(blank)).toEqual(["治安大队", "7", "6", 12, 12, 0, 0, 0, 0, 0, 0, 0, "0/0", null]);
    expect(blank(ws.getCell("A4").value)).toBeNull();
    expect([5, 6, 7].map((r) => ws.getCell(r, 1).value)).toEqual(METHOD);
    expect(String(ws.autoFilter)).toBe("A1:N3");
  });

  it("leaves 得分 out when the office set no weights", async () => {
    const ws = (await loadXlsx({ ...MODEL, scorecard: { ...MODEL.scorecard, weights: null } })).getWorksheet("单位考评")!;
    expect(ws.getRow(1).cellCount).toBe(13);
    expect(ws.getCell(1, 13).value).toBe("指标完成");
    expect(blank(ws.getCell(1, 14).value)).toBeNull();
  });

  it("exports an empty model", async () => {
    const wb = await loadXlsx({ ...MODEL, tasks: [], updates: [], targets: [], scorecard: { ...MODEL.scorecard, rows: [], method: [] } });
    expect(wb.worksheets.map((w) => w.rowCount)).toEqual([1, 1, 1, 1]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// csv
// ---------------------------------------------------------------------------------------------------------

/** RFC 4180: records end in CRLF, a field is quoted when it holds a comma, quote, CR or LF, "" is a quote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      if (field !== "") throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else if (c === "\r" || c === "\n") {
      throw new Error(`bare CR or LF outside quotes at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || row.length) throw new Error("last record has no CRLF");
  return rows;
}

/** What a cell should read as in the CSV: numbers as digits, blanks empty, formula-like text guarded. */
const csvCell = (v: string | number | null): string => (v === null ? "" : typeof v === "number" ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

describe("csv export", () => {
  const csv = renderCsv(MODEL);

  it("starts with a BOM and ends records with CRLF", () => {
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.slice(1).startsWith("任务编号,所属部分,任务名称,")).toBe(true);
  });

  it("parses back to the 任务 sheet, cell for cell, with formula-like text guarded", () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual(TASK_HEADERS);
    expect(rows.slice(1)).toEqual(TASK_ROWS.map((r) => r.map(csvCell)));
    expect(rows[3]![2]).toBe(`'${FORMULA_TITLE}`);
    expect(rows[3]![3]).toBe("'-网安大队");
    expect(rows[2]![2]).toBe(TRICKY_TITLE);
  });

  it("quotes exactly the fields that need it", () => {
    expect(csv).toContain(`,"升级""雪亮工程""，扩容存储\n二期",`);
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example"",""点击"")",`);
    expect(csv).toContain(",'-网安大队,");
    // A Chinese comma (，) needs no quotes; an ASCII one does.
    expect(csv).toContain(",2025年6月底前完成，并持续推进,");
  });

  it("writes only the header for no tasks", () => {
    expect(renderCsv({ ...MODEL, tasks: [] })).toBe(`\uFEFF${TASK_HEADERS.join(",")}\r\n`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// ics (no iCalendar parser is installed: unfold and read the VEVENTs here)
// ---------------------------------------------------------------------------------------------------------

interface Vevent {
  props: Map<string, { params: string; value: string }>;
}

function unescapeText(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

function parseIcs(ics: string): { calendar: Map<string, string>; events: Vevent[] } {
  // RFC 5545 §3.1: a CRLF followed by one space or tab continues the line.
  const lines = ics.replace(/\r\n[ \t]/g, "").split("\r\n");
  expect(lines.pop()).toBe(""); // the file ends with CRLF
  const calendar = new Map<string, string>();
  const events: Vevent[] = [];
  let current: Vevent | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") current = { props: new Map() };
    else if (line === "END:VEVENT") {
      events.push(current!);
      current = null;
    } else {
      const colon = line.indexOf(":");
      const [name, ...params] = line.slice(0, colon).split(";");
      const entry = { params: params.join(";"), value: line.slice(colon + 1) };
      if (current) current.props.set(name!, entry);
      else calendar.set(name!, entry.value);
    }
  }
  return { calendar, events };
}

const prop = (e: Vevent, name: string) => e.props.get(name)?.value;
const summary = (e: Vevent) => unescapeText(prop(e, "SUMMARY") ?? "");

describe("ics export", () => {
  const ics = renderIcs(MODEL);
  const { calendar, events } = parseIcs(ics);
  const byUid = new Map(events.map((e) => [prop(e, "UID")!, e]));

  it("has a named calendar from duban with one event per dated deadline and per due target", () => {
    expect(calendar.get("PRODID")).toBe("duban");
    expect(calendar.get("X-WR-CALNAME")).toBe("明溪县公安局科技兴警三年行动");
    expect(parseIcs(renderIcs(MODEL, { calendarName: "督办日历" })).calendar.get("X-WR-CALNAME")).toBe("督办日历");
    expect(events).toHaveLength(6); // tasks 6–9 (10 is undated) and targets 3 and 4 (5 has no due date)
    expect([...byUid.keys()]).toEqual([
      "task-6-deadline@duban",
      "task-7-deadline@duban",
      "task-8-deadline@duban",
      "task-9-deadline@duban",
      "target-3@duban",
      "target-4@duban",
    ]);
    for (const e of events) expect(e.props.has("SEQUENCE")).toBe(false);
  });

  it("keeps the UIDs from one export to the next", () => {
    const again = parseIcs(renderIcs(structuredClone(MODEL))).events.map((e) => prop(e, "UID"));
    expect(again).toEqual([...byUid.keys()]);
  });

  it("writes all-day events, titled in Chinese", () => {
    const t6 = byUid.get("task-6-deadline@duban")!;
    expect(t6.props.get("DTSTART")).toEqual({ params: "VALUE=DATE", value: "20241231" });
    expect(t6.props.get("DTEND")).toEqual({ params: "VALUE=DATE", value: "20250101" });
    expect(summary(t6)).toBe("任务6截止：培育“公安数字工匠”");
    const description = unescapeText(prop(t6, "DESCRIPTION")!);
    expect(description).toContain("牵头单位：科技信息化大队");
    expect(description).toContain("完成时限：2024年12月底前");
    expect(description).toContain("原定时限：2024年6月底前");

    expect(summary(byUid.get("task-7-deadline@duban")!)).toBe(`任务7截止：${TRICKY_TITLE}`);
    expect(summary(byUid.get("task-8-deadline@duban")!)).toBe(`任务8节点：${FORMULA_TITLE}`);
    expect(summary(byUid.get("task-9-deadline@duban")!)).toBe(`任务9截止：${LONG_TITLE}（已办结）`);
    expect(byUid.get("task-9-deadline@duban")!.props.get("DTSTART")?.value).toBe("20240630");

    const t3 = byUid.get("target-3@duban")!;
    expect(summary(t3)).toBe("任务6指标：市级“公安数字工匠” 1/2");
    expect(t3.props.get("DTSTART")).toEqual({ params: "VALUE=DATE", value: "20241231" });
    expect(summary(byUid.get("target-4@duban")!)).toBe("任务9指标：视频会商点 3/3（已完成）");
  });

  it("folds lines at 75 octets without splitting a character", () => {
    const physical = ics.split("\r\n");
    for (const line of physical) expect(Buffer.byteLength(line, "utf8"), line).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/); // no bare CR or LF
    expect(ics).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate (an emoji cut in two)
    // The long Chinese summary was folded, and reads back whole.
    const start = physical.findIndex((l) => l.startsWith("SUMMARY:任务9截止"));
    expect(physical[start + 1]!.startsWith(" ")).toBe(true);
    expect(Buffer.from(ics, "utf8").toString("utf8")).toBe(ics);
  });

  it("folds a line of multi-octet characters at character boundaries", () => {
    const line = `SUMMARY:${"公安".repeat(60)}🚓${"警".repeat(30)}`;
    const folded = foldIcs(`${line}\r\n`);
    for (const l of folded.split("\r\n")) expect(Buffer.byteLength(l, "utf8")).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, "")).toBe(`${line}\r\n`);
  });

  it("writes an empty calendar for a model without dates", () => {
    const { events: none, calendar: cal } = parseIcs(renderIcs({ ...MODEL, tasks: [], targets: [] }));
    expect(none).toHaveLength(0);
    expect(cal.get("PRODID")).toBe("duban");
  });

  it("refuses a date that does not exist", () => {
    const bad = { ...MODEL, tasks: [{ ...TASKS[0]!, deadline: { text: "x", kind: "date" as const, date: "2024-02-30" } }] };
    expect(() => renderIcs(bad)).toThrow(/2024-02-30/);
  });
});
