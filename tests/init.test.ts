import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInit } from "../src/cli/init.js";
import { BUNDLED_PLAN } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import { loadDirectory } from "../src/directory/directory.js";
import { freshDatabaseUrl } from "./helpers/temp-app.js";
import { mergeDirectory } from "../src/directory/directory-skeleton.js";
import { parseEnvText, updateEnvText } from "../src/ops/env-file.js";
import { checkHomeserver, networkProblem, roomProblem, type FetchLike } from "../src/ops/homeserver-check.js";

const execFileAsync = promisify(execFile);
const HS = "https://matrix.bureau.local";
const BOT = "@duban:bureau.local";
const OFFICE_ROOM = "!office:bureau.local";
const PLAN_UNITS = [
  "指挥情报中心",
  "政工室",
  "刑侦大队",
  "城关派出所",
  "网安大队",
  "治安大队",
  "警务保障室",
  "交警大队",
  "出入境大队",
  "巡特警反恐大队",
  "国保大队",
];

/**
 * A homeserver in memory, answering the few requests init makes: the bot logs in with "right-password" or the
 * token "bot-token"; "zhang-token" is another user's. The bot is in the office room; "!closed" it cannot join.
 */
function fakeHomeserver(opts: { down?: string; password?: string } = {}) {
  const calls: string[] = [];
  const joined = new Set([OFFICE_ROOM]);
  const fetch: FetchLike = async (url, init = {}) => {
    const method = init.method ?? "GET";
    const path = url.replace(HS, "");
    calls.push(`${method} ${path}`);
    if (opts.down) throw Object.assign(new TypeError("fetch failed"), { cause: { code: opts.down } });
    const reply = (status: number, body: unknown) => ({ status, text: async () => JSON.stringify(body) });
    const auth = init.headers?.Authorization?.replace("Bearer ", "");
    const who = auth === "bot-token" || auth === "login-token" ? BOT : auth === "zhang-token" ? "@zhang:bureau.local" : null;
    if (path === "/_matrix/client/versions") return reply(200, { versions: ["v1.1", "v1.11"] });
    if (path === "/_matrix/client/v3/login") {
      const body = JSON.parse(init.body ?? "{}") as { password?: string; identifier?: { user?: string } };
      if (body.password === (opts.password ?? "right-password") && [BOT, "duban"].includes(body.identifier?.user ?? ""))
        return reply(200, { access_token: "login-token", user_id: BOT, device_id: "D" });
      return reply(403, { errcode: "M_FORBIDDEN", error: "Invalid username or password" });
    }
    if (!who) return reply(401, { errcode: "M_UNKNOWN_TOKEN", error: "Unknown token" });
    if (path === "/_matrix/client/v3/logout") return reply(200, {});
    if (path === "/_matrix/client/v3/account/whoami") return reply(200, { user_id: who });
    if (path === "/_matrix/client/v3/joined_rooms") return reply(200, { joined_rooms: [...joined] });
    if (path.startsWith("/_matrix/client/v3/directory/room/"))
      return decodeURIComponent(path.split("/").pop()!) === "#kejiban:bureau.local"
        ? reply(200, { room_id: OFFICE_ROOM })
        : reply(404, { errcode: "M_NOT_FOUND" });
    if (path.startsWith("/_matrix/client/v3/join/")) {
      const room = decodeURIComponent(path.split("/").pop()!);
      if (room === "!open:bureau.local") {
        joined.add(room);
        return reply(200, { room_id: room });
      }
      return reply(403, { errcode: "M_FORBIDDEN", error: "You are not invited to this room." });
    }
    return reply(404, { errcode: "M_UNRECOGNIZED" });
  };
  return { fetch, calls };
}

