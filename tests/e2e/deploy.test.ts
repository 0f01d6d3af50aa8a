// docs/deploy.md, run: the blocks it marks `<!-- deploy-test: NAME -->` are read from the guide and run with sh from
// an unpacked bundle in a temporary folder, against a real Synapse, so the guide cannot drift from what works.
//
// Network: the bundle's commands run with the no-network preload (tests/helpers/no-network.mjs) allowing only the
// test Synapse's loopback address. `unshare -n` (what tests/bundle.test.ts uses where it can) is not used here: the
// bot and init need their chat server, and a new network namespace would cut them off from it too.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Document, Packer, Paragraph } from "docx";
import type { MatrixClient } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltBundle, buildBundle, REPO } from "../helpers/bundle.js";
import { replyFrom, say } from "./matrix-fixture.js";
import { createMatrixClient, startSynapse, type Synapse, type SynapseUser, waitFor } from "./synapse.js";

const GUIDE = join(REPO, "docs", "deploy.md");
const PRELOAD = join(REPO, "tests", "helpers", "no-network.mjs");
/** The system folders the guide names, moved under the temporary folder. */
const SYSTEM_PATHS = ["opt/duban", "etc/duban", "var/lib/duban", "var/backups/duban", "usr/local/bin"];
/** The version the guide's upgrade step unpacks: the built bundle repacked under this name. */
const NEW_VERSION = "0.2.0";

/** The guide's marked blocks, by name, in the order they appear. */
function deployBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  for (const m of markdown.matchAll(/<!-- deploy-test: ([\w-]+) -->\s*\n```[\w-]*\n([\s\S]*?)```/g)) {
    if (blocks.has(m[1]!)) throw new Error(`docs/deploy.md marks two blocks "${m[1]}"`);
    blocks.set(m[1]!, m[2]!);
  }
  return blocks;
}

let bundle: BuiltBundle;
let synapse: Synapse;
let users: Record<"bot" | "admin", SynapseUser>;
let admin: MatrixClient;
let botClient: MatrixClient;
let T: string;
let blocks: Map<string, string>;
const ran = new Set<string>();
let env: Record<string, string>;
let bot: ChildProcess | null = null;
let botLog = "";

/** The guide's text with the system paths, the homeserver and the version moved to this test's. */
function rewrite(text: string): string {
  let out = text
    .replaceAll("https://matrix.bureau.local", synapse.url)
    .replaceAll(":bureau.local", `:${synapse.serverName}`)
    .replaceAll("duban-0.1.0", bundle.name);
  for (const p of SYSTEM_PATHS) out = out.replace(new RegExp(`(^|[\\s'"=])/${p.replaceAll("/", "\\/")}`, "gm"), `$1${T}/${p}`);
  return out;
}

/** Run one marked block with sh -e in the folder the tarballs were carried to. */
function runBlock(name: string, input = ""): { status: number | null; out: string } {
  const block = blocks.get(name);
  if (block === undefined) throw new Error(`docs/deploy.md has no block marked <!-- deploy-test: ${name} -->`);
  ran.add(name);
  return sh(rewrite(block), input, name === "init");
}

/**
 * Run a script as the guide's commands run. The wrappers read /etc/duban/duban.env only once it exists; here
 * DUBAN_ENV_FILE names the moved file, so until init writes it (init may name the file it is about to write) it is left out.
 */
