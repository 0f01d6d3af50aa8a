/**
 * A child process for tests/crypto-backup.test.ts: the bot's OlmMachine on a durable store, opened by a NEW process
 * each time, with its store key from the key file beside the store (as the bot does).
 * Usage: node --import tsx tests/helpers/crypto-backup-child.ts <mode> <storeDir> [<file>]
 * - `seed <storeDir> <eventFile>`: open (or create) the bot's device; "alice", a second OlmMachine in memory, makes a
 *   Megolm room session shared only with herself, exports it, and the bot imports it; alice encrypts one event, written
 *   to <eventFile>. No server: the inbound session reaches the bot the way a key backup would bring it.
 * - `decrypt <storeDir> <eventFile>`: open the bot's device and decrypt the event.
 * Both print one JSON line: the bot's identity keys, and (decrypt) the decrypted body.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { installAsGlobalIndexedDB, openDurableIdb } from "../../src/transports/crypto/durable-idb.js";
import { loadStoreKey } from "../../src/transports/crypto/store-key.js";

const [mode, dir, file] = process.argv.slice(2);
if (!mode || !dir || !file) throw new Error("usage: crypto-backup-child.ts <seed|decrypt> <storeDir> <eventFile>");
const BOT = { userId: "@bot:example.org", deviceId: "DUBANBOT" };
const ROOM = "!drill:example.org";

const key = loadStoreKey(dir, process.env.DUBAN_CRYPTO_STORE_KEY);
const store = await openDurableIdb(dir);
installAsGlobalIndexedDB(store);
await sdk.initAsync();
const handle = await sdk.StoreHandle.openWithKey("duban-crypto", key);
const bot = await sdk.OlmMachine.initFromStore(new sdk.UserId(BOT.userId), new sdk.DeviceId(BOT.deviceId), handle);
const identity = { ...BOT, ed25519: bot.identityKeys.ed25519.toBase64(), curve25519: bot.identityKeys.curve25519.toBase64() };
const out: Record<string, unknown> = { identity };

if (mode === "seed") {
  const alice = await sdk.OlmMachine.initialize(new sdk.UserId("@alice:example.org"), new sdk.DeviceId("ALICE"));
  await alice.updateTrackedUsers([new sdk.UserId("@alice:example.org")]);
  await alice.shareRoomKey(new sdk.RoomId(ROOM), [new sdk.UserId("@alice:example.org")], new sdk.EncryptionSettings());
  const content = await alice.encryptRoomEvent(new sdk.RoomId(ROOM), "m.room.message", JSON.stringify({ msgtype: "m.text", body: "任务6 完成80%" }));
  const exported = await alice.exportRoomKeys(() => true);
  const result = await bot.importExportedRoomKeys(exported, () => undefined);
  out.imported = result.importedCount;
  const event = {
    type: "m.room.encrypted",
    event_id: "$drill1",
    sender: "@alice:example.org",
    origin_server_ts: 1700000000000,
    room_id: ROOM,
    content: JSON.parse(content),
  };
  writeFileSync(file, JSON.stringify(event));
  alice.close();
} else if (mode === "decrypt") {
  const event = readFileSync(file, "utf8");
  const decrypted = await bot.decryptRoomEvent(event, new sdk.RoomId(ROOM), new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted));
  out.body = (JSON.parse(decrypted.event) as { content: { body: string } }).content.body;
}
bot.close();
handle.free();
await store.close();
console.log(JSON.stringify(out));
