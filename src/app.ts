import { commands } from "../commands/index.js";
import { requireDirectory, type Config } from "./config.js";
import { Bot } from "./core/bot.js";
import type { Logger } from "./log/logger.js";
import { createLogger } from "./log/pino-logger.js";
import type { Clock } from "./core/clock.js";
import type { Repositories } from "./core/model.js";
import { applyMigrations } from "./db/migrate.js";
import { closePrisma, openPrisma, sqlOf } from "./db/prisma-client.js";
import { asCorruption, checkDatabaseFile, isCorruption } from "./db/integrity.js";
import { type Directory, loadDirectory } from "./directory/directory.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { importPlanText } from "./plan/import-plan.js";
import { readPlanFileDocument } from "./plan/plan-document.js";
import { IMPORT_PLAN_COMMAND } from "./plan/import-hint.js";
import { DirectoryAdmin } from "./directory/directory-admin.js";
import { FsEvidenceStore } from "./evidence/fs-evidence-store.js";
import { databaseFiles, makePrivate } from "./util/private-files.js";
import { prismaRepositories } from "./repositories/index.js";
import { loadReminderPolicy } from "./reminders/load-policy.js";
import { reminderPreview } from "./reminders/next-run.js";
import type { ReminderPolicy } from "./reminders/reminder-policy.js";
import { ReminderService, type ReminderMessage, type ReminderSender } from "./reminders/reminder-service.js";
import { ReminderScheduler } from "./reminders/reminder-scheduler.js";
import { createWorkingCalendar, type WorkingCalendar } from "./reminders/working-calendar.js";
import { catalogue } from "./core/i18n/index.js";
import { sqlitePathFromUrl } from "./db/migrate.js";
import { databaseName, isPostgresUrl } from "./db/postgres.js";
import { resolve } from "node:path";
import type { MatrixTransport, MatrixTransportOptions } from "./transports/matrix.js";
import { ReportService } from "./reports/report-service.js";
import { DigestScheduler } from "./reports/digest-scheduler.js";
import { MemoryAgenda } from "./schedule/memory-agenda.js";
import { Scheduler } from "./schedule/scheduler.js";
import { workingHoursOf } from "./reminders/working-hours.js";
import { loadScorecardWeights } from "./reports/load-weights.js";
import type { Reply } from "./core/reply.js";

export interface App {
  config: Config;
  clock: Clock;
  db: PrismaClient;
  repos: Repositories;
  directory: Directory;
  bot: Bot;
  logger: Logger;
  reminders: { service: ReminderService; policy: ReminderPolicy; calendar: WorkingCalendar };
  /** The directory file with the chat changes applied; reloads the file on SIGHUP. */
  directoryAdmin: DirectoryAdmin;
  evidence: FsEvidenceStore;
  /** Reports, exports and the chart (also behind the chat commands). */
  reports: ReportService;
  /** This instance's name when it runs as the active one of several (PostgreSQL); it starts its claim tokens. */
  instance: string | null;
  close(): Promise<void>;
}

/**
 * Where the files that go with the database are kept unless configured: next to the SQLite file
 * (`data/duban.db.exports`…), or for PostgreSQL under the working folder's `data/`, named after the database
 * (`data/postgres-duban.exports`…).
 */
export function dataStemFor(config: Config): string {
  return isPostgresUrl(config.databaseUrl) ? resolve("data", `postgres-${databaseName(config.databaseUrl)}`) : sqlitePathFromUrl(config.databaseUrl);
}

/** Where the console and the command line write files: DUBAN_EXPORT_DIR, else next to the database. */
export function exportDirFor(config: Config): string {
  return config.exportDir ?? `${dataStemFor(config)}.exports`;
}

/** Where evidence files are kept: DUBAN_EVIDENCE_DIR, else next to the database. */
export function evidenceDirFor(config: Config): string {
  return config.evidenceDir ?? `${dataStemFor(config)}.evidence`;
}

/**
 * Where the Matrix crypto store (device keys, Olm and Megolm sessions) is kept: DUBAN_CRYPTO_STORE_DIR, else next to
 * the database, `<database file>.crypto/`. Its key, unless DUBAN_CRYPTO_STORE_KEY gives it, is the file
 * `<store folder>.key` beside it (mode 0600). Backups carry both (docs/encryption.md).
 */
