import { UserError, type CommandContext, type ReportsPort } from "./command.js";

/** The report service, or a UserError saying reports are not available here. */
export function requireReports(ctx: CommandContext): ReportsPort {
  if (!ctx.reports) throw new UserError(ctx.t.reports.unavailable);
  return ctx.reports;
}

/** A four-digit year in `text` (`2024`, `2024年`), or null. */
export function readYear(text: string): number | null {
  const m = /(?<!\d)(20\d{2})(?!\d)/.exec(text);
  return m ? Number(m[1]) : null;
}
