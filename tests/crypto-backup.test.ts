// Backups of the crypto store (issue 24): `duban backup` carries the store and its key, `duban restore` puts them back,
// and the restore drill: a device holding a Megolm session, backed up, lost, restored, decrypts in a new process.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyStore, DEVICE_SETTING, deviceRecordedIn, fingerprint } from "../src/ops/crypto-backup.js";
import { type DurableIdb, openDurableIdb } from "../src/transports/crypto/durable-idb.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin/duban.js");
const CHILD = join(ROOT, "tests/helpers/crypto-backup-child.ts");
const STORE_CHILD = join(ROOT, "tests/helpers/crypto-store-child.ts");
const mode = (p: string) => statSync(p).mode & 0o777;

async function cli(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

interface Identity {
  userId: string;
  deviceId: string;
  ed25519: string;
  curve25519: string;
}
/** Run the bot's device in a new process (tests/helpers/crypto-backup-child.ts). */
async function bot(modeName: "seed" | "decrypt", storeDir: string, eventFile: string, env: Record<string, string> = {}) {
  const { stdout } = await run(process.execPath, ["--import", "tsx", CHILD, modeName, storeDir, eventFile], { cwd: ROOT, env: { ...process.env, ...env } });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { identity: Identity; body?: string; imported?: number };
}

/** A bureau's data folder: a database made by the CLI, and the bot's device with a Megolm session from alice, recorded in settings. */
async function bureau(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "duban-crypto-backup-"));
  const db = join(dir, "data", "duban.db");
  const e = { DATABASE_URL: `file:${db}`, DUBAN_DEMO: "true", DUBAN_NOW: "2024-12-20T10:00:00+08:00", ...env };
  expect((await cli(["say", "--as", "@zhang:bureau.local", "任务6 完成80%"], e)).code).toBe(0);
  const store = `${db}.crypto`;
  const event = join(dir, "event.json");
  const seeded = await bot("seed", store, event, env);
  expect(seeded.imported).toBe(1);
  const conn = new Database(db);
  conn.prepare('INSERT INTO "Setting" ("key", "value") VALUES (?, ?)').run(DEVICE_SETTING, JSON.stringify(seeded.identity));
  conn.close();
  return { dir, db, store, key: `${store}.key`, event, env: e, identity: seeded.identity };
}

