import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openApp } from "../src/app.js";
import { DEMO_DIRECTORY, readConfig } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import type { Inbound } from "../src/core/inbound.js";
import type { HandlerResult } from "../src/core/reply.js";
import { freshDatabaseUrl, quietLogger } from "./helpers/temp-app.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const ADMIN = "@kejiban:bureau.local";
const NEW = "@xiaoma:bureau.local";
const SYSTEM = { id: "duban", unit: null, transport: "system", room: null, eventId: null };

let dir: string;
let env: Record<string, string>;
let file: string;
type App = Awaited<ReturnType<typeof openApp>>;
const open = () =>
  openApp(readConfig({ ...env, DUBAN_RATE_LIMIT: "0" }), fixedClock(new Date("2024-06-30T10:00:00+08:00")), { logger: quietLogger, quiet: true });
const say = async (app: App, text: string, sender = ADMIN, room = "console", eventId?: string) =>
  (await app.bot.handle({ transport: "test", room, sender, text, isDirect: false, mentionsBot: true, ...(eventId ? { eventId } : {}) })).replies
    .map((r) => r.text)
    .join("\n");
let events = 0;
/** What a transport reports: `user` joined or left `room`, or (`complete`) everyone joined to each room now. */
const membership = (app: App, rooms: { room: string; joined?: string[]; left?: string[]; complete?: boolean }[], sender = NEW): Promise<HandlerResult> =>
  app.bot.handle({
    transport: "test",
    kind: "membership",
    eventId: `$m${++events}`,
    room: rooms[0]!.room,
    sender,
    text: "",
    isDirect: false,
    mentionsBot: false,
    membership: rooms.map((r) => ({ room: r.room, joined: r.joined ?? [], left: r.left ?? [], complete: r.complete ?? false })),
  } satisfies Inbound);
const noticeText = (r: HandlerResult) => (r.notices ?? []).map((n) => `${n.rooms.join(",")}: ${n.reply.text}`);
/** The demo directory with members_from_room on the units named. */
const withRoomMembers = (...units: string[]) => {
  let text = readFileSync(DEMO_DIRECTORY, "utf8");
  for (const u of units) text = text.replace(new RegExp(`(  - name: ${u}\\n(?:    .*\\n)*?    rooms: .*\\n)`), `$1    members_from_room: true\n`);
  writeFileSync(file, text);
};

let drop: () => Promise<void>;

