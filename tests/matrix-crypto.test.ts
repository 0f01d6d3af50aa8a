/**
 * The encryption engine (src/transports/crypto/engine.ts) against a fake homeserver: the few key endpoints, kept in
 * memory. The real-Synapse runs are in tests/e2e/matrix-encrypted.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SettingsStore } from "../src/core/model.js";
import { CryptoDeviceMismatch, DEVICE_SETTING, MatrixCrypto } from "../src/transports/crypto/engine.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "duban-matrix-crypto-"));
  dirs.push(d);
  return d;
}

function memorySettings(): SettingsStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k) ?? null,
    set: async (k, v) => void map.set(k, v),
    setOnce: async (k, v) => {
      if (map.has(k)) return false;
      map.set(k, v);
      return true;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the fake server reads JSON bodies freely
type Json = Record<string, any>;

/** The key endpoints of a homeserver, in memory: uploads, queries, claims and to-device messages. */
class FakeServer {
  readonly calls: string[] = [];
  readonly deviceKeys = new Map<string, Json>(); // "user|device" → device keys
  readonly oneTimeKeys = new Map<string, Json>(); // "user|device" → { "signed_curve25519:ID": key }
  readonly inbox = new Map<string, Json[]>(); // "user|device" → to-device events

  sendAs(userId: string, deviceId: () => string) {
    return async (method: string, path: string, body: unknown): Promise<unknown> => {
      const b = body as Json;
      const name = path.replace(/^\/_matrix\/client\/v3\//, "").split("/")[0] === "keys" ? path.split("/").slice(4, 6).join("/") : path.split("/")[4];
      this.calls.push(`${userId} ${method} ${name}`);
      const me = `${userId}|${deviceId()}`;
      if (path.endsWith("/keys/upload")) {
        if (b.device_keys) this.deviceKeys.set(me, b.device_keys);
        const otks = { ...(this.oneTimeKeys.get(me) ?? {}), ...(b.one_time_keys ?? {}) };
        this.oneTimeKeys.set(me, otks);
        return { one_time_key_counts: { signed_curve25519: Object.keys(otks).length } };
      }
      if (path.endsWith("/keys/query")) {
        const out: Json = {};
        for (const user of Object.keys(b.device_keys ?? {})) {
          out[user] = {};
          for (const [k, v] of this.deviceKeys) if (k.startsWith(`${user}|`)) out[user][k.split("|")[1]!] = v;
        }
        return { device_keys: out, failures: {} };
      }
      if (path.endsWith("/keys/claim")) {
        const out: Json = {};
        for (const [user, devices] of Object.entries(b.one_time_keys as Json)) {
          out[user] = {};
          for (const device of Object.keys(devices)) {
            const keys = this.oneTimeKeys.get(`${user}|${device}`) ?? {};
            const id = Object.keys(keys)[0];
            if (!id) continue;
            out[user][device] = { [id]: keys[id] };
            delete keys[id];
          }
        }
        return { one_time_keys: out, failures: {} };
      }
      if (path.includes("/sendToDevice/")) {
        const type = decodeURIComponent(path.split("/")[5]!);
        for (const [user, devices] of Object.entries(b.messages as Json))
          for (const [device, content] of Object.entries(devices as Json)) {
            const key = `${user}|${device}`;
            this.inbox.set(key, [...(this.inbox.get(key) ?? []), { type, sender: userId, content }]);
          }
        return {};
      }
      throw new Error(`fake server: unexpected ${method} ${path}`);
    };
  }

  /** What a /sync would hand this device's engine: its to-device messages (taken), and its key count. */
  syncFor(userId: string, deviceId: string, changed: string[] = []) {
    const key = `${userId}|${deviceId}`;
    const toDeviceEvents = this.inbox.get(key) ?? [];
    this.inbox.delete(key);
    return {
      toDeviceEvents,
      deviceLists: { changed, left: [] },
      oneTimeKeyCounts: { signed_curve25519: Object.keys(this.oneTimeKeys.get(key) ?? {}).length },
      unusedFallbackKeyTypes: ["signed_curve25519"],
    };
  }
}

const KEY = new Uint8Array(32).fill(3);

async function openBot(server: FakeServer, storeDir: string, settings: SettingsStore, userId = "@bot:example.org", deviceId = "BOTDEVICE") {
  return MatrixCrypto.open({ storeDir, storeKey: KEY, userId, deviceId, settings, send: server.sendAs(userId, () => deviceId) });
}

describe("MatrixCrypto", () => {
  it("keeps its identity keys across a reopen, uploads its keys on the first open only, and records its device", async () => {
    const server = new FakeServer();
    const dir = join(tempDir(), "bot.crypto");
    const settings = memorySettings();
    const first = await openBot(server, dir, settings);
    const id1 = first.identity();
    expect(server.calls.filter((c) => c.endsWith("keys/upload"))).toHaveLength(1);
    expect(server.deviceKeys.get("@bot:example.org|BOTDEVICE")?.keys[`ed25519:BOTDEVICE`]).toBe(id1.ed25519);
    expect(JSON.parse(settings.map.get(DEVICE_SETTING)!)).toEqual({
      userId: "@bot:example.org",
      deviceId: "BOTDEVICE",
      ed25519: id1.ed25519,
      curve25519: id1.curve25519,
    });
    await first.close();

    const second = await openBot(server, dir, settings);
    expect(second.identity()).toEqual(id1);
    expect(server.calls.filter((c) => c.endsWith("keys/upload"))).toHaveLength(1); // nothing re-sent after the reopen
    await second.close();
  });

  it("refuses a store recorded for another device, and a new store for a device whose keys were recorded", async () => {
    const server = new FakeServer();
    const root = tempDir();
    const settings = memorySettings();
    const bot = await openBot(server, join(root, "a.crypto"), settings);
    await bot.close();
    await expect(openBot(server, join(root, "a.crypto"), settings, "@bot:example.org", "OTHER")).rejects.toThrow(CryptoDeviceMismatch);
    await expect(openBot(server, join(root, "a.crypto"), settings, "@bot:example.org", "OTHER")).rejects.toThrow(
      /belongs to device BOTDEVICE of @bot:example.org, but the bot is logged in as OTHER/,
    );
    // Same device, but an empty store (the old one lost): its keys are not the recorded ones.
    await expect(openBot(server, join(root, "b.crypto"), settings)).rejects.toThrow(/restore the original store/);
    // Another device with a new store (the old one moved away): a new start, and the record is the new device's.
    const fresh = await openBot(server, join(root, "c.crypto"), settings, "@bot:example.org", "NEWDEVICE");
    expect(JSON.parse(settings.map.get(DEVICE_SETTING)!)).toMatchObject({ deviceId: "NEWDEVICE", ed25519: fresh.identity().ed25519 });
    await fresh.close();
  });

  it("encrypts for another device, which decrypts it after its sync, keeping id, sender, time and relation", async () => {
    const server = new FakeServer();
    const root = tempDir();
    const room = "!room:example.org";
    const bot = await openBot(server, join(root, "bot.crypto"), memorySettings());
    const officer = await openBot(server, join(root, "officer.crypto"), memorySettings(), "@officer:example.org", "PHONE");
    await bot.onSync(server.syncFor("@bot:example.org", "BOTDEVICE"));

    const content = await bot.encrypt(room, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: "$orig", key: "✅" } }, [
      "@bot:example.org",
      "@officer:example.org",
    ]);
    expect(content.algorithm).toBe("m.megolm.v1.aes-sha2");
    // The relation stays in the clear part (the spec's rule; servers aggregate reactions by it), the rest is ciphertext.
    expect(content["m.relates_to"]).toEqual({ rel_type: "m.annotation", event_id: "$orig", key: "✅" });
    const event = { event_id: "$e1", type: "m.room.encrypted", sender: "@bot:example.org", origin_server_ts: 1234, content: content as never };

    // Before the officer's device has read its to-device messages, the room key is missing.
    const early = await officer.decrypt(room, event);
    expect(early).toMatchObject({ ok: false, missingKeys: true });

    await officer.onSync(server.syncFor("@officer:example.org", "PHONE"));
    const clear = await officer.decrypt(room, event);
    expect(clear.ok).toBe(true);
    if (!clear.ok) return;
    expect(clear.event).toMatchObject({ event_id: "$e1", sender: "@bot:example.org", origin_server_ts: 1234, type: "m.reaction" });
    expect(clear.event.content["m.relates_to"]).toEqual({ rel_type: "m.annotation", event_id: "$orig", key: "✅" });

    // A second message reuses the session; the one after a reopen of the officer's store still decrypts.
    const second = await bot.encrypt(room, "m.room.message", { msgtype: "m.text", body: "任务6 已完成" }, ["@bot:example.org", "@officer:example.org"]);
    expect(JSON.stringify(second)).not.toContain("任务6");
    await officer.close();
    const reopened = await openBot(server, join(root, "officer.crypto"), memorySettings(), "@officer:example.org", "PHONE");
    await reopened.onSync(server.syncFor("@officer:example.org", "PHONE"));
    const again = await reopened.decrypt(room, { ...event, event_id: "$e2", content: second as never });
    expect(again).toMatchObject({ ok: true, event: { event_id: "$e2", content: { body: "任务6 已完成" } } });
    await reopened.close();
    await bot.close();
  });

