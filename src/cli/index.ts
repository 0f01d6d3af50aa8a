import { ConfigError, readConfig } from "../config.js";
import { UserError } from "../core/command.js";
import { catalogue, type Lang } from "../core/i18n/index.js";
import { DatabaseCorruptError } from "../db/integrity.js";
import { MigrationError } from "../db/migrate.js";
import { DirectoryError } from "../directory/directory.js";
import { OpsError } from "../ops/backup.js";
import { prepareStart, StartupError } from "../startup.js";
import { privateUmask } from "../util/private-files.js";
import audit from "./audit.js";
import backup from "./backup.js";
import chart from "./chart.js";
import digest from "./digest.js";
import directory from "./directory.js";
import doctor from "./doctor.js";
import evidence from "./evidence.js";
import explain from "./explain.js";
import exportCmd from "./export.js";
import help from "./help.js";
import importCmd from "./import.js";
import init from "./init.js";
import reminders from "./reminders.js";
import report from "./report.js";
import restore from "./restore.js";
import say from "./say.js";
import scorecard from "./scorecard.js";
import { CliError, type CliCommand, type Env } from "./shared.js";

/** Every subcommand, in the order of the usage text. */
export const cliCommands: readonly CliCommand[] = [
  say,
  explain,
  importCmd,
  digest,
  scorecard,
  report,
  exportCmd,
  chart,
  reminders,
  audit,
  evidence,
  directory,
  backup,
  restore,
  doctor,
  init,
  help,
];

/** The subcommands by name and alias; throws on a malformed entry or a name taken twice. */
export function commandTable(commands: readonly CliCommand[]): ReadonlyMap<string, CliCommand> {
  const table = new Map<string, CliCommand>();
  for (const command of commands) {
    if (!command.name || typeof command.run !== "function") throw new Error(`malformed CLI command: ${JSON.stringify(command.name)}`);
    for (const name of [command.name, ...(command.aliases ?? [])]) {
      if (table.has(name)) throw new Error(`duplicate CLI command name: ${name}`);
      table.set(name, command);
    }
  }
  return table;
}

/** The usage text: every subcommand's usage lines, then what every one of them reads from the environment. */
export function usageText(commands: readonly CliCommand[]): string {
  const lines = commands.flatMap((c) => c.usage.map((u) => `  npx duban ${u}`));
  return ["用法 / usage:", ...lines, "Every command honours DATABASE_URL, DUBAN_DIRECTORY, DUBAN_LANG and DUBAN_NOW."].join("\n");
}

const TABLE = commandTable(cliCommands);
const USAGE = usageText(cliCommands);

/** The `duban` command line: `runCli(["digest", "--json"])`. Returns the exit status: 2 for a user's mistake, 1 for our own. */
export async function runCli(argv: string[], env: Env = process.env): Promise<number> {
  privateUmask();
  const [name, ...rest] = argv;
  let lang: Lang = "zh";
  try {
    prepareStart(env, { command: name });
    const config = readConfig(env);
    lang = config.lang;
    if (name === undefined) {
      process.stdout.write(`${USAGE}\n`);
      return 2;
    }
    const command = TABLE.get(name);
    if (!command) throw new CliError(`未知命令 / unknown command: ${name}`, { usage: true });
    return await command.run(rest, { config, env, usage: USAGE });
  } catch (e) {
    if (e instanceof StartupError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof CliError) {
      process.stderr.write(`duban: ${e.message}\n${e.showUsage ? `${USAGE}\n` : ""}`);
      return 2;
    }
    if (e instanceof ConfigError || e instanceof DirectoryError || e instanceof OpsError || e instanceof UserError) {
      process.stderr.write(`duban: ${e.message}\n`);
      return 2;
    }
    if (e instanceof DatabaseCorruptError) {
      process.stderr.write(`duban: ${catalogue(lang).integrity.refused(e.file, e.detail)}\n`);
      return 1;
    }
    if (e instanceof MigrationError) {
      // The database's schema is not this version's (a newer version migrated it, a migration failed or was edited).
      process.stderr.write(`duban: ${e.message}\n`);
      return 1;
    }
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`duban: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`duban: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
