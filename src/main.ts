import { watch, type FSWatcher } from "node:fs";
import { privateUmask } from "./util/private-files.js";
import { sqlitePathFromUrl } from "./db/migrate.js";
import { isPostgresUrl } from "./db/postgres.js";
import { instanceName, Leadership, takeOver } from "./ops/leadership.js";
import { randomUUID } from "node:crypto";
import { createLogger } from "./log/pino-logger.js";
import type { Config } from "./config.js";
import { holdDatabase, liveHolders } from "./ops/holders.js";
import { botClaimOwner, expireEarlierClaims, releaseEarlierItems } from "./ops/restart-claims.js";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { catalogue } from "./core/i18n/index.js";
import { reply, type Reply } from "./core/reply.js";
import { roomMemberLines } from "./core/room-members.js";
import { openApp } from "./app.js";
import { ConfigError, readConfig, requireDirectory } from "./config.js";
import { offsetClock, systemClock, type Clock } from "./core/clock.js";
import { formatDateTime } from "./core/time.js";
import { DirectoryError } from "./directory/directory.js";
import { digestSchedulerFor, exportDirFor, matrixTransportFor, pruneHandledEvents, reminderSchedulerFor, scheduleFor, type App } from "./app.js";
import type { Scheduler } from "./schedule/scheduler.js";
import type { ReminderMessage, ReminderSender } from "./reminders/reminder-service.js";
import { printReminders, runConsole } from "./transports/console.js";
import { MatrixStartError } from "./transports/matrix-errors.js";
import { DatabaseCorruptError } from "./db/integrity.js";
import { MigrationError } from "./db/migrate.js";
import type { Lang } from "./core/i18n/index.js";
import { prepareStart, StartupError } from "./startup.js";

/** The configured language, for the message of a start that fails. */
let lang: Lang = "zh";
import { terminalSafe } from "./util/terminal-text.js";

/** Resolve when SIGTERM or SIGINT arrives. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
}

/**
 * Reload the directory file on SIGHUP and when the file changes. A file that does not validate is not
 * loaded: the old directory stays in force and the office's rooms are told what is wrong.
 */
function watchDirectory(app: App, tell: (rooms: string[], text: string) => Promise<void>): () => void {
  const actor = { id: "duban", unit: null, transport: "system", room: null, eventId: null };
  const file = requireDirectory(app.config);
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const reload = (why: string) => {
    running = running.then(async () => {
      try {
        const r = await app.directoryAdmin.reload(actor, app.clock.now());
        if (r.ok) {
          app.logger.info("directory reloaded", { why, file, skipped: r.problems });
          if (r.problems.length) await tell(app.directory.officeRooms(), catalogue(app.config.lang).directoryChat.overlaySkipped(r.problems.join("\n")));
          const viaRoom = roomMemberLines(app.directory, catalogue(app.config.lang), r.roomMembers);
          if (viaRoom.length) await tell(app.directory.officeRooms(), viaRoom.join("\n"));
        } else {
          app.logger.error("directory file does not validate; the previous directory stays in force", { file, problems: r.problems });
          await tell(app.directory.officeRooms(), catalogue(app.config.lang).directoryChat.reloadFailed(file, r.problems.join("\n")));
        }
      } catch (e) {
        app.logger.error("directory reload failed", { error: e instanceof Error ? e.message : String(e) });
      }
    });
  };
  const onHup = () => reload("SIGHUP");
  process.on("SIGHUP", onHup);
  let watcher: FSWatcher | null = null;
  try {
    // Editors often replace the file, so watch its folder and filter by name; debounce bursts of events.
    watcher = watch(dirname(file), (_event, name) => {
      if (name !== basename(file)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => reload("file changed"), 300);
    });
  } catch (e) {
    app.logger.warn("cannot watch the directory file; send SIGHUP to reload it", { error: e instanceof Error ? e.message : String(e) });
  }
  return () => {
    process.off("SIGHUP", onHup);
    watcher?.close();
    if (timer) clearTimeout(timer);
  };
}

/**
 * The one scheduler with every timed job on it (the day's reminder run, the sweep with a chat transport, the weekly
 * digest), started: it catches up at once on what fell due while the bot was down, unless told not to.
 */
