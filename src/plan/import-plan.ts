import { readFileSync } from "node:fs";
import type { Actor, ImportReport, PlanRepository } from "../core/model.js";
import { parsePlan } from "./plan-parser.js";
import type { ParsedPlan } from "./types.js";

export interface PlanImportResult {
  parsed: ParsedPlan;
  /** null for a dry run. */
  report: ImportReport | null;
}

/** Read a plan document as UTF-8 text (a BOM is handled by the parser). */
export function readPlanFile(file: string): string {
  return readFileSync(file, "utf8");
}

/** The bot itself, for changes nobody typed (the bundled plan imported on first start). */
export const SYSTEM_ACTOR: Actor = { id: "duban", unit: null, transport: "system", room: null, eventId: null };

/**
 * Parse a plan document and, unless `dryRun`, store it in one transaction: `importPlanText(repo, text, now)`.
 * Throws PlanParseError on bad input, before anything is written.
 */
export async function importPlanText(plans: PlanRepository, text: string, at: Date, opts: { dryRun?: boolean; actor?: Actor } = {}): Promise<PlanImportResult> {
  const parsed = parsePlan(text);
  if (opts.dryRun) return { parsed, report: null };
  return { parsed, report: await plans.importPlan(parsed, at, opts.actor ?? SYSTEM_ACTOR) };
}
