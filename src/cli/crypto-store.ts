import { cryptoStoreDirFor } from "../app.js";
import type { Config } from "../config.js";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { isPostgresUrl, withPgClient } from "../db/postgres.js";
import { OpsError } from "../ops/backup.js";
import {
  DEVICE_SETTING,
  type DeviceRecord,
  deviceRecordedIn,
  fingerprint,
  parseDeviceRecord,
  type StoreBackup,
  type StoreRestorePlan,
} from "../ops/crypto-backup.js";
import { liveHolders } from "../ops/holders.js";
import { instances } from "../ops/leadership.js";

/** Where the live crypto store is, and its key when it is configured rather than in a key file (backup and restore). */
export function liveStore(config: Config): { dir: string; configuredKey: string | undefined } {
  return { dir: cryptoStoreDirFor(config), configuredKey: config.matrix?.cryptoStoreKey || undefined };
}

/** The bot's device recorded in the live database (SQLite file or PostgreSQL), or null. */
export async function liveDevice(config: Config): Promise<DeviceRecord | null> {
  if (!isPostgresUrl(config.databaseUrl)) return deviceRecordedIn(sqlitePathFromUrl(config.databaseUrl));
  return withPgClient(config.databaseUrl, async (c) =>
    parseDeviceRecord((await c.query<{ value: string }>('SELECT "value" FROM "Setting" WHERE "key" = $1', [DEVICE_SETTING])).rows[0]?.value),
  ).catch(() => null);
}

/** Refuse while a bot runs on this database: its crypto store is open in that process. */
export async function refuseWhileRunning(config: Config): Promise<void> {
  if (!isPostgresUrl(config.databaseUrl)) {
    const holders = liveHolders(sqlitePathFromUrl(config.databaseUrl));
    if (holders.length > 0)
      throw new OpsError(
        `数据库正被督办进程使用（pid ${holders.join(", ")}），请先停止机器人再恢复 / the database is in use by duban (pid ${holders.join(", ")}); stop the bot first`,
      );
    return;
  }
  const who = await withPgClient(config.databaseUrl, (c) => instances(c));
  const running = [...(who.active ? [who.active] : []), ...who.standby].map((i) => i.instance);
  if (running.length > 0)
    throw new OpsError(`督办实例正在运行（${running.join("、")}），请先停止机器人再恢复加密存储 / a bot instance is running; stop it first`);
}

/** The lines `backup` prints about the crypto store. */
export function storeBackupLines(r: StoreBackup, config: Config): string {
  if (!r.dir) return config.matrix?.encryption ? "没有加密存储可备份（机器人尚未以加密方式连接过 Matrix）/ no crypto store yet: nothing to carry\n" : "";
  const device = r.ed25519 ? `，设备指纹 ${fingerprint(r.ed25519)} 已核对` : "，已核对可用密钥打开";
  const retried = r.attempts > 1 ? `（机器人运行中整理了存储，复制了 ${r.attempts} 次）` : "";
  const key = r.keyFile
    ? `密钥在 ${r.keyFile}：三者要放在一起保存，密钥文件与备份同等保密 / the crypto store and its key file are backed up beside it; keep them together\n`
    : "密钥是环境文件中的 DUBAN_CRYPTO_STORE_KEY，不在备份中：请把环境文件与备份一起保管，没有它无法恢复 / " +
      "the key is DUBAN_CRYPTO_STORE_KEY in the env file, not in the backup: keep the env file with the backup\n";
  return `加密存储已一并备份到 ${r.dir}${device}${retried}；${key}`;
}

/** The lines `restore` prints about the crypto store. */
export function storeRestoreLines(plan: StoreRestorePlan, liveDir: string, keptAs: string | null, config: Config): string {
  // Never had a store, and no encryption to start one: nothing to say.
  if (plan.action === "none" && plan.liveWas === "missing" && !config.matrix?.encryption) return "";
  switch (plan.action) {
    case "replace":
      return (
        `加密存储已从备份恢复到 ${liveDir}${plan.ed25519 ? `（设备指纹 ${fingerprint(plan.ed25519)}）` : ""}` +
        `${plan.liveWas === "missing" ? "" : `；原存储无法使用（${plan.why}）`}${keptAs ? `，原存储保留为 ${keptAs}` : ""}` +
        " / the crypto store was restored from the backup\n"
      );
    case "keep":
      return (
        `当前加密存储 ${liveDir} 完好，保持不变：它含有备份之后收到的密钥；换回较旧的副本会使设备与服务器的一次性密钥冲突而失效。` +
        `${plan.backupHasStore ? "如确需换回备份中的存储，请先停止机器人并把当前文件夹移开，再恢复。" : ""}` +
        " / the live crypto store opens with its key and was kept\n"
      );
    case "none":
      return (
        `备份中没有加密存储${plan.liveWas === "missing" ? "，当前也没有" : `，当前的无法使用（${plan.why}），请先把它移开`}：` +
        "机器人启动时将作为新设备登录（新的 MATRIX_ACCESS_TOKEN，或用 MATRIX_USER 和 MATRIX_PASSWORD 登录），此前发给它的加密消息它无法再解密 / " +
        "no crypto store in the backup: the bot will start as a new device (log it in again: a new token, or user and password)\n"
      );
  }
}
