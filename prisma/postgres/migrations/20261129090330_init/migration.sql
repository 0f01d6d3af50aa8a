-- CreateTable
CREATE TABLE "Plan" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "issuedOn" TEXT,
    "importedAt" TIMESTAMP(3) NOT NULL,
    "revisedAt" TIMESTAMP(3),
    "code" TEXT,
    "archivedAt" TIMESTAMP(3),
    "archivedBy" TEXT,
    "archiveReason" TEXT,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Section" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "Section_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" SERIAL NOT NULL,
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
    "completedAt" TIMESTAMP(3),
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
    "lastUpdateAt" TIMESTAMP(3),
    "updateCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskChange" (
    "taskId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "TaskChange_pkey" PRIMARY KEY ("taskId")
);

-- CreateTable
CREATE TABLE "TaskUnit" (
    "taskId" INTEGER NOT NULL,
    "unit" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "TaskUnit_pkey" PRIMARY KEY ("taskId","role","position")
);

-- CreateTable
CREATE TABLE "Update" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "percent" INTEGER,
    "authorId" TEXT NOT NULL,
    "authorUnit" TEXT,
    "room" TEXT,
    "transport" TEXT NOT NULL,
    "eventId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "editedAt" TIMESTAMP(3),
    "retractedAt" TIMESTAMP(3),
    "revisions" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "Update_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedEvent" (
    "eventId" TEXT NOT NULL,
    "room" TEXT NOT NULL,
    "handledAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("eventId")
);

-- CreateTable
CREATE TABLE "Reminder" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "taskId" INTEGER,
    "unit" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "dueOn" TEXT NOT NULL,
    "deliveredAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimToken" TEXT,
    "claimedAt" TIMESTAMP(3),
    "deliveredRooms" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "Reminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PendingUpdate" (
    "id" SERIAL NOT NULL,
    "eventId" TEXT,
    "room" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "segments" TEXT NOT NULL,
    "candidates" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,
    "resolvedBy" TEXT,

    CONSTRAINT "PendingUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Request" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionReason" TEXT,

    CONSTRAINT "Request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Evidence" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "requestId" INTEGER,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "uploader" TEXT NOT NULL,
    "eventId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Evidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DirectoryChange" (
    "id" SERIAL NOT NULL,
    "op" TEXT NOT NULL,
    "user" TEXT,
    "room" TEXT,
    "unit" TEXT NOT NULL,
    "role" TEXT,
    "by" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DirectoryChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
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
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Target" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "due" TEXT,
    "current" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL,
    "sourceText" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "Target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TargetChange" (
    "id" SERIAL NOT NULL,
    "targetId" INTEGER NOT NULL,
    "fromCount" INTEGER NOT NULL,
    "toCount" INTEGER NOT NULL,
    "reason" TEXT,
    "actor" TEXT NOT NULL,
    "actorUnit" TEXT,
    "updateId" INTEGER,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TargetChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Digest" (
    "week" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "claimToken" TEXT,
    "claimedAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "deliveredRooms" TEXT NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "Digest_pkey" PRIMARY KEY ("week")
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_title_key" ON "Plan"("title");

-- CreateIndex
CREATE UNIQUE INDEX "Plan_code_key" ON "Plan"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Section_planId_ordinal_key" ON "Section"("planId", "ordinal");

-- CreateIndex
CREATE UNIQUE INDEX "Task_planId_number_key" ON "Task"("planId", "number");

-- CreateIndex
CREATE INDEX "TaskChange_seq_idx" ON "TaskChange"("seq");

-- CreateIndex
CREATE INDEX "TaskUnit_unit_role_idx" ON "TaskUnit"("unit", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Update_eventId_key" ON "Update"("eventId");

-- CreateIndex
CREATE INDEX "Update_taskId_createdAt_idx" ON "Update"("taskId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reminder_key_key" ON "Reminder"("key");

-- CreateIndex
CREATE INDEX "Reminder_deliveredAt_idx" ON "Reminder"("deliveredAt");

-- CreateIndex
CREATE INDEX "Reminder_claimToken_unit_idx" ON "Reminder"("claimToken", "unit");

-- CreateIndex
CREATE UNIQUE INDEX "PendingUpdate_eventId_key" ON "PendingUpdate"("eventId");

-- CreateIndex
CREATE INDEX "PendingUpdate_room_resolvedAt_idx" ON "PendingUpdate"("room", "resolvedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Request_eventId_key" ON "Request"("eventId");

-- CreateIndex
CREATE INDEX "Request_taskId_state_idx" ON "Request"("taskId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "Evidence_eventId_key" ON "Evidence"("eventId");

-- CreateIndex
CREATE INDEX "Evidence_taskId_idx" ON "Evidence"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditLog_prevHash_key" ON "AuditLog"("prevHash");

-- CreateIndex
CREATE UNIQUE INDEX "AuditLog_hash_key" ON "AuditLog"("hash");

-- CreateIndex
CREATE INDEX "AuditLog_taskId_id_idx" ON "AuditLog"("taskId", "id");

-- CreateIndex
CREATE INDEX "AuditLog_actor_idx" ON "AuditLog"("actor");

-- CreateIndex
CREATE UNIQUE INDEX "Target_taskId_name_key" ON "Target"("taskId", "name");

-- CreateIndex
CREATE INDEX "TargetChange_targetId_at_idx" ON "TargetChange"("targetId", "at");

-- CreateIndex
CREATE INDEX "TargetChange_updateId_idx" ON "TargetChange"("updateId");

-- AddForeignKey
ALTER TABLE "Section" ADD CONSTRAINT "Section_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "Section"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskUnit" ADD CONSTRAINT "TaskUnit_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Update" ADD CONSTRAINT "Update_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reminder" ADD CONSTRAINT "Reminder_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Request" ADD CONSTRAINT "Request_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evidence" ADD CONSTRAINT "Evidence_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Evidence" ADD CONSTRAINT "Evidence_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "Request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Target" ADD CONSTRAINT "Target_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TargetChange" ADD CONSTRAINT "TargetChange_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target"("id") ON DELETE CASCADE ON UPDATE CASCADE;