const fileBytes = (f: string) => readFileSync(f).toString("base64");
/** Everything in a folder (names and bytes, recursively), to show that a refused restore changed nothing. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    out[name] = statSync(p).isDirectory() ? "dir" : fileBytes(p);
  }
  return out;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the restore drill", () => {
  it("backs up the store and its key, and a restored device decrypts alice's event in a new process", async () => {
    const b = await bureau();
    dirs.push(b.dir);
    const backup = join(b.dir, "backups", "duban-backup.db");
    mkdirSync(join(b.dir, "backups"));
    const out = await cli(["backup", backup], b.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`加密存储已一并备份到 ${backup}.crypto`);
    expect(out.stdout).toContain(`设备指纹 ${fingerprint(b.identity.ed25519)} 已核对`);
    expect(out.stdout).toContain(`密钥在 ${backup}.crypto.key`);
    expect(mode(`${backup}.crypto`)).toBe(0o700);
    expect(mode(`${backup}.crypto.key`)).toBe(0o600);
    for (const f of readdirSync(`${backup}.crypto`)) expect([f, mode(join(`${backup}.crypto`, f))]).toEqual([f, 0o600]);
    expect(readdirSync(join(b.dir, "backups")).sort()).toEqual(["duban-backup.db", "duban-backup.db.crypto", "duban-backup.db.crypto.key"]);

    // The machine is lost: the live store and its key are gone.
    rmSync(b.store, { recursive: true });
    unlinkSync(b.key);
    const restored = await cli(["restore", backup], b.env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain("已从");
    expect(restored.stdout).toContain(`加密存储已从备份恢复到 ${b.store}（设备指纹 ${fingerprint(b.identity.ed25519)}）`);
    expect(mode(b.store)).toBe(0o700);
    expect(mode(b.key)).toBe(0o600);

    const after = await bot("decrypt", b.store, b.event);
    expect(after.identity).toEqual(b.identity);
    expect(after.body).toBe("任务6 完成80%");
  });

  it("with the key in DUBAN_CRYPTO_STORE_KEY: no key file in the backup, and the output says to keep the env file with it", async () => {
    const key = Buffer.alloc(32, 9).toString("base64");
    const b = await bureau({ DUBAN_CRYPTO_STORE_KEY: key });
    dirs.push(b.dir);
    const env = { ...b.env, MATRIX_HOMESERVER_URL: "http://127.0.0.1:9", MATRIX_ACCESS_TOKEN: "x" };
    const backup = join(b.dir, "b.db");
    const out = await cli(["backup", backup], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain("密钥是环境文件中的 DUBAN_CRYPTO_STORE_KEY，不在备份中");
    expect(existsSync(`${backup}.crypto.key`)).toBe(false);
    rmSync(b.store, { recursive: true });
    // Restored with another key in the env file: refused, nothing changed.
    const wrong = await cli(["restore", backup], { ...env, DUBAN_CRYPTO_STORE_KEY: Buffer.alloc(32, 1).toString("base64") });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("密钥与加密存储不匹配");
    expect(existsSync(b.store)).toBe(false);
    const ok = await cli(["restore", backup], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await bot("decrypt", b.store, b.event, { DUBAN_CRYPTO_STORE_KEY: key })).body).toBe("任务6 完成80%");
  });
});

describe("restore: what it refuses, and what it keeps", () => {
  let b: Awaited<ReturnType<typeof bureau>>;
  let backup: string;
  beforeAll(async () => {
    b = await bureau();
    dirs.push(b.dir);
    backup = join(b.dir, "backup.db");
    expect((await cli(["backup", backup], b.env)).code).toBe(0);
  });

  it("keeps a live store that opens with its key: an older copy of the same device would clash with its one-time keys", async () => {
    const before = tree(b.store);
    const r = await cli(["restore", backup], b.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`当前加密存储 ${b.store} 完好，保持不变`);
    expect(tree(b.store)).toEqual(before);
    expect(
      readdirSync(join(b.dir, "data"))
        .filter((n) => n.includes(".crypto."))
        .sort(),
    ).toEqual(["duban.db.crypto.key"]);
  });

  it("a backup whose live store cannot be copied (its key file gone) keeps the database's copy, says which part failed, and exits non-zero", async () => {
    renameSync(b.key, `${b.key}.away`);
    try {
      const target = join(b.dir, "keyless.db");
      const r = await cli(["backup", target], b.env);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain(`已备份到 ${target}`);
      expect(r.stderr).toContain("数据库已备份，但加密存储未能备份");
      expect(r.stderr).toContain(`缺少加密存储的密钥文件 ${b.key}`);
      expect(readdirSync(b.dir).filter((n) => n.startsWith("keyless.db"))).toEqual(["keyless.db"]);
    } finally {
      renameSync(`${b.key}.away`, b.key);
    }
  });

  it("refuses a backup whose key file is missing, or whose store is damaged, and changes nothing", async () => {
    const copy = (name: string) => {
      const to = join(b.dir, name);
      rmSync(`${to}.crypto`, { recursive: true, force: true });
      for (const [from, dest] of [
        [backup, to],
        [`${backup}.crypto.key`, `${to}.crypto.key`],
      ] as const)
        writeFileSync(dest, readFileSync(from), { mode: 0o600 });
      mkdirSync(`${to}.crypto`, { mode: 0o700 });
      for (const f of readdirSync(`${backup}.crypto`)) writeFileSync(join(`${to}.crypto`, f), readFileSync(join(`${backup}.crypto`, f)), { mode: 0o600 });
      return to;
    };
    // The live store is lost (else it would be kept and the backup's not used).
    renameSync(b.store, `${b.store}.lost`);
    renameSync(b.key, `${b.key}.lost`);
    try {
      const noKey = copy("no-key.db");
      unlinkSync(`${noKey}.crypto.key`);
      const damaged = copy("damaged.db");
      const snap = join(`${damaged}.crypto`, "crypto.v8");
      const bytes = readFileSync(snap);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
      writeFileSync(snap, bytes);
      const data = tree(join(b.dir, "data"));
      for (const [file, why] of [
        [noKey, `缺少加密存储的密钥文件 ${noKey}.crypto.key`],
        [damaged, "加密存储已损坏，无法打开"],
      ] as const) {
        const r = await cli(["restore", file], b.env);
        expect(r.code, r.stdout).toBe(2);
        expect(r.stderr).toContain(`备份 ${file} 不能用于恢复`);
        expect(r.stderr).toContain(why);
        expect(r.stderr).toContain("当前数据库未改动，加密存储也未改动");
        expect(tree(join(b.dir, "data"))).toEqual(data);
      }
    } finally {
      renameSync(`${b.store}.lost`, b.store);
      renameSync(`${b.key}.lost`, b.key);
    }
  });

  it("a backup without a store restores the database only and says the bot will start as a new device", async () => {
    const bare = join(b.dir, "bare.db");
    writeFileSync(bare, readFileSync(backup), { mode: 0o600 });
    renameSync(b.store, `${b.store}.lost`);
    renameSync(b.key, `${b.key}.lost`);
    try {
      const r = await cli(["restore", bare], { ...b.env, MATRIX_HOMESERVER_URL: "http://127.0.0.1:9", MATRIX_ACCESS_TOKEN: "x" });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("已从");
      expect(r.stdout).toContain("备份中没有加密存储，当前也没有：机器人启动时将作为新设备登录（新的 MATRIX_ACCESS_TOKEN");
      expect(existsSync(b.store)).toBe(false);
    } finally {
      renameSync(`${b.store}.lost`, b.store);
      renameSync(`${b.key}.lost`, b.key);
    }
  });

  it("a live store that no longer opens (its key lost) is set aside and the backup's takes its place", async () => {
    const aside = readdirSync(join(b.dir, "data")).filter((n) => n.startsWith("duban.db.crypto.before-restore-"));
    expect(aside).toEqual([]);
    renameSync(b.key, `${b.key}.lost`);
    const r = await cli(["restore", backup], b.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("原存储无法使用");
    expect(r.stdout).toMatch(/原存储保留为 .*duban\.db\.crypto\.before-restore-2024-12-20T02-00-00-000Z/);
    expect((await bot("decrypt", b.store, b.event)).identity).toEqual(b.identity);
  });
  it("keeps a live store of a newer device than the backup's, and records that device in the restored database", async () => {
    // Since the backup, the store was lost and the bot started as a new device (recorded in the live database).
    rmSync(b.store, { recursive: true });
    unlinkSync(b.key);
    const newer = (await bot("seed", b.store, join(b.dir, "event2.json"))).identity;
    expect(newer.ed25519).not.toBe(b.identity.ed25519);
    const conn = new Database(b.db);
    conn.prepare('UPDATE "Setting" SET "value" = ? WHERE "key" = ?').run(JSON.stringify(newer), DEVICE_SETTING);
    conn.close();
    const r = await cli(["restore", backup], b.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("完好，保持不变");
    expect(deviceRecordedIn(b.db)).toEqual(newer);
    expect((await bot("decrypt", b.store, join(b.dir, "event2.json"))).identity).toEqual(newer);
  });
});

describe("a backup taken while the bot writes its store", () => {
  it("is taken again when a compaction replaced the snapshot during the copy, and is then complete", async () => {
    const b = await bureau();
    dirs.push(b.dir);
    const live: DurableIdb = await openDurableIdb(b.store);
    const req = live.factory.open("w", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("kv");
    const conn = await new Promise<typeof req.result>((resolve) => {
      req.onsuccess = () => resolve(req.result);
    });
    const write = async (n: number) => {
      const tx = conn.transaction(["kv"], "readwrite");
      tx.objectStore("kv").put(n, `k${n}`);
      await new Promise<void>((resolve) => {
        tx.oncomplete = () => resolve();
      });
    };
    // In the log only (the snapshot was written at open): a copy of the old snapshot without its log would lack them.
    for (let n = 0; n < 20; n++) await write(n);
    let raced = false;
    const dst = join(b.dir, "copy.crypto");
    const r = await copyStore(b.store, dst, {
      device: b.identity,
      afterSnapshot: async () => {
        if (raced) return;
        raced = true;
        await live.compact(); // a new snapshot, the log it replaces deleted
        await write(20);
      },
    });
    conn.close();
    await live.close();
    const { stdout } = await run(process.execPath, ["--import", "tsx", STORE_CHILD, "dump", dst], { cwd: ROOT });
    const dump = JSON.parse(stdout.trim().split("\n").at(-1)!) as { keys: string[] };
    expect(dump.keys).toHaveLength(21);
    expect(r.attempts).toBe(2);
    expect(r.ed25519).toBe(b.identity.ed25519);
  });

  it("backups taken while another process writes and compacts open, hold the device, and hold a prefix of the writes", async () => {
    const b = await bureau();
    dirs.push(b.dir);
    const writer = execFile(process.execPath, ["--import", "tsx", STORE_CHILD, "write", b.store], { cwd: ROOT });
    let committed = -1;
    writer.stdout!.on("data", (d: Buffer) => {
      for (const m of d.toString().matchAll(/committed (\d+)/g)) committed = Math.max(committed, Number(m[1]));
    });
    try {
      while (committed < 30) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 3; i++) {
        const target = join(b.dir, `during-${i}.db`);
        const from = committed;
        const out = await cli(["backup", target], b.env);
        expect(out.code, out.stderr).toBe(0);
        expect(out.stdout).toContain(`设备指纹 ${fingerprint(b.identity.ed25519)} 已核对`);
        const { stdout } = await run(process.execPath, ["--import", "tsx", STORE_CHILD, "dump", `${target}.crypto`], { cwd: ROOT, maxBuffer: 1 << 28 });
        const dump = JSON.parse(stdout.trim().split("\n").at(-1)!) as { keys: string[]; values: unknown[] };
        const last = dump.values[dump.keys.indexOf("last")] as number;
        expect(last).toBeGreaterThanOrEqual(from);
        // Complete up to `last`: every transaction up to it, none after it.
        expect(dump.keys.filter((k) => k !== "last").sort()).toEqual(Array.from({ length: last + 1 }, (_, n) => `k${n}`).sort());
      }
    } finally {
      writer.kill("SIGKILL");
    }
  }, 60_000);
});
