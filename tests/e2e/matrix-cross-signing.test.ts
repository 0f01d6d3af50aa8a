import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../../src/log/logger.js";
import { ensureCrossSigning, type MatrixSend } from "../../src/transports/crypto/cross-signing.js";
import { type DurableIdb, installAsGlobalIndexedDB, openDurableIdb } from "../../src/transports/crypto/durable-idb.js";
import { createMatrixClient, startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

let synapse: Synapse;
let bot: SynapseUser;
let viewer: SynapseUser;
const dirs: string[] = [];

/**
 * The engine's request function: matrix-bot-sdk's `doRequest`, as the transport passes it (a 401 comes back as its
 * MatrixError, or as the raw response when the body has no errcode). What it sends is recorded.
 */
function sender(accessToken: string, sent: string[]): MatrixSend {
  const client = createMatrixClient(synapse.url, accessToken);
  return (method, path, body) => {
    sent.push(`${method} ${path}`);
    return client.doRequest(method, path, null, body);
  };
}

function collecting(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, info() {}, warn: (m) => void warnings.push(m), error: (m) => void errors.push(m) };
}

/** The bot's side at start: its durable store opened, its machine on it, and its device keys uploaded (the engine's first flush). */
async function startMachine(dir: string, user: { userId: string; deviceId: string }, send: MatrixSend) {
  const store: DurableIdb = await openDurableIdb(dir);
  installAsGlobalIndexedDB(store);
  const handle = await sdk.StoreHandle.openWithKey("duban-crypto", new Uint8Array(32).fill(9));
  const machine = await sdk.OlmMachine.initFromStore(new sdk.UserId(user.userId), new sdk.DeviceId(user.deviceId), handle);
  const paths: Partial<Record<sdk.RequestType, string>> = {
    [sdk.RequestType.KeysUpload]: "/_matrix/client/v3/keys/upload",
    [sdk.RequestType.KeysQuery]: "/_matrix/client/v3/keys/query",
  };
  for (const req of await machine.outgoingRequests()) {
    const path = paths[req.type as sdk.RequestType];
    if (!path) continue;
    await machine.markRequestAsSent(req.id!, req.type, JSON.stringify(await send("POST", path, JSON.parse(req.body))));
  }
  return {
    machine,
    async close() {
      machine.close();
      handle.free();
      await store.close();
    },
  };
}

/** What another user's client sees of the bot's keys: its master key, and whether its self-signing key signs `deviceId`. */
async function seenByViewer(deviceId: string): Promise<{ master?: string; deviceSigned: boolean }> {
  const r = (await sender(viewer.accessToken, [])("POST", "/_matrix/client/v3/keys/query", { device_keys: { [bot.userId]: [] } })) as {
    master_keys?: Record<string, { keys: Record<string, string> }>;
    self_signing_keys?: Record<string, { keys: Record<string, string>; signatures?: Record<string, Record<string, string>> }>;
    device_keys: Record<string, Record<string, { signatures: Record<string, Record<string, string>> }>>;
  };
  const master = Object.values(r.master_keys?.[bot.userId]?.keys ?? {})[0];
  const ssk = r.self_signing_keys?.[bot.userId];
  const selfSigning = Object.values(ssk?.keys ?? {})[0];
  // The self-signing key is itself signed by the master key, else nothing it signs is trusted.
  if (master && selfSigning) expect(ssk?.signatures?.[bot.userId]?.[`ed25519:${master}`]).toBeTypeOf("string");
  const signatures = r.device_keys[bot.userId]?.[deviceId]?.signatures[bot.userId] ?? {};
  return { master, deviceSigned: selfSigning !== undefined && typeof signatures[`ed25519:${selfSigning}`] === "string" };
}

/** A second login of the bot's account: a new device, as when the crypto store is new (lost, or moved to a new machine). */
async function newDevice(): Promise<{ userId: string; deviceId: string; accessToken: string }> {
  const res = await fetch(`${synapse.url}/_matrix/client/v3/login`, {
    method: "POST",
    body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: bot.localpart }, password: bot.password }),
  });
  const body = (await res.json()) as { user_id: string; device_id: string; access_token: string };
  return { userId: body.user_id, deviceId: body.device_id, accessToken: body.access_token };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "duban-xsign-"));
  dirs.push(dir);
  return join(dir, "crypto");
}

