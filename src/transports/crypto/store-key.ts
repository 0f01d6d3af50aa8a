import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, closeSync, writeSync, fsyncSync, readFileSync, statSync, chmodSync } from "node:fs";
import { dirname } from "node:path";

/** The crypto store's key is missing, unreadable or malformed: the bot must not start with a new, empty store. */
export class StoreKeyError extends Error {}

/** The key file of a crypto store folder: `<folder>.key`, beside it (docs/encryption.md). */
export function storeKeyFile(storeDir: string): string {
  return `${storeDir.replace(/\/+$/, "")}.key`;
}

/**
 * The 32-byte key that `StoreHandle.openWithKey` encrypts the crypto store with:
 * - `configured` (DUBAN_CRYPTO_STORE_KEY, base64) when given;
 * - else the key file beside the store, read as base64 (one line), mode fixed to 0600;
 * - else, only when the store folder does not exist yet (a first start), a new random key written there, mode 0600,
 *   fsynced before the store is made. A store folder without its key file is refused: a new key cannot open it.
 */
export function loadStoreKey(storeDir: string, configured?: string): Uint8Array {
  if (configured !== undefined && configured !== "") {
    const key = Buffer.from(configured, "base64");
    if (key.length !== 32) throw new StoreKeyError("DUBAN_CRYPTO_STORE_KEY 必须是 base64 编码的 32 字节 / must be 32 bytes in base64");
    return new Uint8Array(key);
  }
  const file = storeKeyFile(storeDir);
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
    if (key.length !== 32) throw new StoreKeyError(`加密存储的密钥文件 ${file} 已损坏（应为 base64 编码的 32 字节）/ the key file is damaged`);
    return new Uint8Array(key);
  }
  if (existsSync(storeDir))
    throw new StoreKeyError(
      `加密存储 ${storeDir} 已存在，但缺少密钥文件 ${file}（也未设置 DUBAN_CRYPTO_STORE_KEY）。请从备份恢复密钥文件。` +
        ` / the crypto store exists but its key file is missing; restore it from the backup`,
    );
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  const fd = openSync(file, "wx", 0o600);
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600);
  return new Uint8Array(key);
}
