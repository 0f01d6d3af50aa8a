/** The repositories (存储) bundle: every storage interface the core and the commands are given. */
import type { AuditRepository } from "./audit.js";
import type { DigestRepository } from "./digests.js";
import type { DirectoryChangeRepository } from "./directory-changes.js";
import type { EventLog } from "./events.js";
import type { EvidenceRepository } from "./evidence.js";
import type { HistoryRepository } from "./history.js";
import type { PendingRepository } from "./pending.js";
import type { PlanRepository } from "./plans.js";
import type { ReminderRepository } from "./reminders.js";
import type { RequestRepository } from "./requests.js";
import type { ScheduleRepository } from "./schedule.js";
import type { SettingsStore } from "./settings.js";
import type { TargetRepository } from "./targets.js";
import type { UpdateRepository } from "./updates.js";

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
  /** The scheduler's agenda (src/schedule/). */
  schedule: ScheduleRepository;
}
