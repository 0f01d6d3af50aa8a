import type { Deadline, ParsedPlan } from "../plan/types.js";

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

/** A numeric target (指标): `市级“公安数字工匠” 1/2名（2024-12-31）`. */
export interface TargetRecord {
  id: number;
  taskId: number;
  name: string;
  /** Measure word: 名, 个, 项… */
  unit: string;
  count: number;
  current: number;
  /** YYYY-MM-DD or null. */
  due: string | null;
  source: "plan" | "admin";
  /** When it was added: an admin's target is scheduled from then, a plan's from the plan's start. */
  createdAt: Date;
}

/** One move of a target's count, with who, when, why and the update it came from. */
export interface TargetChangeRecord {
  id: number;
  targetId: number;
  fromCount: number;
  toCount: number;
  reason: string | null;
  actor: string;
  actorUnit: string | null;
  updateId: number | null;
  at: Date;
}

/** A target count an update moved: `{name: "市级“公安数字工匠”", from: 0, to: 1}`. */
export interface MovedTarget {
  targetId: number;
  name: string;
  from: number;
  to: number;
}

/** Targets (指标): set, added and removed by admins; moved by updates through UpdateRepository.record. */
export interface TargetRepository {
  forTask(taskId: number): Promise<TargetRecord[]>;
  /** Every target of the plan, removed ones included (flagged), for reports. */
  forPlan(planId: number): Promise<(TargetRecord & { removedAt: Date | null })[]>;
  /** Every change of the plan's targets, oldest first. */
  changes(planId: number): Promise<TargetChangeRecord[]>;
  /** 设置指标: the count outright, with a reason; audited. */
  setCurrent(targetId: number, current: number, reason: string, actor: Actor, at: Date): Promise<TargetRecord>;
  /** 新增指标; throws TargetExistsError when the task already has one of that name. */
  add(t: { taskId: number; name: string; unit: string; count: number; due: string | null }, reason: string, actor: Actor, at: Date): Promise<TargetRecord>;
  /** 删除指标: soft, so its history stays. */
  remove(targetId: number, reason: string, actor: Actor, at: Date): Promise<void>;
}

export class TargetExistsError extends Error {
  constructor(readonly targetName: string) {
    super(`target "${targetName}" exists`);
  }
}

/** Who did something, for the audit trail: the user, their unit, and where the message came from. */
export interface Actor {
  id: string;
  unit: string | null;
  transport: string;
  room: string | null;
  eventId: string | null;
  /** Who actually typed it, when that is someone else (the operator at the command line acting `--as` an officer). */
  via?: string;
}

/** One audit entry to append. `before` and `after` are stored as JSON. */
export interface NewAudit {
  at: Date;
  actor: Actor;
  action: string;
  outcome?: "ok" | "refused";
  task?: { id: number; number: number } | null;
  before?: unknown;
  after?: unknown;
  detail?: Record<string, unknown>;
}

/** An audit entry (留痕) as stored, chained to the one before by `prevHash`. */
export interface AuditRecord {
  id: number;
  at: Date;
  actor: string;
  actorUnit: string | null;
  action: string;
  outcome: string;
  taskId: number | null;
  taskNumber: number | null;
  transport: string | null;
  room: string | null;
  eventId: string | null;
  before: string | null;
  after: string | null;
  detail: string;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  taskId?: number;
  actor?: string;
  since?: Date;
  action?: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries whose hash was checked. */
  checked: number;
  /** Entries written before the chain existed (kept, not verifiable). */
  legacy: number;
  /** The first entry that does not match, and why. */
  firstBroken: { id: number; reason: string } | null;
  /** The newest entry's hash: note it down, and a later verify proves nothing after it was cut off. */
  head: string | null;
}

/** The append-only audit trail. Changes write their entry inside their own transaction (see the repositories). */
export interface AuditRepository {
  append(entry: NewAudit): Promise<AuditRecord>;
  /** Newest first. */
  list(filter: AuditFilter, limit: number, offset?: number): Promise<AuditRecord[]>;
  count(filter: AuditFilter): Promise<number>;
  verify(): Promise<AuditVerification>;
}

/** A completion (申请办结) or extension (申请延期) request. */
export interface RequestRecord {
  id: number;
  taskId: number;
  kind: "completion" | "extension";
  state: "pending" | "approved" | "rejected" | "superseded";
  note: string;
  deadline: Deadline | null;
  requestedBy: string;
  requesterUnit: string | null;
  room: string | null;
  transport: string;
  eventId: string | null;
  link: string | null;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
}

export interface NewRequest {
  taskId: number;
  kind: RequestRecord["kind"];
  note: string;
  deadline: Deadline | null;
  link: string | null;
  actor: Actor;
  at: Date;
}

/** Thrown by `RequestRepository.create` when a request of the same kind is already pending for the task. */
export class RequestPendingError extends Error {
  constructor(readonly existing: RequestRecord) {
    super(`a ${existing.kind} request is already pending for task ${existing.taskId}`);
  }
}

