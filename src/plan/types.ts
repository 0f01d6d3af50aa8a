/** Kinds of deadline (完成时限). */
export type DeadlineKind = "date" | "ongoing" | "date+ongoing" | "unknown";

/** deadline (完成时限): the original text, its kind, and the dated part as YYYY-MM-DD (end of that day, Asia/Shanghai). */
export interface Deadline {
  text: string;
  kind: DeadlineKind;
  date: string | null;
}

/** section (（一）…) of a plan's task part. */
export interface ParsedSection {
  ordinal: number; // 1 for （一）
  label: string; // "（一）" exactly as written
  title: string;
}

/** task (主要任务) as read from a plan document. */
export interface ParsedTask {
  number: number;
  title: string;
  description: string;
  section: string | null; // the section title
  sectionOrdinal: number | null;
  leadUnits: string[]; // 牵头单位, document order
  responsibleUnits: string[]; // 责任单位 / 配合单位, document order
  deadline: Deadline;
  /** Numeric targets (指标) the text names: `培育2名市级“公安数字工匠”`. */
  targets: ParsedTarget[];
}

/** A numeric target (指标) proposed from the plan's wording. */
export interface ParsedTarget {
  name: string;
  count: number;
  /** Measure word: 名, 个, 项… */
  unit: string;
  /** YYYY-MM-DD, or null when neither the sentence nor the task gives a date. */
  due: string | null;
  /** The phrase it was read from. */
  sourceText: string;
}

/** Why a task cannot be followed as written (no 牵头单位, no or an unreadable 完成时限, a repeated number), and where. */
export interface PlanProblem {
  /** 1-based: the line of a text file (第N行), the paragraph of a .docx (第N段). */
  line: number;
  /** Chinese, without the place: `任务14“组织技能比武”找不到“完成时限”`. */
  message: string;
}

export interface ParsedPlan {
  plan: { title: string; issuedOn: string | null };
  sections: ParsedSection[];
  tasks: ParsedTask[];
  warnings: string[];
  /** Tasks that would be imported incomplete: the import refuses them unless `--allow-incomplete`. Sorted by line. */
  problems: PlanProblem[];
}
