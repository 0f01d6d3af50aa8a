/**
 * A durable IndexedDB for Node (issue 24, docs/encryption.md, build step "1. Store"): `fake-indexeddb` keeps its
 * databases in memory, and this module makes them survive a restart and a `kill -9`, so that the WebAssembly crypto
 * (`@matrix-org/matrix-sdk-crypto-wasm`, whose only persistent store is IndexedDB) keeps the bot's device and keys.
 *
 * Opened by the encryption engine (engine.ts) when the Matrix transport starts with encryption on.
 *
 * How it works (after the spike's idb-wal.mjs, /work/spike24/wasm.md):
 * - Each store is a folder (mode 0700) holding a snapshot `crypto.v8` and one or two logs `crypto.<generation>.wal`
 *   (files mode 0600, whatever the umask).
 * - `openDurableIdb` loads the snapshot into a NEW `IDBFactory` (one per store, never the global one), replays the
 *   logs, and compacts: a new snapshot (temporary file, fsync, rename, fsync of the folder), then the old log goes.
 * - Every committed transaction of a connection opened on that factory (puts, adds, deletes, clears; and in an
 *   upgrade: the new version, object stores and indexes created or deleted; deleted databases) is appended to the log
 *   as one checksummed record and fsynced when the transaction completes, before the caller hears of it.
 * - When the log passes `maxLogBytes` the store compacts again, in the background: new records go to the next
 *   generation's log at once, then the snapshot of that generation replaces the old one. A crash at any step leaves
 *   a snapshot plus the logs that complete it; replaying a log over a snapshot that already holds part of it gives the
 *   same state (puts, deletes and clears with their keys; an upgrade to a version the database has is skipped).
 * - A torn last record (a crash in the middle of an append) is dropped with a warning: its transaction never completed.
 *   A damaged snapshot, a damaged record in the middle of a log, or a log without its snapshot is refused with a
 *   `DurableIdbError`: starting with empty keys would silently cost the bot its device.
 *
 * Not supported (matrix-sdk-crypto-wasm 18.9.0 uses none of them, as run): a `put`/`add` into an auto-increment store
 * with an inline key path is refused. The wasm's own writes include cursors' `update` and `delete`: logged as a put and
 * a delete of the cursor's primary key.
 *
 * The crypto reads `globalThis.indexedDB` and `globalThis.IDBKeyRange`: `installAsGlobalIndexedDB` points them here.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  chmodSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import v8 from "node:v8";
import * as fakeIdb from "fake-indexeddb";
import type { Logger } from "../../log/logger.js";
import { silentLogger } from "../../log/logger.js";

/** The parts of the IndexedDB API this module touches (the project builds without the DOM library). */
interface Req<T = unknown> {
  result: T;
  error: unknown;
  transaction: Tx | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
  addEventListener(type: string, fn: () => void): void;
}
interface OpenReq extends Req<Db> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface Store {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexNames: Iterable<string>;
  transaction: Tx;
  index(name: string): { keyPath: string | string[]; unique: boolean; multiEntry: boolean; openCursor(range?: unknown): Req<CursorWithValue | null> };
  openCursor(range?: unknown): Req<CursorWithValue | null>;
  put(value: unknown, key?: unknown): Req;
  delete(key: unknown): Req;
  clear(): Req;
  getAll(): Req<unknown[]>;
  getAllKeys(): Req<unknown[]>;
  createIndex(name: string, keyPath: string | string[], opts?: { unique?: boolean; multiEntry?: boolean }): unknown;
  deleteIndex(name: string): void;
}
interface Tx {
  db: Db;
  mode: string;
  error: unknown;
  objectStore(name: string): Store;
  addEventListener(type: string, fn: () => void): void;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface Db {
  name: string;
  version: number;
  objectStoreNames: Iterable<string>;
  transaction(names: string[], mode: "readonly" | "readwrite"): Tx;
  createObjectStore(name: string, opts?: { keyPath?: string | string[] | null; autoIncrement?: boolean }): Store;
  deleteObjectStore(name: string): void;
  close(): void;
}
interface KeyRange {
  lower: unknown;
  upper: unknown;
  lowerOpen: boolean;
  upperOpen: boolean;
}
interface KeyRangeClass {
  new (...args: never[]): KeyRange;
  bound(lo: unknown, hi: unknown, loOpen?: boolean, hiOpen?: boolean): KeyRange;
  lowerBound(lo: unknown, open?: boolean): KeyRange;
  upperBound(hi: unknown, open?: boolean): KeyRange;
}
/** An in-memory IndexedDB factory of fake-indexeddb, made durable by this module. */
export interface Factory {
  open(name: string, version?: number): OpenReq;
  deleteDatabase(name: string): Req;
  databases(): Promise<{ name: string; version: number }[]>;
}

const IDBFactoryClass = fakeIdb.IDBFactory as unknown as { new (): Factory; prototype: Factory };
const IDBKeyRangeClass = fakeIdb.IDBKeyRange as unknown as KeyRangeClass;
const IDBObjectStoreProto = (fakeIdb.IDBObjectStore as unknown as { prototype: Store }).prototype;
const IDBDatabaseProto = (fakeIdb.IDBDatabase as unknown as { prototype: Db }).prototype;
interface Cursor {
  source: Store | { objectStore: Store };
  primaryKey: unknown;
  update(value: unknown): Req;
  delete(): Req;
}
const IDBCursorProto = (fakeIdb.IDBCursor as unknown as { prototype: Cursor }).prototype;
interface CursorWithValue extends Cursor {
  key: unknown;
  value: unknown;
  continue(key?: unknown): void;
}
const storeOf = (c: Cursor): Store => ("objectStore" in c.source ? c.source.objectStore : c.source);

/** A store folder that cannot be opened without risking the keys in it. */
export class DurableIdbError extends Error {
  override name = "DurableIdbError";
}

type EncodedKey = { key: unknown } | { range: [unknown, unknown, boolean, boolean] };
type Op =
  | ["put", string, Buffer, EncodedKey | undefined]
  | ["delete", string, EncodedKey]
  | ["clear", string]
  | ["createStore", string, { keyPath: string | string[] | null; autoIncrement: boolean }]
  | ["deleteStore", string]
  | ["createIndex", string, string, string | string[], { unique: boolean; multiEntry: boolean }]
  | ["deleteIndex", string, string];
/** One committed transaction (`version` set for an upgrade), or a deleted database. */
type LogRecord = { t: "tx"; db: string; version?: number; ops: Op[] } | { t: "deleteDb"; db: string };

interface DumpedStore {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }[];
  keys: unknown[];
  values: unknown[];
}
interface Snapshot {
  generation: number;
  databases: { name: string; version: number; stores: DumpedStore[] }[];
}

