-- One record per notice (issue 26 §1): a message to a unit's rooms is a Notice, with its claim and its per-room
-- delivery; the occurrences it covers (Reminder) link to it and keep their unique key. Written from Prisma's diff,
-- with the data added by hand; the same steps as on PostgreSQL (prisma/postgres/migrations/20261207192915_notices).
--
-- Each earlier row becomes an occurrence of a notice. Rows alike in unit and in their whole delivery state (delivered
-- at the same instant, the same attempts, error and rooms reached, the same claim) make one notice, numbered by its
-- lowest row. A message's rows usually share that state, but rows with different histories sent in one message (a
-- failed day's rows retried with the next day's: their attempts differ) become one notice each. Every occurrence keeps
-- its delivery, its rooms reached, its error and its claim, and a row still waiting is sent once, by the next run or
-- the sweep. A notice's "rooms" (where it was addressed) is '[]': the release before recorded only the rooms reached.
-- CreateTable
CREATE TABLE "Notice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "rooms" TEXT NOT NULL DEFAULT '[]',
    "text" TEXT,
    "dueOn" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "deliveredAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimToken" TEXT,
    "claimedAt" DATETIME,
    "deliveredRooms" TEXT NOT NULL DEFAULT '[]'
);

INSERT INTO "Notice" ("id", "kind", "unit", "rooms", "dueOn", "createdAt", "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms")
SELECT MIN("id"), 'reminder', "unit", '[]', MIN("dueOn"), MIN("createdAt"), "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms"
FROM "Reminder"
GROUP BY "unit", "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms";

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
    "noticeId" INTEGER NOT NULL,
    "note" TEXT,
    CONSTRAINT "Reminder_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reminder_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Reminder" ("createdAt", "dueOn", "id", "key", "kind", "occurrence", "taskId", "unit", "noticeId")
SELECT "createdAt", "dueOn", "id", "key", "kind", "occurrence", "taskId", "unit",
       MIN("id") OVER (PARTITION BY "unit", "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms")
FROM "Reminder";
DROP TABLE "Reminder";
ALTER TABLE "new_Reminder" RENAME TO "Reminder";
CREATE UNIQUE INDEX "Reminder_key_key" ON "Reminder"("key");
CREATE INDEX "Reminder_noticeId_idx" ON "Reminder"("noticeId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Notice_pending_idx" ON "Notice"("id") WHERE "deliveredAt" IS NULL;
