/**
 * Backups of the crypto store (issue 24, docs/encryption.md "Operating it"): the folder that keeps the bot's Matrix
 * device and its keys (src/transports/crypto/durable-idb.ts) and its key file (src/transports/crypto/store-key.ts).
 *
 * A backup `FILE` carries them beside it as the live ones sit beside the database: `FILE.crypto/` and
 * `FILE.crypto.key` (no key file when the key is DUBAN_CRYPTO_STORE_KEY, which lives in the env file).
 *
 * - **Copying a store in use.** The bot may run meanwhile: its store is a snapshot plus fsynced logs, and a compaction
 *   in the background writes a new snapshot and then deletes the old log. The copy takes the snapshot, then the logs,
 *   and is kept only if the snapshot file was not replaced meanwhile (no compaction finished during the copy, so no log
 *   it needs was deleted); otherwise it is taken again. A log copied in the middle of an append ends in a torn record,
 *   which opening drops: that transaction had not completed, so the copy is the store as it was at some instant.
 * - **Checking a copy** (at backup and at restore): it must open (checksums, logs complete), and it must open with the
 *   key the bot will use: `StoreHandle.openWithKey` fails on a wrong key. When the database records the bot's device
 *   (settings key `matrix.crypto.device`), an OlmMachine is opened on the copy and must have the same ed25519 key:
 *   the device itself is in the copy, not just a store. This runs the wasm in the backup (about 0.2 s): worth it, since
 *   a backup whose key does not open it is worth nothing, and that is found only when it is needed.
 *   Opening a copy compacts it (one snapshot, an empty log); checks open copies only, never a live store.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { storeKeyFile } from "../transports/crypto/store-key.js";
import { OpsError } from "./backup.js";
import type { OlmMachine, StoreHandle } from "@matrix-org/matrix-sdk-crypto-wasm";

import { DEVICE_SETTING } from "../transports/crypto/device-setting.js";

export { DEVICE_SETTING };

/** The bot's device as recorded in settings `matrix.crypto.device`. */
export interface DeviceRecord {
  userId: string;
  deviceId: string;
  ed25519: string;
  curve25519?: string;
}

export function parseDeviceRecord(json: string | null | undefined): DeviceRecord | null {
  if (!json) return null;
  try {
    const r = JSON.parse(json) as Partial<DeviceRecord>;
    return typeof r.userId === "string" && typeof r.deviceId === "string" && typeof r.ed25519 === "string" ? (r as DeviceRecord) : null;
  } catch {
    return null;
  }
}

/** An ed25519 key in groups of 4 characters, as Element shows a session key, for comparing by eye. */
export function fingerprint(ed25519: string): string {
  return ed25519.match(/.{1,4}/g)?.join(" ") ?? ed25519;
}

const STORE_FILE = /^crypto\.(v8|\d+\.wal)$/;
const SNAPSHOT = "crypto.v8";

function fileId(file: string): string | null {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}

/** Decode a key: the configured base64 (DUBAN_CRYPTO_STORE_KEY) or a key file's content. Null when it is not 32 bytes. */
function decodeKey(base64: string): Uint8Array | null {
  const key = Buffer.from(base64.trim(), "base64");
  return key.length === 32 ? new Uint8Array(key) : null;
}

/** The key a store folder opens with: the configured one, else its key file. Throws an OpsError naming what is missing. */
export function keyFor(storeDir: string, configured: string | undefined, what: string): Uint8Array {
  if (configured) {
    const key = decodeKey(configured);
    if (!key) throw new OpsError("DUBAN_CRYPTO_STORE_KEY 必须是 base64 编码的 32 字节 / must be 32 bytes in base64");
    return key;
  }
  const file = storeKeyFile(storeDir);
  if (!existsSync(file))
    throw new OpsError(
      `${what}缺少加密存储的密钥文件 ${file}，也未设置 DUBAN_CRYPTO_STORE_KEY：没有密钥，加密存储无法打开 / the crypto store's key file is missing`,
    );
  const key = decodeKey(readFileSync(file, "utf8"));
  if (!key) throw new OpsError(`${what}的密钥文件 ${file} 已损坏（应为 base64 编码的 32 字节）/ the key file is damaged`);
  return key;
}