/** Requests and the decisions on them; each write changes the task and appends its audit entry in one transaction. */
export interface RequestRepository {
  /** Store a request; throws if one of the same kind is already pending for the task. */
  create(r: NewRequest): Promise<RequestRecord>;
  pending(taskId: number, kind?: RequestRecord["kind"]): Promise<RequestRecord[]>;
  /** Every pending request on the tasks of a plan, oldest first. */
  pendingInPlan(planId: number): Promise<RequestRecord[]>;
  byId(id: number): Promise<RequestRecord | null>;
  byEventId(eventId: string): Promise<RequestRecord | null>;
  /** Newest first. */
  forTask(taskId: number): Promise<RequestRecord[]>;
  /** Approve or reject a pending request; null if it was no longer pending. Approval completes the task or moves its deadline. */
  decide(id: number, decision: "approved" | "rejected", reason: string, actor: Actor, at: Date): Promise<RequestRecord | null>;
}

/** Evidence (佐证材料) as stored. */
export interface EvidenceRecord {
  id: number;
  taskId: number;
  requestId: number | null;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  path: string;
  uploader: string;
  eventId: string | null;
  createdAt: Date;
}

export type NewEvidence = Omit<EvidenceRecord, "id" | "createdAt">;

export interface EvidenceRepository {
  /** Store evidence metadata (the file is already saved) with its audit entry; a repeated event id returns the stored row. */
  add(e: NewEvidence, actor: Actor, at: Date): Promise<EvidenceRecord>;
  forTask(taskId: number): Promise<EvidenceRecord[]>;
}

/** A directory change made from chat, applied in order over the directory file. */
export interface DirectoryChangeRecord {
  id: number;
  op: "bind" | "unbind" | "bind-room";
  user: string | null;
  room: string | null;
  unit: string;
  role: "member" | "leader" | null;
  by: string;
  at: Date;
}

export interface DirectoryChangeRepository {
  list(): Promise<DirectoryChangeRecord[]>;
  add(change: Omit<DirectoryChangeRecord, "id">, actor: Actor): Promise<DirectoryChangeRecord>;
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
  /** Target counts the update moves (`指标+1`), stored with it in one transaction. */
  targetMoves?: { targetId: number; delta: number }[];
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
}

/** Tasks changed since a marker (changesSince): to know which a long reminder run must read again. */
export interface TaskChanges {
  /** Give it back to changesSince to learn what changed after this. */
  marker: number;
  taskIds: Set<number>;
}

