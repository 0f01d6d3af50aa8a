import {
  LogLevel,
  LogService,
  MatrixAuth,
  MatrixClient,
  MatrixError,
  MemoryStorageProvider,
  SimpleFsStorageProvider,
  type IStorageProvider,
} from "matrix-bot-sdk";
import { existsSync } from "node:fs";
import { DatabaseStorageProvider } from "./matrix-storage.js";
import type { MatrixCrypto } from "./crypto/engine.js";
import { loadStoreKey } from "./crypto/store-key.js";
import { catalogue } from "../core/i18n/index.js";
import { encryptionDataOf, MatrixSyncLoop, type MatrixEvent, type SyncEncryptionData, type SyncResponse } from "./matrix-sync.js";
import { emitSyncEvents } from "./matrix-sync-events.js";
import { joinedList, memberChange } from "./matrix-membership.js";
import type { RoomMembership } from "../directory/directory.js";
import type { Bot } from "../core/bot.js";
import type { Logger } from "../log/logger.js";
import { makePrivate } from "../util/private-files.js";
import type { Inbound } from "../core/inbound.js";
import type { SettingsStore } from "../core/model.js";
import { escapeHtml, reply as plainReply, type HandlerResult, type OutboundFile, type Reply } from "../core/reply.js";

/** Sync filter: room timelines of up to 100 events per sync (Synapse's default is 10). */
const SYNC_FILTER = { room: { timeline: { limit: 100 } } };

/** At most this many skipped events are fetched back for one room after a limited sync. */
const BACKFILL_MAX = 1000;

export interface MatrixTransportOptions {
  homeserverUrl: string;
  /** Access token; or give user + password and one is obtained by logging in. */
  accessToken?: string;
  user?: string;
  password?: string;
  /** Where matrix-bot-sdk keeps the sync token: a file next to the database, or null for the database itself (PostgreSQL). */
  storageFile: string | null;
  /** With the database as storage: a sync file whose position is taken once, when the database has none yet. */
  seedSyncFrom?: string;
  bot: Bot;
  settings: SettingsStore;
  /** Users ("@a:server") or servers ("server") whose invites are accepted. */
  allowedInviters: string[];
  logger: Logger;
  /** Long-poll timeout of /sync; short in tests so stop() is quick. */
  syncTimeoutMs?: number;
  /** Give up retrying one send after this long (rate limits, outages). */
  maxRetryMs?: number;
  lang?: "zh" | "en";
  /**
   * Group commit: run `fn`, storing the updates it records in one transaction that commits when it returns.
   * Given, the messages of one sync batch are handled inside it and every reply goes out after it; absent,
   * each message is handled and answered on its own.
   */
  groupCommit?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** End-to-end encryption's share of each sync batch (to-device messages, device lists, key counts), awaited before its rooms. */
  syncEncryption?: (data: SyncEncryptionData) => Promise<void>;
  /** Where the senders' profile names go (the directory's name book), looked up once per person per run. */
  names?: NameSink;
  /**
   * End-to-end encryption (docs/encryption.md): the crypto store's folder and its configured key (DUBAN_CRYPTO_STORE_KEY).
   * `start()` opens the store; a transport that only connects (the CLI) never does, and refuses to send into an
   * encrypted room. Absent, encrypted rooms get a notice that the bot cannot read them.
   */
  encryption?: { storeDir: string; storeKey?: string };
  /** How long an encrypted event waits for its room key before the room is told it cannot be decrypted (10 minutes). */
  undecryptableGraceMs?: number;
  /** The time in milliseconds (the app's clock); the system clock by default. */
  now?: () => number;
}

/** Where encrypted events still waiting for their room keys are kept across restarts (the sync position moves on). */
const PENDING_SETTING = "matrix.crypto.pending";

/** An encrypted event whose room key has not come yet, and since when (ms) it waits. */
type PendingEvent = { roomId: string; event: MatrixEvent; since: number };

import { MatrixSendRefused, MatrixStartError } from "./matrix-errors.js";

/** The event field that carries the key of the pending question a notice asks (Reply.asks): a 👍 on it answers that. */
const ASKS = "org.duban.asks";

export { MatrixSendRefused, MatrixStartError };

/** Messages of one sync batch stored in one transaction at most (group commit). */
const GROUP_MAX = 50;

/** When a file a command made could not be uploaded or sent (too large for the server, say). */
const FILE_FAILED = {
  zh: (name: string, error: string) => `文件 ${name} 未能发送（${error}）。请在服务器上用命令行生成，例如 npx duban export --out FILE，或联系科技办。`,
  en: (name: string, error: string) =>
    `The file ${name} could not be sent (${error}). Make it on the server with the command line (npx duban export --out FILE), or contact the office.`,
};

const ENCRYPTED_NOTICE = {
  zh: "本机器人无法读取加密消息：本房间已开启端到端加密，机器人看不到这里的命令和进展。请在未加密的房间中使用督办机器人，或联系科技办。",
  en:
    "I cannot read encrypted messages: this room uses end-to-end encryption, so I cannot see commands or updates here. " +
    "Please use duban in an unencrypted room, or contact the office.",
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True for errors worth retrying: rate limits, 5xx, and the server being unreachable. */
function retryDelay(e: unknown, attempt: number): number | null {
  if (e instanceof MatrixError) {
    if (e.errcode === "M_LIMIT_EXCEEDED" || e.statusCode === 429) return Math.max(100, e.retryAfterMs ?? 1000);
    return e.statusCode >= 500 ? Math.min(30_000, 500 * 2 ** attempt) : null;
  }
  const code = (e as { code?: string })?.code;
  const status = (e as { statusCode?: number })?.statusCode;
  if (typeof status === "number") {
    if (status === 429) return 1000;
    return status >= 500 ? Math.min(30_000, 500 * 2 ** attempt) : null;
  }
  if (code && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|ESOCKETTIMEDOUT|UND_ERR)/.test(code)) return Math.min(30_000, 500 * 2 ** attempt);
  if (e instanceof Error && /socket hang up|network|ECONNREFUSED/i.test(e.message)) return Math.min(30_000, 500 * 2 ** attempt);
  return null;
}

/** Strip the quoted fallback of a Matrix reply ("> <@a:b> …" lines and the blank line after them). */
export function stripReplyFallback(body: string): string {
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith(">")) i++;
  if (i > 0 && lines[i] === "") i++;
  return i > 0 ? lines.slice(i).join("\n") : body;
}

