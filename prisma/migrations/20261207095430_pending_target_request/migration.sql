-- A pending question may be a target request (kind "target"): a responsible unit's 指标+1 that a lead unit confirms.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PendingUpdate" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" TEXT,
    "room" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "segments" TEXT NOT NULL,
    "candidates" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "resolvedAt" DATETIME,
    "resolution" TEXT,
    "resolvedBy" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'update',
    "request" TEXT
);
INSERT INTO "new_PendingUpdate" ("authorId", "candidates", "createdAt", "eventId", "expiresAt", "id", "resolution", "resolvedAt", "resolvedBy", "room", "segments", "text", "transport") SELECT "authorId", "candidates", "createdAt", "eventId", "expiresAt", "id", "resolution", "resolvedAt", "resolvedBy", "room", "segments", "text", "transport" FROM "PendingUpdate";
DROP TABLE "PendingUpdate";
ALTER TABLE "new_PendingUpdate" RENAME TO "PendingUpdate";
CREATE UNIQUE INDEX "PendingUpdate_eventId_key" ON "PendingUpdate"("eventId");
CREATE INDEX "PendingUpdate_room_resolvedAt_idx" ON "PendingUpdate"("room", "resolvedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
