import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDeadline } from "../src/plan/deadline-parser.js";
import { PlanParseError, parsePlan, planTitleYears } from "../src/plan/plan-parser.js";
import type { DeadlineKind, ParsedPlan } from "../src/plan/types.js";
import { isCollectiveUnit, splitUnits } from "../src/plan/unit-list.js";

const BUNDLED = readFileSync(new URL("../src/plan/bundled/mingxi-2023-2025.txt", import.meta.url), "utf8");

/** Expects parsePlan to throw a PlanParseError with this code. */
function expectParseError(text: string, code: PlanParseError["code"]): PlanParseError {
  let caught: unknown;
  try {
    parsePlan(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PlanParseError);
  const error = caught as PlanParseError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/[\u4e00-\u9fa5]/);
  return error;
}

function task(plan: ParsedPlan, number: number) {
  const found = plan.tasks.find((t) => t.number === number);
  if (!found) throw new Error(`task ${number} not found`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// The bundled plan, read by hand from src/plan/bundled/mingxi-2023-2025.txt

const S1 = "构建组织保障机制,激发全警创新动能";
const S2 = "完善人才梯队结构,强化科技人才引进培养";
const S3 = "打造公安科技创新新生态,激活创新活力";
const S4 = "打造全县智能应用新格局,全面赋能公安实战";
const S5 = "优化大数据智能应用体系,有力支撑创新赋能";
const SECTION_TITLES = [S1, S2, S3, S4, S5];

const ZQ = "指挥情报中心";
const XZ = "刑侦大队";
const WA = "网安大队";
const ZA = "治安大队";
const CG = "城关派出所";

type Row = [number, string, number, string[], string, DeadlineKind, string | null];
const D23: [string, DeadlineKind, string] = ["2023年底前", "date", "2023-12-31"];
const D24: [string, DeadlineKind, string] = ["2024年底前", "date", "2024-12-31"];
const D25: [string, DeadlineKind, string] = ["2025年底前", "date", "2025-12-31"];
const CXTJ: [string, DeadlineKind, null] = ["持续推进", "ongoing", null];

const EXPECTED_TASKS: Row[] = [
  [1, "成立科技兴警工作领导小组及其办公室,完善公安科技信息化指挥决策体系", 1, [ZQ], ...D23],
  [2, "制定完善科技信息化项目管理办法", 1, [ZQ], ...D23],
  [3, "完善公安科技创新体系,建立市县公安科技兴警联席会议制度", 1, [ZQ], "长期持续", "ongoing", null],
  [4, "挖掘培养科技创新领军人才", 2, [ZQ, "政工室", XZ], ...D24],
  [5, "遴选培育公安科技创新团队", 2, [CG, XZ, ZQ], ...D24],
  [6, "培育“公安数字工匠”", 2, [XZ, WA, ZQ], ...D24],
  [7, "推动“数字工匠创新工作室”建立", 2, [XZ, WA, ZQ], ...D25],
  [8, "构建大数据智能化应用新生态", 3, [ZQ, ZA], ...CXTJ],
  [9, "推动地方特色的实验室建设", 3, [WA, ZQ, XZ], ...CXTJ],
  [10, "加强共性应用技术研究", 3, [XZ, ZQ], ...CXTJ],
  [11, "加强关键核心技术攻关", 3, [ZA, ZQ], ...CXTJ],
  [12, "推动智慧单警装备体系化建设和规模化应用", 4, ["警务保障室", ZQ], ...CXTJ],
  [13, "加强新技术创新整合应用", 4, [ZQ, WA, XZ, "警务保障室"], ...CXTJ],
  [14, "全方位推进大数据赋能基层基础工作和警务机制创新应用,赋能现代警务机制改革", 4, [ZQ], ...CXTJ],
  [15, "创新发展公安政务服务应用,加快推进公安政务服务“一网通办”“一窗通办”和“跨省通办”", 4, [ZA, "交警大队", "出入境大队"], ...CXTJ],
  [16, "强化维护国家安全智能应用", 4, ["巡特警反恐大队", "国保大队", ZQ], ...CXTJ],
  [17, "探索建立科技兴警创新单位", 4, [ZQ, XZ, CG], ...CXTJ],
  [18, "建立科技兴警基层所队创新示范点", 4, [ZQ, XZ, CG], ...CXTJ],
  [19, "完善公安网络体系", 5, [ZQ], "2023年底前基本完成、持续推进", "date+ongoing", "2023-12-31"],
  [20, "完善共性化应用支撑体系", 5, [ZQ], ...D24],
  [21, "推进公安大数据资源为核心的运营机制建设", 5, [ZQ], ...D24],
  [22, "进一步融入省市公安大数据应用体系", 5, [ZQ], ...D24],
  [23, "加快智能感知设备迭代升级", 5, [ZQ], ...CXTJ],
  [24, "推进市视综平台一体化建设应用和能力共享", 5, [ZQ], ...CXTJ],
  [25, "严格落实国家网络安全等级保护制度和国家关键信息基础设施制度", 5, [ZQ], "持续推进、2024年底前基本完成", "date+ongoing", "2024-12-31"],
];

describe("parsePlan on the bundled Mingxi plan", () => {
  const plan = parsePlan(BUNDLED);

  it("reads the plan title and the issue date", () => {
    expect(plan.plan).toEqual({ title: "明溪县公安局科技兴警三年行动实施方案(2023-2025年)", issuedOn: "2023-11-18" });
  });

  it("finds the five sections of the task part, with labels as written", () => {
    expect(plan.sections).toEqual(SECTION_TITLES.map((title, i) => ({ ordinal: i + 1, label: `(${"一二三四五"[i]})`, title })));
  });

  it("finds exactly the 25 tasks, numbered 1 to 25, and no warnings", () => {
    expect(plan.tasks.map((t) => t.number)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(plan.warnings).toEqual([]);
  });

  it.each(EXPECTED_TASKS)("reads task %i field by field", (number, title, sectionOrdinal, leadUnits, deadlineText, kind, date) => {
    const t = task(plan, number);
    expect(t.number).toBe(number);
    expect(t.title).toBe(title);
    expect(t.sectionOrdinal).toBe(sectionOrdinal);
    expect(t.section).toBe(SECTION_TITLES[sectionOrdinal - 1]);
    expect(t.leadUnits).toEqual(leadUnits);
    expect(t.responsibleUnits).toEqual(["局属各单位"]);
    expect(t.deadline).toEqual({ text: deadlineText, kind, date });
    expect(t.description.length).toBeGreaterThan(20);
    expect(t.description).not.toMatch(/牵头单位|完成时限/);
  });

  it("keeps the rest of the task line as the description", () => {
    const t6 = task(plan, 6);
    expect(t6.description.startsWith("积极争取上级公安机关配套数据授权和专业系统支撑")).toBe(true);
    expect(t6.description.endsWith("问题上发挥关键作用。")).toBe(true);
    expect(task(plan, 11).description).toBe("加强与国内高新技术企业合作,对接警种业务应用需求,重点攻坚基层基础治理、无人机管控技术等。");
  });

  it("does not take the yearly goals or the safeguard measures for tasks or sections", () => {
    const titles = plan.tasks.map((t) => t.title).join("\n");
    expect(titles).not.toMatch(/启动年|推进年|总结年|加强组织领导/);
    expect(plan.sections.map((s) => s.title)).not.toContain("总体目标");
    expect(plan.sections.map((s) => s.title)).not.toContain("加强组织领导");
  });

  it("reads the same plan with CRLF line ends, a BOM and ideographic-space indentation", () => {
    const variant = `\uFEFF${BUNDLED.split("\n")
      .map((line) => `\u3000\u3000${line}`)
      .join("\r\n")}`;
    expect(parsePlan(variant)).toEqual(plan);
  });

  it("reads the same plan with old Mac CR line ends", () => {
    expect(parsePlan(BUNDLED.replace(/\n/g, "\r"))).toEqual(plan);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Deadlines

describe("parseDeadline", () => {
  const dated: [string, string][] = [
    ["2024年底前", "2024-12-31"],
    ["2024年年底前", "2024-12-31"],
    ["2024年底", "2024-12-31"],
    ["2024年末", "2024-12-31"],
    ["2024年内", "2024-12-31"],
    ["2024年", "2024-12-31"],
    ["２０２４年底前", "2024-12-31"],
    ["2024年6月底前", "2024-06-30"],
    ["2024年2月底前", "2024-02-29"],
    ["2023年2月底前", "2023-02-28"],
    ["２０２４年１１月底前", "2024-11-30"],
    ["2024年6月30日前", "2024-06-30"],
    ["2024年6月30日", "2024-06-30"],
    ["2024年3月1日前完成", "2024-03-01"],
    ["2024年12月31日24时前", "2024-12-31"],
    ["2024年9月", "2024-09-30"],
    ["2024年4月", "2024-04-30"],
    ["2024年十二月底", "2024-12-31"],
    ["2024年6月中旬", "2024-06-20"],
    ["2024年上半年", "2024-06-30"],
    ["2024年下半年", "2024-12-31"],
    ["2024年上半年前完成", "2024-06-30"],
    ["2024年第一季度", "2024-03-31"],
    ["2024年第2季度", "2024-06-30"],
    ["2024年第三季度", "2024-09-30"],
    ["2024年第四季度", "2024-12-31"],
    ["2024年二季度", "2024-06-30"],
    ["２０２５年第３季度", "2025-09-30"],
    ["2024-06-30", "2024-06-30"],
    ["2023-2025年", "2025-12-31"],
    ["2023年至2025年底", "2025-12-31"],
    ["力争2024年底前基本完成", "2024-12-31"],
    ["2024年底前完成。", "2024-12-31"],
    [" 2024 年底前 ", "2024-12-31"],
  ];
  it.each(dated)("reads %s as the date %s", (text, date) => {
    expect(parseDeadline(text)).toEqual({ text: text.trim(), kind: "date", date });
  });

  const ongoing = [
    "长期持续",
    "持续推进",
    "长期坚持",
    "常态化推进",
    "每月",
    "每季度",
    "每年",
    "长期",
    "持续",
    "常态化",
    "定期开展",
    "每年年底前",
    "每月5日前报送",
  ];
  it.each(ongoing)("reads %s as ongoing work with no date", (text) => {
    expect(parseDeadline(text)).toEqual({ text, kind: "ongoing", date: null });
  });

  const both: [string, string][] = [
    ["2023年底前基本完成、持续推进", "2023-12-31"],
    ["持续推进、2024年底前基本完成", "2024-12-31"],
    ["2024年6月底前完成，长期坚持", "2024-06-30"],
    ["常态化推进,2025年第二季度前完成", "2025-06-30"],
    ["2024年上半年、常态化推进", "2024-06-30"],
    ["２０２４年底前基本建成，此后每季度更新", "2024-12-31"],
    ["2023年底前完成并持续推进", "2023-12-31"],
  ];
  it.each(both)("reads %s as a date followed by ongoing work, dated %s", (text, date) => {
    expect(parseDeadline(text)).toEqual({ text, kind: "date+ongoing", date });
  });

  it("uses the latest date when several dated parts are given", () => {
    expect(parseDeadline("2024年底前启动、2025年6月底前完成")).toEqual({
      text: "2024年底前启动、2025年6月底前完成",
      kind: "date",
      date: "2025-06-30",
    });
  });

  const unknown = [
    "",
    "根据上级部署",
    "按要求",
    "年底前",
    "6月底前",
    "2024",
    "24年底前",
    "2024年13月",
    "2024年123",
    "2024年0月底前",
    "2023年2月29日",
    "2024年6月31日前",
    "2024年第五季度",
    "2024年十三月",
    "2024年底前、视情况而定",
    "2024年13月、持续推进",
  ];
  it.each(unknown)("reads “%s” as unknown", (text) => {
    expect(parseDeadline(text)).toEqual({ text, kind: "unknown", date: null });
  });

  it('documents the example parseDeadline("2024年底前")', () => {
    expect(parseDeadline("2024年底前")).toEqual({ text: "2024年底前", kind: "date", date: "2024-12-31" });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Units

describe("unit lists", () => {
  it("splits a unit list on 、 ， and , and keeps document order", () => {
    expect(splitUnits("指挥情报中心、政工室，刑侦大队,网安大队")).toEqual(["指挥情报中心", "政工室", "刑侦大队", "网安大队"]);
  });

  it("trims spaces, drops empty names and a trailing full stop", () => {
    expect(splitUnits(" 指挥情报中心 、、\u3000刑侦大队。")).toEqual(["指挥情报中心", "刑侦大队"]);
    expect(splitUnits("")).toEqual([]);
  });

  it("treats 局属各单位 as a collective unit", () => {
    expect(isCollectiveUnit("局属各单位")).toBe(true);
  });

  it.each(["各警种部门", "各单位", "各派出所", "县局各部门", "全局各单位", "各相关单位", "相关单位", "各室(中心)", "成员单位"])(
    "treats %s as a collective unit",
    (name) => {
      expect(isCollectiveUnit(name)).toBe(true);
    },
  );

  it.each(["刑侦大队", "指挥情报中心", "城关派出所", "政工室", "警务保障室", "巡特警反恐大队", ""])("does not treat “%s” as a collective unit", (name) => {
    expect(isCollectiveUnit(name)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Other plans and layouts

/** A second plan of another bureau and other years, in full-width digits and punctuation, CRLF and a BOM. */
const SANYUAN = [
  "\uFEFF三明市公安局三元分局",
  "关于印发《三元分局数据警务建设工作方案》的通知",
  "各警种部门、各派出所：",
  "现将《三元分局数据警务建设工作方案（２０２４—２０２６年）》印发给你们，请遵照执行。",
  "三明市公安局三元分局",
  "２０２４年３月５日",
  "三元分局数据警务建设工作方案（２０２４—２０２６年）",
  "一、工作目标",
  "（一）总体目标",
  "１．到２０２６年底，建成数据警务体系。",
  "二、重点任务",
  "（一）夯实数据基础",
  "\u3000\u3000１．建设分局数据资源中心。整合分局各类数据资源，",
  "\u3000\u3000形成统一的数据资源目录。",
  "\u3000\u3000牵头单位：科技通信科；配合单位：治安管理大队、各派出所；完成时限：２０２４年６月底前",
  "\u3000\u3000２．开展数据质量治理",
  "\u3000\u3000牵头单位：科技通信科",
  "\u3000\u3000完成时限：每季度",
  "（二）深化实战应用",
  "\u3000\u3000４、推广移动警务应用。在各派出所推广移动警务终端。",
  "\u3000\u3000牵头单位：科技通信科、指挥中心",
  "\u3000\u3000责任单位：各派出所",
  "\u3000\u3000完成时限：２０２５年第三季度",
  "\u3000\u3000５．建立数据安全管理制度。",
  "\u3000\u3000牵头单位：指挥中心；责任单位：法制大队；完成时限：２０２４年上半年、常态化推进。",
  "三、保障措施",
  "（一）加强组织领导。各单位要高度重视。",
  "１．落实经费保障。",
].join("\r\n");

describe("parsePlan on other plans and layouts", () => {
  it("reads a second plan written with full-width digits and punctuation, CRLF, a BOM and ideographic spaces", () => {
    const plan = parsePlan(SANYUAN);
    expect(plan.plan).toEqual({ title: "三元分局数据警务建设工作方案（２０２４—２０２６年）", issuedOn: "2024-03-05" });
    expect(plan.sections).toEqual([
      { ordinal: 1, label: "（一）", title: "夯实数据基础" },
      { ordinal: 2, label: "（二）", title: "深化实战应用" },
    ]);
    expect(plan.tasks).toEqual([
      {
        number: 1,
        title: "建设分局数据资源中心",
        description: "整合分局各类数据资源，\n形成统一的数据资源目录。",
        section: "夯实数据基础",
        sectionOrdinal: 1,
        leadUnits: ["科技通信科"],
        responsibleUnits: ["治安管理大队", "各派出所"],
        deadline: { text: "２０２４年６月底前", kind: "date", date: "2024-06-30" },
        targets: [],
      },
      {
        number: 2,
        title: "开展数据质量治理",
        description: "",
        section: "夯实数据基础",
        sectionOrdinal: 1,
        leadUnits: ["科技通信科"],
        responsibleUnits: [],
        deadline: { text: "每季度", kind: "ongoing", date: null },
        targets: [],
      },
      {
        number: 4,
        title: "推广移动警务应用",
        description: "在各派出所推广移动警务终端。",
        section: "深化实战应用",
        sectionOrdinal: 2,
        leadUnits: ["科技通信科", "指挥中心"],
        responsibleUnits: ["各派出所"],
        deadline: { text: "２０２５年第三季度", kind: "date", date: "2025-09-30" },
        targets: [],
      },
      {
        number: 5,
        title: "建立数据安全管理制度",
        description: "",
        section: "深化实战应用",
        sectionOrdinal: 2,
        leadUnits: ["指挥中心"],
        responsibleUnits: ["法制大队"],
        deadline: { text: "２０２４年上半年、常态化推进", kind: "date+ongoing", date: "2024-06-30" },
        targets: [],
      },
    ]);
    // The gap between task 2 and task 4 is fine.
    expect(plan.warnings).toEqual([]);
  });

  it("accepts 配合单位 as responsible units next to 责任单位", () => {
    const plan = parsePlan(
      ["四、主要任务", "1.建设平台。", "牵头单位：科技科", "责任单位：刑侦大队", "配合单位：网安大队、刑侦大队", "完成时限：2024年底前"].join("\n"),
    );
    expect(plan.tasks[0]?.responsibleUnits).toEqual(["刑侦大队", "网安大队"]);
  });

  it("accepts several fields on one line separated by ； or ;", () => {
    const plan = parsePlan(["四、主要任务", "1.建设平台。", "牵头单位:科技科、网安大队; 责任单位:各单位;完成时限:2025年6月底前"].join("\n"));
    expect(plan.tasks[0]).toMatchObject({
      leadUnits: ["科技科", "网安大队"],
      responsibleUnits: ["各单位"],
      deadline: { text: "2025年6月底前", kind: "date", date: "2025-06-30" },
    });
  });

  it("reads fields written at the end of the task line itself, bracketed or not", () => {
    const plan = parsePlan(
      [
        "四、主要任务",
        "1.建设警务云平台。完成平台部署和数据对接（牵头单位：科技科、网安大队；责任单位：各单位；完成时限：2024年底前）",
        "2．培育数字工匠。推荐民警参加评选。牵头单位：政工室；完成时限：2025年6月底前",
        "3、深化智慧警务应用。推广移动警务终端(牵头单位:指挥中心;完成时限:持续推进)。",
        "4.组织技能比武。每年举办一次。",
        "牵头单位：政工室",
        "完成时限：长期坚持",
      ].join("\n"),
    );
    expect(plan.warnings).toEqual([]);
    expect(plan.tasks.map((t) => [t.number, t.title, t.description, t.leadUnits, t.responsibleUnits, t.deadline.text])).toEqual([
      [1, "建设警务云平台", "完成平台部署和数据对接", ["科技科", "网安大队"], ["各单位"], "2024年底前"],
      [2, "培育数字工匠", "推荐民警参加评选。", ["政工室"], [], "2025年6月底前"],
      [3, "深化智慧警务应用", "推广移动警务终端", ["指挥中心"], [], "持续推进"],
      [4, "组织技能比武", "每年举办一次。", ["政工室"], [], "长期坚持"],
    ]);
  });

  it("reads a task that has no 责任单位 as having no responsible units", () => {
    const plan = parsePlan(["三、工作任务", "1.建设平台。", "牵头单位：科技科", "完成时限：长期坚持"].join("\n"));
    expect(plan.tasks[0]?.responsibleUnits).toEqual([]);
    expect(plan.tasks[0]?.deadline).toEqual({ text: "长期坚持", kind: "ongoing", date: null });
    expect(plan.warnings).toEqual([]);
  });

  it("scans the whole document when there is no 主要任务 heading and keeps only numbered items with fields", () => {
    const text = [
      "某县公安局智慧警务建设工作要点",
      "一、工作目标",
      "1.到2025年底建成智慧警务体系。",
      "2.培养10名数据分析人才。",
      "二、工作安排",
      "（一）基础建设",
      "1.建设视频专网。完成全县视频专网建设。",
      "牵头单位：科技科",
      "完成时限：2024年第四季度",
      "2.建设数据中心",
      "牵头单位：科技科、指挥中心",
      "责任单位：各派出所",
      "完成时限：2025年底前",
      "三、保障措施",
      "（一）加强领导",
      "1.加强组织领导。",
    ].join("\n");
    const plan = parsePlan(text);
    expect(plan.plan.title).toBe("某县公安局智慧警务建设工作要点");
    expect(plan.sections).toEqual([{ ordinal: 1, label: "（一）", title: "基础建设" }]);
    expect(plan.tasks.map((t) => [t.number, t.title, t.sectionOrdinal, t.deadline.date])).toEqual([
      [1, "建设视频专网", 1, "2024-12-31"],
      [2, "建设数据中心", 1, "2025-12-31"],
    ]);
    expect(plan.warnings).toEqual(["未找到“主要任务”标题，已在全文中查找带“牵头单位”/“完成时限”的编号条目"]);
  });

  it("warns about an unknown deadline, a missing 牵头单位 and a duplicate task number, naming the task", () => {
    const text = [
      "某局测试实施方案（2024—2026年）",
      "四、主要任务",
      "（一）第一部分",
      "12.任务甲。",
      "牵头单位：科技科",
      "完成时限：XXX",
      "13.任务乙。",
      "责任单位：各单位",
      "完成时限：2024年底前",
      "13.任务丙。",
      "牵头单位：科技科",
      "完成时限：2025年底前",
      "14.任务丁。",
      "牵头单位：科技科",
    ].join("\n");
    const plan = parsePlan(text);
    expect(plan.plan.title).toBe("某局测试实施方案（2024—2026年）");
    expect(plan.tasks.map((t) => t.number)).toEqual([12, 13, 14]);
    expect(task(plan, 12).deadline).toEqual({ text: "XXX", kind: "unknown", date: null });
    expect(task(plan, 13).title).toBe("任务乙");
    expect(plan.warnings).toContain("任务12的完成时限“XXX”无法识别");
    expect(plan.warnings).toContain("任务13缺少牵头单位");
    expect(plan.warnings.some((w) => w.includes("13") && w.includes("重复"))).toBe(true);
    expect(plan.warnings).toContain("任务14缺少完成时限");
  });

  it("takes a plan title that ends with 计划 or 规划 and skips a 《…》 quote inside a sentence", () => {
    const text = [
      "- 发布机构:某市公安局",
      "请认真贯彻《某市公安局信息化发展规划》。",
      "某市公安局2024年科技兴警工作计划",
      "四、主要任务",
      "1.建设平台。",
      "牵头单位：科技科",
      "完成时限：2024年底前",
    ].join("\n");
    expect(parsePlan(text).plan).toEqual({ title: "某市公安局2024年科技兴警工作计划", issuedOn: null });
  });

  it("falls back to the first non-metadata line when no line looks like a plan title", () => {
    const text = [
      "- 索 引 号:XYZ",
      "公文生成日期：2024-01-02",
      "某县公安局数据治理安排",
      "四、主要任务",
      "1.治理数据。",
      "牵头单位：科技科",
      "完成时限：每月",
    ].join("\n");
    expect(parsePlan(text).plan).toEqual({ title: "某县公安局数据治理安排", issuedOn: "2024-01-02" });
  });

  it("rejects an empty file", () => {
    expectParseError("", "empty");
    const error = expectParseError("\uFEFF \r\n\u3000\u3000\r\n", "empty");
    expect(error.message).toBe("计划文件为空");
  });

  it("rejects binary content and text that is not UTF-8", () => {
    expectParseError("\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000\u0000", "unreadable");
    // GBK bytes of a Chinese plan, decoded as UTF-8.
    const gbk = Buffer.from([0xc3, 0xf7, 0xcf, 0xaa, 0xcf, 0xd8, 0xb9, 0xab, 0xb0, 0xb2, 0xbe, 0xd6, 0x0a, 0xcb, 0xc4, 0xa1, 0xa2]);
    const error = expectParseError(gbk.toString("utf8").repeat(10), "unreadable");
    expect(error.message).toBe("无法识别文件内容（不是 UTF-8 文本？）");
  });

  it("rejects a file that has no tasks", () => {
    const error = expectParseError(["关于开展数据治理的通知", "各单位：", "请按要求落实。", "1.高度重视。", "2.按时报送。"].join("\n"), "no-tasks");
    expect(error.message).toContain("未找到可识别的任务");
    expectParseError(["四、主要任务", "各单位要抓好落实。", "五、保障措施"].join("\n"), "no-tasks");
  });

  it("exposes PlanParseError as an Error with a name", () => {
    const error = expectParseError("", "empty");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("PlanParseError");
  });
});

describe("planTitleYears", () => {
  it("reads the years a title names: a range in either kind of brackets and dash, or one year", () => {
    expect(planTitleYears("明溪县公安局科技兴警三年行动实施方案(2023-2025年)")).toEqual({ first: 2023, last: 2025 });
    expect(planTitleYears("某某实施方案（２０２３—２０２５年）")).toEqual({ first: 2023, last: 2025 });
    expect(planTitleYears("三明市公安局2024年度重点工作要点")).toEqual({ first: 2024, last: 2024 });
    expect(planTitleYears("某某工作方案")).toBeNull();
  });
});
