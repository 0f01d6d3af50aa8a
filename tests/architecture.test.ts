import { createRequire } from "node:module";
import { join } from "node:path";
import { cruise, type ICruiseResult, type IFlattenedRuleSet, type IViolation } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

/**
 * The import rules of the house (.dependency-cruiser.cjs, drawn in docs/architecture.md) hold on the real tree,
 * and each of them bites on a small fixture tree that breaks it on purpose.
 */

const ROOT = join(import.meta.dirname, "..");
const FIXTURE = join(import.meta.dirname, "fixtures/import-rules");

/**
 * Violations allowed for now, each written as the test prints it. Empty is the goal: an entry here is a debt
 * with a name, to be paid and removed; one that no longer occurs fails the test so that it is removed.
 */
const KNOWN: readonly string[] = [];

const config = createRequire(import.meta.url)(join(ROOT, ".dependency-cruiser.cjs")) as {
  forbidden: IFlattenedRuleSet["forbidden"];
  options: Record<string, unknown>;
};

/** A package's resolved path, from its node_modules folder on: the same wherever node_modules is linked from. */
const shown = (path: string) => path.replace(/^.*?(?=node_modules\/)/, "");

/** One violation as a line: `rule: from → to`, or for a circle every module on it. */
function line(v: IViolation): string {
  const path = v.cycle?.length ? [v.from, ...v.cycle.map((c) => c.name)] : [v.from, v.to];
  return `${v.rule.name}: ${path.map(shown).join(" → ")}`;
}

/** The violations of the house's rules in the folders given, cruised from `baseDir`, as sorted lines. */
async function violations(baseDir: string, folders: string[]): Promise<string[]> {
  const { output } = await cruise(folders, { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  const result = output as ICruiseResult;
  return result.summary.violations.map(line).sort();
}

describe("the import rules", () => {
  it("hold on src/ and commands/, apart from the known violations listed in this test", async () => {
    const found = await violations(ROOT, ["src", "commands"]);
    const fresh = found.filter((v) => !KNOWN.includes(v));
    const gone = KNOWN.filter((k) => !found.includes(k));
    const message = [
      ...(fresh.length ? ["imports that break the rules of .dependency-cruiser.cjs (see docs/architecture.md):", ...fresh.map((v) => `  ${v}`)] : []),
      ...(gone.length ? ["known violations that no longer occur; remove them from KNOWN in tests/architecture.test.ts:", ...gone.map((k) => `  ${k}`)] : []),
    ].join("\n");
    expect(fresh.length + gone.length, message).toBe(0);
  });

  it("bite: on a tree that breaks each rule, every break is found and nothing else", async () => {
    expect(await violations(FIXTURE, ["src", "commands"])).toEqual([
      "commands-through-ports: commands/imports-repository.ts → src/repositories/task-repository.ts",
      "commands-through-ports: src/reminders/imports-generated.ts → src/generated/client.ts",
      "commands-through-ports: src/reminders/imports-pg-type.ts → node_modules/pg/lib/index.js",
      "core-stays-inside: src/core/imports-prisma.ts → node_modules/@prisma/client/default.js",
      "core-stays-inside: src/core/imports-report-type.ts → src/reports/review.ts",
      "core-stays-inside: src/core/imports-transport.ts → src/transports/chat.ts",
      "no-circular: src/directory/a.ts → src/directory/b.ts → src/directory/a.ts",
      "resolvable: src/directory/imports-missing.ts → ./missing.js",
      "transports-no-storage: src/transports/imports-better-sqlite3.ts → node_modules/better-sqlite3/lib/index.js",
      "transports-no-storage: src/transports/imports-db-dynamically.ts → src/db/sql.ts",
    ]);
  });
});
