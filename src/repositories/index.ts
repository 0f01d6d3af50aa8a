import type { PrismaClient } from "../generated/prisma/client.js";
import type { Repositories } from "../core/model.js";
import { PrismaAuditRepository } from "./prisma-audit-repository.js";
import { PrismaDirectoryChangeRepository } from "./prisma-directory-change-repository.js";
import { PrismaEvidenceRepository } from "./prisma-evidence-repository.js";
import { PrismaRequestRepository } from "./prisma-request-repository.js";
import { PrismaPendingRepository } from "./prisma-pending-repository.js";
import { PrismaEventLog } from "./prisma-event-log.js";
import { PrismaPlanRepository } from "./prisma-plan-repository.js";
import { PrismaReminderRepository } from "./prisma-reminder-repository.js";
import { PrismaSettings } from "./prisma-settings.js";
import { PrismaUpdateRepository } from "./prisma-update-repository.js";
import { PrismaTargetRepository } from "./prisma-target-repository.js";
import { PrismaHistoryRepository } from "./prisma-history-repository.js";
import { PrismaDigestRepository } from "./prisma-digest-repository.js";
import { PrismaScheduleRepository } from "./prisma-schedule-repository.js";
import { sqlOf } from "../db/prisma-client.js";
import { SqlDirectoryChangeRepository } from "./sql/sql-directory-change-repository.js";
import { SqlEventLog } from "./sql/sql-event-log.js";
import { SqlPendingRepository } from "./sql/sql-pending-repository.js";
import { SqlAuditRepository } from "./sql/sql-audit-repository.js";
import { SqlPlanRepository } from "./sql/sql-plan-repository.js";
import { SqlReminderRepository } from "./sql/sql-reminder-repository.js";
import { SqlSettings } from "./sql/sql-settings.js";
import { SqlRequestRepository } from "./sql/sql-request-repository.js";
import { SqlUpdateRepository } from "./sql/sql-update-repository.js";

/**
 * Every repository over one client. On a connection opened by `openPrisma`, the hot paths (the reads of every
 * message, recording an update, the overview and a reminder run) run as hand-written SQL on Prisma's own
 * connection (src/repositories/sql/); everything else, and any other client, goes through Prisma.
 */
export function prismaRepositories(db: PrismaClient): Repositories {
  const sql = sqlOf(db);
  return {
    plans: sql ? new SqlPlanRepository(db, sql) : new PrismaPlanRepository(db),
    updates: sql ? new SqlUpdateRepository(db, sql) : new PrismaUpdateRepository(db),
    events: sql ? new SqlEventLog(db, sql) : new PrismaEventLog(db),
    settings: sql ? new SqlSettings(db, sql) : new PrismaSettings(db),
    reminders: sql ? new SqlReminderRepository(db, sql) : new PrismaReminderRepository(db),
    pending: sql ? new SqlPendingRepository(db, sql) : new PrismaPendingRepository(db),
    audit: sql ? new SqlAuditRepository(db, sql) : new PrismaAuditRepository(db),
    requests: sql ? new SqlRequestRepository(db, sql) : new PrismaRequestRepository(db),
    evidence: new PrismaEvidenceRepository(db),
    directoryChanges: sql ? new SqlDirectoryChangeRepository(db, sql) : new PrismaDirectoryChangeRepository(db),
    targets: new PrismaTargetRepository(db),
    history: new PrismaHistoryRepository(db),
    digests: new PrismaDigestRepository(db),
    schedule: new PrismaScheduleRepository(db),
  };
}
