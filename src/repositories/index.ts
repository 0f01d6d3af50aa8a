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

/** The Prisma implementations of every repository over one client. */
export function prismaRepositories(db: PrismaClient): Repositories {
  return {
    plans: new PrismaPlanRepository(db),
    updates: new PrismaUpdateRepository(db),
    events: new PrismaEventLog(db),
    settings: new PrismaSettings(db),
    reminders: new PrismaReminderRepository(db),
    pending: new PrismaPendingRepository(db),
    audit: new PrismaAuditRepository(db),
    requests: new PrismaRequestRepository(db),
    evidence: new PrismaEvidenceRepository(db),
    directoryChanges: new PrismaDirectoryChangeRepository(db),
    targets: new PrismaTargetRepository(db),
    history: new PrismaHistoryRepository(db),
    digests: new PrismaDigestRepository(db),
  };
}