let dir: string;
let envFile: string;
let dirFile: string;
let dbPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "duban-init-"));
  envFile = join(dir, "etc", "duban.env");
  dirFile = join(dir, "etc", "directory.yaml");
  dbPath = join(dir, "lib", "duban.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run init with these answers piped in, one a line, as a script would. */
async function init(argv: string[], answers: string[], fetch: FetchLike = fakeHomeserver().fetch) {
  const chunks: string[] = [];
  const output = new Writable({
    write(c, _e, done) {
      chunks.push(String(c));
      done();
    },
  });
  const input = Readable.from(answers.length ? [answers.map((a) => `${a}\n`).join("")] : []);
  const code = await runInit(argv, { env: { USER: "tester" }, input, output, fetch, clock: fixedClock(new Date("2026-12-07T03:00:00Z")) });
  return { code, out: chunks.join("") };
}

/** The answers of a first run, in the order asked. */
const firstRun = (over: Partial<Record<string, string>> = {}) => [
  over.homeserver ?? HS,
  over.user ?? BOT,
  over.kind ?? "1",
  over.password ?? "right-password",
  over.database ?? dbPath,
  over.plan ?? BUNDLED_PLAN,
  over.importIt ?? "y",
  over.office ?? "",
  over.room ?? OFFICE_ROOM,
  over.admins ?? "@kejiban:bureau.local",
  over.confirm ?? "y",
];

const plansIn = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT title FROM "Plan"').all() as { title: string }[]).map((r) => r.title);
  } finally {
    db.close();
  }
};
const mode = (p: string) => statSync(p).mode & 0o777;