/** Message types that carry a file in the media repository. */
const FILE_TYPES = new Set(["m.file", "m.image", "m.video", "m.audio"]);

/** A matrix.to link to one event, which clients open in place. */
export function permalink(roomId: string, eventId: string): string {
  return `https://matrix.to/#/${encodeURIComponent(roomId)}/${encodeURIComponent(eventId)}`;
}

/** A pill for a user id: a matrix.to link that clients render as a mention. */
export function pill(userId: string): string {
  return `<a href="https://matrix.to/#/${encodeURIComponent(userId)}">${escapeHtml(userId)}</a>`;
}

/** Where senders' profile names go: the directory's name book, as the transport sees it. */
export interface NameSink {
  knows(user: string): boolean;
  remember(user: string, name: string | undefined): void;
}

/**
 * Look up a sender's display name once per run, so that replies name people rather than ids. A failed lookup
 * (or a profile without a name) is remembered as no name: the id is shown, and the homeserver is not asked again.
 */
export async function learnSenderName(names: NameSink, getProfile: (user: string) => Promise<unknown>, user: string): Promise<void> {
  if (names.knows(user)) return;
  const profile = (await getProfile(user).catch(() => ({}))) as { displayname?: unknown } | null;
  names.remember(user, typeof profile?.displayname === "string" ? profile.displayname : undefined);
}

/**
 * The Matrix transport: one more entry point into Bot.handle. It owns its sync loop (matrix-sync.ts) and uses
 * matrix-bot-sdk for everything else (sending, media, joins). Events are handled in order inside the loop, and the
 * sync token is saved only after a batch is handled, so a crash re-delivers rather than loses; handled event ids
 * make redelivery harmless.
 */
export class MatrixTransport {
  client!: MatrixClient;
  userId = "";
  private localpart = "";
  private displayName = "";
  private readonly joinedAt = new Map<string, number>();
  private readonly memberCount = new Map<string, number>();
  /** The rooms we are in, as of the last sync batch handled. */
  private joined = new Set<string>();
  private sync: MatrixSyncLoop | null = null;
  private markSynced: () => void = () => undefined;
  /** Resolves once the first sync batch of this run has been handled and its sync token saved. */
  readonly synced: Promise<void> = new Promise((resolve) => (this.markSynced = resolve));
  private stopped = false;
  private txnCounter = 0;
  /** Whether this run has told the core who is in each room (after its first sync batch). */
  private membersListed = false;
  /** The encryption engine, open between start() and stop() when encryption is on. */
  private crypto: MatrixCrypto | null = null;
  /** Whether each room is encrypted, as learned from its m.room.encryption state (read once per room). */
  private readonly encrypted = new Map<string, boolean>();
  /** Each encrypted room's joined members, for sharing its room key; forgotten on any membership change. */
  private readonly members = new Map<string, string[]>();
  /** Encrypted events waiting for their keys (PENDING_SETTING), loaded at start. */
  private pending: PendingEvent[] = [];

  constructor(private readonly opts: MatrixTransportOptions) {}

  /** Connect, check the token, and start syncing. Throws MatrixStartError with a clear message. */
  async start(): Promise<void> {
    const engine = this.opts.encryption ? await import("./crypto/engine.js") : null;
    let deviceId: string | undefined;
    if (engine && this.opts.encryption) {
      // With a password, log in as the device the store belongs to: a new device each start would lose every key.
      const recorded = await engine.MatrixCrypto.recordedDevice(this.opts.settings);
      // Without the store (moved away, or a first start on this machine) it logs in as a new device.
      if (recorded && existsSync(this.opts.encryption.storeDir)) deviceId = recorded.deviceId;
    }
    const { client, storage } = await this.connect({ deviceId });
    if (engine) await this.openCrypto(engine);
    const filterId = await this.syncFilterId(storage);
    if (!(await storage.getSyncToken())) await this.skipHistory();
    // What matrix-bot-sdk's start() would do before syncing: the rooms we are in already (a join into one of them is
    // not news), and the m.direct map, which the client's own room.invite listener extends and writes back.
    this.joined = new Set(await this.withRetry(() => client.getJoinedRooms()));
    await client.dms.update();
    const timeoutMs = this.opts.syncTimeoutMs ?? 30_000;
    this.sync = new MatrixSyncLoop({
      fetch: (since, timeout) =>
        client.doRequest("GET", "/_matrix/client/v3/sync", { ...(since ? { since } : {}), filter: filterId, timeout }, null, timeout + 30_000),
      tokens: storage,
      handle: (batch) => this.onSync(batch),
      ...(this.crypto
        ? { encryption: (data: SyncEncryptionData) => this.crypto!.onSync(data) }
        : this.opts.syncEncryption
          ? { encryption: this.opts.syncEncryption }
          : {}),
      timeoutMs,
      // Back off as for sends, but at most 8 s during an outage (the SDK's own loop waited 5–15 s): back soon after the server is.
      retryDelay: (e, attempt) => retryDelay(e, Math.min(attempt, 4)),
      onError: (e, delayMs) =>
        this.opts.logger.warn("matrix sync failed; trying the same position again", { delayMs, error: e instanceof Error ? e.message : String(e) }),
    });
    void this.sync.synced.then(this.markSynced);
    await this.sync.start();
    this.opts.logger.info("matrix transport started", { userId: this.userId, homeserver: this.opts.homeserverUrl });
  }

