-- Slim occurrences (issue 26 §2): a reminder run writes ~66,000 occurrences, and each repeated what its notice holds.
-- Written from Prisma's diff; the same steps as on PostgreSQL (prisma/postgres/migrations/20261207221119_slim_occurrences).
--
-- "unit" goes: an occurrence's unit is its notice's. Every path that writes occurrences puts a unit's into that unit's
-- notice (a run, the console, a dump's load), and migration 20261207192913_notices grouped the earlier rows by unit.
-- "createdAt" and "dueOn" become nullable, NULL meaning the notice's: new occurrences write NULL where they equal their
-- notice's, and the rows kept here keep their own values, so the history reads exactly as before. The table is rebuilt
-- with its ids, keys, indexes and foreign keys, and its id counter where it was (ids are never reused).
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Reminder" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "taskId" INTEGER,
    "kind" TEXT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "createdAt" DATETIME,
    "dueOn" TEXT,
    "noticeId" INTEGER NOT NULL,
    "note" TEXT,
    CONSTRAINT "Reminder_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reminder_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Reminder" ("createdAt", "dueOn", "id", "key", "kind", "note", "noticeId", "occurrence", "taskId") SELECT "createdAt", "dueOn", "id", "key", "kind", "note", "noticeId", "occurrence", "taskId" FROM "Reminder";
INSERT INTO sqlite_sequence ("name", "seq") SELECT 'new_Reminder', "seq" FROM sqlite_sequence
WHERE "name" = 'Reminder' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE "name" = 'new_Reminder');
UPDATE sqlite_sequence SET "seq" = (SELECT "seq" FROM sqlite_sequence WHERE "name" = 'Reminder')
WHERE "name" = 'new_Reminder' AND "seq" < (SELECT "seq" FROM sqlite_sequence WHERE "name" = 'Reminder');
DROP TABLE "Reminder";
ALTER TABLE "new_Reminder" RENAME TO "Reminder";
CREATE UNIQUE INDEX "Reminder_key_key" ON "Reminder"("key");
CREATE INDEX "Reminder_noticeId_idx" ON "Reminder"("noticeId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