export function cryptoStoreDirFor(config: Config): string {
  return config.matrix?.cryptoStoreDir ?? `${dataStemFor(config)}.crypto`;
}

/**
 * Open everything the bot needs, the same way for `npm start` and every CLI command:
 * migrate the database, load the directory and, on first use in demo mode, import the bundled plan.
 * `startedAt` is the instant a run asked for (`--at`, DUBAN_NOW) while its clock runs on: the bundled plan's
 * import is stamped with it, not with the moment, a second later, the import happens, so the plan and its
 * targets exist at the instant asked.
 * A damaged SQLite file is refused first with a DatabaseCorruptError: by its header, or with `check: "quick"` (a
 * long-running process) by `PRAGMA quick_check` over every page; PostgreSQL checks its own pages.
 * Outside demo mode without DUBAN_DIRECTORY it throws a ConfigError (requireDirectory) before touching the database.
 */
export async function openApp(config: Config, clock: Clock, opts: OpenOptions & { instance?: string } = {}): Promise<App> {
  return checked(config, opts, () => openChecked(config, clock, opts));
}

/** How openApp and openDatabase open the database. */
export interface OpenOptions {
  logger?: Logger;
  quiet?: boolean;
  startedAt?: Date;
  check?: "header" | "quick";
}

/** The database alone, prepared as openApp prepares it (migrated, plan codes, the bundled plan in demo mode): for commands that need no directory. */
export async function openDatabase(
  config: Config,
  clock: Clock,
  opts: OpenOptions = {},
): Promise<{ db: PrismaClient; repos: Repositories; close(): Promise<void> }> {
  return checked(config, opts, async () => {
    const { db, repos } = await prepareDatabase(config, clock, opts.logger ?? createLogger(config.logLevel), opts);
    return { db, repos, close: () => closePrisma(db) };
  });
}

async function checked<T>(config: Config, opts: OpenOptions, open: () => Promise<T>): Promise<T> {
  const sqlite = isPostgresUrl(config.databaseUrl) ? null : sqlitePathFromUrl(config.databaseUrl);
  if (sqlite) checkDatabaseFile(sqlite, opts.check ?? "header");
  try {
    return await open();
  } catch (e) {
    // A damaged page met while migrating, seeding or reading the plan: the same refusal as the checks'.
    throw sqlite ? asCorruption(e, sqlite) : e;
  }
}

/**
 * Migrate and open the database, give old plans their codes, and on an empty database import the bundled plan in
 * demo mode, or in production say in the log how to import the bureau's own.
 */
async function prepareDatabase(config: Config, clock: Clock, logger: Logger, opts: OpenOptions): Promise<{ db: PrismaClient; repos: Repositories }> {
  await applyMigrations(config.databaseUrl);
  const db = await openPrisma(config.databaseUrl);
  try {
    const stem = dataStemFor(config);
    // The folder holding the database is not touched: it may be shared. New folders get 0700 from the umask.
    makePrivate([...(isPostgresUrl(config.databaseUrl) ? [] : databaseFiles(stem)), `${stem}.matrix-sync.json`, evidenceDirFor(config)]);
    const repos = prismaRepositories(db);
    // A database from before plan codes: its plans get codes derived from their titles.
    await repos.plans.ensureCodes();
    // Only an empty database gets the bundled plan, and only in demo mode: one whose plans are all archived stays as it is.
    if ((await repos.plans.plans()).length === 0) {
      if (config.demo) {
        const { report, parsed } = await importPlanText(repos.plans, (await readPlanFileDocument(config.bundledPlan)).text, opts.startedAt ?? clock.now());
        if (!opts.quiet) logger.info("imported the bundled plan on first start", { title: report?.title, tasks: parsed.tasks.length });
      } else if (!opts.quiet) logger.warn(`尚未导入计划 / no plan imported yet: import the bureau's plan with ${IMPORT_PLAN_COMMAND}`);
    }
    return { db, repos };
  } catch (e) {
    await closePrisma(db);
    throw e;
  }
}

