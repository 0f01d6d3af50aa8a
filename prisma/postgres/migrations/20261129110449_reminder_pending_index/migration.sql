-- DropIndex
DROP INDEX "Reminder_claimToken_unit_idx";

-- DropIndex
DROP INDEX "Reminder_deliveredAt_idx";

-- CreateIndex
CREATE INDEX "Reminder_pending_idx" ON "Reminder"("id") WHERE ("deliveredAt" IS NULL);
