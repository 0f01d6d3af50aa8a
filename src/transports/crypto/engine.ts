/**
 * The bot's end-to-end encryption (issue 24, docs/encryption.md): `@matrix-org/matrix-sdk-crypto-wasm`'s OlmMachine,
 * on a durable IndexedDB of our own (durable-idb.ts), driven the way matrix-js-sdk drives it. Loaded only when the
 * Matrix transport starts with encryption on: the console and the CLI never load the wasm.
 *
 * The traps of docs/encryption.md are kept here:
 * - every machine call that makes or marks requests runs under one lock, so two rooms never encrypt at once;
 * - the room key is shared (`shareRoomKey`) right before every `encryptRoomEvent` (encrypting without it panics the
 *   wasm, which ends the process);
 * - `UserId`/`RoomId` objects are made fresh for each call (the wasm consumes its arguments);
 * - every committed store transaction is already on disk (the durable store fsyncs it), so the store never forgets a
 *   one-time key the server has;
 * - the store is opened with `StoreHandle.openWithKey` (15 ms), not a passphrase (about 1 s).
 *
 * The engine has no HTTP of its own: its requests go out through `send`, the transport's retried `doRequest`.
 */
import { existsSync } from "node:fs";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { SettingsStore } from "../../core/model.js";
import type { Logger } from "../../log/logger.js";
import { silentLogger } from "../../log/logger.js";
import type { MatrixEvent, SyncEncryptionData } from "../matrix-sync.js";
import { ensureCrossSigning, type CrossSigningAuth, type CrossSigningOutcome } from "./cross-signing.js";
import { installAsGlobalIndexedDB, openDurableIdb, type DurableIdb } from "./durable-idb.js";

/** One HTTP request to the homeserver: method, path under the homeserver URL, JSON body; resolves to the parsed answer. */
export type CryptoSend = (method: string, path: string, body: unknown) => Promise<unknown>;

/** Where the engine records the bot's device (doctor and the docs show its fingerprint without opening the store). */
export const DEVICE_SETTING = "matrix.crypto.device";

/** The bot's device as recorded under `matrix.crypto.device`. */
export interface CryptoDevice {
  userId: string;
  deviceId: string;
  ed25519: string;
  curve25519: string;
}

/** The store belongs to another device or user, or its keys are not the device's: starting would cost the bot its keys. */
export class CryptoDeviceMismatch extends Error {}

export interface MatrixCryptoOptions {
  storeDir: string;
  /** 32 bytes (loadStoreKey). */
  storeKey: Uint8Array;
  userId: string;
  deviceId: string;
  send: CryptoSend;
  settings: SettingsStore;
  logger?: Logger;
}

/** What `decrypt` made of an `m.room.encrypted` event. */
export type DecryptOutcome =
  | { ok: true; event: MatrixEvent; senderDevice?: string }
  /** `missingKeys`: the room key has not arrived (yet); worth retrying when it comes. */
  | { ok: false; missingKeys: boolean; code: string; message: string };

const STORE_NAME = "duban-crypto";

let wasmReady: Promise<void> | null = null;

/** Compile the wasm once per process. */
function initWasm(): Promise<void> {
  wasmReady ??= sdk.initAsync();
  return wasmReady;
}