const SNAPSHOT = "crypto.v8";
const SNAPSHOT_MAGIC = Buffer.from("DUBANIDB1\n");
const LOG_RE = /^crypto\.(\d+)\.wal$/;
const logName = (generation: number) => `crypto.${generation}.wal`;
const sum = (body: Buffer) => createHash("sha256").update(body).digest();

export interface DurableIdbOptions {
  logger?: Logger;
  /** Compact when the log grows past this many bytes (default 4 MiB). */
  maxLogBytes?: number;
}

/** Which store each factory and each connection belongs to (the write methods are patched once, on the prototypes). */
const factoryOwner = new WeakMap<Factory, DurableIdb>();
const connectionOwner = new WeakMap<Db, DurableIdb>();
const upgradeTxOf = new WeakMap<Db, Tx>();
const pendingOps = new WeakMap<Tx, Op[]>();

function encKey(k: unknown): EncodedKey {
  return k instanceof IDBKeyRangeClass ? { range: [k.lower, k.upper, k.lowerOpen, k.upperOpen] } : { key: k };
}
function decKey(k: EncodedKey): unknown {
  if ("key" in k) return k.key;
  const [lo, hi, loOpen, hiOpen] = k.range;
  if (lo !== undefined && hi !== undefined) return IDBKeyRangeClass.bound(lo, hi, loOpen, hiOpen);
  return lo !== undefined ? IDBKeyRangeClass.lowerBound(lo, loOpen) : IDBKeyRangeClass.upperBound(hi, hiOpen);
}

/** Note an operation of a transaction on a durable store's connection; the transaction is logged when it completes. */
function record(tx: Tx | null | undefined, op: Op | null): Op | undefined {
  if (!tx) return undefined;
  const owner = connectionOwner.get(tx.db);
  if (!owner) return undefined;
  owner.throwIfFailed();
  let ops = pendingOps.get(tx);
  if (!ops) {
    const list: Op[] = [];
    ops = list;
    pendingOps.set(tx, list);
    const db = tx.db;
    const version = tx.mode === "versionchange" ? db.version : undefined;
    tx.addEventListener("complete", () => owner.append({ t: "tx", db: db.name, ...(version === undefined ? {} : { version }), ops: list }));
  }
  if (op) ops.push(op);
  return op ?? undefined;
}