  /**
   * Open the crypto store for this login's device. Refuses, with what to do, a store of another device or user, a
   * store without its key, or a damaged store: starting anyway would cost the bot its keys.
   */
  private async openCrypto(engine: typeof import("./crypto/engine.js")): Promise<void> {
    const { storeDir, storeKey } = this.opts.encryption!;
    const who = (await this.withRetry(() => this.client.doRequest("GET", "/_matrix/client/v3/account/whoami"))) as { device_id?: string };
    if (!who.device_id)
      throw new MatrixStartError("访问令牌没有设备，无法加密 / the access token has no device: log in with a password, or use a token from a login");
    try {
      this.crypto = await engine.MatrixCrypto.open({
        storeDir,
        storeKey: loadStoreKey(storeDir, storeKey),
        userId: this.userId,
        deviceId: who.device_id,
        settings: this.opts.settings,
        logger: this.opts.logger,
        send: (method, path, body) => this.withRetry(() => this.client.doRequest(method, path, null, body)),
      });
    } catch (e) {
      if (retryDelay(e, 0) !== null) throw e;
      if (e instanceof MatrixError && /already exists/.test(e.error ?? ""))
        // The server holds keys of this device that this store never made: a new store for an old device.
        throw new MatrixStartError(
          `服务器上已有设备 ${who.device_id} 的另一套密钥，而加密存储 ${storeDir} 不是生成它们的那一个。请从备份恢复原加密存储及其密钥文件；` +
            `或把该目录移走，换一个新设备（重新登录得到的新访问令牌）启动。 / The homeserver already holds keys of device ${who.device_id} ` +
            `that the crypto store ${storeDir} did not make: restore the original store and its key file, or move it away and start as a new device ` +
            `(a new access token from a new login). (${e.errcode})`,
        );
      throw new MatrixStartError(e instanceof Error ? e.message : String(e));
    }
    // Before the sync loop, after the first key upload (done by open); with MATRIX_PASSWORD when the server asks for it.
    await this.crypto.crossSign(this.opts.password ? { password: this.opts.password } : {});
    this.pending = await this.loadPending();
  }

  /** The id of our saved sync filter, registered with the homeserver when missing or changed. */
  private async syncFilterId(storage: IStorageProvider): Promise<number> {
    const saved = (await storage.getFilter()) as { id?: number; filter?: unknown } | undefined;
    if (saved?.id !== undefined && JSON.stringify(saved.filter) === JSON.stringify(SYNC_FILTER)) return saved.id;
    const res = (await this.withRetry(() =>
      this.client.doRequest("POST", `/_matrix/client/v3/user/${encodeURIComponent(this.userId)}/filter`, null, SYNC_FILTER),
    )) as { filter_id: number };
    await storage.setFilter({ id: res.filter_id, filter: SYNC_FILTER });
    return res.filter_id;
  }

  /**
   * One sync batch: fill the gaps of limited timelines, then walk it as matrix-bot-sdk would (invites, joins, room
   * events), handling what concerns the bot and emitting every event on the client for its listeners. Throwing
   * leaves the batch's token unsaved, so the whole batch comes again.
   */
  private async onSync(batch: SyncResponse): Promise<void> {
    // When a room's timeline comes back "limited" (more events arrived than the sync returned, e.g. while we
    // were waiting out rate limits), fetch the skipped events first.
    for (const [roomId, room] of Object.entries(batch.rooms?.join ?? {})) {
      const tl = room.timeline;
      if (tl?.limited && tl.prev_batch) tl.events = [...(await this.backfillOrSkip(roomId, tl.prev_batch)), ...(tl.events ?? [])];
    }
    const group = this.opts.groupCommit ? ([] as [string, MatrixEvent][]) : null;
    // Encrypted events whose keys came with this batch (the encryption step ran before this): handled first, as if new.
    const ready = this.crypto ? await this.pendingReady() : [];
    for (const p of ready) {
      if (group) group.push([p.roomId, p.event]);
      else await this.dispatch("room.event", p.roomId, p.event);
    }
    // Rooms joined and left count only once the batch is through: a retried batch announces its joins again.
    const joined = new Set(this.joined);
    await emitSyncEvents(batch, this.userId, joined, async (name, roomId, event) => {
      if (roomId !== null && name === "room.event" && group) group.push([roomId, event]);
      else if (roomId !== null && (name === "room.invite" || name === "room.event" || name === "room.join" || name === "room.leave"))
        await this.dispatch(name, roomId, event);
      if (roomId === null) this.client.emit(name, event);
      else this.client.emit(name, roomId, event);
    });
    // Room events are collected while the batch is walked, then handled together (see handleBatch).
    if (group) {
      if (this.stopped) throw new Error("transport stopping; the batch will be redelivered");
      await this.handleBatch(group);
    }
    this.joined = joined;
    if (ready.length) {
      this.pending = this.pending.filter((p) => !ready.includes(p));
      await this.savePending();
    }
    // After the first batch (whose joins and leaves came first, in order), everyone in every room, in one report: the
    // core tells the office of what changed while the bot was away in one message, not one per person.
    if (!this.membersListed) {
      await this.reportMembers([...joined]);
      this.membersListed = true;
    }
  }

  /**
   * Tell the core who is joined to each of `rooms` now (GET /joined_members, matrix-bot-sdk's public
   * getJoinedRoomMembersWithProfiles), the bot left out, and send the office what it says. A room that cannot be read
   * is skipped; an outage aborts the batch, which comes again.
   */
  private async reportMembers(rooms: string[]): Promise<void> {
    const membership: RoomMembership[] = [];
    for (const room of rooms) {
      try {
        const listed = joinedList(room, await this.withRetry(() => this.client.getJoinedRoomMembersWithProfiles(room)), this.userId);
        membership.push(listed.membership);
        for (const [user, name] of listed.names) if (this.opts.names && !this.opts.names.knows(user)) this.opts.names.remember(user, name);
      } catch (e) {
        if (this.stopped || retryDelay(e, 0) !== null) throw e;
        this.opts.logger.warn("cannot list a room's members", { roomId: room, error: e instanceof Error ? e.message : String(e) });
      }
    }
    if (membership.length > 0) await this.tellMembership(rooms.length === 1 ? rooms[0]! : "", membership);
  }

  /** Hand the core what the bot saw of rooms' membership, and send the office what it says. */
  private async tellMembership(room: string, membership: RoomMembership[]): Promise<void> {
    const inbound: Inbound = { transport: "matrix", kind: "membership", room, sender: this.userId, text: "", isDirect: false, mentionsBot: false, membership };
    const result = await this.opts.bot.handle(inbound);
    for (const n of result.notices ?? []) for (const to of n.rooms) await this.send(to, n.reply);
  }

  /** The bot is out of a room: the core hears that nobody is in it any more (an empty complete list). */
  private reportGone(roomId: string): Promise<void> {
    return this.tellMembership(roomId, [{ room: roomId, joined: [], left: [], complete: true }]);
  }

