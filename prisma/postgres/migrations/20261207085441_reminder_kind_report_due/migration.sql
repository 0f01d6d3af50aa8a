-- The reminder kind "report" (the monthly progress report an ongoing task owes, 进展报送) is now "report-due": "report"
-- also named a progress update and a review document. Written by hand: no column changes, only the stored rows.
-- The same statement as on SQLite (prisma/migrations/20261207085441_reminder_kind_report_due).
-- A reminder's key is taskId:unit:kind:occurrence, so the key is rewritten with the kind: a reminder sent under the
-- old key is found under the new one and never sent again, and one recorded but not yet sent is sent once.
-- Ids stay, so a send being retried keeps its transport key (rem-<first id>-<count>).
UPDATE "Reminder"
SET "key" = CASE
      WHEN "key" = CAST("taskId" AS TEXT) || ':' || "unit" || ':report:' || "occurrence"
      THEN CAST("taskId" AS TEXT) || ':' || "unit" || ':report-due:' || "occurrence"
      ELSE "key"
    END,
    "kind" = 'report-due'
WHERE "kind" = 'report';