async function startSchedule(
  app: App,
  sender: ReminderSender | null,
  hooks: { reminders?: (m: ReminderMessage[]) => void; digest?: (week: string, r: Reply) => void } = {},
  catchUp = true,
): Promise<Scheduler> {
  const schedule = scheduleFor(app, sender);
  reminderSchedulerFor(app, sender, hooks.reminders, schedule);
  digestSchedulerFor(app, sender, hooks.digest, schedule);
  await schedule.start({ catchUp });
  return schedule;
}

/** Run as a Matrix bot until SIGTERM: in-flight handling finishes, then the database closes. */
async function runMatrix(app: App, stopped: Promise<string> = untilSignal()): Promise<number> {
  const transport = await matrixTransportFor(app);
  let schedule: Scheduler | null = null;
  try {
    await transport.start();
    schedule = await startSchedule(app, transport.reminderSender());
  } catch (e) {
    await transport.stop();
    await schedule?.stop();
    await app.close();
    throw e;
  }
  const unwatch = watchDirectory(app, async (rooms, text) => {
    for (const room of rooms) await transport.send(room, reply(text.split("\n"))).catch(() => undefined);
  });
  // Pruning starts after the first sync batch of this run: the sync position is then past anything pruned.
  const prune = () => pruneHandledEvents(app).catch((e: unknown) => app.logger.error("pruning handled events failed", { error: String(e) }));
  const daily = setInterval(prune, 86_400_000);
  daily.unref();
  void transport.synced.then(prune);
  const signal = await stopped;
  unwatch();
  clearInterval(daily);
  app.logger.info("stopping", { signal });
  // The transport first: once it is stopping, a reminder send stuck in an outage gives up at once
  // (and is retried next run) instead of holding the shutdown for minutes.
  await transport.stop();
  await schedule.stop();
  await app.close();
  app.logger.info("stopped", { signal });
  return 0;
}

/**
 * A Matrix bot on PostgreSQL, one of possibly several instances (src/ops/leadership.ts): wait for the active role,
 * then free the claims the lost active instance left and run as the Matrix bot until stopped. Losing the lock's
 * session ends the process at once: another instance may already be active, and a supervisor restarts this one
 * as a standby.
 */
async function runAsOneOfSeveral(config: Config, clock: Clock): Promise<number> {
  const logger = createLogger(config.logLevel);
  const instance = instanceName(config.instance);
  // This process's claim tokens start with `owner`, unique per process even when a restart keeps the name.
  const owner = `${instance}#${randomUUID().slice(0, 8)}`;
  if (config.matrix && !config.matrix.accessToken)
    logger.warn(
      "MATRIX_USER/MATRIX_PASSWORD log each instance in as a new device, " +
        "so the homeserver cannot recognise a message that a new active instance sends again; " +
        "set MATRIX_ACCESS_TOKEN, the same for every instance",
      { instance },
    );
  // One handler from the start to the end: a stop while standing by, while taking over or while starting is never lost.
  const stopped = untilSignal();
  const stop = new AbortController();
  void stopped.then(() => stop.abort());
  let leadership: Leadership;
  try {
    leadership = await Leadership.acquire({ url: config.databaseUrl, instance, failoverSeconds: config.failoverSeconds, logger }, stop.signal);
  } catch (e) {
    if (!stop.signal.aborted) throw e;
    logger.info("stopped while standing by", { instance });
    return 0;
  }
  void leadership.lost.then((e) => {
    logger.error("lost the active role (the database session holding the lock ended); exiting at once", { instance, error: e.message });
    process.exit(1);
  });
  try {
    const app = await openApp(config, clock, { logger, instance: owner, check: "quick", ...(config.now ? { startedAt: config.now } : {}) });
    const freed = await takeOver(app.repos, owner, leadership.since);
    logger.info("instance active: this instance syncs Matrix and runs the reminder and digest schedulers", {
      instance,
      owner,
      previous: freed.previous,
      freedClaims: freed,
    });
    return await runMatrix(app, stopped);
  } finally {
    await leadership.release();
  }
}

