/** A plan's recorded history (历史记录), read whole for reports and exports. */
import type { Deadline } from "../../plan/types.js";
import type { EvidenceRecord } from "./evidence.js";
import type { ReminderRecord } from "./reminders.js";
import type { RequestRecord } from "./requests.js";
import type { UpdateRecord } from "./updates.js";

/** The whole recorded history of a plan, oldest first, for reports and exports. */
export interface HistoryRepository {
  updates(planId: number): Promise<UpdateRecord[]>;
  /** The plan's reminders, office notices without a task included. */
  reminders(planId: number): Promise<ReminderRecord[]>;
  requests(planId: number): Promise<RequestRecord[]>;
  evidence(planId: number): Promise<EvidenceRecord[]>;
  /** From the audit trail, oldest first: completions (办结, approved requests), reopenings, and deadlines an admin set. */
  taskEvents(planId: number): Promise<TaskEvent[]>;
}

/** A change of a task's state in time, read back from the audit trail. */
export type TaskEvent =
  | { taskId: number; at: Date; kind: "completed" | "reopened" }
  /** Reminders paused (暂停提醒, with its reason) or resumed. */
  | { taskId: number; at: Date; kind: "paused" | "resumed"; reason: string | null }
  | { taskId: number; at: Date; kind: "deadline-set"; before: Deadline; after: Deadline };
