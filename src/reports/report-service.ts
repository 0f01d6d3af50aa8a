import type { PlanRecord } from "../core/model.js";
import type { OutboundFile } from "../core/reply.js";
import { dayOf } from "../core/time.js";
import { buildChart, buildDigest, buildExport, buildReviewReport, buildScorecard, type ReviewDeps } from "./review-data.js";
import type { ExportFormat, ReportKind } from "../core/command.js";
import { digestLines, scorecardList } from "./text.js";

const MIME: Record<ExportFormat | "docx" | "png", string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
  ics: "text/calendar; charset=utf-8",
  json: "application/json",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  png: "image/png",
};

/**
 * Reports, exports and the chart, for chat commands and the command line alike. Everything is computed from the
 * recorded history (src/reports/review-data.ts) and rendered by a library (docx, exceljs, ics, ECharts + resvg).
 */
export class ReportService {
  /** `dump` produces the complete JSON dump (it needs the database itself, not the repositories). */
  constructor(
    private readonly d: ReviewDeps,
    private readonly dump: (() => Promise<string>) | null = null,
  ) {}

  async digestLines(plan: PlanRecord, at: Date, since?: Date | null): Promise<string[]> {
    return digestLines(await buildDigest(this.d, plan, at, since));
  }

  async unreported(plan: PlanRecord, at: Date): Promise<{ unit: string; tasks: number[]; since: string }[]> {
    return (await buildDigest(this.d, plan, at)).silentUnits;
  }

  digest(plan: PlanRecord, at: Date) {
    return buildDigest(this.d, plan, at);
  }

  scorecard(plan: PlanRecord, year: number | null, at: Date) {
    return buildScorecard(this.d, plan, year, at);
  }

  async scorecardLines(plan: PlanRecord, year: number | null, unit: string | null, at: Date): Promise<string[]> {
    return scorecardList(await buildScorecard(this.d, plan, year, at), unit ?? undefined);
  }

  report(plan: PlanRecord, kind: ReportKind, at: Date) {
    return buildReviewReport(this.d, plan, kind, at);
  }

  async reportFile(plan: PlanRecord, kind: ReportKind, at: Date): Promise<OutboundFile> {
    const report = await buildReviewReport(this.d, plan, kind, at);
    const title = kind.kind === "year" ? `${kind.year}年度工作报告` : kind.kind === "midterm" ? "中期评估报告" : "总结验收报告";
    const name = `${planPrefix(plan)}${title}.docx`;
    const { renderReportDocx } = await import("./docx-report.js");
    return { name, mimeType: MIME.docx, data: await renderReportDocx(report), kind: "file" };
  }

  async exportFile(plan: PlanRecord, format: ExportFormat, at: Date): Promise<OutboundFile> {
    // The JSON dump holds every plan, so it is named by day alone; the others are one plan's.
    const name = format === "json" ? `督办导出-${dayOf(at)}.json` : `督办导出-${planPrefix(plan)}${dayOf(at)}.${format}`;
    if (format === "json") {
      if (!this.dump) throw new Error("the JSON dump needs the database");
      return { name, mimeType: MIME.json, data: Buffer.from(await this.dump(), "utf8"), kind: "file" };
    }
    const model = await buildExport(this.d, plan, at);
    // The renderers (exceljs, docx, ECharts, resvg…) load on first use: the bot's start and memory do not pay for them.
    const data =
      format === "xlsx"
        ? await (await import("./xlsx-export.js")).renderXlsx(model)
        : Buffer.from(format === "csv" ? (await import("./csv-export.js")).renderCsv(model) : (await import("./ics-export.js")).renderIcs(model), "utf8");
    return { name, mimeType: MIME[format], data, kind: "file" };
  }

  async chartFile(plan: PlanRecord, at: Date): Promise<OutboundFile> {
    const { renderChartPng } = await import("./chart.js");
    const { png, width, height } = await renderChartPng(await buildChart(this.d, plan, at));
    return { name: `进度图-${planPrefix(plan)}${dayOf(at)}.png`, mimeType: MIME.png, data: png, kind: "image", width, height };
  }
}

/**
 * The plan's code and a dash, to start a file name: two plans exported the same day must not overwrite each
 * other's files. `planPrefix({ code: "科技兴警" })` → "科技兴警-"; characters a file name cannot hold become "_".
 */
export function planPrefix(plan: Pick<PlanRecord, "code">): string {
  const code = plan.code?.replace(/[\\/:*?"<>|\s]/g, "_");
  return code ? `${code}-` : "";
}
