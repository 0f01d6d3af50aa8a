import { commands } from "../commands/index.js";
import { parseUpdate } from "../commands/update.js";
import type { Config } from "./config.js";
import { Bot, stderrLogger, type Logger } from "./core/bot.js";
import type { Clock } from "./core/clock.js";
import type { Repositories } from "./core/model.js";
import { applyMigrations } from "./db/migrate.js";
import { openPrisma } from "./db/prisma-client.js";
import { Directory, loadDirectory } from "./directory/directory.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { importPlanText, readPlanFile } from "./plan/import-plan.js";
import { prismaRepositories } from "./repositories/index.js";

export interface App {
  config: Config;
  clock: Clock;
  db: PrismaClient;
  repos: Repositories;
  directory: Directory;
  bot: Bot;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Open everything the bot needs, the same way for `npm start` and every CLI command:
 * migrate the database, load the directory and, on first use, import the bundled plan.
 */
export async function openApp(config: Config, clock: Clock, opts: { logger?: Logger; quiet?: boolean } = {}): Promise<App> {
  const logger = opts.logger ?? stderrLogger;
  const directory = loadDirectory(config.directoryFile);
  await applyMigrations(config.databaseUrl);
  const db = await openPrisma(config.databaseUrl);
  try {
    const repos = prismaRepositories(db);
    if (!(await repos.plans.currentPlan())) {
      const { report, parsed } = await importPlanText(repos.plans, readPlanFile(config.bundledPlan), clock.now());
      if (!opts.quiet) logger.info("imported the bundled plan on first start", { title: report?.title, tasks: parsed.tasks.length });
    }
    const plan = await repos.plans.currentPlan();
    if (plan && !opts.quiet) {
      const missing = directory.missingUnits(await repos.plans.unitNames(plan.id));
      if (missing.length > 0)
        logger.warn("units named by the plan are missing from the directory; their reminders cannot be delivered", {
          directory: config.directoryFile,
          missing,
        });
    }
    const bot = new Bot({
      repos,
      directory,
      clock,
      commands,
      lang: config.lang,
      thresholds: config.thresholds,
      maxMessageLength: config.maxMessageLength,
      logger,
      parseUpdateBody: (raw) => parseUpdate(raw)?.body ?? null,
    });
    return { config, clock, db, repos, directory, bot, logger, close: () => db.$disconnect() };
  } catch (e) {
    await db.$disconnect();
    throw e;
  }
}
