-- CreateIndex
CREATE INDEX "Reminder_claimToken_unit_idx" ON "Reminder"("claimToken", "unit");