describe("duban init, a first run", () => {
  it("checks the answers, imports the plan after its dry run, and writes a private env file and a directory skeleton that loads", async () => {
    const { code, out } = await init(["--env-file", envFile], firstRun());
    expect(code, out).toBe(0);
    expect(out).toContain("✓ 服务器可以连接");
    expect(out).toContain(`✓ 已登录：${BOT}`);
    expect(out).toMatch(/试导入（未写入）《明溪县公安局科技兴警三年行动实施方案\(2023-2025年\)》：\d+个部分，25项任务，11个单位/);
    expect(out).not.toContain("right-password");
    expect(plansIn(dbPath)).toEqual(["明溪县公安局科技兴警三年行动实施方案(2023-2025年)"]);

    const env = parseEnvText(readFileSync(envFile, "utf8"));
    expect(env).toMatchObject({
      DUBAN_DEMO: "false",
      DATABASE_URL: `file:${dbPath}`,
      DUBAN_DIRECTORY: dirFile,
      MATRIX_HOMESERVER_URL: HS,
      MATRIX_USER: BOT,
      MATRIX_PASSWORD: "right-password",
    });
    expect(env.MATRIX_ACCESS_TOKEN).toBeUndefined();
    expect(readFileSync(envFile, "utf8")).toMatch(/# 正式环境：不导入演示方案/);
    expect(mode(envFile)).toBe(0o600);
    expect(mode(dirFile)).toBe(0o600);

    const directory = loadDirectory(dirFile);
    expect(directory.office).toBe("科技办");
    expect(directory.units.map((u) => u.name)).toEqual(["科技办", ...PLAN_UNITS]);
    expect(directory.officeRooms()).toEqual([OFFICE_ROOM]);
    expect(directory.data.admins).toEqual(["@kejiban:bureau.local"]);
    expect(directory.units.slice(1).every((u) => u.rooms.length === 0 && u.members.length === 0 && u.leaders.length === 0)).toBe(true);
    expect(readFileSync(dirFile, "utf8")).toContain("绑定本群 单位名");
  });

  it("writes the file DUBAN_ENV_FILE names when --env-file is not given", async () => {
    const chunks: string[] = [];
    const output = new Writable({
      write(c, _e, done) {
        chunks.push(String(c));
        done();
      },
    });
    const input = Readable.from([
      firstRun()
        .map((a) => `${a}\n`)
        .join(""),
    ]);
    const env = { USER: "tester", DUBAN_ENV_FILE: envFile };
    const code = await runInit([], { env, input, output, fetch: fakeHomeserver().fetch, clock: fixedClock(new Date("2026-12-07T03:00:00Z")) });
    expect(code, chunks.join("")).toBe(0);
    expect(parseEnvText(readFileSync(envFile, "utf8")).DUBAN_DIRECTORY).toBe(dirFile);
  });

  it("logs out the session it opened to check the password", async () => {
    const hs = fakeHomeserver();
    await init(["--env-file", envFile], firstRun(), hs.fetch);
    expect(hs.calls).toContain("POST /_matrix/client/v3/logout");
  });

  it("asks again after a bad address, a wrong password, a bad database URL, an unreadable plan and a room the bot cannot join", async () => {
    const answers = [
      "matrix.bureau.local",
      HS,
      BOT,
      "1",
      "wrong",
      "",
      "",
      "right-password",
      "mysql://x",
      dbPath,
      join(dir, "no-such-plan.txt"),
      BUNDLED_PLAN,
      "y",
      "",
      "!closed:bureau.local",
      "#kejiban:bureau.local",
      "kejiban",
      "@kejiban:bureau.local",
      "y",
    ];
    const { code, out } = await init(["--env-file", envFile], answers);
    expect(code, out).toBe(0);
    expect(out).toContain("请以 https:// 或 http:// 开头");
    expect(out).toContain(`登录失败：用户 ${BOT} 不存在或密码错误`);
    expect(out).toContain("不是 SQLite 文件路径，也不是 postgresql:// 地址");
    expect(out).toContain("无法读取文件");
    expect(out).toContain("机器人看不到也加入不了群 !closed:bureau.local");
    expect(out).toContain("请在这个群里邀请机器人账号");
    expect(out).toContain("“kejiban”不是完整的用户 ID");
    // The alias is stored as the room id it names.
    expect(loadDirectory(dirFile).officeRooms()).toEqual([OFFICE_ROOM]);
  });

  it("asks for the account again after a failed login, so a mistyped account can be corrected", async () => {
    const answers = firstRun({ user: "@dubn:bureau.local" });
    answers.splice(4, 0, BOT, "", "right-password");
    const { code, out } = await init(["--env-file", envFile], answers);
    expect(code, out).toBe(0);
    expect(out).toContain("登录失败：用户 @dubn:bureau.local 不存在或密码错误");
    expect(out).toContain("机器人账号（用户 ID，如 @duban:bureau.local） [@dubn:bureau.local]：");
    expect(parseEnvText(readFileSync(envFile, "utf8")).MATRIX_USER).toBe(BOT);
  });

  it("refuses a token of another user and takes the bot's own token", async () => {
    const { code, out } = await init(
      ["--env-file", envFile],
      [HS, BOT, "2", "zhang-token", "", "", "bot-token", dbPath, BUNDLED_PLAN, "y", "", OFFICE_ROOM, "", "y"],
    );
    expect(code, out).toBe(0);
    expect(out).toContain(`这个访问令牌属于 @zhang:bureau.local，不是机器人账号 ${BOT}`);
    const env = parseEnvText(readFileSync(envFile, "utf8"));
    expect(env.MATRIX_ACCESS_TOKEN).toBe("bot-token");
    expect(env.MATRIX_PASSWORD).toBeUndefined();
  });

  it("runs from flags alone with --yes, reading the password from a file", async () => {
    const pw = join(dir, "pw");
    writeFileSync(pw, "right-password\n");
    const flags = ["--env-file", envFile, "--homeserver", HS, "--user", BOT, "--password-file", pw, "--database", dbPath, "--plan", BUNDLED_PLAN];
    const { code, out } = await init([...flags, "--office-room", "#kejiban:bureau.local", "--admin", "@kejiban:bureau.local", "--yes"], []);
    expect(code, out).toBe(0);
    expect(parseEnvText(readFileSync(envFile, "utf8")).MATRIX_PASSWORD).toBe("right-password");
    expect(loadDirectory(dirFile).units).toHaveLength(12);
  });

  it("with --yes, fails with exit 1 on a wrong password and writes nothing", async () => {
    const pw = join(dir, "pw");
    writeFileSync(pw, "wrong\n");
    const flags = ["--env-file", envFile, "--homeserver", HS, "--user", BOT, "--password-file", pw, "--database", dbPath, "--plan", BUNDLED_PLAN];
    const { code, out } = await init([...flags, "--office-room", OFFICE_ROOM, "--yes"], []);
    expect(code).toBe(1);
    expect(out).toContain("登录失败");
    expect(out).toContain("未写入任何文件");
    expect(existsSync(envFile) || existsSync(dirFile) || existsSync(dbPath)).toBe(false);
  });

  it("fails with exit 1 and writes nothing when piped input ends before every question is answered", async () => {
    const { code, out } = await init(["--env-file", envFile], firstRun().slice(0, 6));
    expect(code).toBe(1);
    expect(out).toContain("输入已结束");
    expect(existsSync(envFile) || existsSync(dirFile) || existsSync(dbPath)).toBe(false);
  });

  it("writes nothing when the operator does not confirm", async () => {
    const { code, out } = await init(["--env-file", envFile], firstRun({ confirm: "n" }));
    expect(code).toBe(1);
    expect(out).toContain("未写入任何文件");
    expect(existsSync(envFile) || existsSync(dirFile) || existsSync(dbPath)).toBe(false);
  });

  it("takes a password as typed, with its spaces, and hides a database password when it shows the settings", async () => {
    const password = " two words ";
    const answers = firstRun({ password, database: "postgresql://duban:db-secret@127.0.0.1:1/duban" });
    // The PostgreSQL server is not there: the database question is answered again with a SQLite file.
    answers.splice(5, 0, dbPath);
    const { code, out } = await init(["--env-file", envFile], answers, fakeHomeserver({ password }).fetch);
    expect(code, out).toBe(0);
    expect(out).toContain("无法连接 PostgreSQL");
    expect(readFileSync(envFile, "utf8")).toContain('MATRIX_PASSWORD=" two words "');
    expect(parseEnvText(readFileSync(envFile, "utf8")).MATRIX_PASSWORD).toBe(password);
    writeFileSync(envFile, readFileSync(envFile, "utf8").replace(/^DATABASE_URL=.*$/m, "DATABASE_URL=postgresql://duban:db-secret@127.0.0.1:1/duban"));
    const again = await init(["--env-file", envFile, "--yes"], [], fakeHomeserver({ password }).fetch);
    expect(again.code).toBe(1);
    expect(again.out).toContain("DATABASE_URL=postgresql://duban:******@127.0.0.1:1/duban");
    expect(again.out).not.toContain("db-secret");
  });

  it("refuses, before asking anything, an env file or directory file that cannot be written there", async () => {
    writeFileSync(join(dir, "a-file"), "");
    const blocked = await init(["--env-file", join(dir, "a-file", "duban.env")], firstRun());
    expect(blocked.code).toBe(1);
    expect(blocked.out).toContain(`${join(dir, "a-file")} 是文件，不是文件夹`);
    const folder = await init(["--env-file", dir], firstRun());
    expect(folder.code).toBe(1);
    expect(folder.out).toContain(`配置文件 ${dir} 不是文件`);
    const dirBlocked = await init(["--env-file", envFile, "--directory-file", join(dir, "a-file", "directory.yaml")], firstRun());
    expect(dirBlocked.code).toBe(1);
    expect(dirBlocked.out).not.toContain("Matrix 服务器地址");
    expect(existsSync(envFile)).toBe(false);
  });

  it("refuses a password or token on the command line", async () => {
    await expect(init(["--env-file", envFile, "--password", "secret"], [])).rejects.toThrow(/不要在命令行上给出密码/);
    await expect(init(["--env-file", envFile, "--token", "secret"], [])).rejects.toThrow(/--password-file 或 --token-file/);
  });

  it("says plainly when the homeserver cannot be reached", async () => {
    const { code, out } = await init(["--env-file", envFile, "--homeserver", HS, "--yes"], [], fakeHomeserver({ down: "ECONNREFUSED" }).fetch);
    expect(code).toBe(1);
    expect(out).toContain(`无法连接 ${HS}：连接被拒绝`);
  });
});

describe("duban init on the test project's database (SQLite, or PostgreSQL in the postgres project)", () => {
  it("imports the plan once, and a re-run finds it there and does not import it again", async () => {
    const database = await freshDatabaseUrl(dir);
    try {
      const first = await init(["--env-file", envFile], firstRun({ database: database.url }));
      expect(first.code, first.out).toBe(0);
      expect(first.out).toContain("✓ 已导入《明溪县公安局科技兴警三年行动实施方案(2023-2025年)》：新增25项");
      expect(parseEnvText(readFileSync(envFile, "utf8")).DATABASE_URL).toBe(database.url);
      const again = await init(["--env-file", envFile], ["", "", "", "", "", BUNDLED_PLAN, "", "", "", ""]);
      expect(again.code, again.out).toBe(0);
      expect(again.out).toContain("数据库里已有方案：《明溪县公安局科技兴警三年行动实施方案(2023-2025年)》");
      expect(again.out).toContain("重新导入（更新任务，已有进展不变）？ [y/N]：\n");
      expect(again.out).toContain("没有要改动的内容");
    } finally {
      await database.drop();
    }
  });
});

describe("duban init on a terminal", () => {
  it("does not echo the password as it is typed", async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const chunks: string[] = [];
    const output = new Writable({
      write(c, _e, done) {
        chunks.push(String(c));
        done();
      },
    });
    const done = runInit(["--env-file", envFile], {
      env: {},
      input,
      output,
      fetch: fakeHomeserver().fetch,
      clock: fixedClock(new Date("2026-12-07T03:00:00Z")),
    });
    for (const answer of firstRun()) {
      await new Promise((r) => setTimeout(r, 30));
      input.write(`${answer}\r`);
    }
    expect(await done, chunks.join("")).toBe(0);
    const out = chunks.join("");
    expect(out).toContain(HS);
    expect(out).toContain("机器人密码：");
    expect(out).not.toContain("right-password");
    expect(parseEnvText(readFileSync(envFile, "utf8")).MATRIX_PASSWORD).toBe("right-password");
  });
});

