-- A pending question may be a target request (kind "target"): a responsible unit's 指标+1 that a lead unit confirms.
-- AlterTable
ALTER TABLE "PendingUpdate" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'update',
ADD COLUMN     "request" TEXT;