/**
 * Check a COPY of a store folder (it is opened, so compacted): it loads, `key` opens its crypto store, and, given the
 * recorded device, an OlmMachine on it has that device's ed25519 key. Returns the ed25519 key checked, or null when
 * no device was recorded. Throws an OpsError saying what is wrong.
 */
export async function checkStoreCopy(dir: string, key: Uint8Array, device: DeviceRecord | null): Promise<string | null> {
  // Loaded here, not at the top: every CLI command imports this module, and most never touch the store.
  const { installAsGlobalIndexedDB, openDurableIdb } = await import("../transports/crypto/durable-idb.js");
  let store: Awaited<ReturnType<typeof openDurableIdb>>;
  try {
    store = await openDurableIdb(dir);
  } catch (e) {
    throw new OpsError(`加密存储已损坏，无法打开 / the crypto store is damaged: ${(e as Error).message}`);
  }
  try {
    const names = (await store.factory.databases()).map((d) => d.name).filter((n) => n.endsWith("::matrix-sdk-crypto"));
    if (names.length === 0) throw new OpsError("加密存储中没有设备密钥（空存储）/ the crypto store holds no device");
    installAsGlobalIndexedDB(store);
    const sdk = await import("@matrix-org/matrix-sdk-crypto-wasm");
    await sdk.initAsync();
    let ed25519: string | null = null;
    for (const name of names) {
      const prefix = name.slice(0, -"::matrix-sdk-crypto".length);
      let handle: StoreHandle;
      try {
        handle = await sdk.StoreHandle.openWithKey(prefix, key);
      } catch (e) {
        throw new OpsError(`密钥与加密存储不匹配，无法打开 / the key does not open the crypto store: ${String(e)}`);
      }
      try {
        if (!device) continue;
        let machine: OlmMachine;
        try {
          machine = await sdk.OlmMachine.initFromStore(new sdk.UserId(device.userId), new sdk.DeviceId(device.deviceId), handle);
        } catch (e) {
          throw new OpsError(`加密存储中没有记录的设备 ${device.userId} ${device.deviceId} / the recorded device is not in the store: ${String(e)}`);
        }
        try {
          ed25519 = machine.identityKeys.ed25519.toBase64();
        } finally {
          machine.close();
        }
        if (ed25519 !== device.ed25519)
          throw new OpsError(
            `加密存储中的设备指纹 ${fingerprint(ed25519)} 与数据库记录的 ${fingerprint(device.ed25519)} 不同 / the store holds another device than the one recorded`,
          );
      } finally {
        handle.free();
      }
    }
    return ed25519;
  } finally {
    await store.close();
  }
}

/** Copy the store files of `src` into a new folder `dst` (0700, files 0600). Returns whether a snapshot was replaced meanwhile. */
async function copyOnce(src: string, dst: string, afterSnapshot?: () => Promise<void>): Promise<{ raced: boolean }> {
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dst, { recursive: true, mode: 0o700 });
  chmodSync(dst, 0o700);
  const snap = join(src, SNAPSHOT);
  const before = fileId(snap);
  // The snapshot first, then the logs in order: a log is deleted only after the snapshot that holds it is in place.
  const names = readdirSync(src)
    .filter((n) => STORE_FILE.test(n))
    .sort((a, b) => (a === SNAPSHOT ? -1 : b === SNAPSHOT ? 1 : Number(a.split(".")[1]) - Number(b.split(".")[1])));
  let raced = false;
  for (const n of names) {
    if (n !== SNAPSHOT && afterSnapshot) {
      await afterSnapshot();
      afterSnapshot = undefined;
    }
    try {
      copyFileSync(join(src, n), join(dst, n));
      chmodSync(join(dst, n), 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      raced = true; // deleted by a compaction after the listing
    }
  }
  return { raced: raced || fileId(snap) !== before };
}

export interface StoreCopy {
  /** How many copies were taken (more than one when a compaction raced the copy). */
  attempts: number;
  /** The ed25519 key of the device checked in the copy, or null when no device is recorded. */
  ed25519: string | null;
}

/**
 * A consistent, checked copy of the live store folder `src` into `dst` (which must not be used by anyone), its key
 * copied beside it as `storeKeyFile(dst)` unless `configuredKey` is set. Taken again when a compaction raced it.
 */
