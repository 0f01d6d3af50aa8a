-- CreateTable
CREATE TABLE "Request" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "deadlineText" TEXT,
    "deadlineKind" TEXT,
    "deadlineDate" TEXT,
    "requestedBy" TEXT NOT NULL,
    "requesterUnit" TEXT,
    "room" TEXT,
    "transport" TEXT NOT NULL,
    "eventId" TEXT,
    "link" TEXT,
    "createdAt" DATETIME NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" DATETIME,
    "decisionReason" TEXT,
    CONSTRAINT "Request_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Evidence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" INTEGER NOT NULL,
    "requestId" INTEGER,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "uploader" TEXT NOT NULL,
    "eventId" TEXT,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Evidence_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Evidence_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "Request" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DirectoryChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "op" TEXT NOT NULL,
    "user" TEXT,
    "room" TEXT,
    "unit" TEXT NOT NULL,
    "role" TEXT,
    "by" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "actor" TEXT NOT NULL,
    "actorUnit" TEXT,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'ok',
    "taskId" INTEGER,
    "taskNumber" INTEGER,
    "transport" TEXT,
    "room" TEXT,
    "eventId" TEXT,
    "before" TEXT,
    "after" TEXT,
    "detail" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);
-- Entries written before the hash chain existed are kept as a "legacy" prefix: their prevHash and hash
-- are markers, not digests (npx duban audit --verify reports them as not verifiable). The chain starts after them.
-- Their task, from the {"taskId": …} the old entries carry, so `审计 N` still shows them.
INSERT INTO "new_AuditLog" ("action", "actor", "at", "detail", "id", "prevHash", "hash", "taskId", "taskNumber")
  SELECT "action", "actor", "at", "detail", "id", 'legacy-prev:' || "id", 'legacy:' || "id",
    CASE WHEN json_valid("detail") THEN json_extract("detail", '$.taskId') END,
    (SELECT "number" FROM "Task" WHERE "Task"."id" = CASE WHEN json_valid("detail") THEN json_extract("detail", '$.taskId') END)
  FROM "AuditLog";
DROP TABLE "AuditLog";
ALTER TABLE "new_AuditLog" RENAME TO "AuditLog";
CREATE UNIQUE INDEX "AuditLog_prevHash_key" ON "AuditLog"("prevHash");
CREATE UNIQUE INDEX "AuditLog_hash_key" ON "AuditLog"("hash");
CREATE INDEX "AuditLog_taskId_id_idx" ON "AuditLog"("taskId", "id");
CREATE INDEX "AuditLog_actor_idx" ON "AuditLog"("actor");
CREATE TABLE "new_Task" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planId" INTEGER NOT NULL,
    "sectionId" INTEGER,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "leadUnits" TEXT NOT NULL,
    "responsibleUnits" TEXT NOT NULL,
    "deadlineText" TEXT NOT NULL,
    "deadlineKind" TEXT NOT NULL,
    "deadlineDate" TEXT,
    "inDocument" BOOLEAN NOT NULL DEFAULT true,
    "completedAt" DATETIME,
    "completedBy" TEXT,
    "remindersPaused" BOOLEAN NOT NULL DEFAULT false,
    "pauseReason" TEXT,
    "originalDeadlineText" TEXT,
    "originalDeadlineKind" TEXT,
    "originalDeadlineDate" TEXT,
    "deadlineChange" TEXT,
    "unitsAdjusted" BOOLEAN NOT NULL DEFAULT false,
    "reviewPending" TEXT,
    "progress" INTEGER,
    "lastUpdateAt" DATETIME,
    "updateCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Task_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Task_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "Section" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Task" ("completedAt", "completedBy", "deadlineDate", "deadlineKind", "deadlineText", "description", "id", "inDocument", "lastUpdateAt", "leadUnits", "number", "pauseReason", "planId", "progress", "remindersPaused", "responsibleUnits", "sectionId", "title", "updateCount") SELECT "completedAt", "completedBy", "deadlineDate", "deadlineKind", "deadlineText", "description", "id", "inDocument", "lastUpdateAt", "leadUnits", "number", "pauseReason", "planId", "progress", "remindersPaused", "responsibleUnits", "sectionId", "title", "updateCount" FROM "Task";
DROP TABLE "Task";
ALTER TABLE "new_Task" RENAME TO "Task";
CREATE UNIQUE INDEX "Task_planId_number_key" ON "Task"("planId", "number");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Request_eventId_key" ON "Request"("eventId");

-- CreateIndex
CREATE INDEX "Request_taskId_state_idx" ON "Request"("taskId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "Evidence_eventId_key" ON "Evidence"("eventId");

-- CreateIndex
CREATE INDEX "Evidence_taskId_idx" ON "Evidence"("taskId");

-- The audit trail is append-only in the database itself: no bug and no hand-run statement can rewrite it.
CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE ON "AuditLog"
BEGIN
  SELECT RAISE(ABORT, 'AuditLog is append-only: UPDATE is not allowed');
END;

CREATE TRIGGER "AuditLog_no_delete" BEFORE DELETE ON "AuditLog"
BEGIN
  SELECT RAISE(ABORT, 'AuditLog is append-only: DELETE is not allowed');
END;