/** Storage of plans and tasks. */
export interface PlanRepository {
  /** The latest imported plan that is not archived. */
  currentPlan(): Promise<PlanRecord | null>;
  /** Every plan, archived ones included, oldest import first. */
  plans(): Promise<PlanRecord[]>;
  /** The plans not archived, oldest import first. */
  activePlans(): Promise<PlanRecord[]>;
  /** A plan by its code, archived or not. */
  planByCode(code: string): Promise<PlanRecord | null>;
  /** Give every plan without a code (a database from before codes) one derived from its title. */
  ensureCodes(): Promise<void>;
  /** 归档计划: no more reminders, out of the default views; audited. */
  archive(planId: number, reason: string, actor: Actor, at: Date): Promise<void>;
  /** 恢复计划: an archived plan is in progress again; audited. */
  restore(planId: number, reason: string, actor: Actor, at: Date): Promise<void>;
  task(planId: number, number: number): Promise<TaskRecord | null>;
  taskById(id: number): Promise<TaskRecord | null>;
  tasks(planId: number): Promise<TaskRecord[]>;
  tasksByIds(ids: number[]): Promise<TaskRecord[]>;
  /** The tasks a reminder run looks at, by number, in its lean form; `page` reads the next `limit` after task number `after`. */
  reminderTasks(planId: number, page?: { after: number; limit: number }): Promise<ReminderTaskRow[]>;
  /**
   * The tasks changed since `marker`, and a marker for the next call; `null` as the marker gives a first marker
   * and no tasks. SQLite's change counter sees every write to a task, its targets or its section, from any process;
   * elsewhere the audit log tells which tasks duban changed. Null when it cannot tell (the counter went back, or
   * an audited change named no task, such as an import).
   */
  changesSince(marker: number | null): Promise<TaskChanges | null>;
  /** Tasks where any of `units` is a lead unit (牵头单位). */
  tasksLedBy(planId: number, units: string[]): Promise<TaskRecord[]>;
  numberRange(planId: number): Promise<{ min: number; max: number; count: number }>;
  /** Every unit name that the plan's tasks mention. */
  unitNames(planId: number): Promise<string[]>;
  /** Tasks whose deadline or lead units an admin changed are left as changed (the document's deadline is kept as the original). */
  /**
   * `code` names a new plan (derived from the title when omitted); a re-import of a plan keeps its code, and
   * throws PlanCodeError when `code` differs from it or belongs to another plan.
   */
  importPlan(parsed: ParsedPlan, at: Date, actor: Actor, opts?: { code?: string }): Promise<ImportReport>;
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

/** Storage of progress updates (进展). Every write updates the task's progress in the same transaction. */
export interface UpdateRepository {
  /** Store an update; returns it with the task's live update count after it. */
  record(update: NewUpdate): Promise<{ update: UpdateRecord; updateCount: number; targets: MovedTarget[] }>;
  latest(taskId: number): Promise<UpdateRecord | null>;
  /** The newest `limit` updates, retracted ones included. */
  history(taskId: number, limit: number): Promise<UpdateRecord[]>;
  /** All updates of a task, retracted ones included. */
  count(taskId: number): Promise<number>;
  byEventId(eventId: string): Promise<UpdateRecord | null>;
  /** Every update one chat event produced, in order: stored under `eventId`, then `eventId#2`, `eventId#3`… */
  parts(eventId: string): Promise<UpdateRecord[]>;
  /** An edit: new text and percent, and `taskId` when the edit names another task (the update moves there). */
  /** `targetMoves`: the edited text's target moves; those the update made before are undone first. */
  revise(
    eventId: string,
    change: { text: string; percent: number | null; taskId?: number; targetMoves?: { targetId: number; delta: number }[] },
    actor: Actor,
    at: Date,
  ): Promise<UpdateRecord | null>;
  retract(eventId: string, actor: Actor, at: Date): Promise<UpdateRecord | null>;
}

/** Chat events already handled, so a redelivered event is not acted on twice. */
export interface EventLog {
  seen(eventId: string): Promise<boolean>;
  markHandled(eventId: string, room: string, at: Date): Promise<void>;
  /** Forget events handled before `before`; returns how many. */
  prune(before: Date): Promise<number>;
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
  /** Rooms this reminder already reached (a unit may have several). */
  deliveredRooms: string[];
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
  /**
   * Insert the rows whose key is new, each already claimed by `token` at `at`; existing keys are left alone.
   * Returns the new rows' ids by key: a run sends exactly these (and what it claimed before) without reading them back.
   */
  insertClaimed(rows: NewReminder[], token: string, at: Date): Promise<Map<string, number>>;
  /** Atomically claim every undelivered reminder not claimed by a live sender; returns the rows this call claimed, oldest first. */
  claimPending(token: string, at: Date, staleClaimBefore: Date): Promise<ReminderRecord[]>;
  /** Undelivered rows, without claiming (for previews). */
  pending(): Promise<ReminderRecord[]>;
  /** Which of these keys exist already. */
  existingKeys(keys: string[]): Promise<Set<string>>;
  markDelivered(ids: number[], at: Date, note?: string): Promise<void>;
  /** Record that these reminders reached one room (the others may still be due). */
  markRoomDelivered(ids: number[], room: string): Promise<void>;
  /** Whether this claim still holds an undelivered row: false once another instance freed or took it. */
  holds(token: string): Promise<boolean>;
  /** Move this process's claim forward, so a long run never looks abandoned to another process. */
  renewClaim(token: string, at: Date): Promise<void>;
  /**
   * Free the undelivered rows claimed with tokens that start with `prefix`: those of an instance known to be gone
   * (a standby that takes over frees the lost active instance's), so they are sent now rather than after CLAIM_TTL_MS.
   */
  releaseClaims(prefix: string): Promise<number>;
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
  | { taskId: number; at: Date; kind: "deadline-set"; before: Deadline; after: Deadline };

/** The weekly digest's delivery rows (one per week), claimed and marked like reminders so it goes out exactly once. */
export interface DigestRepository {
  /** Claim the week's digest for this process (created if new); false when it is delivered or another live process holds it. */
  claim(week: string, token: string, at: Date, staleClaimBefore: Date): Promise<{ claimed: boolean; deliveredRooms: string[] }>;
  markRoomDelivered(week: string, room: string): Promise<void>;
  markDelivered(week: string, token: string, at: Date): Promise<void>;
  markFailed(week: string, token: string, error: string): Promise<void>;
  /** Like ReminderRepository.releaseClaims: free undelivered digests claimed with tokens starting with `prefix`. */
  releaseClaims(prefix: string): Promise<number>;
  delivered(week: string): Promise<boolean>;
  /** When the latest digest of an earlier week was delivered, if any: the next digest covers the time since. */
  previousDelivered(week: string): Promise<Date | null>;
}

export interface Repositories {
  plans: PlanRepository;
  updates: UpdateRepository;
  events: EventLog;
  settings: SettingsStore;
  reminders: ReminderRepository;
  pending: PendingRepository;
  audit: AuditRepository;
  requests: RequestRepository;
  evidence: EvidenceRepository;
  directoryChanges: DirectoryChangeRepository;
  targets: TargetRepository;
  history: HistoryRepository;
  digests: DigestRepository;
}