let patched = false;
function patchFakeIndexedDb(): void {
  if (patched) return;
  patched = true;
  const OS = IDBObjectStoreProto;
  for (const m of ["put", "add"] as const) {
    const orig = (OS as unknown as Record<string, (this: Store, v: unknown, k?: unknown) => Req>)[m]!;
    (OS as unknown as Record<string, unknown>)[m] = function (this: Store, value: unknown, key?: unknown): Req {
      // The key such a store generates goes into its copy of the value, out of the log's reach: refused, not half-kept.
      if (this.autoIncrement && this.keyPath !== null && connectionOwner.has(this.transaction.db))
        throw new DurableIdbError(`the durable store cannot log ${m}() into ${this.name}, an auto-increment store with an inline key path`);
      const req = key === undefined ? orig.call(this, value) : orig.call(this, value, key);
      const op = record(this.transaction, ["put", this.name, v8.serialize(value), key === undefined ? undefined : encKey(key)]);
      // A generated key (autoIncrement) is logged as the key it became, so that a replay gives the same one.
      if (op && key === undefined && this.keyPath === null) req.addEventListener("success", () => (op[3] = { key: req.result }));
      return req;
    };
  }
  const origDelete = OS.delete;
  OS.delete = function (this: Store, key: unknown) {
    const req = origDelete.call(this, key);
    record(this.transaction, ["delete", this.name, encKey(key)]);
    return req;
  };
  const origClear = OS.clear;
  OS.clear = function (this: Store) {
    const req = origClear.call(this);
    record(this.transaction, ["clear", this.name]);
    return req;
  };
  const origCreateIndex = OS.createIndex;
  OS.createIndex = function (this: Store, name: string, keyPath: string | string[], opts?: { unique?: boolean; multiEntry?: boolean }) {
    const ix = origCreateIndex.call(this, name, keyPath, opts);
    record(this.transaction, ["createIndex", this.name, name, keyPath, { unique: !!opts?.unique, multiEntry: !!opts?.multiEntry }]);
    return ix;
  };
  const origDeleteIndex = OS.deleteIndex;
  OS.deleteIndex = function (this: Store, name: string) {
    origDeleteIndex.call(this, name);
    record(this.transaction, ["deleteIndex", this.name, name]);
  };
  const C = IDBCursorProto;
  const origUpdate = C.update;
  C.update = function (this: Cursor, value: unknown) {
    const req = origUpdate.call(this, value);
    const os = storeOf(this);
    record(os.transaction, ["put", os.name, v8.serialize(value), os.keyPath === null ? { key: this.primaryKey } : undefined]);
    return req;
  };
  const origCursorDelete = C.delete;
  C.delete = function (this: Cursor) {
    const req = origCursorDelete.call(this);
    const os = storeOf(this);
    record(os.transaction, ["delete", os.name, { key: this.primaryKey }]);
    return req;
  };
  const F = IDBFactoryClass.prototype;
  const origOpen = F.open;
  F.open = function (this: Factory, name: string, version?: number) {
    const req = version === undefined ? origOpen.call(this, name) : origOpen.call(this, name, version);
    const owner = factoryOwner.get(this);
    if (!owner || owner.replaying) return req;
    req.addEventListener("upgradeneeded", () => {
      connectionOwner.set(req.result, owner);
      if (req.transaction) upgradeTxOf.set(req.result, req.transaction);
      record(req.transaction, null); // an upgrade is logged even when it changes no schema
    });
    req.addEventListener("success", () => connectionOwner.set(req.result, owner));
    return req;
  };
  const origDeleteDb = F.deleteDatabase;
  F.deleteDatabase = function (this: Factory, name: string) {
    const req = origDeleteDb.call(this, name);
    const owner = factoryOwner.get(this);
    if (owner && !owner.replaying) req.addEventListener("success", () => owner.append({ t: "deleteDb", db: name }));
    return req;
  };
  const DB = IDBDatabaseProto;
  const origCreateStore = DB.createObjectStore;
  DB.createObjectStore = function (this: Db, name: string, opts?: { keyPath?: string | string[] | null; autoIncrement?: boolean }) {
    const os = origCreateStore.call(this, name, opts);
    record(upgradeTxOf.get(this), ["createStore", name, { keyPath: os.keyPath ?? null, autoIncrement: os.autoIncrement }]);
    return os;
  };
  const origDeleteStore = DB.deleteObjectStore;
  DB.deleteObjectStore = function (this: Db, name: string) {
    origDeleteStore.call(this, name);
    record(upgradeTxOf.get(this), ["deleteStore", name]);
  };
}