  it("encrypts a file as the spec's `file` object (key, iv, hashes) and decrypts it back; a changed byte is refused", async () => {
    const bot = await openBot(new FakeServer(), join(tempDir(), "bot.crypto"), memorySettings());
    const data = new TextEncoder().encode("任务6 佐证材料 ".repeat(100));
    const sealed = bot.encryptAttachment(data);
    expect(Buffer.from(sealed.data).includes(Buffer.from(data.slice(0, 30)))).toBe(false);
    expect(sealed.file).toMatchObject({
      v: "v2",
      key: { kty: "oct", alg: "A256CTR", ext: true },
      iv: expect.any(String),
      hashes: { sha256: expect.any(String) },
    });
    // As it comes back in an event: with the url and mimetype beside the keys.
    const file = { ...sealed.file, url: "mxc://example.org/abc", mimetype: "text/plain" };
    expect(Buffer.from(bot.decryptAttachment(sealed.data, file)).equals(Buffer.from(data))).toBe(true);
    const damaged = new Uint8Array(sealed.data);
    damaged[5] = damaged[5]! ^ 1;
    expect(() => bot.decryptAttachment(damaged, file)).toThrow();
    await bot.close();
  });

  it("skips a sync batch with nothing for the crypto, which would only cost a store write", async () => {
    const server = new FakeServer();
    const bot = await openBot(server, join(tempDir(), "bot.crypto"), memorySettings());
    const quiet = server.syncFor("@bot:example.org", "BOTDEVICE");
    await bot.onSync(quiet);
    const written = bot.storeStats.recordsWritten;
    for (let i = 0; i < 3; i++) await bot.onSync(quiet);
    expect(bot.storeStats.recordsWritten).toBe(written);
    // A change in the counts (a key claimed by someone) is handed over.
    await bot.onSync({ ...quiet, oneTimeKeyCounts: { signed_curve25519: 0 } });
    expect(server.calls.filter((c) => c.endsWith("keys/upload")).length).toBeGreaterThan(1);
    await bot.close();
  });
});