export async function copyStore(
  src: string,
  dst: string,
  opts: {
    configuredKey?: string;
    device: DeviceRecord | null;
    attempts?: number;
    /** Tests: run between copying the snapshot and copying the logs (once per attempt), to race a compaction. */
    afterSnapshot?: () => Promise<void>;
  },
): Promise<StoreCopy> {
  const key = keyFor(src, opts.configuredKey, "当前加密存储");
  const tries = opts.attempts ?? 5;
  let last: unknown = null;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const { raced } = await copyOnce(src, dst, opts.afterSnapshot);
    if (raced) {
      last = new OpsError("加密存储在复制期间被整理 / a compaction raced the copy");
      continue;
    }
    try {
      const ed25519 = await checkStoreCopy(dst, key, opts.device);
      writeKeyBeside(src, dst, opts.configuredKey);
      return { attempts: attempt, ed25519 };
    } catch (e) {
      last = e;
      // A copy that does not open may have been torn by the bot's writes: taken again (a damaged live store fails
      // every time). A wrong key or another device stays so whatever the copy: no retry.
      if (!(e instanceof OpsError) || !/已损坏|damaged/.test(e.message)) break;
    }
  }
  rmSync(dst, { recursive: true, force: true });
  throw last instanceof Error ? last : new OpsError(String(last));
}

function writeKeyBeside(src: string, dst: string, configuredKey: string | undefined): void {
  const target = storeKeyFile(dst);
  rmSync(target, { force: true });
  if (configuredKey) return; // the key lives in the env file
  copyFileSync(storeKeyFile(src), target);
  chmodSync(target, 0o600);
}

/** Remove a store folder and its key file. */
export function removeStore(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  rmSync(storeKeyFile(dir), { force: true });
}

/** Move a store folder and its key file to `to` and `storeKeyFile(to)` (those that exist). */
export function moveStore(from: string, to: string): void {
  removeStore(to);
  if (existsSync(from)) renameSync(from, to);
  if (existsSync(storeKeyFile(from))) renameSync(storeKeyFile(from), storeKeyFile(to));
}

/** Copy a backup's store folder (not in use) as it is into `dst`, files 0600. */
export async function copyStoreFiles(src: string, dst: string): Promise<void> {
  if ((await copyOnce(src, dst)).raced) throw new OpsError(`备份中的加密存储 ${src} 在复制期间被改动 / the backup changed while it was read`);
}