// A SQLite file, or in the postgres project a PostgreSQL database: who is joined is kept through the settings port on both.
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "duban-room-members-"));
  file = join(dir, "directory.yaml");
  const database = await freshDatabaseUrl(dir);
  drop = database.drop;
  // Demo mode: the bundled plan is imported on first start.
  env = { DATABASE_URL: database.url, DUBAN_DEMO: "true", DUBAN_DIRECTORY: file, CHECKPOINT_DISABLE: "1", DUBAN_EXPORT_DIR: join(dir, "exports") };
});
afterEach(async () => {
  await drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("membership from rooms (members_from_room)", () => {
  it("is off by default: joining a unit's room makes nobody a member, and nothing is told or audited", async () => {
    withRoomMembers();
    const app = await open();
    try {
      expect(noticeText(await membership(app, [{ room: "xingzhen", joined: [NEW] }]))).toEqual([]);
      expect(app.directory.roleOf(NEW)).toBe("stranger");
      expect(await say(app, "任务6进展：新同志报到", NEW, "xingzhen")).toContain("您不在督办名录中");
      expect(await app.db.auditLog.count({ where: { action: "directory-room-member" } })).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("counts whoever joins the unit's room as its member until they leave: audited, the office told, kept across a restart", async () => {
    withRoomMembers("刑侦大队");
    const app = await open();
    try {
      expect(noticeText(await membership(app, [{ room: "xingzhen", joined: [NEW] }]))).toEqual([
        "kejiban: 【督办】@xiaoma:bureau.local已加入刑侦大队工作群，计为刑侦大队成员。",
      ]);
      expect(app.directory.roleOf(NEW)).toBe("member");
      expect(await say(app, "任务6进展：新同志报到 60%", NEW, "xingzhen")).toContain("已记录任务6");
      // A repeated join (a display name change, a redelivery) changes nothing and tells nobody.
      expect(noticeText(await membership(app, [{ room: "xingzhen", joined: [NEW] }]))).toEqual([]);
    } finally {
      await app.close();
    }
    const again = await open();
    try {
      expect(again.directory.roleOf(NEW)).toBe("member");
      expect(noticeText(await membership(again, [{ room: "xingzhen", left: [NEW] }]))).toEqual([
        "kejiban: 【督办】@xiaoma:bureau.local已退出刑侦大队工作群，不再计为刑侦大队成员。",
      ]);
      expect(again.directory.roleOf(NEW)).toBe("stranger");
      expect(await say(again, "任务6进展：离开后再报", NEW, "xingzhen")).toContain("您不在督办名录中");
      const audit = await again.db.auditLog.findMany({ where: { action: "directory-room-member" }, orderBy: { id: "asc" } });
      expect(audit.map((a) => [a.actor, a.room, JSON.parse(a.detail)])).toEqual([
        [NEW, "xingzhen", { unit: "刑侦大队", user: NEW, change: "added", cause: "room-event" }],
        [NEW, "xingzhen", { unit: "刑侦大队", user: NEW, change: "removed", cause: "room-event" }],
      ]);
      expect((await again.repos.audit.verify()).ok).toBe(true);
    } finally {
      await again.close();
    }
  });

  it("tells the office of a whole room's people in one message, and a start that finds the same people says nothing", async () => {
    withRoomMembers("刑侦大队", "政工室");
    const app = await open();
    try {
      const many = Array.from({ length: 12 }, (_, i) => `@p${String(i).padStart(2, "0")}:bureau.local`);
      const first = await membership(
        app,
        [
          { room: "xingzhen", joined: [...many, "@li:bureau.local"], complete: true },
          { room: "zhenggong", joined: ["@zhang:bureau.local"], complete: true },
          { room: "wangan", joined: ["@q:bureau.local"], complete: true },
        ],
        "@duban:bureau.local",
      );
      const names = many.slice(0, 10).join("、");
      expect(noticeText(first)).toEqual([`kejiban: 【督办】按工作群计入的单位成员有变动：\n政工室：新增张伟（1人）\n刑侦大队：新增${names}等12人`]);
      // 刑侦大队's own leader stays its leader (not listed as a member); 网安大队 did not opt in.
      expect(app.directory.roleOf("@li:bureau.local")).toBe("leader");
      expect(app.directory.roleOf("@q:bureau.local")).toBe("stranger");
      expect(await app.db.auditLog.count({ where: { action: "directory-room-member" } })).toBe(13);
      expect(noticeText(await membership(app, [{ room: "xingzhen", joined: [...many, "@li:bureau.local"], complete: true }], "@duban:bureau.local"))).toEqual(
        [],
      );
      // Two left while the bot was away: the next complete list removes them.
      expect(noticeText(await membership(app, [{ room: "xingzhen", joined: many.slice(2), complete: true }], "@duban:bureau.local"))).toEqual([
        "kejiban: 【督办】按工作群计入的单位成员有变动：\n刑侦大队：移出@p00:bureau.local、@p01:bureau.local（2人）",
      ]);
    } finally {
      await app.close();
    }
  });

  it("never makes anyone a leader or an admin, and target moves still follow the lead-unit rule", async () => {
    withRoomMembers("刑侦大队", "政工室");
    const app = await open();
    try {
      const target6 = async () => (await app.db.target.findMany({ where: { task: { number: 6 } } }))[0]!.current;
      // 政工室 is not a lead unit of task 6 (局属各单位 are responsible): its room member's 指标+1 is asked of the lead units.
      await membership(app, [{ room: "zhenggong", joined: [NEW] }]);
      expect(app.directory.roleOf(NEW)).toBe("member");
      expect(app.directory.isLeader(NEW)).toBe(false);
      const asked = await app.bot.handle({
        transport: "test",
        room: "zhenggong",
        sender: NEW,
        text: "任务6进展：一人入选市级数字工匠 指标+1",
        isDirect: false,
        mentionsBot: true,
        eventId: "$t1",
      });
      expect(asked.replies.map((r) => r.text).join("\n")).toContain("已记录任务6");
      expect(await target6()).toBe(0);
      expect((asked.notices ?? []).flatMap((n) => n.rooms)).toContain("xingzhen");
      // Admin-only changes stay refused.
      expect(await say(app, "办结 6 已完成", NEW, "zhenggong")).toContain("只能由科技办管理员办理");
      // A room member of 刑侦大队, a lead unit of task 6, moves the count as any member of it does.
      await membership(app, [{ room: "xingzhen", joined: ["@wu:bureau.local"] }], "@wu:bureau.local");
      expect(await say(app, "任务6进展：又一人入选市级数字工匠 指标+1", "@wu:bureau.local", "xingzhen", "$t2")).toContain("0→1/2名");
      expect(await target6()).toBe(1);
      // 解绑 cannot remove someone counted from the room: it says how, and changes nothing.
      expect(await say(app, "解绑 @wu:bureau.local 刑侦大队")).toBe(
        "@wu:bureau.local是按刑侦大队工作群计入的成员，解绑不能移除，未作更改。请将其移出该工作群，或在名录文件中去掉刑侦大队的 members_from_room。",
      );
      expect(app.directory.roleOf("@wu:bureau.local")).toBe("member");
      // An admin in a unit's room stays an admin.
      await membership(app, [{ room: "xingzhen", joined: [ADMIN] }], ADMIN);
      expect(app.directory.roleOf(ADMIN)).toBe("admin");
    } finally {
      await app.close();
    }
  });

  it("tells of the members a file edit made while the bot was stopped, at the next start's list", async () => {
    withRoomMembers();
    const app = await open();
    try {
      await membership(app, [{ room: "xingzhen", joined: [NEW], complete: true }], "@duban:bureau.local");
    } finally {
      await app.close();
    }
    withRoomMembers("刑侦大队");
    const again = await open();
    try {
      expect(noticeText(await membership(again, [{ room: "xingzhen", joined: [NEW], complete: true }], "@duban:bureau.local"))).toEqual([
        "kejiban: 【督办】@xiaoma:bureau.local已加入刑侦大队工作群，计为刑侦大队成员。",
      ]);
      const audit = await again.db.auditLog.findMany({ where: { action: "directory-room-member" } });
      expect(audit.map((a) => JSON.parse(a.detail).cause)).toEqual(["room-sync"]);
      // Told once: the same list again says nothing.
      expect(noticeText(await membership(again, [{ room: "xingzhen", joined: [NEW], complete: true }], "@duban:bureau.local"))).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it("keeps a person of another unit by the file in both units, the file's first", async () => {
    withRoomMembers("政工室");
    const app = await open();
    try {
      // 政工室 comes before 刑侦大队 in the file; 张伟 of 刑侦大队 joins 政工室's room.
      await membership(app, [{ room: "zhenggong", joined: ["@zhang:bureau.local"] }], "@zhang:bureau.local");
      expect(app.directory.unitsOf("@zhang:bureau.local").map((u) => u.name)).toEqual(["刑侦大队", "政工室"]);
      expect(app.directory.homeUnit("@zhang:bureau.local")).toBe("刑侦大队");
    } finally {
      await app.close();
    }
  });

  it("counts a room's people when 绑定本群 binds it to such a unit, and when the file turns the option on", async () => {
    withRoomMembers("网安大队");
    const app = await open();
    try {
      expect(noticeText(await membership(app, [{ room: "!new:bureau.local", joined: ["@a:bureau.local", "@b:bureau.local"], complete: true }]))).toEqual([]);
      const bound = await app.bot.handle({
        transport: "test",
        room: "!new:bureau.local",
        sender: ADMIN,
        text: "绑定本群 网安大队",
        isDirect: false,
        mentionsBot: true,
      });
      expect(bound.replies.map((r) => r.text)).toEqual(["本群已绑定为网安大队的工作群，该单位的提醒将发到这里。"]);
      expect(noticeText(bound)).toEqual(["kejiban: 【督办】按工作群计入的单位成员有变动：\n网安大队：新增@a:bureau.local、@b:bureau.local（2人）"]);
      expect(app.directory.roleOf("@a:bureau.local")).toBe("member");
      // The file turns it on for 刑侦大队, whose room already has someone in it.
      await membership(app, [{ room: "xingzhen", joined: [NEW], complete: true }]);
      expect(app.directory.roleOf(NEW)).toBe("stranger");
      writeFileSync(file, readFileSync(file, "utf8").replace("    rooms: [xingzhen]\n", "    rooms: [xingzhen]\n    members_from_room: true\n"));
      const reloaded = await app.directoryAdmin.reload(SYSTEM, new Date());
      expect(reloaded.roomMembers).toEqual([{ unit: "刑侦大队", user: NEW, change: "added" }]);
      expect(app.directory.roleOf(NEW)).toBe("member");
      const causes = (await app.db.auditLog.findMany({ where: { action: "directory-room-member" }, orderBy: { id: "asc" } })).map(
        (a) => JSON.parse(a.detail).cause,
      );
      expect(causes).toEqual(["bind-room", "bind-room", "reload"]);
    } finally {
      await app.close();
    }
  });
});

describe("where each directory entry comes from, and what doctor says is left to set up", () => {
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
      return { code: 0, stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string };
      return { code: err.code, stdout: err.stdout };
    }
  };

  it("duban directory shows file, chat and room entries; --json names the source of each", async () => {
    withRoomMembers("刑侦大队");
    const app = await open();
    try {
      await say(app, "绑定 @wang2:bureau.local 刑侦大队");
      await say(app, "绑定本群 刑侦大队", ADMIN, "!xz2:bureau.local");
      await membership(app, [{ room: "xingzhen", joined: [NEW, "@zhang:bureau.local"] }]);
    } finally {
      await app.close();
    }
    const json = JSON.parse((await cli("directory", "--json")).stdout) as {
      units: { name: string; members: string[]; members_from_room: boolean; sources: Record<string, Record<string, string>> }[];
    };
    const xz = json.units.find((u) => u.name === "刑侦大队")!;
    expect(xz.members).toEqual(["@zhang:bureau.local", "@wang2:bureau.local", NEW]);
    expect(xz.members_from_room).toBe(true);
    expect(xz.sources).toEqual({
      rooms: { xingzhen: "file", "!xz2:bureau.local": "chat" },
      leaders: { "@li:bureau.local": "file" },
      members: { "@zhang:bureau.local": "file", "@wang2:bureau.local": "chat", [NEW]: "room" },
    });
    expect(json.units.find((u) => u.name === "网安大队")!.sources.members).toEqual({ "@sun:bureau.local": "file" });
    const text = (await cli("directory")).stdout;
    expect(text).toContain(
      "• 刑侦大队（刑侦） rooms: xingzhen, !xz2:bureau.local [chat] · leaders: @li:bureau.local · " +
        "members: @zhang:bureau.local, @wang2:bureau.local [chat], @xiaoma:bureau.local [room] · members_from_room",
    );
    expect(text).toContain("[chat] 群内命令所加");
  });

  it("duban doctor lists the plan's units with no room and the units with a room but no leader, with the fix, and 绑定本群 clears one", async () => {
    writeFileSync(
      file,
      readFileSync(DEMO_DIRECTORY, "utf8").replace("    rooms: [wangan]\n", "    rooms: []\n").replace('    leaders: ["@zhao:bureau.local"]\n', ""),
    );
    await cli("say", "任务6");
    const before = await cli("doctor");
    expect(before.code, before.stdout).toBe(0);
    expect(before.stdout).toMatch(
      /^! 单位工作群 unit rooms: 计划中的单位还没有工作群，提醒将发往科技办 \/ plan units with no room: 网安大队；.*“绑定本群 网安大队”/m,
    );
    expect(before.stdout).toMatch(/^! 单位负责人 unit leaders: .*units with a room but no leader: 政工室；在名录文件中为其填写 leaders/m);
    await cli("say", "--room", "!wangan:bureau.local", "绑定本群 网安大队");
    const after = await cli("doctor");
    expect(after.stdout).not.toContain("单位工作群 unit rooms");
    expect(after.stdout).toContain("单位负责人 unit leaders");
  });
});
