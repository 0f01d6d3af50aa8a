-- One record per notice (issue 26 §1): a message to a unit's rooms is a Notice, with its claim and its per-room
-- delivery; the occurrences it covers (Reminder) link to it and keep their unique key. Written from Prisma's diff,
-- with the data added by hand; the same steps as on SQLite (prisma/migrations/20261207192913_notices).
--
-- Each earlier row becomes an occurrence of a notice. Rows alike in unit and in their whole delivery state (delivered
-- at the same instant, the same attempts, error and rooms reached, the same claim) make one notice, numbered by its
-- lowest row. A message's rows usually share that state, but rows with different histories sent in one message (a
-- failed day's rows retried with the next day's: their attempts differ) become one notice each. Every occurrence keeps
-- its delivery, its rooms reached, its error and its claim, and a row still waiting is sent once, by the next run or
-- the sweep. A notice's "rooms" (where it was addressed) is '[]': the release before recorded only the rooms reached.

-- CreateTable
CREATE TABLE "Notice" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "rooms" TEXT NOT NULL DEFAULT '[]',
    "text" TEXT,
    "dueOn" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "deliveredAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "claimToken" TEXT,
    "claimedAt" TIMESTAMP(3),
    "deliveredRooms" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

INSERT INTO "Notice" ("id", "kind", "unit", "rooms", "dueOn", "createdAt", "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms")
SELECT MIN("id"), 'reminder', "unit", '[]', MIN("dueOn"), MIN("createdAt"), "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms"
FROM "Reminder"
GROUP BY "unit", "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms";

-- New notices are numbered after the ones made from earlier rows.
SELECT setval(pg_get_serial_sequence('"Notice"', 'id'), COALESCE((SELECT MAX("id") FROM "Notice"), 0) + 1, false);

ALTER TABLE "Reminder" ADD COLUMN "note" TEXT,
ADD COLUMN "noticeId" INTEGER;

UPDATE "Reminder" AS r SET "noticeId" = g."noticeId"
FROM (
  SELECT "id", MIN("id") OVER (PARTITION BY "unit", "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms") AS "noticeId"
  FROM "Reminder"
) AS g
WHERE g."id" = r."id";

ALTER TABLE "Reminder" ALTER COLUMN "noticeId" SET NOT NULL;

-- DropIndex
DROP INDEX "Reminder_pending_idx";

-- AlterTable
ALTER TABLE "Reminder" DROP COLUMN "attempts",
DROP COLUMN "claimToken",
DROP COLUMN "claimedAt",
DROP COLUMN "deliveredAt",
DROP COLUMN "deliveredRooms",
DROP COLUMN "lastError";

-- CreateIndex
CREATE INDEX "Notice_pending_idx" ON "Notice"("id") WHERE ("deliveredAt" IS NULL);

-- CreateIndex
CREATE INDEX "Reminder_noticeId_idx" ON "Reminder"("noticeId");

-- AddForeignKey
ALTER TABLE "Reminder" ADD CONSTRAINT "Reminder_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
