/**
 * Encrypted events that arrive before their room keys (src/transports/matrix.ts, docs/encryption.md): kept, retried,
 * and after the grace period answered once with "无法解密这条消息，请重新发送" — never for an event already handled;
 * and an encrypted file read as evidence.
 * The transport's client and crypto are stand-ins here; the real thing runs in tests/e2e/matrix-encrypted-wire.test.ts.
 */
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { describe, expect, it } from "vitest";
import type { Inbound } from "../src/core/inbound.js";
import { MatrixCrypto } from "../src/transports/crypto/engine.js";
import type { Bot } from "../src/core/bot.js";
import type { SettingsStore } from "../src/core/model.js";
import type { MatrixEvent } from "../src/transports/matrix-sync.js";
import { MatrixTransport } from "../src/transports/matrix.js";

const ROOM = "!unit:example.org";
const event = (id: string): MatrixEvent => ({
  event_id: id,
  type: "m.room.encrypted",
  sender: "@zhang:example.org",
  origin_server_ts: 1,
  content: { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "secret" },
});

function setup(handled: Set<string>) {
  const map = new Map<string, string>();
  const settings: SettingsStore = {
    get: async (k) => map.get(k) ?? null,
    set: async (k, v) => void map.set(k, v),
    setOnce: async () => true,
  };
  const marked: string[] = [];
  const bot = { seen: async (id: string) => handled.has(id), markHandled: async (id: string) => void marked.push(id) } as unknown as Bot;
  const logs: { msg: string; ctx?: Record<string, unknown> }[] = [];
  const logger = { info: () => undefined, warn: (msg: string, ctx?: Record<string, unknown>) => void logs.push({ msg, ctx }), error: () => undefined };
  let now = 1_000_000;
  const transport = new MatrixTransport({
    homeserverUrl: "http://hs.invalid",
    storageFile: null,
    bot,
    settings,
    allowedInviters: [],
    logger,
    undecryptableGraceMs: 60_000,
    now: () => now,
  });
  const sent: { path: string; body: Record<string, unknown> }[] = [];
  const keys = new Set<string>(); // events whose room key has come
  // The stand-ins: a client that records sends, a crypto that decrypts only the events whose key has come.
  Object.assign(transport, {
    client: {
      doRequest: async (_m: string, path: string, _q: unknown, body: Record<string, unknown>) => {
        sent.push({ path, body });
        return { event_id: `$sent${sent.length}` };
      },
    },
    crypto: {
      decrypt: async (_room: string, e: MatrixEvent) =>
        keys.has(e.event_id)
          ? { ok: true, event: { ...e, type: "m.room.message", content: { msgtype: "m.text", body: "任务6进展 60%" } } }
          : { ok: false, missingKeys: true, code: "MissingRoomKey", message: "no key" },
    },
  });
  const t = transport as unknown as {
    decryptOrWait(room: string, e: MatrixEvent): Promise<MatrixEvent | null>;
    pendingReady(): Promise<{ event: MatrixEvent }[]>;
  };
  return { t, transport, map, sent, marked, logs, keys, advance: (ms: number) => (now += ms) };
}

describe("encrypted events before their keys", () => {
  it("keeps an event without its key (persisted), hands it back once its key has come", async () => {
    const s = setup(new Set());
    expect(await s.t.decryptOrWait(ROOM, event("$a"))).toBeNull();
    expect(await s.t.decryptOrWait(ROOM, event("$a"))).toBeNull(); // redelivered: kept once
    expect(JSON.parse(s.map.get("matrix.crypto.pending")!)).toHaveLength(1);
    expect(await s.t.pendingReady()).toEqual([]);
    s.keys.add("$a");
    expect((await s.t.pendingReady()).map((p) => p.event.event_id)).toEqual(["$a"]);
    expect(s.sent).toEqual([]);
  });

  it("after the grace period, replies once in the room, logs the id without the content, marks it handled and drops it", async () => {
    const s = setup(new Set());
    await s.t.decryptOrWait(ROOM, event("$b"));
    s.advance(59_000);
    await s.t.pendingReady();
    expect(s.sent).toEqual([]);
    s.advance(1_000);
    await s.t.pendingReady();
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]!.body).toMatchObject({
      msgtype: "m.notice",
      body: "无法解密这条消息，请重新发送",
      "m.relates_to": { "m.in_reply_to": { event_id: "$b" } },
    });
    expect(s.sent[0]!.path).toContain(encodeURIComponent("duban-undecryptable-$b"));
    expect(s.marked).toEqual(["$b"]);
    expect(s.logs).toHaveLength(1);
    expect(s.logs[0]!.ctx).toMatchObject({ roomId: ROOM, eventId: "$b" });
    expect(JSON.stringify(s.logs)).not.toContain("secret");
    expect(s.map.get("matrix.crypto.pending")).toBe("[]");
    s.advance(600_000);
    await s.t.pendingReady();
    expect(s.sent).toHaveLength(1);
  });

  it("never keeps or reports an event already handled (a redelivered batch whose keys were used)", async () => {
    const handled = new Set(["$c"]);
    const s = setup(handled);
    expect(await s.t.decryptOrWait(ROOM, event("$c"))).toBeNull();
    expect(s.map.get("matrix.crypto.pending")).toBeUndefined();
    // Kept while not handled, then handled some other way before the grace period ends: dropped without a notice.
    await s.t.decryptOrWait(ROOM, event("$d"));
    handled.add("$d");
    s.advance(120_000);
    await s.t.pendingReady();
    expect(s.sent).toEqual([]);
    expect(s.map.get("matrix.crypto.pending")).toBe("[]");
  });

  it("reads an encrypted file (content.file, no url): evidence is the downloaded ciphertext decrypted with the event's key", async () => {
    const s = setup(new Set());
    await sdk.initAsync();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, ...new TextEncoder().encode("证明材料")]);
    const sealed = sdk.Attachment.encrypt(png);
    const info = JSON.parse(sealed.mediaEncryptionInfo!) as Record<string, unknown>;
    const ciphertext = sealed.encryptedData;
    Object.assign(s.transport, {
      client: {
        getRoomState: async () => [],
        getJoinedRoomMembers: async () => ["@zhang:example.org", "@li:example.org", "@bot:example.org"],
        getEvent: async (_room: string, id: string) => ({ event_id: id, sender: "@li:example.org", type: "m.room.message", content: {} }),
        downloadContent: async (url: string) => {
          if (url !== "mxc://example.org/sealed") throw new Error(`unexpected download ${url}`);
          return { data: Buffer.from(ciphertext) };
        },
      },
      crypto: { decryptAttachment: MatrixCrypto.prototype.decryptAttachment },
    });
    const inbound = await (s.transport as unknown as { inboundOfClear(room: string, e: MatrixEvent): Promise<Inbound | null> }).inboundOfClear(ROOM, {
      event_id: "$file",
      type: "m.room.message",
      sender: "@zhang:example.org",
      origin_server_ts: 5,
      content: {
        msgtype: "m.image",
        body: "证明.png",
        info: { mimetype: "image/png", size: png.length },
        file: { ...info, url: "mxc://example.org/sealed", mimetype: "image/png" },
        "m.relates_to": { "m.in_reply_to": { event_id: "$request" } },
      },
    });
    expect(inbound).toMatchObject({ kind: "file", targetEventId: "$request", file: { name: "证明.png", mimeType: "image/png" } });
    expect(Buffer.from(await inbound!.file!.fetch()).equals(Buffer.from(png))).toBe(true);
  });
});
