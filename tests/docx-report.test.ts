import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { renderReportDocx } from "../src/reports/docx-report.js";
import type { ReportTask, ReviewReport } from "../src/reports/types.js";

function task(over: Partial<ReportTask> & Pick<ReportTask, "id" | "number" | "title">): ReportTask {
  return {
    section: null,
    leadUnits: ["科技信息化大队"],
    responsibleUnits: ["各派出所"],
    deadline: { text: "2024年底前", kind: "date", date: "2024-12-31" },
    originalDeadline: null,
    deadlineChange: null,
    light: "green",
    lightLabel: "绿灯",
    daysLeft: 30,
    daysOverdue: null,
    stale: false,
    progress: null,
    completedAt: null,
    reviewPending: false,
    updateCount: 0,
    targets: [],
    latestUpdates: [],
    evidence: [],
    ...over,
  };
}

const S1 = { ordinal: 1, label: "（一）", title: "构建组织保障机制，激发全警创新动能" };
const S2 = { ordinal: 2, label: "（二）", title: "夯实数字基础设施，提升科技支撑能力" };

const task6 = task({
  id: 6,
  number: 6,
  title: "培育“公安数字工匠”",
  section: S1,
  leadUnits: ["政治处"],
  responsibleUnits: ["科技信息化大队", "刑侦大队"],
  deadline: { text: "2025-06-30", kind: "date", date: "2025-06-30" },
  originalDeadline: { text: "2024年底前", kind: "date", date: "2024-12-31" },
  deadlineChange: "extension",
  light: "yellow",
  lightLabel: "黄灯",
  daysLeft: 12,
  progress: 60,
  reviewPending: true,
  targets: [
    { id: 1, taskNumber: 6, name: "市级“公安数字工匠”", unit: "名", count: 2, current: 1, due: "2024-12-31", met: false, behind: true },
    { id: 2, taskNumber: 6, name: "县级培训班", unit: "期", count: 3, current: 3, due: null, met: true, behind: false },
  ],
  latestUpdates: [
    {
      id: 11,
      taskNumber: 6,
      at: "2024-06-01T02:00:00Z",
      author: "@zhangsan:bureau.local",
      authorName: "张三",
      unit: "刑侦大队",
      text: "已推荐1名民警参评",
      percent: 60,
      retracted: false,
    },
    {
      id: 10,
      taskNumber: 6,
      at: "2024-05-01T02:00:00Z",
      author: "@lisi:bureau.local",
      authorName: "李四",
      unit: null,
      text: "制定培育方案",
      percent: null,
      retracted: false,
    },
  ],
  evidence: [{ fileName: "数字工匠推荐表.pdf", day: "2024-06-02" }],
});

const task1 = task({
  id: 1,
  number: 1,
  title: "成立科技兴警工作领导小组",
  section: S1,
  light: "done",
  lightLabel: "已办结",
  daysLeft: null,
  completedAt: "2023-12-20T08:00:00Z",
});
const task9 = task({
  id: 9,
  number: 9,
  title: "建设<视频>专网 & “雪亮”工程",
  section: S2,
  light: "red",
  lightLabel: "红灯",
  daysLeft: null,
  daysOverdue: 15,
  stale: true,
});
const task10 = task({
  id: 10,
  number: 10,
  title: "完善警务云平台",
  section: S2,
  deadline: { text: "持续推进", kind: "ongoing", date: null },
  light: "ongoing",
  lightLabel: "持续推进",
  daysLeft: null,
});
const task20 = task({ id: 20, number: 20, title: "其他临时任务", section: null });

const report: ReviewReport = {
  kind: "year",
  title: "明溪县公安局科技兴警三年行动 2024年度工作报告",
  period: { from: "2024-01-01", to: "2024-12-31", label: "2024年度" },
  at: "2024-11-30T16:30:00Z", // asked before the period ends: 2024-12-01 00:30 in Shanghai
  plan: { title: "明溪县公安局科技兴警三年行动方案（2023—2025年）", issuedOn: "2023-11-18" },
  summary: { lights: { red: 1, yellow: 1, green: 1, done: 1, ongoing: 1 }, tasks: 5, targetsMet: 1, targetsTotal: 2 },
  sections: [
    { ...S1, tasks: [task1, task6] },
    { ...S2, tasks: [task9, task10] },
  ],
  unsectioned: [task20],
  scorecard: {
    period: { from: "2024-01-01", to: "2024-12-31", label: "2024年度" },
    rows: [
      {
        unit: "政治处",
        leadTasks: [6],
        responsibleTasks: [],
        reportsExpected: 12,
        reportsOnTime: 9,
        reportsLate: 2,
        reportsMissing: 1,
        remindersReceived: 7,
        escalations: 1,
        overdueDaysOriginal: 0,
        overdueDaysApproved: 0,
        completions: 0,
        targetsMet: 1,
        targetsTotal: 2,
        score: null,
      },
      {
        unit: "科技信息化大队",
        leadTasks: [1, 9, 10, 20],
        responsibleTasks: [6],
        reportsExpected: 36,
        reportsOnTime: 30,
        reportsLate: 4,
        reportsMissing: 2,
        remindersReceived: 11,
        escalations: 3,
        overdueDaysOriginal: 43,
        overdueDaysApproved: 15,
        completions: 1,
        targetsMet: 0,
        targetsTotal: 0,
        score: null,
      },
    ],
    method: ["应报次数：单位牵头的未办结任务在期内每月应报送进展一次。", "逾期天数(批准后)：按批准延期后的完成时限计算。"],
    weights: null,
  },
};

