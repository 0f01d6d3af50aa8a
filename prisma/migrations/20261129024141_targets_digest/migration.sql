-- CreateTable
CREATE TABLE "Target" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "taskId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "due" TEXT,
    "current" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL,
    "sourceText" TEXT,
    "createdAt" DATETIME NOT NULL,
    "removedAt" DATETIME,
    CONSTRAINT "Target_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TargetChange" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "targetId" INTEGER NOT NULL,
    "fromCount" INTEGER NOT NULL,
    "toCount" INTEGER NOT NULL,
    "reason" TEXT,
    "actor" TEXT NOT NULL,
    "actorUnit" TEXT,
    "updateId" INTEGER,
    "at" DATETIME NOT NULL,
    CONSTRAINT "TargetChange_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Digest" (
    "week" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL,
    "claimToken" TEXT,
    "claimedAt" DATETIME,
    "deliveredAt" DATETIME,
    "deliveredRooms" TEXT NOT NULL DEFAULT '[]',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "Target_taskId_name_key" ON "Target"("taskId", "name");

-- CreateIndex
CREATE INDEX "TargetChange_targetId_at_idx" ON "TargetChange"("targetId", "at");

-- CreateIndex
CREATE INDEX "TargetChange_updateId_idx" ON "TargetChange"("updateId");
