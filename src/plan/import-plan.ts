import { readFileSync } from "node:fs";
import type { ImportReport, PlanRepository } from "../core/model.js";
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

/** Parse a plan document and, unless `dryRun`, store it in one transaction: `importPlanText(repo, text, now)`. Throws PlanParseError on bad input, before anything is written. */
export async function importPlanText(
  plans: PlanRepository,
  text: string,
  at: Date,
  opts: { dryRun?: boolean } = {},
): Promise<PlanImportResult> {
  const parsed = parsePlan(text);
  if (opts.dryRun) return { parsed, report: null };
  return { parsed, report: await plans.importPlan(parsed, at) };
}