/** `npm start`: the console chat unless a chat server is configured. The only module that knows every part. */
async function main(): Promise<number> {
  privateUmask();
  prepareStart(process.env);
  const { values } = parseArgs({ args: process.argv.slice(2), options: { at: { type: "string" }, "catch-up": { type: "boolean" } } });
  const config = readConfig(values.at ? { ...process.env, DUBAN_NOW: values.at } : process.env);
  lang = config.lang;
  // A production deployment without its own directory stops here, before it waits for the active role or opens the database.
  requireDirectory(config);
  // With --at/DUBAN_NOW time starts at that instant and then runs on, so a demo session feels live.
  const clock: Clock = config.now ? offsetClock(config.now, () => systemClock.now().getTime()) : systemClock;
  // Several Matrix bots on one PostgreSQL database: only the active one opens the app; the others stand by.
  if (config.matrix && isPostgresUrl(config.databaseUrl)) return runAsOneOfSeveral(config, clock);
  // A long-running process reads every page once before it starts: a damaged file is refused now, not message by message.
  // A Matrix bot (here, on SQLite) starts its claim tokens with its name, so that its next start knows them.
  const owner = config.matrix ? botClaimOwner(config.instance, randomUUID().slice(0, 8)) : undefined;
  const app = await openApp(config, clock, { check: "quick", ...(owner ? { instance: owner } : {}), ...(config.now ? { startedAt: config.now } : {}) });
  // While this process runs, `npx duban restore` refuses to replace the SQLite file under it.
  const release = isPostgresUrl(config.databaseUrl) ? () => {} : holdDatabase(sqlitePathFromUrl(config.databaseUrl));
  process.once("exit", release);
  if (config.matrix && owner) {
    // What this bot's previous process claimed and never sent (it was killed mid-run) goes out at the first sweep.
    const others = liveHolders(sqlitePathFromUrl(config.databaseUrl)).length;
    const expired = await expireEarlierClaims(app.repos, owner, others);
    // Its scheduled items too (a run it died in): due again now, not after their claim's time to live.
    const items = await releaseEarlierItems(app.repos, owner, others);
    if (expired.reminders + expired.digests + items > 0)
      app.logger.info("freed what this bot's previous process had claimed and not sent; it goes out now", { owner, ...expired, items });
    return runMatrix(app).finally(release);
  }
  const user = config.consoleUser ?? app.directory.data.admins[0] ?? "console";
  const banner =
    config.lang === "en"
      ? `duban console — speaking as ${user} in room "${config.consoleRoom}", now ${formatDateTime(clock.now())} (Asia/Shanghai). Type "help"; Ctrl-D quits.`
      : `督办控制台：当前用户 ${user}，房间“${config.consoleRoom}”，现在是 ${formatDateTime(clock.now())}（北京时间）。输入“帮助”查看用法，Ctrl-D 退出。`;
  // Runs missed before this instant (the day's reminders, the week's digest) are shown only when asked: --catch-up.
  const catchUp = values["catch-up"] === true;
  const schedule = await startSchedule(
    app,
    null,
    {
      reminders: (messages) => printReminders(process.stdout, messages),
      digest: (week, r) => void process.stdout.write(terminalSafe(`[→ ${app.directory.office} 周报 ${week}]\n${r.text}\n\n`)),
    },
    catchUp,
  );
  const unwatch = watchDirectory(app, async (rooms, text) => {
    process.stdout.write(terminalSafe(`[→ ${rooms.join(", ")}]\n${text}\n`));
  });
  try {
    await runConsole({
      bot: app.bot,
      input: process.stdin,
      output: process.stdout,
      user,
      room: config.consoleRoom,
      prompt: process.stdin.isTTY === true,
      banner,
      fileDir: exportDirFor(config),
    });
  } finally {
    unwatch();
    await schedule.stop();
    await app.close();
    release();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof StartupError) process.stderr.write(`${e.message}\n`);
    else if (e instanceof DatabaseCorruptError) process.stderr.write(`duban: ${catalogue(lang).integrity.refused(e.file, e.detail)}\n`);
    else if (e instanceof ConfigError || e instanceof DirectoryError || e instanceof MatrixStartError || e instanceof MigrationError)
      process.stderr.write(`duban: ${e.message}\n`);
    else process.stderr.write(`duban: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