describe("duban init, run again", () => {
  it("keeps the operator's edits, adds the plan's new units, does not import the plan twice, and backs the files up", async () => {
    expect((await init(["--env-file", envFile], firstRun())).code).toBe(0);
    // The operator fills in the directory and adds a setting of their own.
    const filled = readFileSync(dirFile, "utf8")
      .replace(
        "  - name: 刑侦大队\n    rooms: []\n    members: []",
        '  - name: 刑侦大队\n    rooms: ["!xz:bureau.local"] # 刑侦大队工作群\n    members: ["@zhang:bureau.local"]',
      )
      .replace("leaders: []\n", '# 局长\nleaders: ["@juzhang:bureau.local"]\n');
    writeFileSync(dirFile, filled);
    writeFileSync(envFile, `${readFileSync(envFile, "utf8")}# 日志级别\nLOG_LEVEL=debug\n`);
    const plan = join(dir, "plan.txt");
    writeFileSync(plan, readFileSync(BUNDLED_PLAN, "utf8").replace("牵头单位:巡特警反恐大队、国保大队", "牵头单位:巡特警反恐大队、国保大队、禁毒大队"));

    // Every question answered with Enter (keep), but the plan file; no re-import.
    const { code, out } = await init(["--env-file", envFile], ["", "", "", "", "", plan, "", "", "", "", "y"]);
    expect(code, out).toBe(0);
    expect(out).toContain(`已有配置文件 ${envFile}`);
    expect(out).toContain("MATRIX_PASSWORD=******");
    expect(out).not.toContain("right-password");
    expect(out).toContain("已导入（计划代码 科技兴警）。重新导入");
    expect(out).toContain("补充单位：禁毒大队");

    const text = readFileSync(dirFile, "utf8");
    expect(text).toContain('rooms: ["!xz:bureau.local"] # 刑侦大队工作群');
    expect(text).toContain("# 局长");
    const directory = loadDirectory(dirFile);
    expect(directory.unit("刑侦大队")?.members).toEqual(["@zhang:bureau.local"]);
    expect(directory.data.leaders).toEqual(["@juzhang:bureau.local"]);
    expect(directory.units.map((u) => u.name)).toEqual(["科技办", ...PLAN_UNITS, "禁毒大队"]);
    expect(directory.officeRooms()).toEqual([OFFICE_ROOM]);

    const env = readFileSync(envFile, "utf8");
    expect(env).toContain("# 日志级别\nLOG_LEVEL=debug\n");
    expect(parseEnvText(env).MATRIX_PASSWORD).toBe("right-password");
    expect(mode(envFile)).toBe(0o600);

    const backups = readdirSync(join(dir, "etc")).filter((f) => f.includes(".bak-"));
    expect(backups).toEqual(["directory.yaml.bak-20261207T030000Z"]);
    expect(readFileSync(join(dir, "etc", backups[0]!), "utf8")).toBe(filled);
    expect(plansIn(dbPath)).toHaveLength(1);
  });

  it("changes only the value the operator changes, and re-imports the plan only when confirmed", async () => {
    expect((await init(["--env-file", envFile], firstRun())).code).toBe(0);
    const before = readFileSync(envFile, "utf8");
    const { code, out } = await init(["--env-file", envFile], ["", "", "2", "bot-token", "", BUNDLED_PLAN, "y", "", "", "", "y"]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/✓ 已导入《.*》：新增0项，更新0项，未变25项/);
    const after = readFileSync(envFile, "utf8");
    expect(parseEnvText(after).MATRIX_ACCESS_TOKEN).toBe("bot-token");
    expect(parseEnvText(after).MATRIX_PASSWORD).toBeUndefined();
    // Every other line is as it was, in its place.
    expect(after.split("\n").filter((l) => !l.startsWith("MATRIX_") && !l.includes("密码") && !l.includes("令牌"))).toEqual(
      before.split("\n").filter((l) => !l.startsWith("MATRIX_") && !l.includes("密码") && !l.includes("令牌")),
    );
    expect(readdirSync(join(dir, "etc")).filter((f) => f.includes(".bak-"))).toEqual(["duban.env.bak-20261207T030000Z"]);
  });

  it("says nothing is to change when every answer is kept", async () => {
    expect((await init(["--env-file", envFile], firstRun())).code).toBe(0);
    const { code, out } = await init(["--env-file", envFile], ["", "", "", "", "", "", "", "", ""]);
    expect(code, out).toBe(0);
    expect(out).toContain("没有要改动的内容");
    expect(readdirSync(join(dir, "etc")).filter((f) => f.includes(".bak-"))).toEqual([]);
  });
});

