import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Document, HeadingLevel, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlParagraphs, placedProblems, readPlanDocument } from "../src/plan/plan-document.js";
import { PlanParseError, parsePlan } from "../src/plan/plan-parser.js";
import type { ParsedPlan } from "../src/plan/types.js";

const ROOT = join(import.meta.dirname, "..");
const BUNDLED_FILE = join(ROOT, "src/plan/bundled/mingxi-2023-2025.txt");
const BUNDLED = readFileSync(BUNDLED_FILE, "utf8");
const FIXTURES = join(import.meta.dirname, "fixtures/plans");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

/**
 * A .docx with one paragraph per line of `text` (an empty one for a blank line); with `headings`, lines that look
 * like headings are styled as Word headings.
 */
async function docxOf(text: string, opts: { headings?: boolean } = {}): Promise<Buffer> {
  const children = text.split("\n").map((line) => {
    if (opts.headings && /^[一二三四五六七八九十]+、/.test(line)) return new Paragraph({ text: line, heading: HeadingLevel.HEADING_1 });
    if (opts.headings && /^[（(][一二三四五六七八九十]+[）)]/.test(line)) return new Paragraph({ text: line, heading: HeadingLevel.HEADING_2 });
    return new Paragraph({ children: [new TextRun(line)] });
  });
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

/** A task as a row: number, title, section, lead units, responsible units, deadline text and date. */
function rows(plan: ParsedPlan) {
  return plan.tasks.map((t) => [t.number, t.title, t.section, t.leadUnits, t.responsibleUnits, t.deadline.text, t.deadline.date]);
}

describe("the bundled plan", () => {
  it("parses exactly as before the parser learned other layouts: sections, tasks, units, deadlines, targets", () => {
    const before = JSON.parse(readFileSync(join(FIXTURES, "mingxi-2023-2025.expected.json"), "utf8"));
    const { problems, ...now } = parsePlan(BUNDLED);
    expect(now).toEqual(before);
    expect(problems).toEqual([]);
  });

  it("reads the same tasks, units and deadlines when written with full-width digits and punctuation and ideographic spaces", () => {
    const wide = BUNDLED.replace(/[0-9.:(),]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/\n/g, "\n\u3000\u3000");
    const summary = (plan: ParsedPlan) => ({
      sections: plan.sections.map((s) => s.ordinal),
      tasks: plan.tasks.map((t) => [t.number, t.sectionOrdinal, t.leadUnits, t.responsibleUnits, t.deadline.kind, t.deadline.date]),
      problems: plan.problems,
    });
    expect(summary(parsePlan(wide))).toEqual(summary(parsePlan(BUNDLED)));
  });

  it("imports from a .docx, one paragraph per line, to the same result as from the text, with or without heading styles", async () => {
    const text = parsePlan(BUNDLED);
    for (const headings of [false, true]) {
      const document = await readPlanDocument(await docxOf(BUNDLED, { headings }));
      expect(document.kind).toBe("docx");
      expect(parsePlan(document.text)).toEqual(text);
    }
  });
});

describe("plans of other bureaus, laid out differently", () => {
  it("reads 建宁's full-width plan: （一） sections, numbers １０．and ９、, fields bracketed at the end, in the middle or alone, 牵头：, units on ，", () => {
    const plan = parsePlan(fixture("jianning-shuju.txt"));
    expect(plan.plan).toEqual({ title: "建宁县公安局数据赋能实战三年行动方案（２０２４—２０２６年）", issuedOn: "2024-03-12" });
    expect(plan.sections).toEqual([
      { ordinal: 1, label: "（一）", title: "夯实数据治理基础" },
      { ordinal: 2, label: "（二）", title: "深化数据实战应用" },
    ]);
    expect(rows(plan)).toEqual([
      [8, "建立数据资源目录", "夯实数据治理基础", ["科技通信科"], ["治安大队", "刑侦大队"], "２０２４年底前", "2024-12-31"],
      [9, "开展数据质量专项治理", "夯实数据治理基础", ["科技通信科"], ["各派出所"], "每季度", null],
      [10, "建设合成作战研判平台", "深化数据实战应用", ["刑侦大队", "科技通信科"], ["网安大队", "治安大队"], "２０２５年６月底前", "2025-06-30"],
      [11, "推广移动警务应用", "深化数据实战应用", ["科技通信科"], [], "２０２５年底前", "2025-12-31"],
      [12, "培养数据分析人才", "深化数据实战应用", ["政工室"], ["局属各单位"], "２０２６年底前", "2026-12-31"],
    ]);
    // A description over several paragraphs; the dates in it are not the deadline.
    expect(plan.tasks[1]?.description).toBe("按月通报各单位数据质量情况，对问题数据限期整改。\n２０２５年起将数据质量纳入年度绩效考评。");
    expect(plan.tasks[0]?.description).toBe("梳理全局各类业务数据，形成统一的数据资源目录，２０２４年６月底前完成首批目录编制。");
    expect(plan.tasks[3]?.description).toBe("在各派出所推广移动警务终端，实现警务信息随身查。");
    expect(plan.tasks[4]?.targets).toMatchObject([{ name: "数据分析骨干", count: 5, unit: "名", due: "2026-12-31" }]);
    expect(plan.warnings).toEqual([]);
    expect(plan.problems).toEqual([]);
  });

  it("reads 泰宁's key-work list: an unnumbered 主要任务 heading, 一、 sections, fields on one line split by spaces, half-width colons, units on ,", () => {
    const plan = parsePlan(fixture("taining-zhihui.txt"));
    expect(plan.plan).toEqual({ title: "泰宁县公安局2024年智慧警务建设工作要点", issuedOn: "2024-02-20" });
    expect(plan.sections).toEqual([
      { ordinal: 1, label: "一、", title: "完善基础设施" },
      { ordinal: 2, label: "二、", title: "提升实战效能" },
    ]);
    expect(rows(plan)).toEqual([
      [1, "升级公安视频专网", "完善基础设施", ["科技科"], ["指挥中心", "各派出所"], "2024年底前", "2024-12-31"],
      [2, "建设智能感知前端", "完善基础设施", ["科技科"], ["治安大队", "交警大队"], "2024年第三季度", "2024-09-30"],
      [3, "深化情指行一体化运行", "提升实战效能", ["指挥中心"], ["局属各单位"], "持续推进", null],
      [4, "推进执法办案管理中心智能化改造", "提升实战效能", ["法制大队"], ["刑侦大队", "治安大队"], "2024年11月30日前", "2024-11-30"],
      [5, "开展“智慧警务”练兵比武", "提升实战效能", ["政工室"], [], "2024年12月底前", "2024-12-31"],
    ]);
    // 2024年9月前 in the description is a milestone, not the deadline; the part ends at 保障措施.
    expect(plan.tasks[0]?.description).toBe("完成全县视频专网扩容改造，2024年9月前完成城区段，2024年底前全面完成。");
    expect(plan.warnings).toEqual([]);
    expect(plan.problems).toEqual([]);
  });

  it("reads 大田's campaign plan: unnumbered section headings, task numbers 10、, fields after the description on the same line, 配合单位", () => {
    const plan = parsePlan(fixture("datian-fanzha.txt"));
    expect(plan.plan).toEqual({ title: "大田县公安局打击治理电信网络诈骗犯罪专项行动实施方案", issuedOn: "2024-04-08" });
    expect(plan.sections).toEqual([
      { ordinal: 1, label: "", title: "强化预警劝阻" },
      { ordinal: 2, label: "", title: "加强打击攻坚" },
    ]);
    expect(rows(plan)).toEqual([
      [1, "建立预警信息分级处置机制", "强化预警劝阻", ["反诈中心"], ["各派出所"], "2024年5月31日前", "2024-05-31"],
      [2, "开展全民反诈宣传", "强化预警劝阻", ["反诈中心"], ["各派出所", "交警大队"], "2024年底前", "2024-12-31"],
      [3, "组织集中收网行动", "加强打击攻坚", ["刑侦大队"], ["网安大队", "经侦大队"], "持续推进", null],
      [10, "深化警银协作止付冻结", "加强打击攻坚", ["经侦大队", "反诈中心"], ["各派出所"], "2024年9月30日前", "2024-09-30"],
    ]);
    expect(plan.tasks[0]?.description).toBe("对高风险预警信息实行“三分钟响应”，派出所接警后立即上门劝阻。\n2024年5月底前出台处置规程。");
    expect(plan.tasks[2]?.description).toBe("每季度组织一次集中收网，重点打击“两卡”犯罪团伙。\n对涉案资金开展穿透式查询，9月底前完成历史积案清理。");
    expect(plan.warnings).toEqual([]);
    expect(plan.problems).toEqual([]);
  });

  it("reads 清流's four-level plan: 一、 / （一） / 1. headings over tasks numbered （1）, which run on across sections", () => {
    const plan = parsePlan(fixture("qingliu-fengqiao.txt"));
    expect(plan.plan).toEqual({ title: "清流县公安局“枫桥式公安派出所”创建工作方案", issuedOn: "2024-01-15" });
    expect(plan.sections).toEqual([
      { ordinal: 1, label: "1.", title: "规范派出所建设" },
      { ordinal: 2, label: "2.", title: "深化矛盾纠纷化解" },
      { ordinal: 3, label: "1.", title: "优化窗口服务" },
    ]);
    expect(rows(plan)).toEqual([
      [1, "推进派出所标准化建设", "规范派出所建设", ["警务保障室"], ["各派出所"], "2024年6月底前", "2024-06-30"],
      [2, "配齐社区民警", "规范派出所建设", ["政工室"], [], "2024年3月31日前", "2024-03-31"],
      [3, "建立矛盾纠纷多元化解机制", "深化矛盾纠纷化解", ["治安大队"], ["各派出所"], "长期坚持", null],
      [4, "推行户籍业务“一窗通办”", "优化窗口服务", ["治安大队"], ["城关派出所", "嵩溪派出所"], "2024年9月30日前", "2024-09-30"],
    ]);
    expect(plan.warnings).toEqual([]);
    expect(plan.problems).toEqual([]);
  });

  it("keeps （1） （2） sub-items of a task's description in its description, whatever their number", () => {
    const plan = parsePlan(
      [
        "四、主要任务",
        "1.建设警务云平台。具体包括：",
        "（1）完成平台部署；",
        "（2）完成数据对接。",
        "牵头单位：科技科；完成时限：2024年底前",
        "2.开展培训。分两期：",
        "（1）骨干培训；",
        "（2）全员轮训。",
        "牵头单位：政工室；完成时限：2025年底前",
      ].join("\n"),
    );
    expect(rows(plan)).toEqual([
      [1, "建设警务云平台", null, ["科技科"], [], "2024年底前", "2024-12-31"],
      [2, "开展培训", null, ["政工室"], [], "2025年底前", "2025-12-31"],
    ]);
    expect(plan.tasks[0]?.description).toBe("具体包括：\n（1）完成平台部署；\n（2）完成数据对接。");
  });

  it("reads each of them from a .docx to the same result as from the text", async () => {
    for (const name of ["jianning-shuju.txt", "taining-zhihui.txt", "datian-fanzha.txt", "qingliu-fengqiao.txt"]) {
      const text = fixture(name);
      const document = await readPlanDocument(await docxOf(text, { headings: true }));
      expect(parsePlan(document.text), name).toEqual(parsePlan(text));
    }
  });
});

describe("reading a plan document", () => {
  it("keeps a paragraph with line breaks (Shift+Enter) as one line, so the fields after a break are still read", async () => {
    const docx = await Packer.toBuffer(
      new Document({
        sections: [
          {
            children: [
              new Paragraph("四、主要任务"),
              new Paragraph("1.建设平台。完成部署。"),
              new Paragraph({ children: [new TextRun("牵头单位：科技科"), new TextRun({ text: "完成时限：2024年底前", break: 1 })] }),
            ],
          },
        ],
      }),
    );
    const document = await readPlanDocument(docx);
    expect(document.text).toBe("四、主要任务\n1.建设平台。完成部署。\n牵头单位：科技科 完成时限：2024年底前");
    expect(parsePlan(document.text).tasks[0]).toMatchObject({ leadUnits: ["科技科"], deadline: { date: "2024-12-31" } });
  });

  it("turns mammoth's HTML into one line per paragraph, heading, list item and table cell, with entities decoded", () => {
    const html =
      "<h1>四、主要任务</h1><p>1.A&amp;B</p><table><tr><td><p>牵头单位：科技科</p></td><td>完成时限：持续推进</td></tr></table><ol><li>x</li></ol><ul><li>y</li></ul>";
    expect(htmlParagraphs(html)).toEqual([
      { text: "四、主要任务", numbered: false },
      { text: "1.A&B", numbered: false },
      { text: "牵头单位：科技科", numbered: false },
      { text: "完成时限：持续推进", numbered: false },
      { text: "x", numbered: true },
      { text: "y", numbered: false },
    ]);
  });

  it("lists each paragraph with Word's automatic numbering as a problem: its number is not in the text", async () => {
    const numbering = { config: [{ reference: "tasks", levels: [{ level: 0, format: LevelFormat.DECIMAL, text: "%1." }] }] };
    const children = [
      new Paragraph("四、主要任务"),
      new Paragraph("1.建设平台。"),
      new Paragraph("牵头单位：科技科；完成时限：2024年底前"),
      new Paragraph({ text: "培训民警。", numbering: { reference: "tasks", level: 0 } }),
      new Paragraph("牵头单位：政工室；完成时限：2025年底前"),
    ];
    const document = await readPlanDocument(await Packer.toBuffer(new Document({ numbering, sections: [{ children }] })));
    expect(document.autoNumbered).toEqual([4]);
    expect(placedProblems(parsePlan(document.text), document)).toEqual([{ line: 4, place: "第4段", message: "“培训民警。”用了 Word 自动编号，编号没有读入" }]);
  });

  it("reads a task table (序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限) as one task per row, a merged row as a section", async () => {
    const row = (...cells: (string | string[])[]) =>
      new TableRow({
        children: cells.map(
          (c) => new TableCell({ children: (Array.isArray(c) ? c : [c]).map((t) => new Paragraph(t)), columnSpan: cells.length === 1 ? 6 : 1 }),
        ),
      });
    const table = new Table({
      rows: [
        row("2024年重点任务分工表"),
        row("序号", "重点任务", "牵头单位", "责任单位", "牵头领导", "完成时限"),
        row("（一）夯实基础"),
        row("1", ["建设视频专网", "2024年6月前完成城区段。"], "科技科", "各派出所，交警大队", "张局", "2024年底前"),
        row("", "开展数据治理。按月通报。", "科技科、指挥中心", "", "李局", "每季度"),
        row("（二）深化应用"),
        row("5", "推广移动警务", "", "各派出所", "王局", "2025年6月底前"),
      ],
    });
    const docx = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph("泰宁县公安局2024年重点工作方案"), table] }] }));
    const document = await readPlanDocument(docx);
    expect(document.text.split("\n")).toEqual([
      "泰宁县公安局2024年重点工作方案",
      "2024年重点任务分工表",
      "（一）夯实基础",
      "1.建设视频专网。2024年6月前完成城区段。 牵头单位：科技科 责任单位：各派出所，交警大队 完成时限：2024年底前",
      "2.开展数据治理。按月通报。 牵头单位：科技科、指挥中心 完成时限：每季度",
      "（二）深化应用",
      "5.推广移动警务 责任单位：各派出所 完成时限：2025年6月底前",
    ]);
    const plan = parsePlan(document.text);
    expect(rows(plan)).toEqual([
      [1, "建设视频专网", "夯实基础", ["科技科"], ["各派出所", "交警大队"], "2024年底前", "2024-12-31"],
      [2, "开展数据治理", "夯实基础", ["科技科", "指挥中心"], [], "每季度", null],
      [5, "推广移动警务", "深化应用", [], ["各派出所"], "2025年6月底前", "2025-06-30"],
    ]);
    expect(placedProblems(plan, document)).toEqual([{ line: 7, place: "第7段", message: "任务5“推广移动警务”找不到“牵头单位”" }]);
  });

  it("chooses by content, not by name: text is text whatever the file is called", async () => {
    expect(await readPlanDocument(Buffer.from("四、主要任务\n"))).toEqual({ kind: "text", text: "四、主要任务\n", autoNumbered: [] });
  });

  it("reads text saved as GBK (Notepad's ANSI, WPS) and as UTF-16 with a byte-order mark", async () => {
    const gbk = Buffer.from([0xc3, 0xf7, 0xcf, 0xaa, 0xcf, 0xd8, 0xb9, 0xab, 0xb0, 0xb2, 0xbe, 0xd6]); // 明溪县公安局
    expect((await readPlanDocument(gbk)).text).toBe("明溪县公安局");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("明溪县公安局", "utf16le")]);
    expect((await readPlanDocument(utf16)).text).toBe("明溪县公安局");
  });

  it.each([
    ["a .doc or .wps file", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), "旧版 Word（.doc）或 WPS（.wps）"],
    ["a PDF", Buffer.from("%PDF-1.7\n%âãÏÓ\n"), "PDF"],
    ["an RTF file", Buffer.from("{\\rtf1\\ansi 1.x}"), "RTF"],
    ["a ZIP that is not a Word document", Buffer.from("PK\u0003\u0004not really"), "不是可读的 Word 文档"],
  ])("refuses %s, saying which formats are read and to save it as .docx", async (_name, bytes, what) => {
    const error = await readPlanDocument(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanParseError);
    expect((error as PlanParseError).code).toBe("unsupported");
    expect((error as PlanParseError).message).toContain(what);
    expect((error as PlanParseError).message).toContain("“另存为”Word 文档（*.docx）");
  });
});

