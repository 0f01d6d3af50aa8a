import type { Deadline, ParsedPlan } from "../plan/types.js";

/** plan (实施方案) as stored. */
export interface PlanRecord {
  id: number;
  title: string;
  issuedOn: string | null;
  importedAt: Date;
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
}

/** update (进展) as stored. */
export interface UpdateRecord {
  id: number;
  taskId: number;
  text: string;
  percent: number | null;
  authorId: string;
  authorUnit: string | null;
  room: string | null;
  transport: string;
  eventId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  retractedAt: Date | null;
  revisions: { text: string; percent: number | null; at: string }[];
}

export interface NewUpdate {
  taskId: number;
  text: string;
  percent: number | null;
  authorId: string;
  authorUnit: string | null;
  room: string | null;
  transport: string;
  eventId: string | null;
  at: Date;
}

export interface ImportReport {
  planId: number;
  title: string;
  created: number[];
  updated: number[];
  unchanged: number[];
  /** Tasks stored earlier that the document no longer lists; kept, not deleted. */
  missing: number[];
}

export interface ReminderTaskRow {
  id: number;
  number: number;
  leadUnits: string[];
  deadline: Deadline;
  done: boolean;
  paused: boolean;
  lastUpdateAt: Date | null;
}

/** Storage of plans and tasks. */
export interface PlanRepository {
  currentPlan(): Promise<PlanRecord | null>;
  task(planId: number, number: number): Promise<TaskRecord | null>;
  taskById(id: number): Promise<TaskRecord | null>;
  tasks(planId: number): Promise<TaskRecord[]>;
  tasksByIds(ids: number[]): Promise<TaskRecord[]>;
  /** The lean fields the reminder policy needs, without loading updates. */
  reminderTasks(planId: number): Promise<ReminderTaskRow[]>;
  /** Tasks where any of `units` is a lead unit (牵头单位). */
  tasksLedBy(planId: number, units: string[]): Promise<TaskRecord[]>;
  numberRange(planId: number): Promise<{ min: number; max: number; count: number }>;
  /** Every unit name that the plan's tasks mention. */
  unitNames(planId: number): Promise<string[]>;
  importPlan(parsed: ParsedPlan, at: Date): Promise<ImportReport>;
  complete(taskId: number, by: string, at: Date): Promise<void>;
  setPaused(taskId: number, paused: boolean, reason: string | null, by: string, at: Date): Promise<void>;
}

/** Storage of progress updates (进展). Every write updates the task's progress in the same transaction. */
export interface UpdateRepository {
  /** Store an update; returns it with the task's live update count after it. */
  record(update: NewUpdate): Promise<{ update: UpdateRecord; updateCount: number }>;
  latest(taskId: number): Promise<UpdateRecord | null>;
  /** The newest `limit` updates, retracted ones included. */
  history(taskId: number, limit: number): Promise<UpdateRecord[]>;
  /** All updates of a task, retracted ones included. */
  count(taskId: number): Promise<number>;
  byEventId(eventId: string): Promise<UpdateRecord | null>;
  /** Every update one chat event produced, in order: stored under `eventId`, then `eventId#2`, `eventId#3`… */
  parts(eventId: string): Promise<UpdateRecord[]>;
  revise(eventId: string, text: string, percent: number | null, at: Date): Promise<UpdateRecord | null>;
  retract(eventId: string, at: Date): Promise<UpdateRecord | null>;
}

/** Chat events already handled, so a redelivered event is not acted on twice. */
export interface EventLog {
  seen(eventId: string): Promise<boolean>;
  markHandled(eventId: string, room: string, at: Date): Promise<void>;
}

/** Small persistent key/value state (last scheduler run, one-time notices). */
export interface SettingsStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Set the key only if it is absent; true when this call set it. Used for "say it once" notices. */
  setOnce(key: string, value: string): Promise<boolean>;
}

/** A stored reminder occurrence (提醒 / 催办). */
export interface ReminderRecord {
  id: number;
  key: string;
  taskId: number | null;
  unit: string;
  kind: string;
  occurrence: string;
  dueOn: string;
  deliveredAt: Date | null;
  attempts: number;
  lastError: string | null;
}

export interface NewReminder {
  key: string;
  taskId: number | null;
  unit: string;
  kind: string;
  occurrence: string;
  dueOn: string;
}

/** Storage of reminders: unique keys make every occurrence exactly once. */
export interface ReminderRepository {
  /** Insert rows whose key is new; existing keys are left alone. Returns how many were new. */
  insertNew(rows: NewReminder[], at: Date): Promise<number>;
  /** Atomically claim every undelivered reminder not claimed by a live sender; returns the claimed rows. */
  claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]>;
  /** Undelivered rows, without claiming (for previews). */
  pending(): Promise<ReminderRecord[]>;
  /** Which of these keys exist already. */
  existingKeys(keys: string[]): Promise<Set<string>>;
  markDelivered(ids: number[], at: Date, note?: string): Promise<void>;
  markFailed(ids: number[], error: string): Promise<void>;
}

/** A likely update the bot asked about (要记录为任务6的进展吗？), kept until confirmed, declined or expired. */
export interface PendingRecord {
  id: number;
  eventId: string | null;
  room: string;
  authorId: string;
  transport: string;
  text: string;
  segments: { numbers: number[]; body: string; percent: number | null; percentRaw: string | null }[];
  /** Task numbers offered when the task was named only by subject; empty otherwise. */
  candidates: number[];
  createdAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
}

export interface NewPending {
  eventId: string | null;
  room: string;
  authorId: string;
  transport: string;
  text: string;
  segments: PendingRecord["segments"];
  candidates: number[];
  at: Date;
  expiresAt: Date;
}

/** Storage of pending updates: nothing a user was asked about is lost across a restart. */
export interface PendingRepository {
  /** Store a question; a second one for the same chat event replaces the first. */
  create(p: NewPending): Promise<PendingRecord>;
  /** Unresolved questions in a room, newest first, including expired ones (check `expiresAt`). */
  unresolved(room: string): Promise<PendingRecord[]>;
  byEventId(eventId: string): Promise<PendingRecord | null>;
  /** Resolve once: true only for the call that resolved it (confirmed | declined | expired | withdrawn | superseded). */
  resolve(id: number, resolution: string, by: string, at: Date): Promise<boolean>;
}

export interface Repositories {
  plans: PlanRepository;
  updates: UpdateRepository;
  events: EventLog;
  settings: SettingsStore;
  reminders: ReminderRepository;
  pending: PendingRepository;
}
