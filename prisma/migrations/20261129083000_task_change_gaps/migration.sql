-- Writes the first TaskChange triggers missed (found in review; none comes from duban's own code, all can come
-- from another process or a hand-edited database):
-- * INSERT OR REPLACE on Task deletes the old row without firing delete triggers: raise the task it replaces.
-- * A task's id or a target's task changing: raise the old task too.
-- * A section inserted or deleted (with foreign keys off, a delete leaves Task.sectionId pointing at nothing).
CREATE TRIGGER "TaskChange_task_replace" BEFORE INSERT ON "Task" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") SELECT "id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange") FROM "Task"
    WHERE "planId" = NEW."planId" AND "number" = NEW."number"
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
DROP TRIGGER "TaskChange_task_update";
CREATE TRIGGER "TaskChange_task_update" AFTER UPDATE ON "Task" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (NEW."id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
  INSERT INTO "TaskChange" ("taskId", "seq") SELECT OLD."id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange") WHERE OLD."id" <> NEW."id"
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
DROP TRIGGER "TaskChange_target_update";
CREATE TRIGGER "TaskChange_target_update" AFTER UPDATE ON "Target" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") VALUES (NEW."taskId", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
  INSERT INTO "TaskChange" ("taskId", "seq") SELECT OLD."taskId", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange") WHERE OLD."taskId" <> NEW."taskId"
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_section_insert" AFTER INSERT ON "Section" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") SELECT "id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange") FROM "Task" WHERE "sectionId" = NEW."id"
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "TaskChange_section_delete" AFTER DELETE ON "Section" BEGIN
  INSERT INTO "TaskChange" ("taskId", "seq") SELECT "id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange") FROM "Task" WHERE "sectionId" = OLD."id"
    ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
END;