describe("cross-signing the bot's device, on a real Synapse", () => {
  let firstMaster: string | undefined;

  beforeAll(async () => {
    await sdk.initAsync();
    synapse = await startSynapse();
    bot = await synapse.registerUser("duban", { displayName: "督办" });
    viewer = await synapse.registerUser("kejiban");
  });

  afterAll(async () => {
    await synapse?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("signs the device with the bot's own keys at the first start, without a password (MSC3967); a restart uploads nothing", async () => {
    const dir = tempDir();
    const device = { userId: bot.userId, deviceId: bot.deviceId! };
    expect(await seenByViewer(device.deviceId)).toEqual({ master: undefined, deviceSigned: false });

    const sent: string[] = [];
    const log = collecting();
    const first = await startMachine(dir, device, sender(bot.accessToken, sent));
    sent.length = 0;
    // Only the access token: the bot's account has no cross-signing keys yet, so the homeserver asks for no password.
    expect(await ensureCrossSigning(first.machine, sender(bot.accessToken, sent), {}, log)).toBe("uploaded");
    expect(sent).toEqual([
      "POST /_matrix/client/v3/keys/query",
      "POST /_matrix/client/v3/keys/device_signing/upload",
      "POST /_matrix/client/v3/keys/signatures/upload",
    ]);
    expect({ warnings: log.warnings, errors: log.errors }).toEqual({ warnings: [], errors: [] });
    const status = await first.machine.crossSigningStatus();
    expect([status.hasMaster, status.hasSelfSigning, status.hasUserSigning]).toEqual([true, true, true]);
    await first.close();

    const seen = await seenByViewer(device.deviceId);
    expect(seen.master).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(seen.deviceSigned).toBe(true);
    firstMaster = seen.master;

    // A restart on the same store: one question to the homeserver, nothing uploaded, the same keys.
    sent.length = 0;
    const second = await startMachine(dir, device, sender(bot.accessToken, []));
    expect(await ensureCrossSigning(second.machine, sender(bot.accessToken, sent), { password: bot.password }, log)).toBe("present");
    await second.close();
    expect(sent).toEqual(["POST /_matrix/client/v3/keys/query"]);
    expect(await seenByViewer(device.deviceId)).toEqual({ master: firstMaster, deviceSigned: true });
    expect({ warnings: log.warnings, errors: log.errors }).toEqual({ warnings: [], errors: [] });
  });

  it("on a new store it warns without MATRIX_PASSWORD (what Element shows, the fix), and replaces the keys with it", async () => {
    expect(firstMaster).toBeDefined();
    const dir = tempDir();
    const login = await newDevice();
    const device = { userId: login.userId, deviceId: login.deviceId };
    const sent: string[] = [];
    const machine = await startMachine(dir, device, sender(login.accessToken, []));
    try {
      // Only an access token: the homeserver already has (other) keys for the bot, so it asks for the password.
      const log = collecting();
      expect(await ensureCrossSigning(machine.machine, sender(login.accessToken, sent), {}, log)).toBe("needs-password");
      expect(log.errors).toEqual([]);
      expect(log.warnings.join("\n")).toContain("MATRIX_PASSWORD");
      expect(log.warnings.join("\n")).toContain("Encrypted by a device not verified by its owner");
      expect(sent).not.toContain("POST /_matrix/client/v3/keys/signatures/upload");
      expect(await seenByViewer(device.deviceId)).toEqual({ master: firstMaster, deviceSigned: false });

      // A wrong password is refused the same way, and changes nothing.
      const wrong = collecting();
      expect(await ensureCrossSigning(machine.machine, sender(login.accessToken, []), { password: "not-the-password" }, wrong)).toBe("needs-password");
      expect(wrong.warnings.join("\n")).toContain("refused MATRIX_PASSWORD");
      expect(await seenByViewer(device.deviceId)).toEqual({ master: firstMaster, deviceSigned: false });

      // With the password: the store's keys replace the old ones, and the new device is signed.
      const fixed = collecting();
      expect(await ensureCrossSigning(machine.machine, sender(login.accessToken, []), { password: bot.password }, fixed)).toBe("uploaded");
      expect(fixed.errors).toEqual([]);
      const seen = await seenByViewer(device.deviceId);
      expect(seen.deviceSigned).toBe(true);
      expect(seen.master).toMatch(/^[A-Za-z0-9+/]{43}$/);
      expect(seen.master).not.toBe(firstMaster);
      // The old device is no longer signed by the bot's current keys.
      expect((await seenByViewer(bot.deviceId!)).deviceSigned).toBe(false);

      const again: string[] = [];
      expect(await ensureCrossSigning(machine.machine, sender(login.accessToken, again), {}, collecting())).toBe("present");
      expect(again).toEqual(["POST /_matrix/client/v3/keys/query"]);
    } finally {
      await machine.close();
    }
  });
});
