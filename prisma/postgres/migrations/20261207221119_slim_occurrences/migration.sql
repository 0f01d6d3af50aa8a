-- Slim occurrences (issue 26 §2): a reminder run writes ~66,000 occurrences, and each repeated what its notice holds.
-- Written from Prisma's diff; the same steps as on SQLite (prisma/migrations/20261207221118_slim_occurrences).
--
-- "unit" goes: an occurrence's unit is its notice's. Every path that writes occurrences puts a unit's into that unit's
-- notice (a run, the console, a dump's load), and migration 20261207192915_notices grouped the earlier rows by unit.
-- "createdAt" and "dueOn" become nullable, NULL meaning the notice's: new occurrences write NULL where they equal their
-- notice's, and the rows kept here keep their own values, so the history reads exactly as before.

-- AlterTable
ALTER TABLE "Reminder" DROP COLUMN "unit",
ALTER COLUMN "createdAt" DROP NOT NULL,
ALTER COLUMN "dueOn" DROP NOT NULL;