  /** Log in if needed and check the credentials, without syncing (the CLI sends reminders this way). */
  async connect(opts: { persist?: boolean; deviceId?: string } = {}): Promise<{ client: MatrixClient; storage: IStorageProvider }> {
    LogService.setLevel(LogLevel.ERROR);
    LogService.muteModule("MatrixHttpClient");
    LogService.muteModule("MatrixClientLite");
    const { homeserverUrl } = this.opts;
    let token = this.opts.accessToken;
    if (!token) {
      if (!this.opts.user || !this.opts.password) throw new MatrixStartError("set MATRIX_ACCESS_TOKEN, or MATRIX_USER and MATRIX_PASSWORD");
      try {
        token = opts.deviceId
          ? await this.loginAsDevice(this.opts.user, this.opts.password, opts.deviceId)
          : (await new MatrixAuth(homeserverUrl).passwordLogin(this.opts.user, this.opts.password, "duban")).accessToken;
      } catch (e) {
        throw new MatrixStartError(this.describeStartError(e, "log in as MATRIX_USER with MATRIX_PASSWORD"));
      }
    }
    // `persist: false` (npx duban doctor) checks the credentials without touching the sync file.
    const file = this.opts.storageFile;
    const storage: IStorageProvider =
      opts.persist === false
        ? new MemoryStorageProvider()
        : file === null
          ? new DatabaseStorageProvider(this.opts.settings)
          : new SimpleFsStorageProvider(file);
    // The sync file says which rooms the bot is in: owner-only, like the database.
    if (opts.persist !== false && file !== null) makePrivate([file]);
    if (storage instanceof DatabaseStorageProvider && this.opts.seedSyncFrom && (await storage.seedFrom(this.opts.seedSyncFrom)))
      this.opts.logger.info("took the Matrix sync position from the sync file into the database", { file: this.opts.seedSyncFrom });
    const client = new MatrixClient(homeserverUrl, token, storage);
    this.client = client;
    try {
      this.userId = await client.getUserId();
    } catch (e) {
      throw new MatrixStartError(this.describeStartError(e, "check the access token (MATRIX_ACCESS_TOKEN)"));
    }
    this.localpart = this.userId.slice(1).split(":")[0] ?? "";
    this.displayName = ((await client.getUserProfile(this.userId).catch(() => ({}))) as { displayname?: string }).displayname ?? this.localpart;
    return { client, storage };
  }

  /** POST /login as an existing device (`device_id`), so the crypto store's keys stay this device's. */
  private async loginAsDevice(user: string, password: string, deviceId: string): Promise<string> {
    const res = (await new MatrixClient(this.opts.homeserverUrl, "").doRequest("POST", "/_matrix/client/v3/login", null, {
      type: "m.login.password",
      identifier: { type: "m.id.user", user },
      password,
      device_id: deviceId,
      initial_device_display_name: "duban",
    })) as { access_token: string };
    return res.access_token;
  }

  /** Stop syncing, let the event being handled finish, close the crypto store, and return. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.sync?.stop();
    // The wasm machine must be closed before the process exits (Node aborts with status 134 otherwise).
    await this.crypto?.close();
  }

  /** A reminder sender over this transport: the message goes to every room, each send deduplicated by `key`. */
  reminderSender(): { send(rooms: string[], reply: Reply, key: string): Promise<void> } {
    return {
      send: async (rooms, reply, key) => {
        for (const room of rooms) await this.send(room, reply, undefined, `${key}-${room}`);
      },
    };
  }

  /** Send one reply into a room, optionally as a reply to an event. Retries rate limits and outages. */
  async send(roomId: string, reply: Reply, replyTo?: string, txnKey?: string): Promise<string> {
    const mentions = reply.mentions ?? [];
    const content: Record<string, unknown> = {
      msgtype: "m.notice",
      body: mentions.length ? `${reply.text}\n${mentions.join(" ")}` : reply.text,
      format: "org.matrix.custom.html",
      formatted_body: mentions.length ? `${reply.html}<br>\n${mentions.map(pill).join(" ")}` : reply.html,
      "m.mentions": { user_ids: mentions },
    };
    if (replyTo) content["m.relates_to"] = { "m.in_reply_to": { event_id: replyTo } };
    if (reply.asks) content[ASKS] = reply.asks;
    return this.sendEvent(roomId, "m.room.message", content, txnKey);
  }

  /** Upload a file to the homeserver's media repository and send it as `m.file` (or `m.image`), as a reply. */
  async sendFile(roomId: string, file: OutboundFile, replyTo?: string, txnKey?: string): Promise<string> {
    const info: Record<string, unknown> = { mimetype: file.mimeType, size: file.data.length };
    if (file.kind === "image" && file.width && file.height) Object.assign(info, { w: file.width, h: file.height });
    const content: Record<string, unknown> = { msgtype: file.kind === "image" ? "m.image" : "m.file", body: file.name, filename: file.name, info };
    if (this.crypto && (await this.roomEncrypted(roomId))) {
      // Into an encrypted room the file goes encrypted: the server keeps only ciphertext, the key travels in the event.
      const sealed = this.crypto.encryptAttachment(file.data);
      const url = await this.withRetry(() => this.client.uploadContent(Buffer.from(sealed.data), "application/octet-stream"));
      content.file = { ...sealed.file, url, mimetype: file.mimeType };
    } else content.url = await this.withRetry(() => this.client.uploadContent(file.data, file.mimeType, file.name));
    if (replyTo) content["m.relates_to"] = { "m.in_reply_to": { event_id: replyTo } };
    return this.sendEvent(roomId, "m.room.message", content, txnKey);
  }

