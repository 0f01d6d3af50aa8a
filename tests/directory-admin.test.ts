import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openApp } from "../src/app.js";
import { readConfig, DEMO_DIRECTORY } from "../src/config.js";
import { fixedClock } from "../src/core/clock.js";
import { quietLogger } from "./helpers/temp-app.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const ADMIN = "@kejiban:bureau.local";
const SYSTEM = { id: "duban", unit: null, transport: "system", room: null, eventId: null };

let dir: string;
let env: Record<string, string>;
const open = () => openApp(readConfig(env), fixedClock(new Date("2024-06-30T10:00:00+08:00")), { logger: quietLogger, quiet: true });
const say = async (app: Awaited<ReturnType<typeof open>>, text: string, sender = ADMIN, room = "console") =>
  (await app.bot.handle({ transport: "test", room, sender, text, isDirect: true, mentionsBot: true })).replies.map((r) => r.text).join("\n");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "duban-dir-admin-"));
  copyFileSync(DEMO_DIRECTORY, join(dir, "directory.yaml"));
  env = { DATABASE_URL: `file:${join(dir, "duban.db")}`, DUBAN_DEMO: "true", DUBAN_DIRECTORY: join(dir, "directory.yaml"), CHECKPOINT_DISABLE: "1" };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("directory changes from chat", () => {
  it("binds a new officer, who can then report; unbinds; binds a room — stored, audited, and kept across a restart", async () => {
    const app = await open();
    try {
      const NEW = "@xiaoma:bureau.local";
      expect(await say(app, "任务6进展：新同志报到", NEW, "xingzhen")).toContain("您不在督办名录中");
      expect(await say(app, "绑定 @xiaoma:bureau.local 刑侦大队")).toBe("已将@xiaoma:bureau.local绑定为刑侦大队成员。");
      expect(await say(app, "任务6进展：新同志报到", NEW, "xingzhen")).toContain("已记录任务6");
      expect(await say(app, "bind @laoma:bureau.local 刑侦 leader")).toBe("已将@laoma:bureau.local绑定为刑侦大队负责人。");
      expect(await say(app, "绑定 @x:bureau.local 不存在大队")).toContain("名录中没有“不存在大队”");
      expect(await say(app, "绑定 张三")).toBe("格式：绑定 @zhang:bureau.local 刑侦大队 [member|leader]");
      expect(await say(app, "解绑 @ye2:bureau.local 警务保障室")).toBe("已将@ye2:bureau.local从警务保障室解绑。");
      expect(await say(app, "解绑 @ye2:bureau.local 警务保障室")).toBe("@ye2:bureau.local不在警务保障室中，未作更改。");
      expect(await say(app, "绑定本群 网安大队", ADMIN, "!new:bureau.local")).toBe("本群已绑定为网安大队的工作群，该单位的提醒将发到这里。");
      expect(app.directory.unitOfRoom("!new:bureau.local")?.name).toBe("网安大队");
      const audit = await app.db.auditLog.findMany({ where: { action: { startsWith: "directory-" } }, orderBy: { id: "asc" } });
      expect(audit.map((a) => a.action)).toEqual(["directory-bind", "directory-bind", "directory-unbind", "directory-bind-room"]);
    } finally {
      await app.close();
    }
    const again = await open();
    try {
      expect(again.directory.roleOf("@xiaoma:bureau.local")).toBe("member");
      expect(again.directory.roleOf("@laoma:bureau.local")).toBe("leader");
      expect(again.directory.roleOf("@ye2:bureau.local")).toBe("stranger");
      expect(again.directory.unitOfRoom("!new:bureau.local")?.name).toBe("网安大队");
    } finally {
      await again.close();
    }
    const { stdout } = await run(process.execPath, [join(ROOT, "bin/duban.js"), "directory", "--json"], { cwd: ROOT, env: { ...process.env, ...env } });
    const effective = JSON.parse(stdout) as { units: { name: string; members: string[]; leaders: string[]; rooms: string[] }[] };
    const xz = effective.units.find((u) => u.name === "刑侦大队")!;
    expect(xz.members).toContain("@xiaoma:bureau.local");
    expect(xz.leaders).toContain("@laoma:bureau.local");
    expect(effective.units.find((u) => u.name === "网安大队")!.rooms).toEqual(["wangan", "!new:bureau.local"]);
    // The file itself is untouched: chat changes are an overlay.
    expect(readFileSync(join(dir, "directory.yaml"), "utf8")).not.toContain("xiaoma");
  });

  it("reloads the file, keeping the chat changes; a file that does not validate leaves the old directory in force", async () => {
    const app = await open();
    try {
      await say(app, "绑定 @xiaoma:bureau.local 刑侦大队");
      const file = join(dir, "directory.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace('members: ["@wang:bureau.local"]', 'members: ["@wang:bureau.local", "@wang2:bureau.local"]'));
      expect(await app.directoryAdmin.reload(SYSTEM, new Date())).toEqual({ ok: true, problems: [], roomMembers: [] });
      expect(app.directory.roleOf("@wang2:bureau.local")).toBe("member");
      expect(app.directory.roleOf("@xiaoma:bureau.local")).toBe("member");
      // A chat change whose unit the file no longer has is skipped, and does not block later changes.
      writeFileSync(file, readFileSync(file, "utf8").replace("name: 刑侦大队", "name: 刑事侦查大队").replace("aliases: [刑侦]", "aliases: [刑侦队]"));
      const stale = await app.directoryAdmin.reload(SYSTEM, new Date());
      expect(stale.ok).toBe(true);
      expect(stale.problems.join("\n")).toContain("刑侦大队");
      expect(await say(app, "绑定 @laoma:bureau.local 网安大队")).toBe("已将@laoma:bureau.local绑定为网安大队成员。");
      writeFileSync(file, "office: 不存在的科室\nunits: []\n");
      const bad = await app.directoryAdmin.reload(SYSTEM, new Date());
      expect(bad.ok).toBe(false);
      expect(bad.problems.join("\n")).toContain("list at least one unit");
      expect(app.directory.roleOf("@laoma:bureau.local")).toBe("member");
      expect(app.directory.office).toBe("科技办");
      const audit = await app.db.auditLog.findMany({ where: { action: "directory-reload" }, orderBy: { id: "asc" } });
      expect(audit.map((a) => a.outcome)).toEqual(["ok", "ok", "refused"]);
    } finally {
      await app.close();
    }
  });
});
