-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "revisedAt" DATETIME;
