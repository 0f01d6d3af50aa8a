-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "archiveReason" TEXT;
ALTER TABLE "Plan" ADD COLUMN "archivedAt" DATETIME;
ALTER TABLE "Plan" ADD COLUMN "archivedBy" TEXT;
ALTER TABLE "Plan" ADD COLUMN "code" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Plan_code_key" ON "Plan"("code");