/** The bot's device as recorded in a SQLite database file (settings `matrix.crypto.device`), or null. */
export function deviceRecordedIn(dbFile: string): DeviceRecord | null {
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT "value" FROM "Setting" WHERE "key" = ?').get(DEVICE_SETTING) as { value: string } | undefined;
      return parseDeviceRecord(row?.value);
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/** The backup's store folder and key file for a backup file `FILE`: `FILE.crypto/` and `FILE.crypto.key`. */
export const backupStoreDir = (backupFile: string) => `${backupFile}.crypto`;

export interface StoreBackup {
  /** Where the store was copied, or null when there is no live store (nothing to carry). */
  dir: string | null;
  /** The key file written beside it, or null when the key is DUBAN_CRYPTO_STORE_KEY (kept in the env file). */
  keyFile: string | null;
  attempts: number;
  ed25519: string | null;
}

/**
 * Back up the live store `liveDir` (when it exists) as `FILE.crypto/` and `FILE.crypto.key`, checked (copyStore),
 * written under a temporary name and renamed into place. A stale `FILE.crypto` from an earlier backup is replaced,
 * or removed when there is no store any more, so a backup never pairs a database with another time's keys.
 */
export async function backupStore(liveDir: string, backupFile: string, opts: { configuredKey?: string; device: DeviceRecord | null }): Promise<StoreBackup> {
  const target = backupStoreDir(backupFile);
  if (!existsSync(liveDir)) {
    removeStore(target); // a stale copy from an earlier backup
    return { dir: null, keyFile: null, attempts: 0, ed25519: null };
  }
  const tmp = `${target}.partial-${process.pid}`;
  try {
    const copy = await copyStore(liveDir, tmp, opts);
    moveStore(tmp, target);
    return { dir: target, keyFile: opts.configuredKey ? null : storeKeyFile(target), ...copy };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(storeKeyFile(tmp), { force: true });
  }
}

/** What a restore does with the crypto store, decided before anything is changed. */
export type StoreRestorePlan =
  /** The backup's store, checked, staged at `staged`, replaces the live one (missing, or unusable for `why`). */
  | { action: "replace"; staged: string; liveWas: "missing" | "unusable"; why: string | null; ed25519: string | null }
  /**
   * The live store opens with its key (and holds the live database's device): kept, since it is newer than the backup's.
   * `record`: the live device, to record in the restored database when the backup recorded another one.
   */
  | { action: "keep"; backupHasStore: boolean; record: DeviceRecord | null }
  /** The backup has no store and the live one is missing or unusable: the bot will start as a new device. */
  | { action: "none"; liveWas: "missing" | "unusable"; why: string | null };

/** Why the live store cannot be used (null when it opens with its key). Checks a copy: the live folder is not opened. */
async function liveStoreProblem(liveDir: string, configuredKey: string | undefined, device: DeviceRecord | null): Promise<string | null> {
  const probe = `${liveDir}.checking-${process.pid}`;
  try {
    const key = keyFor(liveDir, configuredKey, "当前加密存储");
    await copyStoreFiles(liveDir, probe);
    await checkStoreCopy(probe, key, device);
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/**
 * Decide and prepare the crypto side of a restore from `backupFile` (nothing live is changed; the bot must be stopped):
 * - the live store opens with its key: it is KEPT. It holds the keys received since the backup, and putting an
 *   older copy of the same device back would make it upload one-time keys the server already has from it
 *   ("One time key … already exists", docs/encryption.md), which breaks the device for good;
 * - else, when the backup carries a store: it is copied next to the live folder and checked (it opens, the key the bot
 *   will use opens it, the device recorded in the backup's database is in it): a missing key or a damaged copy throws
 *   an OpsError and nothing is changed;
 * - else the bot will start as a new device.
 */
export async function prepareStoreRestore(
  liveDir: string,
  backupFile: string,
  opts: { configuredKey?: string; device: DeviceRecord | null; liveDevice: DeviceRecord | null },
): Promise<StoreRestorePlan> {
  const from = backupStoreDir(backupFile);
  const backupHasStore = existsSync(from);
  // The live store is checked against the device the live database records (it is the newer record), else the backup's.
  const liveProblem = existsSync(liveDir) ? await liveStoreProblem(liveDir, opts.configuredKey, opts.liveDevice ?? opts.device) : "missing";
  if (liveProblem === null) {
    const differs =
      opts.liveDevice !== null &&
      (opts.device === null || opts.device.deviceId !== opts.liveDevice.deviceId || opts.device.ed25519 !== opts.liveDevice.ed25519);
    return { action: "keep", backupHasStore, record: differs ? opts.liveDevice : null };
  }
  const liveWas = liveProblem === "missing" ? "missing" : "unusable";
  const why = liveProblem === "missing" ? null : liveProblem;
  if (!backupHasStore) return { action: "none", liveWas, why };
  const staged = `${liveDir}.restoring-${process.pid}`;
  try {
    const key = keyFor(from, opts.configuredKey, "备份");
    await copyStoreFiles(from, staged);
    const ed25519 = await checkStoreCopy(staged, key, opts.device);
    writeKeyBeside(from, staged, opts.configuredKey);
    return { action: "replace", staged, liveWas, why, ed25519 };
  } catch (e) {
    rmSync(staged, { recursive: true, force: true });
    rmSync(storeKeyFile(staged), { force: true });
    throw e;
  }
}

/** Carry out a "replace" plan: the live store and key are kept aside as `asideDir` (and its `.key`), the staged ones take their place. */
export function commitStoreRestore(plan: StoreRestorePlan, liveDir: string, asideDir: string): string | null {
  if (plan.action !== "replace") return null;
  const kept = existsSync(liveDir) || existsSync(storeKeyFile(liveDir));
  if (kept) moveStore(liveDir, asideDir);
  moveStore(plan.staged, liveDir);
  return kept ? asideDir : null;
}

/** Remove what a plan staged (a restore refused after the crypto side was prepared). */
export function discardStoreRestore(plan: StoreRestorePlan): void {
  if (plan.action !== "replace") return;
  rmSync(plan.staged, { recursive: true, force: true });
  rmSync(storeKeyFile(plan.staged), { force: true });
}

/** Record `device` as the bot's in a SQLite database file (after a restore that kept a live store of another device). */
export function recordDeviceIn(dbFile: string, device: DeviceRecord): void {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.prepare('INSERT INTO "Setting" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"').run(
      DEVICE_SETTING,
      JSON.stringify(device),
    );
  } finally {
    db.close();
  }
}
