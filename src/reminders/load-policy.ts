import cron from "node-cron";
import { readSettingsFile } from "../config-file.js";
import { defaultReminderPolicy, reminderPolicySchema, type ReminderPolicy } from "./reminder-policy.js";

export class ReminderPolicyError extends Error {}

/** Load the reminder policy from a YAML/JSON file (`DUBAN_REMINDERS`), or the defaults when none is given. */
export function loadReminderPolicy(file: string | undefined): ReminderPolicy {
  if (!file) return defaultReminderPolicy;
  const policy = readSettingsFile(file, reminderPolicySchema.strict(), {
    what: "reminder policy",
    env: "DUBAN_REMINDERS",
    error: (m) => new ReminderPolicyError(m),
  });
  if (!cron.validate(policy.cron))
    throw new ReminderPolicyError(`reminder policy ${file} is invalid:\n  - cron: "${policy.cron}" is not a valid cron expression, e.g. "0 9 * * *"`);
  if (!cron.validate(policy.digestCron))
    throw new ReminderPolicyError(
      `reminder policy ${file} is invalid:\n  - digestCron: "${policy.digestCron}" is not a valid cron expression, e.g. "0 9 * * 1"`,
    );
  return policy;
}
