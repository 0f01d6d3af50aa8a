/**
 * Raw rows to the shapes the Prisma repositories map from: DateTime columns become Dates and Boolean columns
 * booleans, whichever engine's form they arrive in (see src/db/sql.ts).
 */
import { asBool, asDate, asDateOrNull, type Row } from "../../db/sql.js";
import type { TargetRow, TaskRow } from "../prisma-plan-repository.js";
import type { UpdateRow } from "../prisma-update-repository.js";

export function taskRow(r: Row): TaskRow {
  return {
    ...(r as unknown as TaskRow),
    inDocument: asBool(r.inDocument),
    remindersPaused: asBool(r.remindersPaused),
    unitsAdjusted: asBool(r.unitsAdjusted),
    completedAt: asDateOrNull(r.completedAt),
    lastUpdateAt: asDateOrNull(r.lastUpdateAt),
    section: r.sectionLabel === null || r.sectionLabel === undefined ? null : { label: r.sectionLabel as string, title: r.sectionTitle as string, ordinal: r.sectionOrdinal as number },
  };
}

export function targetRow(r: Row): TargetRow {
  return { ...(r as unknown as TargetRow), createdAt: asDate(r.createdAt), removedAt: asDateOrNull(r.removedAt) };
}

export function updateRow(r: Row): UpdateRow {
  return { ...(r as unknown as UpdateRow), createdAt: asDate(r.createdAt), editedAt: asDateOrNull(r.editedAt), retractedAt: asDateOrNull(r.retractedAt) };
}

/** Group rows by a numeric key, keeping their order. */
export function groupBy<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