describe("merging into the operator's directory file", () => {
  const own =
    '# ours\noffice: 科技办\nunits:\n  - name: 科技办\n    rooms: [ "!office:bureau.local" ]   # 办公室\n  - {name: 刑侦大队, members: ["@zhang:x"]}\n';

  it("leaves the file byte for byte as it is when nothing is new", () => {
    const m = mergeDirectory(own, { office: "科技办", officeRoom: OFFICE_ROOM, admins: [], units: ["刑侦大队"] });
    expect(m.text).toBe(own);
  });

  it("refuses to move a room another unit already has to the office", () => {
    const m = mergeDirectory(own.replace('members: ["@zhang:x"]', 'rooms: ["!xz:x"]'), { office: "科技办", officeRoom: "!xz:x", admins: [], units: [] });
    expect(m.officeRoomProblem).toContain("已属于 刑侦大队");
  });
});

describe("the env file", () => {
  it("keeps other lines in place, quotes what needs quotes, and reads it back", () => {
    const text = "# top\nA=1\n\n# about B\nB=2\n";
    const next = updateEnvText(text, [
      { key: "B", value: "two words" },
      { key: "A", value: null },
      { key: "C", value: 'p#ss"$x', comment: "new one" },
    ]);
    expect(next).toBe('# top\n\n# about B\nB="two words"\n# new one\nC="p#ss\\"\\$x"\n');
    expect(parseEnvText(next)).toEqual({ B: "two words", C: 'p#ss"$x' });
  });
});