  /** React to an event, e.g. ✅ on a recorded update. */
  async react(roomId: string, eventId: string, key: string): Promise<void> {
    await this.sendEvent(roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } }, `react-${eventId}-${key}`);
  }

  /** PUT an event with a transaction id derived from `txnKey`, so a retried send is deduplicated by the server. */
  private async sendEvent(roomId: string, plainType: string, plainContent: unknown, txnKey?: string): Promise<string> {
    // The system clock, not the app's: with a fixed or replayed clock, a restarted transport's counter would reuse old ids.
    const txnId = encodeURIComponent(`duban-${txnKey ?? `${Date.now()}-${++this.txnCounter}`}`);
    let type = plainType;
    let content = plainContent;
    if (this.opts.encryption && (await this.roomEncrypted(roomId))) {
      // Connected without the store (the CLI while the bot may hold it): never encrypt with a second machine on it.
      if (!this.crypto) throw new MatrixSendRefused(catalogue(this.opts.lang ?? "zh").matrixEncryption.sendRefused(roomId));
      // The same transaction id as in the clear, so a retried send is still deduplicated by the server.
      content = await this.crypto.encrypt(roomId, plainType, plainContent, await this.roomMembers(roomId));
      type = "m.room.encrypted";
    }
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${txnId}`;
    const res = (await this.withRetry(() => this.client.doRequest("PUT", path, null, content))) as { event_id: string };
    return res.event_id;
  }

  /** Whether a room is encrypted: learned from its m.room.encryption state, read once per room (sync events update it). */
  private async roomEncrypted(roomId: string): Promise<boolean> {
    const known = this.encrypted.get(roomId);
    if (known !== undefined) return known;
    let state: unknown = null;
    try {
      state = await this.withRetry(() => this.client.getRoomStateEvent(roomId, "m.room.encryption", ""));
    } catch (e) {
      if (this.stopped || retryDelay(e, 0) !== null) throw e;
      // M_NOT_FOUND: not encrypted. Not allowed to read it: not in the room, and the send itself will say so.
      if (!(e instanceof MatrixError && e.errcode === "M_NOT_FOUND")) return false;
    }
    const encrypted = state !== null && typeof (state as { algorithm?: unknown }).algorithm === "string";
    this.encrypted.set(roomId, encrypted);
    return encrypted;
  }

  /** The joined members of a room (for sharing its room key), cached until the room's membership changes. */
  private async roomMembers(roomId: string): Promise<string[]> {
    let members = this.members.get(roomId);
    if (!members) {
      members = await this.withRetry(() => this.client.getJoinedRoomMembers(roomId));
      this.members.set(roomId, members);
    }
    return members;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.opts.maxRetryMs ?? 10 * 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const delay = retryDelay(e, attempt);
        // While stopping, give up at once: the unsaved batch is redelivered after the restart.
        if (delay === null || this.stopped || Date.now() + delay > deadline) throw e;
        await sleep(delay);
      }
    }
  }

  /** On the very first start, move the sync position to "now" so old room history is not taken as new commands. */
  private async skipHistory(): Promise<void> {
    const filter = JSON.stringify({ room: { timeline: { limit: 1 } } });
    const res = (await this.withRetry(() => this.client.doRequest("GET", "/_matrix/client/v3/sync", { timeout: 0, filter }))) as {
      next_batch: string;
      rooms?: { invite?: Record<string, { invite_state?: { events?: MatrixEvent[] } }> };
    };
    // Its to-device messages and key counts still go to the crypto: only the rooms' history is skipped.
    if (this.crypto) await this.crypto.onSync(encryptionDataOf(res as SyncResponse));
    for (const [roomId, room] of Object.entries(res.rooms?.invite ?? {})) {
      const invite = room.invite_state?.events?.find((e) => e.type === "m.room.member" && e.state_key === this.userId);
      if (invite) await this.onInvite(roomId, invite);
    }
    await this.client.storageProvider.setSyncToken(res.next_batch);
  }

  private dispatch(name: string, roomId: string, event: MatrixEvent): Promise<void> {
    // Throwing aborts the batch before its sync token is saved, so these events come again after a restart.
    if (this.stopped) throw new Error("transport stopping; the batch will be redelivered");
    return this.guarded(roomId, event, async () => {
      if (name === "room.invite") return await this.onInvite(roomId, event);
      if (name === "room.join") {
        this.joinedAt.set(roomId, event.origin_server_ts);
        await this.checkEncryption(roomId);
        // A room joined during the run: who is in it (the first batch's rooms are listed after it).
        if (this.membersListed) await this.reportMembers([roomId]);
        return;
      }
      // The bot left or was removed: it can no longer see who is in the room, so nobody counts through it any more.
      if (name === "room.leave") return await this.reportGone(roomId);
      await this.onRoomEvent(roomId, event);
    });
  }

  private inviterAllowed(sender: string): boolean {
    const server = sender.split(":").slice(1).join(":");
    return this.opts.allowedInviters.some((a) => (a.startsWith("@") ? a === sender : a.replace(/^:/, "") === server));
  }

  private async onInvite(roomId: string, event: MatrixEvent): Promise<void> {
    if (this.inviterAllowed(event.sender)) {
      await this.withRetry(() => this.client.joinRoom(roomId));
      this.opts.logger.info("joined room on invite", { roomId, inviter: event.sender });
    } else {
      await this.withRetry(() => this.client.leaveRoom(roomId));
      this.opts.logger.warn("declined invite from a user who is not allowed (MATRIX_ALLOWED_INVITERS)", { roomId, inviter: event.sender });
    }
  }

  /**
   * At a join: with encryption on, follow the devices of an encrypted room's members; off, say once per room, in plain
   * words, that encrypted messages cannot be read.
   */
  private async checkEncryption(roomId: string): Promise<void> {
    if (this.crypto) {
      this.encrypted.delete(roomId);
      if (await this.roomEncrypted(roomId)) await this.crypto.trackUsers(await this.roomMembers(roomId));
      return;
    }
    const state = await this.client.getRoomStateEvent(roomId, "m.room.encryption", "").catch(() => null);
    if (state) await this.tellEncrypted(roomId);
  }

  private async tellEncrypted(roomId: string): Promise<void> {
    const key = `matrix.encrypted-notice.${roomId}`;
    if ((await this.opts.settings.get(key)) !== null) return;
    const text = ENCRYPTED_NOTICE[this.opts.lang ?? "zh"];
    // Marked only after the send, so a failed send is tried again; the stable txn id keeps a retry single.
    await this.sendEvent(roomId, "m.room.message", { msgtype: "m.notice", body: text }, `encrypted-${roomId}`);
    await this.opts.settings.set(key, "sent");
  }

  /**
   * Events before `from` that a limited sync skipped, oldest first: walks back until an event we
   * already handled, one older than our join, or BACKFILL_MAX events.
   */
  private async backfill(roomId: string, from: string): Promise<MatrixEvent[]> {
    const joined = await this.joinTs(roomId);
    const out: MatrixEvent[] = [];
    let token: string | undefined = from;
    while (token && out.length < BACKFILL_MAX) {
      const page = (await this.withRetry(() =>
        this.client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, { from: token, dir: "b", limit: 100 }),
      )) as { chunk: MatrixEvent[]; end?: string };
      let reachedKnown = false;
      for (const e of page.chunk) {
        if (e.origin_server_ts < joined) {
          reachedKnown = true;
          break;
        }
        const isCommand = (e.type === "m.room.encrypted" || (e.type === "m.room.message" && e.content?.msgtype !== "m.notice")) && e.sender !== this.userId;
        if (isCommand && (await this.opts.bot.seen(e.event_id))) {
          reachedKnown = true;
          break;
        }
        out.push(e);
      }
      if (reachedKnown || page.chunk.length === 0) break;
      token = page.end;
    }
    if (out.length) this.opts.logger.info("filled a gap in the sync timeline", { roomId, events: out.length });
    return out.reverse();
  }

  /** Backfill, but a refusal that retrying cannot cure (say, no longer allowed to read the room) is logged, not retried forever. */
  private async backfillOrSkip(roomId: string, from: string): Promise<MatrixEvent[]> {
    try {
      return await this.backfill(roomId, from);
    } catch (e) {
      if (this.stopped || retryDelay(e, 0) !== null) throw e;
      this.opts.logger.error("could not fetch events a limited sync skipped", { roomId, error: e instanceof Error ? e.message : String(e) });
      return [];
    }
  }

  private async joinTs(roomId: string): Promise<number> {
    const known = this.joinedAt.get(roomId);
    if (known !== undefined) return known;
    const state = (await this.withRetry(() => this.client.getRoomState(roomId))) as MatrixEvent[];
    const me = state.find((e) => e.type === "m.room.member" && e.state_key === this.userId);
    const ts = me?.origin_server_ts ?? 0;
    this.joinedAt.set(roomId, ts);
    return ts;
  }

  private async isDirect(roomId: string): Promise<boolean> {
    let n = this.memberCount.get(roomId);
    if (n === undefined) {
      n = (await this.withRetry(() => this.client.getJoinedRoomMembers(roomId))).length;
      this.memberCount.set(roomId, n);
    }
    return n <= 2;
  }

  /** Whether the message addresses the bot, and its text with a leading mention removed. */
  private addressed(body: string, event: MatrixEvent): { mentions: boolean; text: string; onlyByField?: boolean } {
    const esc = (n: string) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const names = [esc(this.userId), ...[this.displayName, this.localpart].filter(Boolean).map((n) => `@?${esc(n)}`)];
    // A name must be followed by a separator, so "督办事项已落实" is not taken as addressed to a bot named 督办.
    const lead = new RegExp(`^\\s*(?:${names.join("|")})(?:\\s*[:：,，]\\s*|\\s+|$)`, "i");
    const m = lead.exec(body);
    const byField = event.content["m.mentions"]?.user_ids?.includes(this.userId) ?? false;
    if (m) return { mentions: true, text: body.slice(m[0].length) };
    const inBody = body.includes(this.userId);
    return { mentions: byField || inBody, text: body, onlyByField: byField && !inBody };
  }

  /**
   * One sync batch with group commit, in three steps, each event in timeline order:
   * 1. read every event into what the bot handles (homeserver reads happen here, outside any transaction);
   * 2. handle them: each run of plain messages inside one `groupCommit`, so their updates share one transaction;
   *    edits, redactions, reactions and files on their own (a file is downloaded while handled);
   * 3. only then send the ✅s, replies and notices, so no confirmation goes out before its update is committed.
   * A failure that retrying can cure aborts the batch as before: nothing of it is confirmed, and it comes again.
   */
  private async handleBatch(batch: [string, MatrixEvent][]): Promise<void> {
    const items: { roomId: string; event: MatrixEvent; inbound: Inbound | null; result?: HandlerResult }[] = [];
    for (const [roomId, event] of batch) {
      const item = { roomId, event, inbound: null as Inbound | null };
      await this.guarded(roomId, event, async () => {
        item.inbound = await this.inboundOf(roomId, event);
      });
      if (item.inbound) items.push(item);
    }
    for (let i = 0; i < items.length; ) {
      if (items[i]!.inbound!.kind !== "message") {
        const item = items[i++]!;
        await this.guarded(item.roomId, item.event, async () => {
          item.result = await this.opts.bot.handle(item.inbound!);
        });
        continue;
      }
      let end = i;
      // At most GROUP_MAX messages per transaction, so other writers never wait behind a very long batch.
      while (end < items.length && end - i < GROUP_MAX && items[end]!.inbound!.kind === "message") end++;
      const run = items.slice(i, end);
      await this.opts.groupCommit!(async () => {
        for (const item of run)
          await this.guarded(item.roomId, item.event, async () => {
            item.result = await this.opts.bot.handle(item.inbound!);
          });
      });
      if (run.length > 1) this.opts.logger.debug?.("group commit: one transaction for a sync batch's messages", { messages: run.length });
      i = end;
    }
    for (const item of items) if (item.result) await this.guarded(item.roomId, item.event, () => this.deliver(item.roomId, item.event, item.result!));
  }

  /**
   * Run one event's work. A failure aborts the batch, so its sync token is not saved and the event comes again,
   * while stopping and when retrying can cure it (outage, rate limit); others are logged, so one bad event cannot
   * block the sync.
   */
  private async guarded(roomId: string, event: MatrixEvent, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (this.stopped || retryDelay(e, 0) !== null) throw e;
      this.opts.logger.error("matrix event failed", { roomId, eventId: event?.event_id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private async onRoomEvent(roomId: string, event: MatrixEvent): Promise<void> {
    const inbound = await this.inboundOf(roomId, event);
    if (inbound) await this.deliver(roomId, event, await this.opts.bot.handle(inbound));
  }

  private async learnName(user: string): Promise<void> {
    if (this.opts.names) await learnSenderName(this.opts.names, (u) => this.client.getUserProfile(u), user);
  }

  /**
   * What the bot is to handle for a room event (null: nothing). An encrypted event is decrypted first, and then read
   * as the same event in the clear (same id, sender and time); one whose room key has not come yet waits (pending).
   */
  private async inboundOf(roomId: string, event: MatrixEvent): Promise<Inbound | null> {
    if (event.type === "m.room.encryption") this.encrypted.set(roomId, true);
    if (!this.crypto || (event.type !== "m.room.encrypted" && event.type !== "m.room.encryption")) return this.inboundOfClear(roomId, event);
    if (event.type === "m.room.encryption" || event.sender === this.userId) return null;
    const clear = await this.decryptOrWait(roomId, event);
    return clear ? this.inboundOfClear(roomId, clear) : null;
  }

  /**
   * Decrypt an event; when its room key has not come (or it fails otherwise), keep it pending and return null. An
   * event already handled (a redelivered batch) is not kept: its keys were used, and it needs nothing more.
   */
  private async decryptOrWait(roomId: string, event: MatrixEvent): Promise<MatrixEvent | null> {
    const outcome = await this.crypto!.decrypt(roomId, event);
    if (outcome.ok) return outcome.event;
    if (await this.opts.bot.seen(event.event_id)) return null;
    if (!this.pending.some((p) => p.event.event_id === event.event_id)) {
      this.opts.logger.info("encrypted event waits for its room key", { roomId, eventId: event.event_id, code: outcome.code });
      this.pending.push({ roomId, event, since: this.now() });
      await this.savePending();
    }
    return null;
  }

  /**
   * The pending events that decrypt now (their keys came), to be handled as if they had just arrived. Those still
   * undecryptable past the grace period get one reply in their room ("无法解密这条消息，请重新发送"), are logged
   * without their content, marked handled and dropped.
   */
  private async pendingReady(): Promise<PendingEvent[]> {
    const ready: PendingEvent[] = [];
    const expired: PendingEvent[] = [];
    const grace = this.opts.undecryptableGraceMs ?? 10 * 60_000;
    for (const p of this.pending) {
      if ((await this.crypto!.decrypt(p.roomId, p.event)).ok) ready.push(p);
      else if (this.now() - p.since >= grace) expired.push(p);
    }
    for (const p of expired) {
      if (!(await this.opts.bot.seen(p.event.event_id))) {
        this.opts.logger.warn("could not decrypt an event within the grace period; the room was asked to send it again", {
          roomId: p.roomId,
          eventId: p.event.event_id,
          sender: p.event.sender,
        });
        const text = catalogue(this.opts.lang ?? "zh").matrixEncryption.undecryptable;
        await this.send(p.roomId, plainReply([text]), p.event.event_id, `undecryptable-${p.event.event_id}`);
        await this.opts.bot.markHandled(p.event.event_id, p.roomId);
      }
      this.pending = this.pending.filter((q) => q !== p);
      await this.savePending();
    }
    return ready;
  }

  private async loadPending(): Promise<PendingEvent[]> {
    try {
      const raw = await this.opts.settings.get(PENDING_SETTING);
      return raw ? (JSON.parse(raw) as PendingEvent[]) : [];
    } catch {
      return [];
    }
  }

  private savePending(): Promise<void> {
    return this.opts.settings.set(PENDING_SETTING, JSON.stringify(this.pending));
  }

  private async inboundOfClear(roomId: string, event: MatrixEvent): Promise<Inbound | null> {
    if (event.type === "m.room.member") {
      this.memberCount.delete(roomId);
      this.members.delete(roomId);
      if (
        this.crypto &&
        event.state_key &&
        (event.content.membership === "join" || event.content.membership === "invite") &&
        (await this.roomEncrypted(roomId))
      )
        await this.crypto.trackUsers([event.state_key]);
      // Someone joined or left: reported to the core, which decides what it means (members_from_room).
      const change = memberChange(event, this.userId);
      // Changes from before the bot joined (in the timeline it first sees) are in the list it takes on joining.
      if (!change || event.origin_server_ts < (await this.joinTs(roomId))) return null;
      if (change.joined && this.opts.names) this.opts.names.remember(change.user, change.name);
      const membership = { room: roomId, joined: change.joined ? [change.user] : [], left: change.joined ? [] : [change.user], complete: false };
      return {
        transport: "matrix",
        kind: "membership",
        eventId: event.event_id,
        room: roomId,
        sender: change.user,
        text: "",
        isDirect: false,
        mentionsBot: false,
        membership: [membership],
      };
    }
    if (event.type === "m.room.encryption" || event.type === "m.room.encrypted") {
      await this.tellEncrypted(roomId);
      return null;
    }
    if (event.sender === this.userId) return null;
    if (event.type !== "m.room.message" && event.type !== "m.room.redaction" && event.type !== "m.reaction") return null;
    if (event.origin_server_ts < (await this.joinTs(roomId))) return null;
    await this.learnName(event.sender);

    let inbound: Inbound;
    const base = { transport: "matrix", eventId: event.event_id, room: roomId, sender: event.sender };
    if (event.type === "m.reaction") {
      const rel = event.content["m.relates_to"];
      if (rel?.rel_type !== "m.annotation" || !rel.event_id || typeof rel.key !== "string") return null;
      inbound = { ...base, kind: "reaction", targetEventId: await this.askedAbout(roomId, rel.event_id), text: rel.key, isDirect: false, mentionsBot: false };
    } else if (event.type === "m.room.redaction") {
      const target = event.redacts ?? event.content.redacts;
      if (!target) return null;
      inbound = { ...base, kind: "redaction", targetEventId: target, text: "", isDirect: false, mentionsBot: false };
    } else {
      const c = event.content;
      if (c.msgtype === "m.notice" || typeof c.body !== "string") return null;
      const rel = c["m.relates_to"];
      const direct = await this.isDirect(roomId);
      if (rel?.rel_type === "m.replace" && rel.event_id) {
        const text = c["m.new_content"]?.body ?? c.body.replace(/^\*\s*/, "");
        const original = (await this.withRetry(() => this.client.getEvent(roomId, rel.event_id!)).catch(() => null)) as MatrixEvent | null;
        // Unknown when the original cannot be fetched (say, an id from another room): the core then refuses the edit.
        inbound = {
          ...base,
          kind: "edit",
          targetEventId: rel.event_id,
          targetSender: original?.sender ?? "(unknown)",
          text,
          isDirect: direct,
          mentionsBot: false,
        };
      } else if (FILE_TYPES.has(c.msgtype ?? "") && typeof (c.url ?? (c.file as { url?: unknown } | undefined)?.url) === "string") {
        // A file or image: evidence when it replies to a request (or to the bot's confirmation of one).
        const replyTo = rel?.["m.in_reply_to"]?.event_id;
        if (!replyTo) {
          await this.opts.bot.markHandled(event.event_id, roomId);
          return null;
        }
        // In an encrypted room the file is ciphertext, its key in `content.file` (inside the encrypted event).
        const sealed = c.file as { url: string } | undefined;
        const url = c.url ?? sealed!.url;
        const crypto = this.crypto;
        inbound = {
          ...base,
          kind: "file",
          targetEventId: await this.askedAbout(roomId, replyTo),
          text: "",
          isDirect: direct,
          mentionsBot: false,
          file: {
            name: c.filename ?? c.body,
            mimeType: c.info?.mimetype ?? "application/octet-stream",
            size: typeof c.info?.size === "number" ? c.info.size : null,
            fetch: async () => {
              const data = new Uint8Array((await this.withRetry(() => this.client.downloadContent(url))).data);
              if (!sealed || c.url) return data;
              if (!crypto) throw new Error("an encrypted file, and encryption is off");
              return crypto.decryptAttachment(data, sealed);
            },
          },
        };
      } else {
        const body = rel?.["m.in_reply_to"] ? stripReplyFallback(c.body) : c.body;
        const { mentions, text, onlyByField } = this.addressed(body, event);
        const replyTo = rel?.["m.in_reply_to"]?.event_id ? await this.botMessage(roomId, rel["m.in_reply_to"].event_id) : null;
        // Element mentions the author of the message replied to: a reply to the bot (`收到` under a reminder) is not
        // addressed to it unless it names the bot in its text, so reply chatter in a group room gets no 没看懂.
        const mentionsBot = mentions && !(replyTo && onlyByField);
        inbound = { ...base, kind: "message", text, isDirect: direct, mentionsBot, link: permalink(roomId, event.event_id) };
        if (replyTo) inbound.replyTo = replyTo;
      }
    }
    return inbound;
  }

  /** Send what the bot made of an event (the ✅, replies, files, notices), then mark the event handled. */
  private async deliver(roomId: string, event: MatrixEvent, result: HandlerResult): Promise<void> {
    // The ✅ first: it is the officer's quickest sign that the update is stored (handle returns after the commit).
    if (result.reaction) await this.react(roomId, event.event_id, result.reaction);
    let i = 0;
    for (const r of result.replies) await this.send(roomId, r, event.event_id, `${event.event_id}-${i++}`);
    for (const [k, f] of (result.files ?? []).entries()) {
      try {
        await this.sendFile(roomId, f, event.event_id, `${event.event_id}-f${k}`);
      } catch (e) {
        // A rejection that retrying cannot cure (M_TOO_LARGE…) is told to the user instead of only logged.
        if (this.stopped || retryDelay(e, 0) !== null) throw e;
        const error = e instanceof Error ? e.message.slice(0, 200) : String(e);
        this.opts.logger.warn("file could not be sent", { roomId, file: f.name, size: f.data.length, error });
        await this.send(roomId, plainReply([FILE_FAILED[this.opts.lang ?? "zh"](f.name, error)]), event.event_id, `${event.event_id}-f${k}-failed`);
      }
    }
    for (const [k, n] of (result.notices ?? []).entries())
      for (const room of n.rooms) await this.send(room, n.reply, undefined, `${event.event_id}-n${k}-${room}`);
    await this.opts.bot.markHandled(event.event_id, roomId);
  }

  /**
   * The message a reaction is really about: a 👍 on the bot's own question ("要记录为任务6的进展吗？",
   * sent as a reply) stands for the message it asked about, one on a target request for the question's key (sent
   * in the event as `ASKS`); any other reaction is about its own event.
   */
  private async askedAbout(roomId: string, eventId: string): Promise<string> {
    const reacted = await this.readEvent(roomId, eventId);
    const asks = (reacted?.content as Record<string, unknown> | undefined)?.[ASKS];
    if (reacted?.sender === this.userId && typeof asks === "string") return asks;
    const original = reacted?.sender === this.userId ? reacted.content["m.relates_to"]?.["m.in_reply_to"]?.event_id : undefined;
    return original ?? eventId;
  }

  /**
   * The bot's own message that a reply answers (a reminder, a status answer, a confirmation), so the core can tell
   * which task a reply that names none is about. Null for a reply to anyone else, or when the event cannot be read.
   */
  private async botMessage(roomId: string, eventId: string): Promise<{ eventId: string; text: string } | null> {
    const event = await this.readEvent(roomId, eventId);
    const body = event?.sender === this.userId ? event.content.body : undefined;
    return typeof body === "string" ? { eventId, text: body } : null;
  }

  /**
   * An event of the room, null when it cannot be fetched; one of the bot's own in an encrypted room is decrypted (its
   * machine holds the room key it sent it with), and stays encrypted when that fails.
   */
  private async readEvent(roomId: string, eventId: string): Promise<MatrixEvent | null> {
    const event = (await this.withRetry(() => this.client.getEvent(roomId, eventId)).catch(() => null)) as MatrixEvent | null;
    if (event?.sender !== this.userId || event.type !== "m.room.encrypted" || !this.crypto) return event;
    const outcome = await this.crypto.decrypt(roomId, event);
    return outcome.ok ? outcome.event : event;
  }

  private describeStartError(e: unknown, fix: string): string {
    const url = this.opts.homeserverUrl;
    if (e instanceof MatrixError) {
      if (e.errcode === "M_UNKNOWN_TOKEN" || e.statusCode === 401) return `the homeserver ${url} rejected the credentials (${e.errcode}); ${fix}`;
      if (e.errcode === "M_FORBIDDEN") return `the homeserver ${url} refused the login (${e.errcode}: ${e.error}); ${fix}`;
      return `the homeserver ${url} answered ${e.statusCode} ${e.errcode}: ${e.error}`;
    }
    const code = (e as { code?: string })?.code;
    if (code) return `cannot reach the homeserver at ${url} (${code}); check MATRIX_HOMESERVER_URL and that the server is running`;
    const status = (e as { statusCode?: number })?.statusCode;
    if (status) return `the homeserver ${url} answered HTTP ${status}; check MATRIX_HOMESERVER_URL`;
    return `cannot connect to the homeserver at ${url}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
