import { parseArgs } from "node:util";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { isPostgresUrl } from "../db/postgres.js";
import { backupDatabase, OpsError } from "../ops/backup.js";
import { backupStore, deviceRecordedIn } from "../ops/crypto-backup.js";
import { formatSize } from "../util/format-size.js";
import { liveDevice, liveStore, storeBackupLines } from "./crypto-store.js";
import { CliError, refuseOnPostgres, type CliCommand, print } from "./shared.js";

/**
 * `duban backup FILE`: a consistent online backup, checked with integrity_check, with the crypto store and its key
 * beside it (FILE.crypto/, FILE.crypto.key). `--crypto-only`: the crypto store alone (PostgreSQL, whose database is
 * backed up with pg_dump). Safe while the bot runs.
 */
export default {
  name: "backup",
  usage: ["backup FILE", "backup --crypto-only FILE"],
  async run(argv, { config }) {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { "crypto-only": { type: "boolean" } } });
    if (positionals.length !== 1) throw new CliError("backup: 请给出一个备份文件名 / give one backup file", { usage: true });
    const target = positionals[0]!;
    const store = liveStore(config);
    const started = performance.now();
    if (values["crypto-only"]) {
      const r = await backupStore(store.dir, target, { configuredKey: store.configuredKey, device: await liveDevice(config) });
      if (!r.dir) throw new CliError(`没有加密存储可备份：${store.dir} 不存在 / no crypto store at ${store.dir}`);
      print(storeBackupLines(r, config));
      if (isPostgresUrl(config.databaseUrl))
        print('数据库请另用 pg_dump 备份，如 pg_dump -Fc -f duban.dump "$DATABASE_URL" / back up the database with pg_dump\n');
      return 0;
    }
    refuseOnPostgres(config, "backup");
    const r = await backupDatabase(sqlitePathFromUrl(config.databaseUrl), target);
    print(`已备份到 ${target}（${formatSize(r.bytes)}，${r.pages} 页，integrity_check ok，${Math.round(performance.now() - started)} ms）/ backed up\n`);
    // The device recorded in the copy, so the store copied after it is checked against the same database.
    const s = await backupStore(store.dir, target, { configuredKey: store.configuredKey, device: deviceRecordedIn(target) }).catch((e: unknown) => {
      throw e instanceof OpsError ? new OpsError(`数据库已备份，但加密存储未能备份：${e.message} / the database was backed up, the crypto store was not`) : e;
    });
    print(storeBackupLines(s, config));
    return 0;
  },
} satisfies CliCommand;
