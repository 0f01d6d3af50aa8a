import { readFileSync } from "node:fs";
import cron from "node-cron";
import { parse as parseYaml } from "yaml";
import { defaultReminderPolicy, reminderPolicySchema, type ReminderPolicy } from "./reminder-policy.js";

export class ReminderPolicyError extends Error {}

/** Load the reminder policy from a YAML/JSON file (`DUBAN_REMINDERS`), or the defaults when none is given. */
export function loadReminderPolicy(file: string | undefined): ReminderPolicy {
  if (!file) return defaultReminderPolicy;
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ReminderPolicyError(`reminder policy ${file}: cannot read it (${(e as Error).message}); fix DUBAN_REMINDERS`);
  }
  const parsed = reminderPolicySchema.strict().safeParse(data ?? {});
  if (!parsed.success)
    throw new ReminderPolicyError(
      `reminder policy ${file} is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(top level)"}: ${i.message}`).join("\n")}`,
    );
  if (!cron.validate(parsed.data.cron))
    throw new ReminderPolicyError(`reminder policy ${file} is invalid:\n  - cron: "${parsed.data.cron}" is not a valid cron expression, e.g. "0 9 * * *"`);
  if (!cron.validate(parsed.data.digestCron))
    throw new ReminderPolicyError(`reminder policy ${file} is invalid:\n  - digestCron: "${parsed.data.digestCron}" is not a valid cron expression, e.g. "0 9 * * 1"`);
  return parsed.data;
}
