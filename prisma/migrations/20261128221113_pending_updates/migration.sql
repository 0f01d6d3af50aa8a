-- CreateTable
CREATE TABLE "PendingUpdate" (
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
    "resolvedBy" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "PendingUpdate_eventId_key" ON "PendingUpdate"("eventId");

-- CreateIndex
CREATE INDEX "PendingUpdate_room_resolvedAt_idx" ON "PendingUpdate"("room", "resolvedAt");