const INCOMPLETE = [
  "某局测试实施方案（2024—2026年）",
  "四、主要任务",
  "（一）第一部分",
  "12.任务甲。",
  "牵头单位：科技科",
  "完成时限：XXX",
  "13.任务乙。",
  "责任单位：各单位",
  "完成时限：2024年底前",
  "14.任务丁。",
  "牵头单位：科技科",
  "15.任务戊。",
  "牵头单位：科技科",
  "完成时限：2025年底前",
  "15.任务己。",
  "牵头单位：科技科",
  "完成时限：2025年底前",
].join("\n");

describe("a plan with incomplete tasks", () => {
  it("lists every problem with its line: an unreadable deadline on its field's line, a missing field or a repeated number on the task's", () => {
    expect(placedProblems(parsePlan(INCOMPLETE), { kind: "text", text: INCOMPLETE, autoNumbered: [] })).toEqual([
      { line: 6, place: "第6行", message: "任务12“任务甲”的完成时限“XXX”无法识别（可写“2024年底前”“2025年6月30日前”“持续推进”等）" },
      { line: 7, place: "第7行", message: "任务13“任务乙”找不到“牵头单位”" },
      { line: 10, place: "第10行", message: "任务14“任务丁”找不到“完成时限”" },
      { line: 15, place: "第15行", message: "任务编号15重复：任务15“任务己”与前面的任务15“任务戊”编号相同" },
    ]);
  });

  it("numbers the paragraphs of a .docx that have text, 第N段: empty paragraphs are not counted", async () => {
    const document = await readPlanDocument(await docxOf(INCOMPLETE.replace("13.任务乙。", "\n\n13.任务乙。")));
    expect(placedProblems(parsePlan(document.text), document).map((p) => `${p.place}：${p.message}`)).toEqual([
      "第6段：任务12“任务甲”的完成时限“XXX”无法识别（可写“2024年底前”“2025年6月30日前”“持续推进”等）",
      "第7段：任务13“任务乙”找不到“牵头单位”",
      "第10段：任务14“任务丁”找不到“完成时限”",
      "第15段：任务编号15重复：任务15“任务己”与前面的任务15“任务戊”编号相同",
    ]);
  });

  it("says where the task part is when it holds no numbered task", () => {
    const error = (() => {
      try {
        parsePlan("某县方案\n四、主要任务\n各单位要抓好落实。\n五、保障措施\n");
      } catch (e) {
        return e as PlanParseError;
      }
    })();
    expect(error?.message).toContain("“四、主要任务”之后没有“1.任务名称”这样的编号条目");
  });
});