async function openChecked(config: Config, clock: Clock, opts: OpenOptions & { instance?: string }): Promise<App> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const directoryFile = requireDirectory(config);
  const directory = loadDirectory(directoryFile);
  const policy = loadReminderPolicy(config.remindersFile);
  const weights = loadScorecardWeights(config.scorecardFile);
  const calendar = createWorkingCalendar();
  const { db, repos } = await prepareDatabase(config, clock, logger, opts);
  try {
    const { admin: directoryAdmin, skipped } = await DirectoryAdmin.open(directoryFile, directory, repos.directoryChanges, repos.audit, repos.settings);
    if (skipped.length > 0 && !opts.quiet)
      logger.warn("some directory changes made from chat no longer fit the directory file and are not applied", { skipped });
    const evidence = new FsEvidenceStore(evidenceDirFor(config));
    if (!opts.quiet) {
      const named = new Set<string>();
      for (const plan of await repos.plans.activePlans()) for (const u of await repos.plans.unitNames(plan.id)) named.add(u);
      const missing = directory.missingUnits(named);
      if (missing.length > 0)
        logger.warn("units named by the plan are missing from the directory; their reminders go to the office's room instead", {
          directory: directoryFile,
          missing,
        });
      const codes = new Set((await repos.plans.plans()).map((p) => p.code));
      const unknown = directory.units.flatMap((u) => (u.plans ?? []).filter((c) => !codes.has(c)).map((c) => `${u.name}: ${c}`));
      if (unknown.length > 0)
        logger.warn("the directory names plan codes that no plan has; those rooms fall back to the plans in progress", {
          directory: directoryFile,
          unknown,
        });
    }
    const service = new ReminderService({
      repos,
      directory,
      calendar,
      policy,
      t: catalogue(config.lang),
      thresholds: config.thresholds,
      logger,
      clock,
      claimOwner: opts.instance,
    });
    const reports = new ReportService(
      { repos, directory, policy, thresholds: config.thresholds, weights },
      async () => `${JSON.stringify(await (await import("./reports/dump.js")).dumpDatabase(db), null, 1)}\n`,
    );
    const bot = new Bot({
      reports,
      repos,
      directory,
      clock,
      commands,
      lang: config.lang,
      thresholds: config.thresholds,
      maxMessageLength: config.maxMessageLength,
      logger,
      confirmHours: config.confirmHours,
      reminders: reminderPreview(service, calendar, policy),
      openQueries: config.openQueries,
      evidence,
      evidenceMaxMb: config.evidenceMaxMb,
      directoryAdmin,
      changesPerMinute: config.changesPerMinute,
      // A message that meets a damaged page is refused in plain words, and its transaction stores nothing.
      explainFailure: (e) => (isCorruption(e) ? catalogue(config.lang).integrity.reply : null),
    });
    return {
      config,
      clock,
      db,
      repos,
      directory,
      bot,
      logger,
      reminders: { service, policy, calendar },
      directoryAdmin,
      evidence,
      reports,
      instance: opts.instance ?? null,
      close: () => closePrisma(db),
    };
  } catch (e) {
    await closePrisma(db);
    throw e;
  }
}

/** The Matrix transport for a configured app; the sync token is kept next to the database. */
/** matrix-bot-sdk is loaded only here, on first use: the console and most CLI commands never pay its ~0.3 s. */
export async function matrixTransportFor(app: App, overrides: Partial<MatrixTransportOptions> = {}): Promise<MatrixTransport> {
  const { MatrixTransport } = await import("./transports/matrix.js");
  const m = app.config.matrix;
  if (!m) throw new Error("Matrix is not configured (MATRIX_HOMESERVER_URL)");
  return new MatrixTransport({
    homeserverUrl: m.homeserverUrl,
    accessToken: m.accessToken,
    user: m.user,
    password: m.password,
    // Named after the database file, so two databases in one folder never share a sync position.
    // On PostgreSQL the sync position is in the database, so whichever instance is active resumes from it; a sync
    // file named by MATRIX_STORAGE_FILE (the one used on SQLite) only gives it its first position.
    ...(isPostgresUrl(app.config.databaseUrl)
      ? { storageFile: null, seedSyncFrom: m.storageFile }
      : { storageFile: m.storageFile ?? `${dataStemFor(app.config)}.matrix-sync.json` }),
    bot: app.bot,
    names: app.directory.names,
    settings: app.repos.settings,
    allowedInviters: [...m.allowedInviters, ...app.directory.data.admins],
    logger: app.logger,
    lang: app.config.lang,
    groupCommit: groupCommitFor(app.db),
    // End-to-end encryption (docs/encryption.md): the store next to the database, opened by start() only.
    ...(m.encryption ? { encryption: { storeDir: cryptoStoreDirFor(app.config), ...(m.cryptoStoreKey ? { storeKey: m.cryptoStoreKey } : {}) } } : {}),
    now: () => app.clock.now().getTime(),
    ...overrides,
  });
}

