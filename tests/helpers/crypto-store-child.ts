/**
 * A child process for tests/crypto-store.test.ts, so that a store is reopened by a NEW process (and can be killed).
 * Usage: node --import tsx tests/helpers/crypto-store-child.ts <mode> <dir>
 * - `olm`: open the store, open an OlmMachine on it (created on the first run), print its identity as one JSON line.
 * - `write`: open the store, then commit one transaction after another forever, printing `committed <n>` after each
 *   one completes (the parent kills it with SIGKILL).
 * - `dump`: print every record of the `w` database's `kv` store as JSON.
 */
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { installAsGlobalIndexedDB, openDurableIdb } from "../../src/transports/crypto/durable-idb.js";

const [mode, dir] = process.argv.slice(2);
if (!mode || !dir) throw new Error("usage: crypto-store-child.ts <olm|write|dump> <dir>");
const warnings: string[] = [];
const logger = { info() {}, warn: (msg: string) => void warnings.push(msg), error: (msg: string) => void warnings.push(msg) };

if (mode === "olm") {
  const store = await openDurableIdb(dir, { logger });
  installAsGlobalIndexedDB(store);
  await sdk.initAsync();
  const handle = await sdk.StoreHandle.openWithKey("duban-crypto", new Uint8Array(32).fill(7));
  const machine = await sdk.OlmMachine.initFromStore(new sdk.UserId("@bot:example.org"), new sdk.DeviceId("DUBANTEST"), handle);
  const out = {
    deviceId: machine.deviceId.toString(),
    curve25519: machine.identityKeys.curve25519.toBase64(),
    ed25519: machine.identityKeys.ed25519.toBase64(),
    outgoing: (await machine.outgoingRequests()).length,
    recordsWritten: store.stats.recordsWritten,
    recordsReplayed: store.stats.recordsReplayed,
  };
  machine.close();
  handle.free();
  await store.close();
  console.log(JSON.stringify(out));
} else if (mode === "write") {
  const store = await openDurableIdb(dir, { logger, maxLogBytes: 64 * 1024 });
  const req = store.factory.open("w", 1);
  req.onupgradeneeded = () => req.result.createObjectStore("kv");
  await new Promise<void>((resolve) => {
    req.onsuccess = () => resolve();
  });
  const db = req.result;
  for (let n = 0; ; n++) {
    const tx = db.transaction(["kv"], "readwrite");
    // Two puts per transaction, and a value big enough that a kill often lands in the middle of a write.
    tx.objectStore("kv").put({ n, pad: "x".repeat(2000 + (n % 7) * 500) }, `k${n}`);
    tx.objectStore("kv").put(n, "last");
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    process.stdout.write(`committed ${n}\n`);
  }
} else if (mode === "dump") {
  const store = await openDurableIdb(dir, { logger });
  const req = store.factory.open("w");
  const db = await new Promise<typeof req.result>((resolve) => {
    req.onsuccess = () => resolve(req.result);
  });
  const tx = db.transaction(["kv"], "readonly");
  const keys = tx.objectStore("kv").getAllKeys();
  const values = tx.objectStore("kv").getAll();
  await new Promise<void>((resolve) => {
    tx.oncomplete = () => resolve();
  });
  db.close();
  await store.close();
  console.log(JSON.stringify({ keys: keys.result, values: values.result, warnings, stats: store.stats }));
}
