/**
 * Doctor's lines about end-to-end encryption (issue 24), when Matrix is configured with encryption on: the crypto
 * store folder and its key (present, or made at first start; modes 0700 and 0600), the device the bot recorded
 * (settings `matrix.crypto.device`, with its fingerprint as Element shows it), and that the wasm module loads.
 * It never opens the store: the bot may hold it, and a store is opened by one process at a time. It only looks at
 * the folder's file names and modes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { cryptoStoreDirFor } from "../app.js";
import type { Config } from "../config.js";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { isPostgresUrl, withPgClient } from "../db/postgres.js";
import { storeKeyFile } from "../transports/crypto/store-key.js";
import type { Check } from "./check.js";
import { DEVICE_SETTING, type DeviceRecord, deviceRecordedIn, fingerprint, parseDeviceRecord } from "./crypto-backup.js";

const STORE = "加密存储 crypto store";
const DEVICE = "加密设备 crypto device";
const MODULE = "加密模块 crypto module";

const modeOf = (p: string) => statSync(p).mode & 0o777;
const octal = (m: number) => `0${m.toString(8)}`;
const is32Bytes = (base64: string) => Buffer.from(base64.trim(), "base64").length === 32;

/** The store folder and its key, read without opening the store. */
export function storeCheck(dir: string, configuredKey: string | undefined): Check {
  const keyFile = storeKeyFile(dir);
  const keyPlace = configuredKey ? "密钥在 DUBAN_CRYPTO_STORE_KEY" : `密钥 ${keyFile}`;
  if (!configuredKey && existsSync(keyFile) && !is32Bytes(readFileSync(keyFile, "utf8")))
    return {
      name: STORE,
      status: "fail",
      detail: `密钥文件 ${keyFile} 已损坏（应为 base64 编码的 32 字节），机器人不会启动；请从备份恢复 / the key file is damaged`,
    };
  if (!existsSync(dir))
    return {
      name: STORE,
      status: "ok",
      detail: `${dir} 尚不存在，首次以加密方式启动时创建${configuredKey || !existsSync(keyFile) ? "" : `（使用已有的${keyPlace}）`} / first start will create it`,
    };
  if (!configuredKey && !existsSync(keyFile))
    return {
      name: STORE,
      status: "fail",
      detail:
        `${dir} 存在，但缺少密钥文件 ${keyFile}（也未设置 DUBAN_CRYPTO_STORE_KEY），机器人不会启动：请从备份恢复密钥文件（npx duban restore） / ` +
        "the store exists but its key is missing",
    };
  const files = readdirSync(dir);
  if (!files.includes("crypto.v8") && files.some((f) => /^crypto\.\d+\.wal$/.test(f)))
    return {
      name: STORE,
      status: "fail",
      detail: `${dir} 有日志但没有快照 crypto.v8，机器人不会启动：请从备份恢复 / a log without its snapshot`,
    };
  const loose = [
    ...(modeOf(dir) !== 0o700 ? [`${dir} ${octal(modeOf(dir))}`] : []),
    ...files.filter((f) => modeOf(`${dir}/${f}`) !== 0o600).map((f) => `${f} ${octal(modeOf(`${dir}/${f}`))}`),
    ...(!configuredKey && modeOf(keyFile) !== 0o600 ? [`${keyFile} ${octal(modeOf(keyFile))}`] : []),
  ];
  if (loose.length)
    return {
      name: STORE,
      status: "warn",
      detail: `${dir}，${keyPlace}；权限过宽（应为文件夹 0700、文件 0600，机器人启动时收紧）/ modes too wide: ${loose.join(", ")}`,
    };
  return { name: STORE, status: "ok", detail: `${dir}（0700，文件 0600），${keyPlace}${configuredKey ? "" : "（0600）"} / store and key present` };
}

async function recordedDevice(config: Config): Promise<DeviceRecord | null> {
  if (!isPostgresUrl(config.databaseUrl)) {
    const file = sqlitePathFromUrl(config.databaseUrl);
    return existsSync(file) ? deviceRecordedIn(file) : null;
  }
  return withPgClient(config.databaseUrl, async (c) =>
    parseDeviceRecord((await c.query<{ value: string }>('SELECT "value" FROM "Setting" WHERE "key" = $1', [DEVICE_SETTING])).rows[0]?.value),
  ).catch(() => null);
}

export function deviceCheck(device: DeviceRecord | null): Check {
  if (!device)
    return { name: DEVICE, status: "skip", detail: "尚未记录：机器人首次以加密方式连接后记录其设备 / not recorded yet (after the first encrypted start)" };
  return {
    name: DEVICE,
    status: "ok",
    detail:
      `${device.userId} 设备 ${device.deviceId}，指纹 ${fingerprint(device.ed25519)}` +
      `（与 Element 中该会话的指纹核对 / compare with the session key Element shows; ed25519 ${device.ed25519}）`,
  };
}

async function moduleCheck(): Promise<Check> {
  try {
    // The store's IndexedDB first: the wasm is of no use without it.
    await import("fake-indexeddb");
    const sdk = await import("@matrix-org/matrix-sdk-crypto-wasm");
    await sdk.initAsync();
    const v = sdk.getVersions();
    return {
      name: MODULE,
      status: "ok",
      detail: `matrix-sdk-crypto-wasm 与 fake-indexeddb 可加载 / load (matrix-sdk-crypto ${v.matrix_sdk_crypto}, vodozemac ${v.vodozemac})`,
    };
  } catch (e) {
    return {
      name: MODULE,
      status: "fail",
      detail: `加密模块（matrix-sdk-crypto-wasm、fake-indexeddb）无法加载，加密房间将无法使用 / cannot load: ${(e as Error).message}`,
    };
  }
}

/** The encryption lines, or none when Matrix is not configured or encryption is off. */
export async function cryptoChecks(config: Config): Promise<Check[]> {
  const m = config.matrix;
  if (!m?.encryption) return [];
  return [storeCheck(cryptoStoreDirFor(config), m.cryptoStoreKey || undefined), deviceCheck(await recordedDevice(config)), await moduleCheck()];
}