const run = promisify(execFile);

describe("duban import, run as a process", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  async function duban(args: string[], db = "duban.db") {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], {
        cwd: ROOT,
        env: { ...env, DATABASE_URL: `file:${join(dir, db)}` },
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "duban-plan-"));
    env = { ...process.env, CHECKPOINT_DISABLE: "1" };
    delete env.DUBAN_NOW;
    writeFileSync(join(dir, "incomplete.txt"), INCOMPLETE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("imports the bundled plan from a .docx named anything, to the same plan as the text", async () => {
    writeFileSync(join(dir, "方案（定稿）"), await docxOf(BUNDLED, { headings: true }));
    const fromDocx = await duban(["import", join(dir, "方案（定稿）"), "--dry-run", "--json"]);
    const fromText = await duban(["import", BUNDLED_FILE, "--dry-run", "--json"]);
    expect(fromDocx.code).toBe(0);
    const { format, ...docx } = JSON.parse(fromDocx.stdout);
    expect(format).toBe("docx");
    expect({ ...docx, format: "text" }).toEqual(JSON.parse(fromText.stdout));
    const real = await duban(["import", join(dir, "方案（定稿）"), "--at", "2024-06-30T10:00:00+08:00"]);
    expect(real.stdout).toContain("已导入《明溪县公安局科技兴警三年行动实施方案(2023-2025年)》：5个部分，25项任务。");
    expect(real.stdout).toContain("未变25项");
  });

  it("refuses a plan with incomplete tasks line by line, exit 2, and writes nothing, not even a database", async () => {
    const r = await duban(["import", join(dir, "incomplete.txt")], "refused.db");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("有4处问题，未写入任何数据");
    expect(r.stderr).toContain("第7行：任务13“任务乙”找不到“牵头单位”\n第10行：任务14“任务丁”找不到“完成时限”");
    expect(r.stderr).toContain("--allow-incomplete");
    expect(existsSync(join(dir, "refused.db"))).toBe(false);
  });

  it("shows the same refusal on a dry run, and in --json as problems with refused: true", async () => {
    const dry = await duban(["import", join(dir, "incomplete.txt"), "--dry-run"], "refused.db");
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain("有4处问题，正式导入时会被拒绝");
    expect(dry.stderr).toContain("第10行：任务14“任务丁”找不到“完成时限”");
    const json = await duban(["import", join(dir, "incomplete.txt"), "--json"], "refused.db");
    expect(json.code).toBe(2);
    const out = JSON.parse(json.stdout);
    expect(out.refused).toBe(true);
    expect(out.problems[2]).toEqual({ line: 10, place: "第10行", message: "任务14“任务丁”找不到“完成时限”" });
    expect(existsSync(join(dir, "refused.db"))).toBe(false);
  });

  it("imports it anyway with --allow-incomplete, and keeps the warnings", async () => {
    const r = await duban(["import", join(dir, "incomplete.txt"), "--allow-incomplete", "--at", "2024-06-30T10:00:00+08:00"], "allowed.db");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("1个部分，4项任务");
    expect(r.stdout).toContain("警告：任务13缺少牵头单位");
    expect(r.stdout).toContain("警告：任务14缺少完成时限");
  });

  it("refuses a .docx whose task numbers are Word's automatic numbering, saying so and how to fix it", async () => {
    const numbering = { config: [{ reference: "tasks", levels: [{ level: 0, format: LevelFormat.DECIMAL, text: "%1." }] }] };
    const children = ["建设平台。", "培训民警。"].flatMap((title) => [
      new Paragraph({ text: title, numbering: { reference: "tasks", level: 0 } }),
      new Paragraph("牵头单位：科技科；完成时限：2024年底前"),
    ]);
    writeFileSync(
      join(dir, "auto.docx"),
      await Packer.toBuffer(new Document({ numbering, sections: [{ children: [new Paragraph("四、主要任务"), ...children] }] })),
    );
    const r = await duban(["import", join(dir, "auto.docx")], "auto.db");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("未找到可识别的任务");
    expect(r.stderr).toContain("有2段用了 Word 自动编号");
    expect(r.stderr).toContain("另存为纯文本（*.txt，会写出编号）");
    expect(existsSync(join(dir, "auto.db"))).toBe(false);
  });

  it("refuses a .doc with the formats it reads and how to convert, and writes nothing", async () => {
    writeFileSync(join(dir, "方案.doc"), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    const r = await duban(["import", join(dir, "方案.doc")], "doc.db");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("“另存为”Word 文档（*.docx）后再导入。未写入任何数据。");
    expect(existsSync(join(dir, "doc.db"))).toBe(false);
  });
});