function request<T>(req: Req<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(factory: Factory, name: string, version?: number, onUpgrade?: (db: Db, tx: Tx) => void): Promise<Db> {
  return new Promise((resolve, reject) => {
    const r = version === undefined ? factory.open(name) : factory.open(name, version);
    r.onupgradeneeded = () => onUpgrade?.(r.result, r.transaction!);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new DurableIdbError(`opening the database ${name} was blocked by another connection`));
  });
}

function txDone(tx: Tx): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

function applyOps(db: Db, tx: Tx, ops: Op[]): void {
  for (const op of ops) {
    switch (op[0]) {
      case "createStore":
        db.createObjectStore(op[1], op[2]);
        break;
      case "deleteStore":
        db.deleteObjectStore(op[1]);
        break;
      case "createIndex":
        tx.objectStore(op[1]).createIndex(op[2], op[3], op[4]);
        break;
      case "deleteIndex":
        tx.objectStore(op[1]).deleteIndex(op[2]);
        break;
      case "put": {
        const os = tx.objectStore(op[1]);
        const value = v8.deserialize(op[2]);
        if (op[3] === undefined) os.put(value);
        else os.put(value, decKey(op[3]));
        break;
      }
      case "delete":
        tx.objectStore(op[1]).delete(decKey(op[2]));
        break;
      case "clear":
        tx.objectStore(op[1]).clear();
        break;
    }
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write a file atomically with mode 0600: a temporary file, fsync, rename, fsync of the folder. */
function writeFileAtomic(dir: string, name: string, data: Buffer): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, "w", 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
}

/** A folder-backed fake-indexeddb factory. Open it with `openDurableIdb`. */
export class DurableIdb {
  /** The in-memory IndexedDB whose committed transactions this store keeps. */
  readonly factory: Factory;
  /** True while the store loads itself (its own writes are not logged). */
  replaying = true;
  /** The snapshot's generation; new records go to the log of `logGeneration`. */
  private generation = 0;
  private logGeneration = 0;
  private logFd: number | null = null;
  private logBytes = 0;
  private failure: Error | null = null;
  private compacting: Promise<void> | null = null;
  private readonly logger: Logger;
  private readonly maxLogBytes: number;
  readonly stats = { recordsReplayed: 0, tornRecords: 0, recordsWritten: 0, compactions: 0 };

  constructor(
    readonly dir: string,
    options: DurableIdbOptions = {},
  ) {
    patchFakeIndexedDb();
    this.factory = new IDBFactoryClass();
    factoryOwner.set(this.factory, this);
    this.logger = options.logger ?? silentLogger;
    this.maxLogBytes = options.maxLogBytes ?? 4 * 1024 * 1024;
  }

  /** The size of the current log in bytes. */
  get logSize(): number {
    return this.logBytes;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
    if (this.logFd === null && !this.replaying) throw new DurableIdbError(`the crypto store in ${this.dir} is closed`);
  }

  /** Append one committed transaction to the log and fsync it. A failure stops every later write of this store. */
  append(rec: LogRecord): void {
    if (this.replaying || this.failure) return;
    try {
      if (this.logFd === null) throw new DurableIdbError(`the crypto store in ${this.dir} is closed`);
      const body = v8.serialize(rec);
      const head = Buffer.alloc(8);
      head.writeUInt32LE(body.length, 0);
      sum(body).copy(head, 4, 0, 4);
      const buf = Buffer.concat([head, body]);
      writeSync(this.logFd, buf);
      fsyncSync(this.logFd);
      this.logBytes += buf.length;
      this.stats.recordsWritten++;
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      this.logger.error("crypto store: a committed transaction could not be written; the store refuses further writes", {
        dir: this.dir,
        err: this.failure.message,
      });
      return;
    }
    if (this.logBytes > this.maxLogBytes && !this.compacting)
      this.compact().catch((e: unknown) => this.logger.error("crypto store: compaction failed", { dir: this.dir, err: String(e) }));
  }

  /** Load the snapshot and the logs into the factory, then compact. Called once, by `openDurableIdb`. */
  async load(): Promise<void> {
    const dir = this.dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const logs = readdirSync(dir)
      .map((n) => LOG_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const snapFile = join(dir, SNAPSHOT);
    if (existsSync(snapFile)) {
      const snap = this.readSnapshot(snapFile);
      this.generation = snap.generation;
      await this.restore(snap);
    } else if (logs.length > 0) {
      throw new DurableIdbError(
        `the crypto store in ${dir} has a log but no snapshot (${SNAPSHOT}): refusing to start with missing keys. Restore ${SNAPSHOT} from a backup.`,
      );
    }
    for (const g of logs) {
      if (g < this.generation)
        unlinkSync(join(dir, logName(g))); // already folded into the snapshot
      else await this.replayLog(join(dir, logName(g)), g === logs[logs.length - 1], g === this.generation);
    }
    if (logs.length > 0) this.generation = Math.max(this.generation, logs[logs.length - 1]!);
    this.logGeneration = this.generation;
    this.replaying = false;
    await this.compact();
  }

  private readSnapshot(file: string): Snapshot {
    const damaged = (why: string) =>
      new DurableIdbError(
        `the crypto store snapshot ${file} is damaged (${why}): refusing to start, which would create a new device with empty keys. ` +
          "Restore the file from a backup, or move the folder away to give the bot a new device on purpose.",
      );
    const buf = readFileSync(file);
    if (buf.length < SNAPSHOT_MAGIC.length + 32 || !buf.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) throw damaged("not a snapshot file");
    const body = buf.subarray(SNAPSHOT_MAGIC.length + 32);
    if (!sum(body).equals(buf.subarray(SNAPSHOT_MAGIC.length, SNAPSHOT_MAGIC.length + 32))) throw damaged("checksum mismatch");
    try {
      const snap = v8.deserialize(body) as Snapshot;
      if (typeof snap.generation !== "number" || !Array.isArray(snap.databases)) throw new Error("bad shape");
      return snap;
    } catch (e) {
      throw damaged(e instanceof Error ? e.message : String(e));
    }
  }

  private async restore(snap: Snapshot): Promise<void> {
    for (const d of snap.databases) {
      const db = await openDb(this.factory, d.name, d.version, (db, tx) => {
        for (const s of d.stores) {
          const os = db.createObjectStore(s.name, { keyPath: s.keyPath, autoIncrement: s.autoIncrement });
          for (const ix of s.indexes) os.createIndex(ix.name, ix.keyPath, { unique: ix.unique, multiEntry: ix.multiEntry });
          s.keys.forEach((k, i) => {
            if (s.keyPath === null) tx.objectStore(s.name).put(s.values[i], k);
            else tx.objectStore(s.name).put(s.values[i]);
          });
        }
      });
      db.close();
    }
  }

  /** `overlap`: the log of the snapshot's own generation, written while that snapshot was taken (it may hold part of it). */
  private async replayLog(file: string, isLast: boolean, overlap: boolean): Promise<void> {
    const buf = readFileSync(file);
    let off = 0;
    while (off < buf.length) {
      const end = off + 8 + (off + 8 <= buf.length ? buf.readUInt32LE(off) : 0);
      const whole = off + 8 <= buf.length && end <= buf.length;
      const body = whole ? buf.subarray(off + 8, end) : null;
      const good =
        body !== null &&
        sum(body)
          .subarray(0, 4)
          .equals(buf.subarray(off + 4, off + 8));
      if (!good) {
        // A crash can also leave the file longer than what reached the disk, the rest zeros.
        if (isLast && (!whole || end === buf.length || buf.subarray(off).every((b) => b === 0))) {
          this.logger.warn("crypto store: ignoring a torn last log record (a crash in the middle of a write; its transaction never completed)", {
            file,
            offset: off,
            bytes: buf.length - off,
          });
          this.stats.tornRecords++;
          break;
        }
        throw new DurableIdbError(
          `the crypto store log ${file} is damaged at byte ${off} (not at its end): refusing to start. Restore the folder from a backup.`,
        );
      }
      await this.replayRecord(v8.deserialize(body!) as LogRecord, overlap);
      this.stats.recordsReplayed++;
      off = end;
    }
  }

  private async replayRecord(rec: LogRecord, overlap: boolean): Promise<void> {
    const existing = (await this.factory.databases()).find((d) => d.name === rec.db);
    if (rec.t === "deleteDb") {
      if (existing) await request(this.factory.deleteDatabase(rec.db));
      return;
    }
    if (rec.version !== undefined) {
      // An upgrade the database already has (a snapshot taken after it) is skipped.
      if (existing && existing.version >= rec.version) return;
      (await openDb(this.factory, rec.db, rec.version, (db, tx) => applyOps(db, tx, rec.ops))).close();
      return;
    }
    // Over a snapshot taken after this record, its database or stores may since have been deleted: nothing to redo.
    if (!existing) {
      if (overlap) return;
      throw new DurableIdbError(`the crypto store log has a transaction on the database ${rec.db}, which does not exist: refusing to start`);
    }
    const db = await openDb(this.factory, rec.db);
    try {
      const present = new Set(db.objectStoreNames);
      const ops = overlap ? rec.ops.filter((o) => present.has(o[1])) : rec.ops;
      const stores = [...new Set(ops.map((o) => o[1]))];
      if (stores.length === 0) return;
      const tx = db.transaction(stores, "readwrite");
      const done = txDone(tx);
      applyOps(db, tx, ops);
      await done;
    } finally {
      db.close();
    }
  }

  /** Every database of the store: its version, object stores, indexes and records (what a snapshot holds). */
  async dump(): Promise<Snapshot["databases"]> {
    const out: Snapshot["databases"] = [];
    for (const { name, version } of await this.factory.databases()) {
      const db = await openDb(this.factory, name);
      try {
        const stores: DumpedStore[] = [];
        const names = [...db.objectStoreNames];
        if (names.length > 0) {
          const tx = db.transaction(names, "readonly");
          for (const sn of names) {
            const os = tx.objectStore(sn);
            const indexes = [...os.indexNames].map((n) => {
              const ix = os.index(n);
              return { name: n, keyPath: ix.keyPath, unique: ix.unique, multiEntry: ix.multiEntry };
            });
            const [keys, values] = await Promise.all([request(os.getAllKeys()), request(os.getAll())]);
            stores.push({ name: sn, keyPath: os.keyPath, autoIncrement: os.autoIncrement, indexes, keys, values });
          }
        }
        out.push({ name, version, stores });
      } finally {
        db.close();
      }
    }
    return out;
  }

  /**
   * Rewrite the snapshot and drop the log: new records go to the next generation's log at once, the snapshot of the
   * whole store (which holds at least what the old log held) replaces the old one, and then the old log is removed.
   */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    const run = async () => {
      this.throwIfFailedOpen();
      const dir = this.dir;
      const next = this.logGeneration + 1;
      const fd = openSync(join(dir, logName(next)), "a", 0o600);
      fchmodSync(fd, 0o600);
      fsyncSync(fd);
      fsyncDir(dir);
      const oldFd = this.logFd;
      this.logFd = fd;
      this.logBytes = 0;
      this.logGeneration = next;
      if (oldFd !== null) closeSync(oldFd);
      const body = v8.serialize({ generation: next, databases: await this.dump() } satisfies Snapshot);
      writeFileAtomic(dir, SNAPSHOT, Buffer.concat([SNAPSHOT_MAGIC, sum(body), body]));
      this.generation = next;
      for (const n of readdirSync(dir)) {
        const m = LOG_RE.exec(n);
        if (m && Number(m[1]) < next) unlinkSync(join(dir, n));
      }
      fsyncDir(dir);
      this.stats.compactions++;
    };
    this.compacting = run().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  private throwIfFailedOpen(): void {
    if (this.failure) throw this.failure;
  }

  /** Wait for a compaction under way, then close the log. Connections opened on the factory should be closed first. */
  async close(): Promise<void> {
    if (this.compacting) await this.compacting.catch(() => undefined);
    if (this.logFd !== null) closeSync(this.logFd);
    this.logFd = null;
  }
}

/** Open (or create) the store folder `dir` and load it; every later committed transaction of `store.factory` is kept there. */
export async function openDurableIdb(dir: string, options: DurableIdbOptions = {}): Promise<DurableIdb> {
  const store = new DurableIdb(dir, options);
  await store.load();
  return store;
}

/**
 * Point `globalThis.indexedDB` at this store, and the IndexedDB classes (`IDBKeyRange`, `IDBRequest`…) at
 * fake-indexeddb's: matrix-sdk-crypto-wasm looks there, and checks the objects it gets against those classes.
 */
export function installAsGlobalIndexedDB(store: DurableIdb): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(fakeIdb)) if (name.startsWith("IDB")) g[name] = value;
  g.indexedDB = store.factory;
}

/** The files of a store folder (for backups and tests). */
export function storeFiles(dir: string): { name: string; mode: number; size: number }[] {
  return readdirSync(dir).map((name) => {
    const st = statSync(join(dir, name));
    return { name, mode: st.mode & 0o777, size: st.size };
  });
}
