/**
 * Raw rows to the shapes the Prisma repositories map from: DateTime columns become Dates and Boolean columns
 * booleans, whichever engine's form they arrive in (see src/db/sql.ts).
 */
import { asBool, asDate, asDateOrNull, type Row } from "../../db/sql.js";
import type { TargetRow, TaskRow } from "../prisma-plan-repository.js";
import type { UpdateRow } from "../prisma-update-repository.js";

/** Decodes in place: the raw row is the query's own object, and copying 28 columns per task cost the overview more than its SQL. */
export function taskRow(r: Row): TaskRow {
  r.inDocument = asBool(r.inDocument);
  r.remindersPaused = asBool(r.remindersPaused);
  r.unitsAdjusted = asBool(r.unitsAdjusted);
  r.completedAt = asDateOrNull(r.completedAt);
  r.lastUpdateAt = asDateOrNull(r.lastUpdateAt);
  r.section =
    r.sectionLabel === null || r.sectionLabel === undefined
      ? null
      : { label: r.sectionLabel as string, title: r.sectionTitle as string, ordinal: r.sectionOrdinal as number };
  return r as unknown as TaskRow;
}

export function targetRow(r: Row): TargetRow {
  r.createdAt = asDate(r.createdAt);
  r.removedAt = asDateOrNull(r.removedAt);
  return r as unknown as TargetRow;
}

export function updateRow(r: Row): UpdateRow {
  r.createdAt = asDate(r.createdAt);
  r.editedAt = asDateOrNull(r.editedAt);
  r.retractedAt = asDateOrNull(r.retractedAt);
  return r as unknown as UpdateRow;
}
