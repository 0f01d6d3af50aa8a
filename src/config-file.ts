import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";

/**
 * Read a YAML (or JSON) settings file and check it against `schema`; on failure throw `error(message)` naming the
 * file, the environment variable that points at it and every invalid key:
 * `readSettingsFile("reminders.yaml", schema, { what: "reminder policy", env: "DUBAN_REMINDERS", error: (m) => new ReminderPolicyError(m) })`.
 */
export function readSettingsFile<S extends z.ZodType>(
  file: string,
  schema: S,
  o: { what: string; env: string; error: (message: string) => Error; hint?: string },
): z.output<S> {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw o.error(`${o.what} ${file}: cannot read it (${(e as Error).message}); fix ${o.env}`);
  }
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success)
    throw o.error(
      `${o.what} ${file} ${o.hint ?? "is invalid"}:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(top level)"}: ${i.message}`).join("\n")}`,
    );
  return parsed.data;
}
