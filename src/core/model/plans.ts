/** Plans (实施方案) and their tasks (主要任务) as stored, and the plan repository split by role. */
import type { Deadline, ParsedPlan } from "../../plan/types.js";
import type { Actor } from "./actor.js";
import type { TargetRecord } from "./targets.js";

/** plan (实施方案) as stored. */
export interface PlanRecord {
  id: number;
  title: string;
  issuedOn: string | null;
  importedAt: Date;
  /** The latest re-import, if any. */
  revisedAt: Date | null;
  /** 计划代码, `科技兴警`: how chat names the plan when several are followed. Null only before the app first opens an old database. */
  code: string | null;
  /** 归档: no reminders, out of the default views; its history stays queryable. */
  archivedAt: Date | null;
  archivedBy: string | null;
  archiveReason: string | null;
}

/** task (主要任务) as stored, with denormalised progress. */
export interface TaskRecord {
  id: number;
  planId: number;
  number: number;
  title: string;
  description: string;
  section: string | null;
  sectionLabel: string | null;
  sectionOrdinal: number | null;
  leadUnits: string[];
  responsibleUnits: string[];
  deadline: Deadline;
  inDocument: boolean;
  completedAt: Date | null;
  completedBy: string | null;
  remindersPaused: boolean;
  pauseReason: string | null;
  progress: number | null;
  lastUpdateAt: Date | null;
  updateCount: number;
  /** The deadline the document set, when an extension or an admin has changed it since; else null. */
  originalDeadline: Deadline | null;
  /** How the deadline in force came about when it differs from the document's. */
  deadlineChange: "extension" | "adjusted" | null;
  /** A completion request awaits the office's review (待审核): no overdue or escalation reminders meanwhile. */
  reviewPending: boolean;
  /** Its numeric targets (指标), removed ones left out, in the order they were added. */
  targets: TargetRecord[];
}

export interface ImportReport {
  planId: number;
  title: string;
  code: string;
  created: number[];
  updated: number[];
  unchanged: number[];
  /** Tasks stored earlier that the document no longer lists; kept, not deleted. */
  missing: number[];
  /** Targets (指标) read from the document that the tasks did not have yet. */
  targetsAdded: number;
}

/**
 * What a reminder run reads of a task: what the policy needs, and what a message shows of it (its line and its
 * light), so that the run reads each task once.
 */
export interface ReminderTaskRow {
  id: number;
  number: number;
  title: string;
  leadUnits: string[];
  deadline: Deadline;
  /** 办结: done when set. */
  completedAt: Date | null;
  paused: boolean;
  /** A completion request awaits review: no overdue or escalation reminders. */
  reviewPending: boolean;
  lastUpdateAt: Date | null;
  progress: number | null;
  /** The live targets (指标), which can make a task's light yellow. */
  targets: TargetRecord[];
  /** completedAt is set. With lastUpdateDay, what the reminder policy reads (a row is its PolicyTask). */
  done: boolean;
  /** The Beijing day of lastUpdateAt. */
  lastUpdateDay: string | null;
}

/** Tasks changed since a marker (changesSince): to know which a long reminder run must read again. */
export interface TaskChanges {
  /** Give it back to changesSince to learn what changed after this. */
  marker: number;
  taskIds: Set<number>;
}

/** Reading plans and their tasks: what a query, a report or a command looks up. */
export interface PlanReader {
  /** The latest imported plan that is not archived. */
  currentPlan(): Promise<PlanRecord | null>;
  /** Every plan, archived ones included, oldest import first. */
  plans(): Promise<PlanRecord[]>;
  /** The plans not archived, oldest import first. */
  activePlans(): Promise<PlanRecord[]>;
  /** A plan by its code, archived or not. */
  planByCode(code: string): Promise<PlanRecord | null>;
  task(planId: number, number: number): Promise<TaskRecord | null>;
  taskById(id: number): Promise<TaskRecord | null>;
  tasks(planId: number): Promise<TaskRecord[]>;
  tasksByIds(ids: number[]): Promise<TaskRecord[]>;
  /** Tasks where any of `units` is a lead unit (牵头单位). */
  tasksLedBy(planId: number, units: string[]): Promise<TaskRecord[]>;
  numberRange(planId: number): Promise<{ min: number; max: number; count: number }>;
  /** Every unit name that the plan's tasks mention. */
  unitNames(planId: number): Promise<string[]>;
}

/** The tasks a reminder run pages through, in their lean form. */
export interface ReminderTaskSource {
  /** The tasks a reminder run looks at, by number, in its lean form; `page` reads the next `limit` after task number `after`. */
  reminderTasks(planId: number, page?: { after: number; limit: number }): Promise<ReminderTaskRow[]>;
}

/** Change markers: which tasks changed while a long reminder run was going on. */
export interface TaskChangeMarkers {
  /**
   * The tasks changed since `marker`, and a marker for the next call; `null` as the marker gives a first marker
   * and no tasks. SQLite's change counter sees every write to a task, its targets or its section, from any process;
   * elsewhere the audit log tells which tasks duban changed. Null when it cannot tell (the counter went back, or
   * an audited change named no task, such as an import).
   */
  changesSince(marker: number | null): Promise<TaskChanges | null>;
}

/** How plans come in: importing a plan document (导入) and giving old plans their codes. */
export interface PlanImporter {
  /**
   * `code` names a new plan (derived from the title when omitted); a re-import of a plan keeps its code, and
   * throws PlanCodeError when `code` differs from it or belongs to another plan. Tasks whose deadline or lead units
   * an admin changed are left as changed (the document's deadline is kept as the original).
   */
  importPlan(parsed: ParsedPlan, at: Date, actor: Actor, opts?: { code?: string }): Promise<ImportReport>;
  /** Give every plan without a code (a database from before codes) one derived from its title. */
  ensureCodes(): Promise<void>;
}

/** The office's changes to plans and tasks (管理操作), each audited. */
export interface PlanAdmin {
  /** 归档计划: no more reminders, out of the default views; audited. */
  archive(planId: number, reason: string, actor: Actor, at: Date): Promise<void>;
  /** 恢复计划: an archived plan is in progress again; audited. */
  restore(planId: number, reason: string, actor: Actor, at: Date): Promise<void>;
  /** 办结 directly by an admin; a pending completion request is approved with it. */
  complete(taskId: number, reason: string, actor: Actor, at: Date): Promise<void>;
  /** 重启任务: a done task is open again. */
  reopen(taskId: number, reason: string, actor: Actor, at: Date): Promise<void>;
  /** 调整时限: the admin sets the deadline in force; the document's deadline is kept as the original. */
  setDeadline(taskId: number, deadline: Deadline, reason: string, actor: Actor, at: Date): Promise<void>;
  /** 调整牵头单位. */
  setLeadUnits(taskId: number, units: string[], reason: string, actor: Actor, at: Date): Promise<void>;
  setPaused(taskId: number, paused: boolean, reason: string | null, actor: Actor, at: Date): Promise<void>;
}

/** Storage of plans and tasks: every role in one, as the repositories implement it. */
export interface PlanRepository extends PlanReader, ReminderTaskSource, TaskChangeMarkers, PlanImporter, PlanAdmin {}