/** A FIFO lock: `run` waits for every earlier call to finish. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

const enc = encodeURIComponent;
const json = (s: string): unknown => JSON.parse(s);

export class MatrixCrypto {
  private readonly lock = new Lock();
  private closing: Promise<void> | null = null;
  private closed = false;
  /** The key counts of the last sync batch handed to the machine. */
  private lastCounts = "";
  private readonly logger: Logger;

  private constructor(
    private readonly machine: sdk.OlmMachine,
    private readonly store: DurableIdb,
    private readonly opts: MatrixCryptoOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
  }

  /**
   * Open the store in `storeDir` and the machine on it (a new device account the first time), check it against the
   * device recorded in the settings, record it, and send what the machine has to send (the first keys/upload).
   * Throws CryptoDeviceMismatch when the store or the record belongs to another device.
   */
  static async open(opts: MatrixCryptoOptions): Promise<MatrixCrypto> {
    const logger = opts.logger ?? silentLogger;
    let recorded = await MatrixCrypto.recordedDevice(opts.settings);
    const fresh = !existsSync(opts.storeDir);
    if (recorded && (recorded.userId !== opts.userId || recorded.deviceId !== opts.deviceId)) {
      if (!fresh)
        throw new CryptoDeviceMismatch(
          `加密存储 ${opts.storeDir} 属于设备 ${recorded.userId} / ${recorded.deviceId}，而当前登录的是 ${opts.userId} / ${opts.deviceId}。` +
            `请使用原设备的访问令牌，或从备份恢复与当前设备匹配的加密存储；如确需作为新设备启动，请先把旧的加密存储目录移走。` +
            ` / The crypto store belongs to device ${recorded.deviceId} of ${recorded.userId}, ` +
            `but the bot is logged in as ${opts.deviceId} of ${opts.userId}. Use that device's access token, ` +
            `or restore the store that matches this device; to start as a new device, move the old store away first.`,
        );
      // A new device with a new store: nothing of the old one can be used any more.
      logger.warn("matrix crypto: starting as a new device with a new store", { previous: recorded.deviceId, deviceId: opts.deviceId });
      recorded = null;
    }
    await initWasm();
    const store = await openDurableIdb(opts.storeDir, { logger });
    let machine: sdk.OlmMachine;
    try {
      // The wasm finds the store through globalThis.indexedDB when it opens it (one store per process in production).
      installAsGlobalIndexedDB(store);
      const handle = await sdk.StoreHandle.openWithKey(STORE_NAME, opts.storeKey);
      try {
        machine = await sdk.OlmMachine.initFromStore(new sdk.UserId(opts.userId), new sdk.DeviceId(opts.deviceId), handle);
      } catch (e) {
        throw new CryptoDeviceMismatch(
          `无法用当前设备 ${opts.userId} / ${opts.deviceId} 打开加密存储 ${opts.storeDir}（${e instanceof Error ? e.message : String(e)}）。` +
            "请恢复与该设备匹配的加密存储，或把该目录移走后作为新设备启动。" +
            " / The crypto store does not open for this device; restore the matching store, or move it away to start as a new device.",
        );
      } finally {
        handle.free();
      }
    } catch (e) {
      await store.close();
      throw e;
    }
    const crypto = new MatrixCrypto(machine, store, opts);
    const me = crypto.identity();
    if (recorded && recorded.ed25519 !== me.ed25519) {
      await crypto.close();
      throw new CryptoDeviceMismatch(
        `加密存储 ${opts.storeDir} 中的密钥与设备 ${opts.deviceId} 已登记的密钥不符（可能是新建或换错的存储）。` +
          "请从备份恢复原加密存储；或把它移走，换一个新设备（新的访问令牌）启动。" +
          ` / The keys in the crypto store are not the ones recorded for device ${opts.deviceId} (a new or wrong store): ` +
          "restore the original store from the backup, or move it away and start as a new device (a new access token).",
      );
    }
    if (!recorded) await opts.settings.set(DEVICE_SETTING, JSON.stringify(me));
    logger.info("matrix crypto opened", { deviceId: me.deviceId, ed25519: me.ed25519 });
    await crypto.lock.run(() => crypto.flush());
    return crypto;
  }

  /** The device recorded in the settings, if any. */
  static async recordedDevice(settings: SettingsStore): Promise<CryptoDevice | null> {
    const raw = await settings.get(DEVICE_SETTING);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as CryptoDevice;
    } catch {
      return null;
    }
  }

  /** The bot's device and its identity keys. */
  identity(): CryptoDevice {
    const keys = this.machine.identityKeys;
    return {
      userId: this.machine.userId.toString(),
      deviceId: this.machine.deviceId.toString(),
      ed25519: keys.ed25519.toBase64(),
      curve25519: keys.curve25519.toBase64(),
    };
  }

  /**
   * Cross-sign the bot's device (cross-signing.ts), under the lock and after the first key upload: Element then stops
   * marking the bot's messages as sent by a device its owner has not verified. Never throws.
   */
  crossSign(auth: CrossSigningAuth): Promise<CrossSigningOutcome> {
    return this.run(() => ensureCrossSigning(this.machine, this.opts.send, auth, this.logger));
  }

  /** The durable store under the machine (tests read its counters). */
  get storeStats(): DurableIdb["stats"] {
    return this.store.stats;
  }

  /** A sync batch's share: to-device messages (room keys), device lists, key counts; then send what follows from it. */
  onSync(data: SyncEncryptionData): Promise<void> {
    // A batch with nothing for the crypto (no to-device message, no device change, the same key counts as the last
    // one) is skipped: the machine would learn nothing, and the store would still write and fsync (about 10 ms).
    const counts = JSON.stringify([data.oneTimeKeyCounts, data.unusedFallbackKeyTypes ?? null]);
    if (data.toDeviceEvents.length === 0 && data.deviceLists.changed.length === 0 && data.deviceLists.left.length === 0 && counts === this.lastCounts)
      return Promise.resolve();
    return this.run(async () => {
      const processed = await this.machine.receiveSyncChanges(
        JSON.stringify(data.toDeviceEvents),
        new sdk.DeviceLists(
          data.deviceLists.changed.map((u) => new sdk.UserId(u)),
          data.deviceLists.left.map((u) => new sdk.UserId(u)),
        ),
        new Map(Object.entries(data.oneTimeKeyCounts)),
        data.unusedFallbackKeyTypes ? new Set(data.unusedFallbackKeyTypes) : undefined,
      );
      // A redelivered batch's Olm messages are already used: the room keys are stored, so this is a log line, no more.
      const failed = processed.filter((p) => p.type === sdk.ProcessedToDeviceEventType.UnableToDecrypt).length;
      if (failed) this.logger.info("to-device messages that could not be decrypted (already used, or not for this device)", { count: failed });
      await this.flush();
      this.lastCounts = counts;
    });
  }

  /** Start following these users' devices (members of encrypted rooms); their keys are queried at the next flush. */
  trackUsers(users: string[]): Promise<void> {
    if (users.length === 0) return Promise.resolve();
    return this.run(async () => {
      await this.machine.updateTrackedUsers(users.map((u) => new sdk.UserId(u)));
      await this.flush();
    });
  }

  /** Decrypt a room event; the clear event keeps the event's id, sender and time, and its relation (kept in clear). */
  decrypt(roomId: string, event: MatrixEvent): Promise<DecryptOutcome> {
    return this.run(async () => {
      try {
        const d = await this.machine.decryptRoomEvent(
          JSON.stringify({ ...event, room_id: roomId }),
          new sdk.RoomId(roomId),
          new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted),
        );
        const clear = json(d.event) as { type?: string; content?: Record<string, unknown> };
        const content: MatrixEvent["content"] = { ...(clear.content ?? {}) };
        // m.relates_to stays in the clear part of m.room.encrypted (edits, replies, reactions): put it back.
        const rel = event.content["m.relates_to"];
        if (rel && content["m.relates_to"] === undefined) content["m.relates_to"] = rel;
        const senderDevice = d.senderDevice?.toString();
        return {
          ok: true,
          event: { ...event, type: String(clear.type ?? "m.room.message"), content },
          ...(senderDevice ? { senderDevice } : {}),
        };
      } catch (e) {
        const code = (e as { code?: unknown })?.code;
        const missingKeys = code === sdk.DecryptionErrorCode.MissingRoomKey || code === sdk.DecryptionErrorCode.UnknownMessageIndex;
        const name = typeof code === "number" ? (sdk.DecryptionErrorCode[code] ?? String(code)) : "error";
        return { ok: false, missingKeys, code: name, message: (e as { description?: string })?.description ?? (e instanceof Error ? e.message : String(e)) };
      }
    });
  }

  /**
   * Encrypt one event for a room whose members are `members`: follow their devices, query their keys, open Olm
   * sessions where missing, share the room key with every device of every member (verified or not: the bureau
   * default), then encrypt. Returns the `m.room.encrypted` content to send.
   */
  encrypt(roomId: string, type: string, content: unknown, members: string[]): Promise<Record<string, unknown>> {
    return this.run(async () => {
      // Fresh UserId objects for every call: the wasm consumes them.
      const users = () => members.map((u) => new sdk.UserId(u));
      await this.machine.updateTrackedUsers(users());
      await this.flush(); // keys/query for members not seen before
      const claim = await this.machine.getMissingSessions(users());
      if (claim) await this.sendRequest(claim);
      const settings = new sdk.EncryptionSettings();
      settings.sharingStrategy = sdk.CollectStrategy.allDevices();
      for (const req of await this.machine.shareRoomKey(new sdk.RoomId(roomId), users(), settings)) await this.sendRequest(req);
      const encrypted = await this.machine.encryptRoomEvent(new sdk.RoomId(roomId), type, JSON.stringify(content));
      await this.flush();
      return json(encrypted) as Record<string, unknown>;
    });
  }

  /** Close the machine (Node aborts with 134 at exit otherwise), after the calls under way, then the store. Later calls throw. */
  close(): Promise<void> {
    this.closing ??= this.run(async () => {
      this.closed = true;
      this.machine.close();
      await this.store.close();
    });
    return this.closing;
  }

  /** Encrypt a file for an encrypted room: the bytes to upload, and the `file` object (key, iv, hashes) to send with its url. */
  encryptAttachment(data: Uint8Array): { data: Uint8Array; file: Record<string, unknown> } {
    const attachment = sdk.Attachment.encrypt(data);
    try {
      return { data: attachment.encryptedData, file: json(attachment.mediaEncryptionInfo ?? "{}") as Record<string, unknown> };
    } finally {
      attachment.free();
    }
  }

  /** Decrypt a downloaded file of an encrypted room with its `file` object; throws when its hash does not match. */
  decryptAttachment(data: Uint8Array, file: unknown): Uint8Array {
    const { url: _url, mimetype: _type, ...info } = file as Record<string, unknown>;
    return sdk.Attachment.decrypt(new sdk.EncryptedAttachment(data, JSON.stringify(info)));
  }

  /** Every machine call goes through the lock, and none after close. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (this.closed) throw new Error("matrix crypto is closed");
      return fn();
    });
  }

  /** Send every outgoing request and mark it sent. Called under the lock. */
  private async flush(): Promise<void> {
    for (const req of await this.machine.outgoingRequests()) await this.sendRequest(req);
  }

  private async sendRequest(request: { id?: string; type: sdk.RequestType; body: string }): Promise<void> {
    const req = request as typeof request & { event_type?: string; txn_id?: string; room_id?: string };
    const body = json(req.body);
    let res: unknown;
    switch (req.type) {
      case sdk.RequestType.KeysUpload:
        res = await this.opts.send("POST", "/_matrix/client/v3/keys/upload", body);
        break;
      case sdk.RequestType.KeysQuery:
        res = await this.opts.send("POST", "/_matrix/client/v3/keys/query", body);
        break;
      case sdk.RequestType.KeysClaim:
        res = await this.opts.send("POST", "/_matrix/client/v3/keys/claim", body);
        break;
      case sdk.RequestType.SignatureUpload:
        res = await this.opts.send("POST", "/_matrix/client/v3/keys/signatures/upload", body);
        break;
      case sdk.RequestType.ToDevice:
        res = await this.opts.send("PUT", `/_matrix/client/v3/sendToDevice/${enc(String(req.event_type))}/${enc(String(req.txn_id))}`, body);
        break;
      case sdk.RequestType.RoomMessage:
        res = await this.opts.send(
          "PUT",
          `/_matrix/client/v3/rooms/${enc(String(req.room_id))}/send/${enc(String(req.event_type))}/${enc(String(req.txn_id))}`,
          body,
        );
        break;
      default:
        // Key backups are not used: nothing to send.
        this.logger.warn("matrix crypto request of a kind the bot does not send", { type: req.type });
        return;
    }
    if (req.id) await this.machine.markRequestAsSent(req.id, req.type, JSON.stringify(res ?? {}));
  }
}
