import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { checkRestorable, OpsError, replaceDatabase } from "../ops/backup.js";
import { commitStoreRestore, deviceRecordedIn, discardStoreRestore, prepareStoreRestore, recordDeviceIn } from "../ops/crypto-backup.js";
import { liveDevice, liveStore, refuseWhileRunning, storeRestoreLines } from "./crypto-store.js";
import { CliError, clockFor, refuseOnPostgres, type CliCommand, print } from "./shared.js";

/**
 * `duban restore FILE`: replace the database with a backup, refused while a bot holds the database; the crypto store
 * comes back from FILE.crypto/ when the live one is missing or unusable (src/ops/crypto-backup.ts prepareStoreRestore).
 * `--crypto-only`: the crypto store alone (PostgreSQL). Everything is checked before anything is changed.
 */
export default {
  name: "restore",
  usage: ["restore FILE", "restore --crypto-only FILE"],
  async run(argv, { config }) {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { "crypto-only": { type: "boolean" } } });
    if (positionals.length !== 1) throw new CliError("restore: 请给出一个备份文件 / give one backup file", { usage: true });
    const backup = positionals[0]!;
    const stamp = clockFor(undefined, config).now().toISOString().replace(/[:.]/g, "-");
    const store = liveStore(config);
    const aside = `${store.dir}.before-restore-${stamp}`;
    const refuse = (e: unknown) =>
      e instanceof OpsError ? new OpsError(`备份 ${backup} 不能用于恢复：${e.message}。当前数据库未改动，加密存储也未改动 / nothing restored`) : e;
    if (values["crypto-only"]) {
      await refuseWhileRunning(config);
      const live = await liveDevice(config);
      const plan = await prepareStoreRestore(store.dir, backup, { configuredKey: store.configuredKey, device: live, liveDevice: live }).catch((e) => {
        throw refuse(e);
      });
      print(storeRestoreLines(plan, store.dir, commitStoreRestore(plan, store.dir, aside), config));
      return 0;
    }
    refuseOnPostgres(config, "restore");
    const dbPath = sqlitePathFromUrl(config.databaseUrl);
    checkRestorable(dbPath, backup);
    // The live database may be the damaged one being replaced: then its record is unknown (null).
    const live = existsSync(dbPath) ? deviceRecordedIn(dbPath) : null;
    const plan = await prepareStoreRestore(store.dir, backup, { configuredKey: store.configuredKey, device: deviceRecordedIn(backup), liveDevice: live }).catch(
      (e) => {
        throw refuse(e);
      },
    );
    let r: { keptAs: string | null };
    try {
      r = replaceDatabase(dbPath, backup, stamp);
    } catch (e) {
      discardStoreRestore(plan);
      throw e;
    }
    // The kept store's device, recorded in the restored database: the bot refuses a store whose device is not the recorded one.
    if (plan.action === "keep" && plan.record) recordDeviceIn(dbPath, plan.record);
    print(`已从 ${backup} 恢复数据库${r.keptAs ? `；原数据库保留为 ${r.keptAs}` : ""} / restored\n`);
    print(storeRestoreLines(plan, store.dir, commitStoreRestore(plan, store.dir, aside), config));
    return 0;
  },
} satisfies CliCommand;