function sh(script: string, input = "", writesEnvFile = false): { status: number | null; out: string } {
  const { DUBAN_ENV_FILE, ...rest } = env;
  const withEnvFile = writesEnvFile || existsSync(DUBAN_ENV_FILE!);
  const r = spawnSync("sh", ["-ec", script], { cwd: join(T, "carry"), env: withEnvFile ? env : rest, input, encoding: "utf8", timeout: 180_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function stub(name: string, body: string): void {
  writeFileSync(join(T, "stubs", name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

const doctor = () => sh(rewrite("sudo -u duban duban doctor"));
const roomsLine = (out: string) => out.split("\n").find((l) => l.includes("单位工作群 unit rooms")) ?? "";

describe("docs/deploy.md from an unpacked bundle against a real Synapse", () => {
  beforeAll(async () => {
    bundle = buildBundle();
    expect(bundle.version, "the upgrade step repacks the bundle as 0.2.0").not.toBe(NEW_VERSION);
    blocks = deployBlocks(readFileSync(GUIDE, "utf8"));
    synapse = await startSynapse();
    users = {
      bot: await synapse.registerUser("duban", { displayName: "督办" }),
      admin: await synapse.registerUser("kejiban", { admin: true }),
    };
    admin = createMatrixClient(synapse.url, users.admin.accessToken);
    botClient = createMatrixClient(synapse.url, users.bot.accessToken);
    await admin.createRoom({ name: "科技办", room_alias_name: "kejiban", invite: [users.bot.userId] });

    T = mkdtempSync(join(tmpdir(), "duban-deploy-"));
    for (const p of [...SYSTEM_PATHS, "carry", "stubs", "home"]) mkdirSync(join(T, p), { recursive: true, mode: 0o700 });
    // What the operator carries in: the tarball and its checksum file, and the bureau's plan as a Word document.
    symlinkSync(bundle.tarball, join(T, "carry", `${bundle.name}-linux-x64.tar.gz`));
    copyFileSync(join(REPO, "build", "SHA256SUMS"), join(T, "carry", "SHA256SUMS"));
    const text = readFileSync(join(REPO, "src/plan/bundled/mingxi-2023-2025.txt"), "utf8");
    const doc = new Document({ sections: [{ children: text.split("\n").map((line) => new Paragraph({ text: line })) }] });
    writeFileSync(join(T, "carry", "方案.docx"), await Packer.toBuffer(doc));
    // sudo passes through; there is no duban user here, so chown does nothing; systemctl only records its calls.
    stub("sudo", 'while [ $# -gt 0 ]; do case $1 in -u|-g) shift 2 ;; -*) shift ;; *) break ;; esac; done\nexec "$@"');
    stub("chown", "exit 0");
    stub("systemctl", 'echo "$*" >> "$SYSTEMCTL_LOG"');
    const allow = new URL(synapse.url).host;
    env = {
      PATH: `${join(T, "stubs")}:${join(T, "usr/local/bin")}:${process.env.PATH}`,
      HOME: join(T, "home"),
      LANG: "C.UTF-8",
      CHECKPOINT_DISABLE: "1",
      // The wrappers read /etc/duban/duban.env by themselves; here the moved file is named.
      DUBAN_ENV_FILE: join(T, "etc/duban/duban.env"),
      NODE_OPTIONS: `--import=${PRELOAD}`,
      NO_NET_ALLOW: allow,
      NO_NET_LOG: join(T, "net.log"),
      SYSTEMCTL_LOG: join(T, "systemctl.log"),
    };
    console.log(`deploy test: the bundle's commands run with the no-network preload, allowing only ${allow} (Synapse)`);
  }, 900_000);

  afterAll(async () => {
    bot?.kill("SIGKILL");
    await synapse?.stop();
    if (T) rmSync(T, { recursive: true, force: true });
  });

  it("1. unpacks the bundle, checks both checksum files and answers `duban help`", () => {
    const r = runBlock("unpack");
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`${bundle.name}-linux-x64.tar.gz: OK`);
    expect(r.out).toContain("用法 / usage:");
    expect(readlinkSync(join(T, "opt/duban/current"))).toBe(join(T, "opt/duban", bundle.name));
  });

  it("3. runs duban init with a password file, importing the .docx plan and writing the env file and the directory", () => {
    const r = runBlock("init", `${users.bot.password}\n`);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("✓ 已导入《");
    expect(r.out).toContain(`✓ 已写入名录 ${T}/etc/duban/directory.yaml`);
    expect(r.out).toContain(`✓ 已写入配置文件 ${T}/etc/duban/duban.env`);
    expect(r.out).not.toContain(users.bot.password);
    expect(existsSync(join(T, "var/lib/duban/bot.pw")), "the password file is removed").toBe(false);
    expect(readFileSync(join(T, "etc/duban/duban.env"), "utf8")).toContain(`DATABASE_URL=file:${T}/var/lib/duban/duban.db`);
  });

  it("4. imports the plan again, a dry run first: nothing new, progress untouched", () => {
    const r = runBlock("import");
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("25项任务");
    expect(r.out).toContain("新增0项");
  });

  it("5. binds a room with 绑定本群 in chat to the bot started from the bundle, and doctor's list of rooms to bind shrinks", async () => {
    const before = roomsLine(doctor().out);
    expect(before).toContain("刑侦大队");
    // The service's ExecStart, in its WorkingDirectory, with the env file's settings.
    bot = spawn(join(T, "opt/duban/current/bin/duban-start"), [], { cwd: join(T, "var/lib/duban"), env, stdio: ["ignore", "pipe", "pipe"] });
    bot.stdout?.on("data", (d) => (botLog += String(d)));
    bot.stderr?.on("data", (d) => (botLog += String(d)));
    const room = await admin.createRoom({ name: "刑侦大队工作群", invite: [users.bot.userId] });
    await waitFor(async () => (await botClient.getJoinedRooms()).includes(room), 60_000, `the bot joined the unit's room; its log:\n${botLog}`);
    const asked = await say(admin, room, "绑定本群 刑侦大队");
    const reply = await replyFrom(admin, room, asked, users.bot.userId, 60_000);
    expect(reply.content.body).toContain("本群已绑定为刑侦大队的工作群");
    // Step 6's check: a task asked about in a bound room is answered.
    const status = await replyFrom(admin, room, await say(admin, room, "任务6"), users.bot.userId, 60_000);
    expect(status.content.body).toContain("任务6");
    expect(status.content.body).toContain("刑侦大队");
    const stopped = new Promise((done) => bot!.once("exit", done));
    bot.kill("SIGTERM");
    await stopped;
    bot = null;
    const after = roomsLine(doctor().out);
    expect(after).not.toContain("刑侦大队");
    expect(after.length).toBeLessThan(before.length);
  }, 180_000);

  it("7. runs the crontab line's command: a dated backup, and backups older than the kept days removed", () => {
    const line = blocks.get("cron")!.trim();
    ran.add("cron");
    const m = /^(?:\S+\s+){5}(\S+)\s+(.*)$/.exec(line);
    expect(m?.[1], "the line of /etc/cron.d/duban names the user").toBe("duban");
    const old = join(T, "var/backups/duban/duban-2020-01-01.db");
    writeFileSync(old, "an old backup");
    utimesSync(old, new Date("2020-01-02"), new Date("2020-01-02"));
    // An old backup's crypto store and key (docs/encryption.md) go with it.
    mkdirSync(`${old}.crypto`);
    writeFileSync(join(`${old}.crypto`, "crypto.v8"), "old keys");
    writeFileSync(`${old}.crypto.key`, "old key");
    for (const f of [join(`${old}.crypto`, "crypto.v8"), `${old}.crypto`, `${old}.crypto.key`]) utimesSync(f, new Date("2020-01-02"), new Date("2020-01-02"));
    // cron turns an unescaped % into a newline; the line escapes it, as cron then runs it with sh.
    const r = sh(rewrite(m![2]!.replaceAll("\\%", "%")));
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("已备份到");
    const files = readdirSync(join(T, "var/backups/duban"));
    expect(files.filter((f) => /^duban-\d{4}-\d{2}-\d{2}\.db$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith("duban-2020-01-01"))).toEqual([]);
  });

  it("trusts the bureau's CA through the env file, and 8. passes duban doctor", () => {
    // A CA certificate of the test's own: the test Synapse speaks plain HTTP, so this shows the block's commands work
    // and the line breaks nothing. That the wrapper hands NODE_* to Node before it starts is tests/bundle.test.ts's.
    const pem = join(T, "carry", "bureau-ca.pem");
    const cert = spawnSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "/dev/null",
      "-out",
      pem,
      "-subj",
      "/CN=bureau CA",
      "-days",
      "1",
    ]);
    expect(cert.status, String(cert.stderr)).toBe(0);
    const ca = runBlock("ca");
    expect(ca.status, ca.out).toBe(0);
    expect(readFileSync(join(T, "etc/duban/duban.env"), "utf8")).toContain(`\nNODE_EXTRA_CA_CERTS=${T}/etc/duban/bureau-ca.pem\n`);
    const r = runBlock("doctor");
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("migrations up to date");
    expect(r.out).toContain(`✓ Matrix: ${synapse.url} 可达，令牌有效，身份 ${users.bot.userId}`);
    expect(r.out).not.toContain("✗");
  });

  it("9. upgrades to a new bundle beside the old one, then rolls back with the backup taken before", () => {
    // The "new" version: the unpacked bundle repacked under the new version's name.
    const name = `duban-${NEW_VERSION}`;
    const pack = spawnSync(
      "sh",
      [
        "-ec",
        `tar -cf - --transform "s,^${bundle.name},${name}," -C "$1" ${bundle.name} | gzip -1 > "$2"`,
        "sh",
        join(T, "opt/duban"),
        join(T, "carry", `${name}-linux-x64.tar.gz`),
      ],
      { encoding: "utf8" },
    );
    expect(pack.status, pack.stderr).toBe(0);

    const up = runBlock("upgrade");
    expect(up.status, up.out).toBe(0);
    expect(up.out).toContain("已备份到");
    expect(up.out).toContain("migrations up to date");
    expect(readlinkSync(join(T, "opt/duban/current"))).toBe(join(T, "opt/duban", name));
    expect(existsSync(join(T, `var/backups/duban/before-${NEW_VERSION}.db`))).toBe(true);

    const back = runBlock("rollback");
    expect(back.status, back.out).toBe(0);
    expect(readlinkSync(join(T, "opt/duban/current"))).toBe(join(T, "opt/duban", bundle.name));
    expect(readdirSync(join(T, "var/lib/duban")).some((f) => f.startsWith("duban.db.before-restore-"))).toBe(true);
    expect(back.out).toContain("migrations up to date");
    // The service was stopped before each switch and started after it.
    expect(readFileSync(join(T, "systemctl.log"), "utf8").trim().split("\n")).toEqual(["stop duban", "start duban", "stop duban", "start duban"]);
  }, 180_000);

  it("ran every block the guide marks, and nothing tried the network", () => {
    expect([...ran].sort()).toEqual([...blocks.keys()].sort());
    expect(existsSync(env.NO_NET_LOG!) ? readFileSync(env.NO_NET_LOG!, "utf8") : "").toBe("");
  });
});