async function documentXml(buf: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buf);
  const file = zip.file("word/document.xml");
  if (!file) throw new Error("no word/document.xml");
  return file.async("string");
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");
}

/** The text of each paragraph (its <w:t> elements joined), in document order. */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) =>
    [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1] ?? "")).join(""),
  );
}

describe("renderReportDocx", () => {
  it("lays out the review report as an official-style .docx", async () => {
    const buf = await renderReportDocx(report);
    expect(buf.subarray(0, 2).toString()).toBe("PK");
    const xml = await documentXml(buf);
    const paras = paragraphs(xml);
    const text = paras.join("\n");

    expect(paras).toContain(report.title);
    expect(text).toContain("2024年度");
    expect(text).toContain("数据截至 2024年12月1日");

    expect(paras).toContain("一、总体情况");
    expect(paras).toContain("二、各项任务进展");
    expect(paras).toContain("三、单位考评");
    expect(paras).toContain("（一）构建组织保障机制，激发全警创新动能");
    expect(paras).toContain("（二）夯实数字基础设施，提升科技支撑能力");
    expect(paras).toContain("（其他）");
    for (const t of [task1, task6, task9, task10, task20]) expect(paras).toContain(`${t.number}.${t.title}`);
    expect(paras.indexOf("6.培育“公安数字工匠”")).toBeGreaterThan(paras.indexOf("（一）构建组织保障机制，激发全警创新动能"));
    expect(paras.indexOf("20.其他临时任务")).toBeGreaterThan(paras.indexOf("（其他）"));

    expect(text).toContain("指标完成 1/2 项");
    expect(text).toContain("红灯1项");
    expect(text).toContain("市级“公安数字工匠” 1/2名（2024-12-31前）（滞后）");
    expect(text).toContain("县级培训班 3/3期（已完成）");
    expect(text).toContain("原定时限：2024年底前（已延期）");
    expect(text).toContain("完成时限：2025-06-30");
    expect(text).toContain("进度60%");
    expect(text).toContain("待审核");
    expect(text).toContain("已逾期15天");
    expect(text).toContain("办结日期2023-12-20");
    expect(text).toContain("2024-06-01 张三（刑侦大队）：已推荐1名民警参评");
    expect(text).toContain("数字工匠推荐表.pdf（2024-06-02）");
    expect(text).toContain("佐证材料：无");

    expect(paras).toContain("政治处");
    expect(paras).toContain("科技信息化大队");
    expect(paras).toContain("36");
    expect(paras).toContain("43");
    expect(paras).toContain("逾期天数(批准后)");
    expect(paras).not.toContain("得分");
    for (const line of report.scorecard.method) expect(paras).toContain(line);

    expect(xml).toContain("仿宋_GB2312");
    expect(xml).toContain("黑体");
    expect(xml).toContain("楷体_GB2312");
    expect(xml).toMatch(/<w:pgSz [^>]*w:w="11906"[^>]*w:h="16838"/);
    expect(xml).toMatch(/<w:pgMar [^>]*w:top="2097"/);
    expect(xml).toContain("<w:tblHeader/>");
    expect(xml).toContain('w:lineRule="exact"');
  });

  it("round-trips <>& in task titles", async () => {
    const xml = await documentXml(await renderReportDocx(report));
    expect(xml).toContain("&lt;视频&gt;");
    expect(paragraphs(xml)).toContain("9.建设<视频>专网 & “雪亮”工程");
  });

  it("adds a 得分 column when weights are set, and puts page numbers in the footer", async () => {
    const weighted: ReviewReport = {
      ...report,
      scorecard: {
        ...report.scorecard,
        weights: { reportsOnTime: 1 },
        rows: report.scorecard.rows.map((r, i) => ({ ...r, score: i === 0 ? 87.5 : null })),
      },
    };
    const buf = await renderReportDocx(weighted);
    const zip = await JSZip.loadAsync(buf);
    const paras = paragraphs(await documentXml(buf));
    expect(paras).toContain("得分");
    expect(paras).toContain("87.5");
    const footers = Object.keys(zip.files).filter((n) => /^word\/footer\d*\.xml$/.test(n));
    expect(footers.length).toBeGreaterThan(0);
    const footer = await zip.file(footers[0]!)!.async("string");
    expect(footer).toContain("PAGE");
    expect(footer).toContain("— ");
  });
});
