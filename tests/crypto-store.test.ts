// The durable IndexedDB for the WebAssembly crypto (issue 24, build step "1. Store"): src/transports/crypto/durable-idb.ts.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type DurableIdb, DurableIdbError, openDurableIdb } from "../src/transports/crypto/durable-idb.js";

const ROOT = join(import.meta.dirname, "..");
const CHILD = join(ROOT, "tests/helpers/crypto-store-child.ts");
const execFileAsync = promisify(execFile);

const dirs: string[] = [];
function tempStore(): string {
  const base = mkdtempSync(join(tmpdir(), "duban-crypto-store-"));
  dirs.push(base);
  return join(base, "crypto"); // the store creates its own folder
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Warnings = string[];
const collecting = (warnings: Warnings) => ({ info() {}, warn: (msg: string) => void warnings.push(msg), error: (msg: string) => void warnings.push(msg) });

/** Run a child (see tests/helpers/crypto-store-child.ts) to the end and parse its JSON line. */
async function child(mode: string, dir: string, shellPrefix = ""): Promise<Record<string, unknown>> {
  const cmd = `${shellPrefix}exec "${process.execPath}" --import tsx "${CHILD}" ${mode} "${dir}"`;
  const { stdout } = await execFileAsync("sh", ["-c", cmd], { cwd: ROOT });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

/** Commit one readwrite transaction on `db` and wait for it. */
async function commit(
  store: DurableIdb,
  db: string,
  stores: string[],
  body: (tx: ReturnType<ReturnType<DurableIdb["factory"]["open"]>["result"]["transaction"]>) => void,
) {
  const conn = await openConn(store, db);
  const tx = conn.transaction(stores, "readwrite");
  body(tx);
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  conn.close();
}

function openConn(store: DurableIdb, name: string, version?: number, upgrade?: (db: ReturnType<DurableIdb["factory"]["open"]>["result"]) => void) {
  const req = version === undefined ? store.factory.open(name) : store.factory.open(name, version);
  return new Promise<typeof req.result>((resolve, reject) => {
    req.onupgradeneeded = () => upgrade?.(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** A store with two databases, an index, inline and out-of-line keys, and puts, deletes (by key and by range) and clears. */
async function fill(store: DurableIdb): Promise<void> {
  const db = await openConn(store, "app", 1, (db) => {
    db.createObjectStore("kv");
    const people = db.createObjectStore("people", { keyPath: "id" });
    people.createIndex("byName", "name", { unique: false, multiEntry: false });
    db.createObjectStore("scratch");
  });
  db.close();
  await commit(store, "app", ["kv", "people", "scratch"], (tx) => {
    for (let i = 0; i < 10; i++) tx.objectStore("kv").put({ i, bytes: new Uint8Array([i, 255 - i]) }, `key${i}`);
    tx.objectStore("people").put({ id: 1, name: "王" });
    tx.objectStore("people").put({ id: 2, name: "Li" });
    tx.objectStore("scratch").put("gone", ["a", 1]);
  });
  await commit(store, "app", ["kv", "people", "scratch"], (tx) => {
    tx.objectStore("kv").delete("key3");
    tx.objectStore("kv").delete(globalThisRange("key6", "key8"));
    tx.objectStore("kv").put("overwritten", "key0");
    tx.objectStore("people").delete(2);
    tx.objectStore("scratch").clear();
  });
  // Cursors' update and delete (the wasm uses both): through the store and through an index.
  const conn = await openConn(store, "app");
  const tx = conn.transaction(["kv", "people"], "readwrite");
  const cur = tx.objectStore("kv").openCursor();
  cur.onsuccess = () => {
    const c = cur.result;
    if (!c) return;
    if (c.key === "key1") c.update({ i: 1, bytes: new Uint8Array([1, 254]), updated: true });
    if (c.key === "key2") c.delete();
    c.continue();
  };
  tx.objectStore("people").put({ id: 5, name: "Zed" });
  const byName = tx.objectStore("people").index("byName").openCursor();
  byName.onsuccess = () => {
    const c = byName.result;
    if (!c) return;
    const person = c.value as { name: string };
    if (person.name === "Zed") c.delete();
    else c.update({ ...person, seen: 1 });
    c.continue();
  };
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  conn.close();
  // An upgrade that adds a store to an existing database, and a second database.
  (await openConn(store, "app", 2, (db) => db.createObjectStore("later"))).close();
  (await openConn(store, "other", 3, (db) => db.createObjectStore("x"))).close();
  await commit(store, "other", ["x"], (tx) => tx.objectStore("x").put(42, 7));
}

// The key range class of fake-indexeddb (the test runs without the DOM globals).
import { IDBKeyRange as FakeKeyRange } from "fake-indexeddb";
const globalThisRange = (lo: string, hi: string) => (FakeKeyRange as unknown as { bound(a: string, b: string): unknown }).bound(lo, hi);

const EXPECTED_KV_KEYS = ["key0", "key1", "key4", "key5", "key9"];

describe("durable IndexedDB (issue 24, the crypto store)", () => {
  it("(a) keeps puts, deletes, clears and upgrades across a reopen", async () => {
    const dir = tempStore();
    const first = await openDurableIdb(dir);
    await fill(first);
    const before = await first.dump();
    await first.close();

    const warnings: Warnings = [];
    const second = await openDurableIdb(dir, { logger: collecting(warnings) });
    const after = await second.dump();
    expect(after).toEqual(before);
    expect(second.stats.recordsReplayed).toBeGreaterThan(0);
    const app = after.find((d) => d.name === "app")!;
    expect(app.version).toBe(2);
    const kv = app.stores.find((s) => s.name === "kv")!;
    expect(kv.keys).toEqual(EXPECTED_KV_KEYS);
    expect(kv.values[0]).toBe("overwritten");
    expect(kv.values[1]).toEqual({ i: 1, bytes: new Uint8Array([1, 254]), updated: true });
    const people = app.stores.find((s) => s.name === "people")!;
    expect(people.values).toEqual([{ id: 1, name: "王", seen: 1 }]);
    expect(people.indexes).toEqual([{ name: "byName", keyPath: "name", unique: false, multiEntry: false }]);
    expect(app.stores.find((s) => s.name === "scratch")!.keys).toEqual([]);
    expect(app.stores.map((s) => s.name).sort()).toEqual(["kv", "later", "people", "scratch"]);
    expect(after.find((d) => d.name === "other")).toMatchObject({ version: 3, stores: [{ name: "x", keys: [7], values: [42] }] });
    expect(warnings).toEqual([]);
    await second.close();

    // A third open: the state now comes from the snapshot alone, and it is the same.
    const third = await openDurableIdb(dir);
    expect(third.stats.recordsReplayed).toBe(0);
    expect(await third.dump()).toEqual(before);
    await third.close();
  });

  it("(b) an OlmMachine on the store has the same device and identity keys in a new process", async () => {
    const dir = tempStore();
    const first = await child("olm", dir);
    expect(first.deviceId).toBe("DUBANTEST");
    expect(first.recordsWritten).toBeGreaterThan(0); // the machine wrote its account through the store
    const second = await child("olm", dir);
    expect(second.recordsWritten).toBe(0);
    expect(second.recordsReplayed).toBeGreaterThan(0);
    expect({ deviceId: second.deviceId, curve25519: second.curve25519, ed25519: second.ed25519 }).toEqual({
      deviceId: first.deviceId,
      curve25519: first.curve25519,
      ed25519: first.ed25519,
    });
    expect(String(first.curve25519)).toMatch(/^[A-Za-z0-9+/]{43}$/);
    // A third process reads it from the compacted snapshot only.
    const third = await child("olm", dir);
    expect(third.recordsReplayed).toBe(0);
    expect(third.ed25519).toBe(first.ed25519);
  });

  it("(c) after kill -9 in the middle of writes, every transaction reported committed is there and the store opens", async () => {
    const dir = tempStore();
    let lastCommitted = -1;
    for (let round = 0; round < 3; round++) {
      const proc: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, "write", dir], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      let seen = -1;
      const target = lastCommitted + 40 + round * 17;
      await new Promise<void>((resolve, reject) => {
        let buffered = "";
        proc.stdout!.on("data", (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) seen = Number(line.split(" ")[1]);
          if (seen >= target) {
            proc.kill("SIGKILL");
            resolve();
          }
        });
        proc.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`writer exited with ${code}`))));
      });
      await new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve(null) : proc.on("exit", resolve)));
      expect(seen).toBeGreaterThan(lastCommitted);
      lastCommitted = seen;
      const dump = await child("dump", dir);
      const keys = dump.keys as string[];
      const values = dump.values as unknown[];
      const last = values[keys.indexOf("last")] as number;
      expect(last).toBeGreaterThanOrEqual(lastCommitted); // nothing reported committed is lost
      for (let n = 0; n <= last; n++) expect(keys).toContain(`k${n}`);
      expect(keys).toHaveLength(last + 2);
    }

    // A torn record: the last append cut short by the crash. It is ignored with a warning and the store opens.
    const before = await child("dump", dir);
    const log = readdirSync(dir).find((n) => n.endsWith(".wal"))!;
    appendFileSync(join(dir, log), Buffer.from([200, 1, 0, 0, 9, 9, 9, 9, 1, 2, 3]));
    const warnings: Warnings = [];
    const store = await openDurableIdb(dir, { logger: collecting(warnings) });
    expect(store.stats.tornRecords).toBe(1);
    expect(warnings.join("\n")).toMatch(/torn last log record/);
    const w = (await store.dump()).find((d) => d.name === "w")!;
    expect(w.stores[0]!.keys).toEqual(before.keys);
    await store.close();

    // A tail of zeros (the file grew, its data never reached the disk) is a torn record too.
    const zeroLog = readdirSync(dir).find((n) => n.endsWith(".wal"))!;
    appendFileSync(join(dir, zeroLog), Buffer.alloc(300));
    const zeroed = await openDurableIdb(dir, { logger: collecting(warnings) });
    expect(zeroed.stats.tornRecords).toBe(1);
    expect((await zeroed.dump()).find((d) => d.name === "w")!.stores[0]!.keys).toEqual(before.keys);
    await zeroed.close();
  });

  it("(d) compaction keeps the content and shrinks the log, at open and when the log passes its limit", async () => {
    const dir = tempStore();
    const store = await openDurableIdb(dir, { maxLogBytes: 1 << 30 });
    await fill(store);
    for (let round = 0; round < 30; round++)
      await commit(store, "app", ["kv"], (tx) => {
        for (let i = 0; i < 10; i++) tx.objectStore("kv").put(`round ${round} ${"y".repeat(200)}`, `hot${i}`);
      });
    const content = await store.dump();
    const logBefore = store.logSize;
    expect(logBefore).toBeGreaterThan(60_000);
    await store.compact();
    expect(store.logSize).toBe(0);
    expect(await store.dump()).toEqual(content);
    const files = readdirSync(dir).sort();
    expect(files).toEqual([expect.stringMatching(/^crypto\.\d+\.wal$/), "crypto.v8"]);
    expect(statSync(join(dir, "crypto.v8")).size).toBeLessThan(logBefore);
    await store.close();
    const reopened = await openDurableIdb(dir);
    expect(await reopened.dump()).toEqual(content);
    await reopened.close();

    // With a small limit the store compacts by itself while it is written, and loses nothing.
    const small = await openDurableIdb(dir, { maxLogBytes: 8_000 });
    for (let round = 0; round < 20; round++)
      await commit(small, "app", ["kv"], (tx) => tx.objectStore("kv").put(`small ${round} ${"z".repeat(1000)}`, `hot${round % 10}`));
    const grown = await small.dump();
    await small.close();
    expect(small.stats.compactions).toBeGreaterThan(2);
    expect(small.logSize).toBeLessThan(8_000 + 2_000);
    const again = await openDurableIdb(dir);
    expect(await again.dump()).toEqual(grown);
    await again.close();
  });

  it("(d) a crash in the middle of a compaction loses nothing: old snapshot + both logs, or new snapshot + a stale log", async () => {
    const dir = tempStore();
    const first = await openDurableIdb(dir);
    await fill(first);
    await first.close();
    const oldSnapshot = readFileSync(join(dir, "crypto.v8"));
    const [oldLogName] = readdirSync(dir).filter((n) => n.endsWith(".wal"));
    const oldLog = readFileSync(join(dir, oldLogName!));
    expect(oldLog.length).toBeGreaterThan(0);

    const second = await openDurableIdb(dir); // compacts: a new snapshot, the next log
    await commit(second, "app", ["kv", "people"], (tx) => {
      tx.objectStore("kv").put("after compaction", "key1");
      tx.objectStore("kv").delete("key2");
      tx.objectStore("people").put({ id: 9, name: "new" });
    });
    const content = await second.dump();
    await second.close();
    const newSnapshot = readFileSync(join(dir, "crypto.v8"));

    // The crash after the switch to the next log, before the new snapshot was renamed in.
    writeFileSync(join(dir, "crypto.v8"), oldSnapshot);
    writeFileSync(join(dir, oldLogName!), oldLog);
    const a = await openDurableIdb(dir);
    expect(await a.dump()).toEqual(content);
    await a.close();

    // The crash after the rename, before the old log was removed: the stale log is dropped, not replayed.
    const b0 = await openDurableIdb(dir);
    await b0.close();
    writeFileSync(join(dir, oldLogName!), oldLog);
    const b = await openDurableIdb(dir);
    expect(b.stats.recordsReplayed).toBe(0);
    expect(await b.dump()).toEqual(content);
    await b.close();
    expect(newSnapshot.length).toBeGreaterThan(0);
  });

  it("(e) the folder is 0700 and its files 0600, whatever the umask and whatever the folder was", async () => {
    const open = tempStore();
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755); // an operator made the folder readable to all
    const strict = tempStore();
    for (const [dir, umask] of [
      [open, "000"],
      [strict, "277"], // a umask that would leave the folder 0500 and the files 0400
    ] as const) {
      await child("olm", dir, `umask ${umask} && `);
      await child("olm", dir, `umask ${umask} && `);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const files = readdirSync(dir);
      expect(files.length).toBe(2);
      for (const f of files) expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    }
  });

  it("(f) a damaged snapshot is refused with a clear error, and the folder is left as it was", async () => {
    const dir = tempStore();
    const store = await openDurableIdb(dir);
    await fill(store);
    await store.close();
    const snap = join(dir, "crypto.v8");
    const good = readFileSync(snap);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 5]! ^= 0xff;
    writeFileSync(snap, flipped);
    await expect(openDurableIdb(dir)).rejects.toThrow(DurableIdbError);
    await expect(openDurableIdb(dir)).rejects.toThrow(/crypto store snapshot .*crypto\.v8 is damaged \(checksum mismatch\): refusing to start/);
    expect(readFileSync(snap)).toEqual(flipped); // not replaced by an empty store

    writeFileSync(snap, good.subarray(0, 20));
    await expect(openDurableIdb(dir)).rejects.toThrow(/is damaged \(not a snapshot file\)/);

    // A log whose snapshot is gone is refused too, rather than replayed onto nothing.
    writeFileSync(snap, good);
    const reopened = await openDurableIdb(dir);
    await commit(reopened, "other", ["x"], (tx) => tx.objectStore("x").put(43, 8));
    await reopened.close();
    unlinkSync(snap);
    await expect(openDurableIdb(dir)).rejects.toThrow(/has a log but no snapshot/);

    // A damaged record in the middle of a log is not a torn tail: refused.
    writeFileSync(snap, good);
    const log = readdirSync(dir).find((n) => n.endsWith(".wal"))!;
    const bytes = readFileSync(join(dir, log));
    bytes[10]! ^= 0xff;
    writeFileSync(join(dir, log), Buffer.concat([bytes, bytes]));
    await expect(openDurableIdb(dir)).rejects.toThrow(/log .* is damaged at byte 0 \(not at its end\)/);
  });
});
