/**
 * What the reports, exports and charts are made from. `src/reports/review-data.ts` computes these from the
 * recorded history at a moment (`at`); the renderers (docx, xlsx, csv, ics, png) only lay them out.
 * All dates are YYYY-MM-DD (Asia/Shanghai) and all moments ISO 8601 strings, so a model serialises as is.
 */
import type { Deadline } from "../plan/types.js";
import type { Light } from "../core/task-status.js";

export type { Light };

/** A numeric target (指标) as at the report's moment. */
export interface ReportTarget {
  id: number;
  taskNumber: number;
  name: string;
  /** Unit of count: 名, 个, 项… */
  unit: string;
  count: number;
  current: number;
  due: string | null;
  /** current ≥ count. */
  met: boolean;
  /** Behind schedule at `at`: fewer than the share of `count` that the time elapsed towards `due` calls for. */
  behind: boolean;
}

export interface ReportUpdate {
  id: number;
  taskNumber: number;
  /** ISO moment. */
  at: string;
  /** The author's user id. */
  author: string;
  /** How the author is shown: their name from the directory or chat profile, else the id. */
  authorName: string;
  unit: string | null;
  text: string;
  percent: number | null;
  retracted: boolean;
}

export interface ReportTask {
  id: number;
  number: number;
  title: string;
  section: { ordinal: number; label: string; title: string } | null;
  leadUnits: string[];
  responsibleUnits: string[];
  /** The deadline in force. */
  deadline: Deadline;
  /** The document's deadline when an extension or an admin changed it; else null. */
  originalDeadline: Deadline | null;
  deadlineChange: "extension" | "adjusted" | null;
  light: Light;
  /** The light in Chinese: 红灯, 黄灯, 绿灯, 已办结, 持续推进. */
  lightLabel: string;
  daysLeft: number | null;
  daysOverdue: number | null;
  stale: boolean;
  progress: number | null;
  /** ISO moment of 办结, when done by `at`. */
  completedAt: string | null;
  reviewPending: boolean;
  updateCount: number;
  targets: ReportTarget[];
  /** Newest first, at most 3, retracted ones left out. */
  latestUpdates: ReportUpdate[];
  /** Evidence file names with the day each was received. */
  evidence: { fileName: string; day: string }[];
}

export interface ReportSection {
  ordinal: number;
  label: string;
  title: string;
  tasks: ReportTask[];
}

/** One unit's row of the scorecard (单位考评): raw figures only, each computed from the recorded history. */
export interface ScorecardRow {
  unit: string;
  leadTasks: number[];
  responsibleTasks: number[];
  /** Monthly report cycles in the period in which the unit led an open task. */
  reportsExpected: number;
  reportsOnTime: number;
  reportsLate: number;
  reportsMissing: number;
  remindersReceived: number;
  escalations: number;
  /** Overdue days on its lead tasks within the period, against the document's deadline. */
  overdueDaysOriginal: number;
  /** The same against the deadline in force (an approved extension moves it). */
  overdueDaysApproved: number;
  completions: number;
  targetsMet: number;
  targetsTotal: number;
  /** Only when the office set weights (scorecard config); null shows raw figures. */
  score: number | null;
}

export interface Scorecard {
  period: { from: string; to: string; label: string };
  rows: ScorecardRow[];
  /** How each figure is computed, one line each, printed under the table. */
  method: string[];
  weights: Record<string, number> | null;
}

export interface PlanInfo {
  title: string;
  issuedOn: string | null;
}

export type LightCounts = Record<Light, number>;

/** 年度报告 / 中期评估 / 总结验收. */
export interface ReviewReport {
  kind: "year" | "midterm" | "final";
  /** e.g. "明溪县公安局科技兴警三年行动 2024年度工作报告". */
  title: string;
  period: { from: string; to: string; label: string };
  /** ISO moment the figures are taken at (the end of the period, or earlier when asked before it ends). */
  at: string;
  plan: PlanInfo;
  summary: { lights: LightCounts; tasks: number; targetsMet: number; targetsTotal: number };
  sections: ReportSection[];
  /** Tasks in no section, if any. */
  unsectioned: ReportTask[];
  scorecard: Scorecard;
}

/** Everything the xlsx, csv and ics exports need. */
export interface ExportModel {
  at: string;
  plan: PlanInfo;
  tasks: ReportTask[];
  /** Every update, oldest first, retracted ones included and marked. */
  updates: ReportUpdate[];
  targets: ReportTarget[];
  scorecard: Scorecard;
}

/** The progress chart (进度图). */
export interface ChartModel {
  title: string;
  at: string;
  /** Lights by section. */
  sections: { label: string; title: string; lights: LightCounts }[];
  targets: { label: string; current: number; count: number; behind: boolean }[];
  /** Open dated tasks at the end of each month from the plan's start to its end (or `at`); `ideal` is a straight line to 0 at the last deadline. */
  burndown: { day: string; open: number | null; ideal: number }[];
}

/** The scorecard's columns, in Chinese, for every table of it (the docx leaves out 责任任务 to fit the page). */
export const SCORECARD_HEADERS = [
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
] as const;

/** The lights in the order every report lists them. */
export const LIGHT_ORDER: readonly Light[] = ["red", "yellow", "green", "ongoing", "done"];

/** Fill colours of the lights, shared by the xlsx cells and the chart. */
export const LIGHT_COLOURS: Record<Light, string> = {
  red: "#E5484D",
  yellow: "#F5B800",
  green: "#30A46C",
  done: "#3E63DD",
  ongoing: "#8E8C99",
};

export const LIGHT_LABELS: Record<Light, string> = {
  red: "红灯",
  yellow: "黄灯",
  green: "绿灯",
  done: "已办结",
  ongoing: "持续推进",
};