/** Group commit on the app's connection (see SqliteSql.group); without the SQL client, each message commits on its own. */
function groupCommitFor(db: PrismaClient): (<T>(fn: () => Promise<T>) => Promise<T>) | undefined {
  const sql = sqlOf(db);
  return sql ? (fn) => sql.group(fn) : undefined;
}

/**
 * The one scheduler for an app's timed jobs (src/schedule/): on the database's agenda with a chat transport
 * (`sender`), on one in memory for the console, whose runs never stand in for a chat transport's.
 */
export function scheduleFor(
  app: Pick<App, "reminders" | "repos" | "clock" | "logger"> & Partial<Pick<App, "instance">>,
  sender: ReminderSender | null,
): Scheduler {
  const { policy, calendar } = app.reminders;
  return new Scheduler({
    agenda: sender ? app.repos.schedule : new MemoryAgenda(),
    clock: app.clock,
    logger: app.logger,
    timezone: policy.timezone,
    claimOwner: app.instance ?? undefined,
    workingHours: workingHoursOf(policy),
    calendar,
  });
}

/**
 * The reminder jobs for an app, delivering through `sender` (null: the caller prints, as the console does), on
 * `schedule` (shared, started by the caller) or on a scheduler of their own, which their `start` starts.
 */
export function reminderSchedulerFor(
  app: Pick<App, "reminders" | "repos" | "clock" | "logger"> & Partial<Pick<App, "instance">>,
  sender: ReminderSender | null,
  onRun?: (messages: ReminderMessage[]) => void,
  schedule?: Scheduler,
): ReminderScheduler {
  return new ReminderScheduler({
    service: app.reminders.service,
    settings: app.repos.settings,
    clock: app.clock,
    policy: app.reminders.policy,
    calendar: app.reminders.calendar,
    sender,
    logger: app.logger,
    onRun,
    schedule: schedule ?? scheduleFor(app, sender),
    owned: !schedule,
  });
}

/**
 * Forget handled chat events older than DUBAN_EVENT_RETENTION_DAYS, so the table does not grow forever.
 * The Matrix bot calls it only after its first sync of this run, when the saved sync position is already
 * past anything that old (a redelivered event could otherwise be taken as new), then once a day.
 */
export async function pruneHandledEvents(app: Pick<App, "repos" | "clock" | "config" | "logger">): Promise<number> {
  const cutoff = new Date(app.clock.now().getTime() - app.config.eventRetentionDays * 86_400_000);
  const n = await app.repos.events.prune(cutoff);
  if (n > 0) app.logger.info("pruned handled event ids", { count: n, before: cutoff.toISOString() });
  return n;
}

/** The weekly digest scheduler for an app, delivering through `sender` (null: `onRun` prints it, as the console does). */
export function digestSchedulerFor(
  app: Pick<App, "reminders" | "repos" | "clock" | "logger" | "directory" | "reports"> & Partial<Pick<App, "instance">>,
  sender: ReminderSender | null,
  onRun?: (week: string, reply: Reply) => void,
  schedule?: Scheduler,
): DigestScheduler {
  return new DigestScheduler({
    repos: app.repos,
    directory: app.directory,
    clock: app.clock,
    policy: app.reminders.policy,
    calendar: app.reminders.calendar,
    reports: app.reports,
    sender,
    logger: app.logger,
    onRun,
    claimOwner: app.instance ?? undefined,
    schedule: schedule ?? scheduleFor(app, sender),
    owned: !schedule,
  });
}
