// Doctor's encryption lines (issue 24): the crypto store and key, the recorded device, the wasm module; without opening the store.
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { readConfig } from "../src/config.js";
import { DEVICE_SETTING } from "../src/ops/crypto-backup.js";
import { runDoctor } from "../src/ops/doctor.js";
import { cryptoChecks } from "../src/ops/doctor-crypto.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "duban-doctor-crypto-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MATRIX = { MATRIX_HOMESERVER_URL: "http://127.0.0.1:9", MATRIX_ACCESS_TOKEN: "x", DUBAN_DEMO: "true" };

/** Each file's name, inode, size and mtime: opening the store would compact it and change them. */
const stamp = (d: string) =>
  readdirSync(d).map((n) => {
    const st = statSync(join(d, n));
    return [n, st.ino, st.size, st.mtimeMs];
  });

describe("doctor: encryption", () => {
  it("shows the store, its key, the device's fingerprint in groups of 4 and the wasm module, without opening the store", async () => {
    const db = join(dir, "one", "duban.db");
    const env = { ...MATRIX, DATABASE_URL: `file:${db}` };
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", join(ROOT, "tests/helpers/crypto-backup-child.ts"), "seed", `${db}.crypto`, join(dir, "ev.json")],
      {
        cwd: ROOT,
      },
    );
    const identity = (JSON.parse(stdout.trim().split("\n").at(-1)!) as { identity: { ed25519: string } }).identity;
    await run(process.execPath, [join(ROOT, "bin/duban.js"), "say", "--as", "@zhang:bureau.local", "任务6 完成80%"], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DATABASE_URL: `file:${db}`, DUBAN_DEMO: "true" },
    });
    const conn = new Database(db);
    conn.prepare('INSERT INTO "Setting" ("key", "value") VALUES (?, ?)').run(DEVICE_SETTING, JSON.stringify(identity));
    conn.close();
    const before = stamp(`${db}.crypto`);
    const checks = await runDoctor(readConfig(env));
    expect(stamp(`${db}.crypto`)).toEqual(before);
    const line = (name: string) => checks.find((c) => c.name === name);
    expect(line("加密存储 crypto store")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining(`${db}.crypto（0700，文件 0600），密钥 ${db}.crypto.key（0600）`),
    });
    const groups = identity.ed25519.match(/.{1,4}/g)!.join(" ");
    expect(groups.split(" ")[0]).toHaveLength(4);
    expect(line("加密设备 crypto device")).toMatchObject({ status: "ok", detail: expect.stringContaining(`@bot:example.org 设备 DUBANBOT，指纹 ${groups}`) });
    expect(line("加密设备 crypto device")?.detail).toContain(`ed25519 ${identity.ed25519}）`);
    expect(line("加密模块 crypto module")).toMatchObject({ status: "ok", detail: expect.stringContaining("matrix-sdk-crypto-wasm 与 fake-indexeddb 可加载") });
    // The encryption lines come after the Matrix line.
    expect(checks.map((c) => c.name).slice(-4)).toEqual(["Matrix", "加密存储 crypto store", "加密设备 crypto device", "加密模块 crypto module"]);

    const off = await runDoctor(readConfig({ ...env, DUBAN_ENCRYPTION: "false" }));
    expect(off.filter((c) => c.name.includes("加密"))).toEqual([]);
    const console = await runDoctor(readConfig({ DATABASE_URL: `file:${db}`, DUBAN_DEMO: "true" }));
    expect(console.filter((c) => c.name.includes("加密"))).toEqual([]);
  });

  it("first start, a missing or damaged key, a log without its snapshot, wide modes", async () => {
    const db = join(dir, "two", "duban.db");
    mkdirSync(join(dir, "two"));
    const store = `${db}.crypto`;
    const config = (extra: Record<string, string> = {}) => readConfig({ ...MATRIX, DATABASE_URL: `file:${db}`, ...extra });
    const storeLine = async (extra?: Record<string, string>) => (await cryptoChecks(config(extra)))[0]!;

    expect(await storeLine()).toMatchObject({ status: "ok", detail: expect.stringContaining("尚不存在，首次以加密方式启动时创建") });
    expect((await cryptoChecks(config()))[1]).toMatchObject({ status: "skip", detail: expect.stringContaining("尚未记录") });

    mkdirSync(store, { mode: 0o700 });
    writeFileSync(join(store, "crypto.v8"), "x", { mode: 0o600 });
    writeFileSync(join(store, "crypto.1.wal"), "", { mode: 0o600 });
    expect(await storeLine()).toMatchObject({ status: "fail", detail: expect.stringContaining("缺少密钥文件") });
    expect(await storeLine({ DUBAN_CRYPTO_STORE_KEY: Buffer.alloc(32, 1).toString("base64") })).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("密钥在 DUBAN_CRYPTO_STORE_KEY"),
    });
    writeFileSync(`${store}.key`, "damaged\n", { mode: 0o600 });
    expect(await storeLine()).toMatchObject({ status: "fail", detail: expect.stringContaining("已损坏") });
    writeFileSync(`${store}.key`, `${Buffer.alloc(32, 2).toString("base64")}\n`, { mode: 0o600 });
    expect(await storeLine()).toMatchObject({ status: "ok" });
    chmodSync(store, 0o755);
    chmodSync(`${store}.key`, 0o644);
    const wide = await storeLine();
    expect(wide.status).toBe("warn");
    expect(wide.detail).toContain(`${store} 0755`);
    expect(wide.detail).toContain(`${store}.key 0644`);
    chmodSync(store, 0o700);
    rmSync(join(store, "crypto.v8"));
    expect(await storeLine()).toMatchObject({ status: "fail", detail: expect.stringContaining("没有快照") });
  });
});
