import { readSettingsFile } from "../config-file.js";
import { z } from "zod";

/** The scorecard figures a weight may apply to. */
export const WEIGHTABLE = [
  "reportsExpected",
  "reportsOnTime",
  "reportsLate",
  "reportsMissing",
  "remindersReceived",
  "escalations",
  "overdueDaysOriginal",
  "overdueDaysApproved",
  "completions",
  "targetsMet",
  "targetsTotal",
] as const;

const schema = z.object({ weights: z.partialRecord(z.enum(WEIGHTABLE), z.number().finite()) }).strict();

export class ScorecardConfigError extends Error {}

/**
 * The office's scorecard weights (DUBAN_SCORECARD, YAML), e.g. `weights: { reportsOnTime: 1, reportsMissing: -2 }`:
 * the score is the sum of weight × figure. No file: null, and the scorecard shows raw figures only.
 */
export function loadScorecardWeights(file: string | undefined): Record<string, number> | null {
  if (!file) return null;
  const parsed = readSettingsFile(file, schema, {
    what: "scorecard weights",
    env: "DUBAN_SCORECARD",
    hint: `are invalid (figures: ${WEIGHTABLE.join(", ")})`,
    error: (m) => new ScorecardConfigError(m),
  });
  return parsed.weights as Record<string, number>;
}
