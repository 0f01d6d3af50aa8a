-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Reminder" (
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
    "deliveredRooms" TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT "Reminder_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Reminder" ("attempts", "claimToken", "claimedAt", "createdAt", "deliveredAt", "dueOn", "id", "key", "kind", "lastError", "occurrence", "taskId", "unit") SELECT "attempts", "claimToken", "claimedAt", "createdAt", "deliveredAt", "dueOn", "id", "key", "kind", "lastError", "occurrence", "taskId", "unit" FROM "Reminder";
DROP TABLE "Reminder";
ALTER TABLE "new_Reminder" RENAME TO "Reminder";
CREATE UNIQUE INDEX "Reminder_key_key" ON "Reminder"("key");
CREATE INDEX "Reminder_deliveredAt_idx" ON "Reminder"("deliveredAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
