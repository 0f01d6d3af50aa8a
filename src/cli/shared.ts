import { writeFileSync } from "node:fs";
import { exportDirFor, openApp, openDatabase, type App } from "../app.js";
import type { Config } from "../config.js";
import { fixedClock, parseInstant, systemClock, type Clock } from "../core/clock.js";
import { catalogue } from "../core/i18n/index.js";
import type { Actor, PlanRecord, Repositories } from "../core/model.js";
import { choosePlan, planList } from "../core/plan-scope.js";
import type { OutboundFile } from "../core/reply.js";
import { isPostgresUrl } from "../db/postgres.js";
import { writeFiles } from "../transports/console.js";
import { terminalSafe } from "../util/terminal-text.js";

/** The environment the command line reads: `process.env`, or a test's. */
export type Env = Record<string, string | undefined>;

/** What a subcommand gets besides its arguments. */
export interface CliContext {
  config: Config;
  env: Env;
  /** The usage text of every subcommand, for `help`. */
  usage: string;
}

/** One `npx duban NAME …` subcommand: its metadata and the one function that runs it, returning the exit status. */
export interface CliCommand {
  name: string;
  /** Other names that run it (`--help` for help). */
  aliases?: readonly string[];
  /** Its lines in the usage text, after `npx duban ` (`say [--as USER] … "MESSAGE"`); none for help. */
  usage: readonly string[];
  run(argv: string[], ctx: CliContext): Promise<number>;
}

/** A usage or input problem: printed as is, exit status 2; with `{ usage: true }` the usage text follows it. */
export class CliError extends Error {
  readonly showUsage: boolean;
  constructor(message: string, opts: { usage?: boolean } = {}) {
    super(message);
    this.showUsage = opts.usage ?? false;
  }
}

/** The clock a subcommand runs at: `--at`, else DUBAN_NOW, else the system clock. `clockFor("2024-06-30T10:00:00+08:00", config)`. */
export function clockFor(at: string | undefined, config: Config): Clock {
  if (at !== undefined) {
    const d = parseInstant(at);
    if (!d) throw new CliError(`--at: "${at}" 不是有效的时间，例如 2024-06-30T10:00:00+08:00`);
    return fixedClock(d);
  }
  return config.now ? fixedClock(config.now) : systemClock;
}

/** Opens the app quietly, runs `fn` and closes the app, whether `fn` succeeds or not. */
export async function withApp<T>(config: Config, clock: Clock, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(config, clock, { quiet: true });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Opens the database alone, quietly, for a command that needs no directory (import); runs `fn` and closes it. */
export async function withRepos<T>(config: Config, clock: Clock, fn: (repos: Repositories) => Promise<T>): Promise<T> {
  const opened = await openDatabase(config, clock, { quiet: true });
  try {
    return await fn(opened.repos);
  } finally {
    await opened.close();
  }
}

/** Print text to stdout, terminal-safe: user text with control characters, ANSI escapes or bidi overrides is shown escaped. */
export function print(text: string): void {
  process.stdout.write(terminalSafe(text));
}

/** Write `file` to `--out` (`-` for stdout), or to the export folder under its name; returns the path. */
export function writeOut(out: string | undefined, config: Config, file: OutboundFile): string {
  if (out === "-") {
    process.stdout.write(file.data);
    return "-";
  }
  if (out) {
    writeFileSync(out, file.data, { mode: 0o600 });
    return out;
  }
  return writeFiles(exportDirFor(config), [file])[0]!;
}

/** The operator at the command line, for the audit trail; with `as`, acting as that user. */
export function cliActor(env: Env, as?: string, unit: string | null = null): Actor {
  const operator = `cli:${env.USER ?? env.USERNAME ?? "operator"}`;
  return { id: as ?? operator, unit, transport: "cli", room: null, eventId: null, ...(as ? { via: operator } : {}) };
}

/** `--year 2024` checked: a CliError unless it is a year. */
export function checkYear(year: string | undefined): void {
  if (year !== undefined && !/^20\d{2}$/.test(year)) throw new CliError(`--year: "${year}" 不是年份，例如 --year 2024`);
}

/**
 * The plan `--plan CODE` names (archived or not), or the only plan in progress; with several in progress, --plan
 * is required. The rule is choosePlan's, the same as the chat's, with no room defaults; the wording is the CLI's.
 */
export async function planOf(app: App, code: string | undefined): Promise<PlanRecord> {
  const t = catalogue(app.config.lang);
  const plans = await app.repos.plans.plans();
  const choice = choosePlan(plans, code ?? null, []);
  if ("one" in choice) return choice.one;
  if ("unknownCode" in choice) throw new CliError(`--plan: ${t.errors.unknownPlan(choice.unknownCode, planList(t, plans))}`);
  if ("none" in choice) throw new CliError(t.cli[choice.none]);
  throw new CliError(t.cli.planAmbiguous(planList(t, choice.several)));
}

/** A CliError unless the plan is in progress: an archived plan can be queried, not changed. */
export function assertPlanActive(app: App, plan: PlanRecord): void {
  if (plan.archivedAt) throw new CliError(catalogue(app.config.lang).cli.planArchived(plan.code ?? plan.title));
}

/** backup and restore copy a SQLite file; PostgreSQL is backed up with its own tools. */
export function refuseOnPostgres(config: Config, command: "backup" | "restore"): void {
  if (!isPostgresUrl(config.databaseUrl)) return;
  throw new CliError(
    command === "backup"
      ? `backup 只备份 SQLite 文件；PostgreSQL 请用 pg_dump 备份（如 pg_dump -Fc -f duban.dump "$DATABASE_URL"），或用 npx duban export --format json 导出全部数据 / ` +
          `backup copies a SQLite file; back up PostgreSQL with pg_dump, or export everything with export --format json. ` +
          `加密存储请另用 npx duban backup --crypto-only 文件 备份 / back up the crypto store with backup --crypto-only FILE`
      : `restore 只恢复 SQLite 文件；PostgreSQL 请用 pg_restore 恢复，或在新建的空库上执行 npx duban import --dump 文件 / ` +
          `restore replaces a SQLite file; restore PostgreSQL with pg_restore, or load a dump into a new empty database with import --dump. ` +
          `加密存储请另用 npx duban restore --crypto-only 文件 恢复 / restore the crypto store with restore --crypto-only FILE`,
  );
}
