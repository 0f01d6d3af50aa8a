import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { MatrixClient } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_PLAN } from "../../src/config.js";
import { loadDirectory } from "../../src/directory/directory.js";
import { parseEnvText } from "../../src/ops/env-file.js";
import { createMatrixClient, startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

const ROOT = join(import.meta.dirname, "../..");
const run = promisify(execFile);

let synapse: Synapse;
let users: Record<string, SynapseUser>;
let admin: MatrixClient;
let rooms: { office: string; closed: string };
let dir: string;
let envFile: string;
let dirFile: string;
let dbPath: string;

/** The environment of a `duban` process: the machine's, without any duban setting of the test runner's own. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  for (const k of Object.keys(env)) if (k.startsWith("DUBAN_") || k.startsWith("MATRIX_") || k === "DATABASE_URL") delete env[k];
  return env;
}

/** `duban init ARGS` as a process, its answers piped into stdin one a line; the env file named by DUBAN_ENV_FILE (Node 20 takes `--env-file`). */
function init(args: string[], answers: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/duban.js"), "init", ...args], { cwd: dir, env: { ...baseEnv(), DUBAN_ENV_FILE: envFile } });
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (out += String(d)));
    child.on("error", fail);
    child.on("close", (code) => done({ code, out }));
    child.stdin.end(answers.map((a) => `${a}\n`).join(""));
  });
}

/** Another `duban` command, run with the settings init wrote (the env file's lines, passed as the environment). */
async function duban(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...baseEnv(), ...parseEnvText(readFileSync(envFile, "utf8")) };
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], { cwd: dir, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe("duban init against a real Synapse", () => {
  beforeAll(async () => {
    synapse = await startSynapse();
    users = {
      bot: await synapse.registerUser("duban", { displayName: "督办" }),
      admin: await synapse.registerUser("kejiban", { admin: true }),
    };
    admin = createMatrixClient(synapse.url, users.admin!.accessToken);
    rooms = {
      // The office invites the bot; the other room is private and the bot is not invited.
      office: await admin.createRoom({ name: "科技办", invite: [users.bot!.userId] }),
      closed: await admin.createRoom({ name: "领导小组", preset: "private_chat" }),
    };
    dir = mkdtempSync(join(tmpdir(), "duban-init-e2e-"));
    envFile = join(dir, "etc", "duban.env");
    dirFile = join(dir, "etc", "directory.yaml");
    dbPath = join(dir, "lib", "duban.db");
  });
  afterAll(async () => {
    await synapse?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses another user's token and writes nothing", async () => {
    const token = join(dir, "token");
    writeFileSync(token, `${users.admin!.accessToken}\n`);
    const { code, out } = await init(["--homeserver", synapse.url, "--user", users.bot!.userId, "--token-file", token, "--yes"], []);
    expect(code, out).toBe(1);
    expect(out).toContain(`这个访问令牌属于 ${users.admin!.userId}，不是机器人账号 ${users.bot!.userId}`);
    expect(out).toContain("未写入任何文件");
  });

  it("checks the password and the office room, asking again after a wrong password and a room the bot cannot see", async () => {
    const answers = [
      synapse.url,
      users.bot!.userId,
      "1",
      "not-the-password",
      "",
      "",
      users.bot!.password,
      dbPath,
      BUNDLED_PLAN,
      "y",
      "",
      rooms.closed,
      rooms.office,
      users.admin!.userId,
      "y",
    ];
    const { code, out } = await init([], answers);
    expect(code, out).toBe(0);
    expect(out).toContain("✓ 服务器可以连接");
    expect(out).toContain(`登录失败：用户 ${users.bot!.userId} 不存在或密码错误（M_FORBIDDEN）`);
    expect(out).toContain(`✓ 已登录：${users.bot!.userId}`);
    expect(out).toContain(`机器人看不到也加入不了群 ${rooms.closed}`);
    expect(out).toContain(`✓ 机器人已加入这个群里（${rooms.office}）`);
    expect(out).not.toContain(users.bot!.password);
    expect(mode(envFile)).toBe(0o600);
    expect(mode(dirFile)).toBe(0o600);
    expect(loadDirectory(dirFile).officeRooms()).toEqual([rooms.office]);
    expect(parseEnvText(readFileSync(envFile, "utf8"))).toMatchObject({ MATRIX_USER: users.bot!.userId, MATRIX_PASSWORD: users.bot!.password });
  });

  it("leaves settings that start a working doctor and say", async () => {
    const doctor = await duban(["doctor"]);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toContain(`✓ Matrix: ${synapse.url} 可达，令牌有效，身份 ${users.bot!.userId}`);
    expect(doctor.stdout).toMatch(/✓ 名录 directory/);
    const say = await duban(["say", "任务6"]);
    expect(say.code, say.stderr).toBe(0);
    expect(say.stdout).toContain("任务6");
    expect(say.stdout).toContain("刑侦大队");
  });

  it("run again, keeps the operator's edits and changes only the confirmed password", async () => {
    const filled = readFileSync(dirFile, "utf8").replace(
      "  - name: 刑侦大队\n    rooms: []\n    members: []",
      '  - name: 刑侦大队\n    rooms: ["!xz:localhost"] # 刑侦大队工作群\n    members: ["@zhang:localhost"]',
    );
    writeFileSync(dirFile, filled);
    await admin.doRequest("POST", `/_synapse/admin/v1/reset_password/${encodeURIComponent(users.bot!.userId)}`, null, {
      new_password: "a new password",
      logout_devices: false,
    });
    const { code, out } = await init([], ["", "", "", "a new password", "", "", "", "", "", "y"]);
    expect(code, out).toBe(0);
    const env = parseEnvText(readFileSync(envFile, "utf8"));
    expect(env.MATRIX_PASSWORD).toBe("a new password");
    expect(readFileSync(envFile, "utf8")).toContain('MATRIX_PASSWORD="a new password"');
    expect(readFileSync(dirFile, "utf8")).toBe(filled);
    expect(mode(envFile)).toBe(0o600);
    const doctor = await duban(["doctor"]);
    expect(doctor.stdout).toContain("✓ Matrix");
  });
});
