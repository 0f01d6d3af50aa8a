import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
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
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ScorecardConfigError(`scorecard weights ${file}: cannot read it (${(e as Error).message}); fix DUBAN_SCORECARD`);
  }
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success)
    throw new ScorecardConfigError(
      `scorecard weights ${file} are invalid (figures: ${WEIGHTABLE.join(", ")}):\n${parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(top level)"}: ${i.message}`).join("\n")}`,
    );
  return parsed.data.weights as Record<string, number>;
}
