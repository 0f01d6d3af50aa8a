-- CreateTable
CREATE TABLE "Plan" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "issuedOn" TEXT,
    "importedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Section" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planId" INTEGER NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    CONSTRAINT "Section_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Task" (
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
    "progress" INTEGER,
    "lastUpdateAt" DATETIME,
    "updateCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Task_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Task_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "Section" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TaskUnit" (
    "taskId" INTEGER NOT NULL,
    "unit" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("taskId", "role", "position"),
    CONSTRAINT "TaskUnit_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Update" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "percent" INTEGER,
    "authorId" TEXT NOT NULL,
    "authorUnit" TEXT,
    "room" TEXT,
    "transport" TEXT NOT NULL,
    "eventId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "editedAt" DATETIME,
    "retractedAt" DATETIME,
    "revisions" TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT "Update_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProcessedEvent" (
    "eventId" TEXT NOT NULL PRIMARY KEY,
    "room" TEXT NOT NULL,
    "handledAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Reminder" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "taskId" INTEGER,
    "unit" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "dueOn" TEXT NOT NULL,
    "deliveredAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimToken" TEXT,
    "claimedAt" DATETIME,
    CONSTRAINT "Reminder_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "detail" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Plan_title_key" ON "Plan"("title");

-- CreateIndex
CREATE UNIQUE INDEX "Section_planId_ordinal_key" ON "Section"("planId", "ordinal");

-- CreateIndex
CREATE UNIQUE INDEX "Task_planId_number_key" ON "Task"("planId", "number");

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
