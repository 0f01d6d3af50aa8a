-- CreateTable
CREATE TABLE "TaskChange" (
    "taskId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "seq" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "TaskChange_seq_idx" ON "TaskChange"("seq");

-- Triggers (Prisma's schema has no way to state them): every write to a task, its targets or its section
-- raises the task's seq above every other, so a reader that remembers the last seq it saw re-reads only what
-- changed since (src/repositories/sql/task-cache.ts). SQLite has one writer at a time, so seq grows in commit order.
CREATE TRIGGER "TaskChange_task_insert" AFTER INSERT ON "Task" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (NEW."id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_task_update" AFTER UPDATE ON "Task" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (NEW."id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_task_delete" AFTER DELETE ON "Task" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (OLD."id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_target_insert" AFTER INSERT ON "Target" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (NEW."taskId", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_target_update" AFTER UPDATE ON "Target" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (NEW."taskId", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_target_delete" AFTER DELETE ON "Target" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (OLD."taskId", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_section_update" AFTER UPDATE ON "Section" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") SELECT "id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange") FROM "Task" WHERE "sectionId" = NEW."id"
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