describe("room ids", () => {
  it("takes a room id of room version 12, which has no server part, an older one and an alias", () => {
    expect(roomProblem("!Og-AL8VlW0el3ccs3k40VZXgKuyctsIPElFUyXXzRA0")).toBeNull();
    expect(roomProblem("!abc:bureau.local")).toBeNull();
    expect(roomProblem("#kejiban:bureau.local")).toBeNull();
    expect(roomProblem("#kejiban")).toContain("不是群的 ID 或别名");
    expect(roomProblem("@kejiban:bureau.local")).toContain("不是群的 ID 或别名");
  });
});

describe("network problems, in plain Chinese", () => {
  it("points at NODE_EXTRA_CA_CERTS for a certificate from the bureau's own CA", () => {
    const e = Object.assign(new TypeError("fetch failed"), { cause: { code: "SELF_SIGNED_CERT_IN_CHAIN" } });
    expect(networkProblem(HS, e)).toMatch(/证书不受信任.*NODE_EXTRA_CA_CERTS/);
    const leaf = Object.assign(new TypeError("fetch failed"), { cause: { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" } });
    expect(networkProblem(HS, leaf)).toContain("NODE_EXTRA_CA_CERTS");
  });

  it("points at NODE_EXTRA_CA_CERTS for a real HTTPS server whose certificate is not trusted, and NODE_EXTRA_CA_CERTS fixes it", async () => {
    const tls = join(import.meta.dirname, "fixtures", "tls");
    const server = createHttpsServer({ key: readFileSync(join(tls, "key.pem")), cert: readFileSync(join(tls, "cert.pem")) }, (_req, res) => {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ versions: ["v1.11"] }));
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(checkHomeserver((u, init) => fetch(u, init), url)).rejects.toThrow(/证书不受信任（DEPTH_ZERO_SELF_SIGNED_CERT）.*NODE_EXTRA_CA_CERTS/);
      // The advice works: a process started with the certificate trusted gets through.
      const script = `import { checkHomeserver } from "./src/ops/homeserver-check.ts"; console.log(await checkHomeserver((u, i) => fetch(u, i), "${url}"));`;
      const child = await execFileAsync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: join(import.meta.dirname, ".."),
        env: { ...process.env, NODE_EXTRA_CA_CERTS: join(tls, "cert.pem") },
      });
      expect(child.stdout).toContain("v1.11");
    } finally {
      server.close();
    }
  });

  it("says what fetch's cause says rather than 'fetch failed'", () => {
    expect(networkProblem(HS, Object.assign(new TypeError("fetch failed"), { cause: new Error("bad port") }))).toBe(`无法连接 ${HS}：bad port`);
  });

  it("names an unknown host and a timeout", () => {
    expect(networkProblem(HS, Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } }))).toContain("找不到这个主机名");
    expect(networkProblem(HS, Object.assign(new Error("timeout"), { name: "TimeoutError" }))).toContain("超时");
  });
});
