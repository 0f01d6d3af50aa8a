-- The scheduler's agenda (issue 26 §4): one persisted item per due run, digest, sweep or follow-up.
-- CreateTable
CREATE TABLE "ScheduleItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL,
    "claimToken" TEXT,
    "claimedAt" DATETIME,
    "doneAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "ScheduleItem_key_key" ON "ScheduleItem"("key");

-- CreateIndex
CREATE INDEX "ScheduleItem_doneAt_dueAt_idx" ON "ScheduleItem"("doneAt", "dueAt");
