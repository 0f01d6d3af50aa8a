import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const BUNDLED = join(ROOT, "src/plan/bundled/mingxi-2023-2025.txt");
let dir: string;
let env: NodeJS.ProcessEnv;

async function duban(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], { cwd: ROOT, env: { ...env, ...extraEnv } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("the duban command line, run as processes", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "duban-cli-"));
    env = { ...process.env, DATABASE_URL: `file:${join(dir, "duban.db")}`, CHECKPOINT_DISABLE: "1" };
    delete env.DUBAN_NOW;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates, migrates and seeds the database on first use, then answers say --json", async () => {
    const r = await run("npx", ["duban", "say", "--json", "--at", "2024-06-30T10:00:00+08:00", "status task 6"], { cwd: ROOT, env });
    const out = JSON.parse(r.stdout) as { replies: { text: string; html: string }[] };
    expect(out.replies).toHaveLength(1);
    expect(out.replies[0]!.text).toContain("完成时限：2024年底前（2024-12-31，剩余184天）");
    expect(out.replies[0]!.html).toContain("<b>任务6：培育“公安数字工匠”</b>");
    expect(existsSync(join(dir, "duban.db"))).toBe(true);
  });

  it("explains a message: intent, tasks, percent, the parts of a multi-task report and the cues, storing nothing", async () => {
    const r = await duban(["explain", "任务6：两名候选人通过初审，进度60%；任务7：工作室挂牌方案已报局党委"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("意图 intent: update（确定 certain）");
    expect(r.stdout).toContain("任务 tasks: 6、7");
    expect(r.stdout).toContain("1. 任务6 · 60% · 两名候选人通过初审，进度60%");
    expect(r.stdout).toContain("2. 任务7 · 工作室挂牌方案已报局党委");
    expect(r.stdout).toMatch(/依据 cues: .*segments:2/);
    const subject = JSON.parse((await duban(["explain", "--json", "数字工匠评选材料已报市局"])).stdout) as {
      command: string;
      confidence: string;
      tasks: number[];
    };
    expect(subject).toMatchObject({ command: "update", confidence: "likely" });
    expect(subject.tasks).toContain(6);
    expect((await duban(["explain", "好的，明天下午3点开会"])).stdout).toContain("意图 intent: 无 none（不像命令 unlikely）");
    const st = await duban(["say", "--at", "2024-06-30T10:00:00+08:00", "任务6"]);
    expect(st.stdout).toContain("进展条数：0");
  });

  it("explains what normalisation did (issue 25): the text it read, each step, and the body kept as written", async () => {
    const r = await duban(["explain", "任物6 近展60 設備到位"]);
    expect(r.stdout).toContain("规范化 normalised: 任务6 进展60% 设备到位");
    expect(r.stdout).toContain("1. 任务6 · 60% · 近展60 設備到位");
    expect(r.stdout).toMatch(/依据 cues: normalised:traditional · normalised:keyword:任物→任务 · normalised:keyword:近展→进展/);
    expect((await duban(["explain", "任务6进展：已完成60%"])).stdout).not.toContain("规范化");
  });

  it("keeps an update across processes, as the given user and room, at DUBAN_NOW", async () => {
    const rec = await duban(["say", "--as", "@zhang:bureau.local", "--room", "xingzhen", "任务6进展:两名民警通过市级数字工匠初审 60%"], {
      DUBAN_NOW: "2024-06-30T10:00:00+08:00",
    });
    expect(rec.stdout).toContain("已记录任务6");
    const st = await duban(["say", "--at", "2024-07-01T09:00:00+08:00", "任务6"]);
    expect(st.stdout).toContain("2024-06-30 10:00 张伟（刑侦大队）：两名民警通过市级数字工匠初审 60%");
    expect(st.stdout).toContain("最新进度：60%");
  });

  it("prints control characters, ANSI escapes and bidi overrides from user text escaped, and stores them as sent", async () => {
    const text = "任务9进展:清屏\u001b[2J回车\r反转\u202e完成 30%";
    const rec = await duban(["say", "--as", "@zhang:bureau.local", "--at", "2024-06-30T10:00:00+08:00", text]);
    const st = await duban(["say", "--at", "2024-07-01T09:00:00+08:00", "任务9"]);
    for (const out of [rec.stdout, st.stdout]) for (const c of ["\u001b", "\r", "\u202e"]) expect(out).not.toContain(c);
    expect(st.stdout).toContain("清屏\\u001b[2J回车\\u000d反转\\u202e完成");
    const db = new (await import("better-sqlite3")).default(join(dir, "duban.db"), { readonly: true });
    const stored = db.prepare('SELECT text FROM "Update" ORDER BY id DESC LIMIT 1').get() as { text: string };
    db.close();
    expect(stored.text).toContain("清屏\u001b[2J回车\r反转\u202e完成");
  });

  it("stays silent on chatter sent to a group room", async () => {
    const r = await duban(["say", "--room", "xingzhen", "--at", "2024-07-01T09:00:00+08:00", "大家辛苦了"]);
    expect(r).toMatchObject({ code: 0, stdout: "" });
  });

  it("prints the parsed plan with import --dry-run --json in the documented shape", async () => {
    const r = await duban(["import", BUNDLED, "--dry-run", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.plan.title).toBe("明溪县公安局科技兴警三年行动实施方案(2023-2025年)");
    expect(out.tasks).toHaveLength(25);
    expect(out.tasks[5]).toEqual({
      number: 6,
      title: "培育“公安数字工匠”",
      section: "完善人才梯队结构,强化科技人才引进培养",
      leadUnits: ["刑侦大队", "网安大队", "指挥情报中心"],
      responsibleUnits: ["局属各单位"],
      deadline: { text: "2024年底前", kind: "date", date: "2024-12-31" },
      targets: [{ name: "市级“公安数字工匠”", count: 2, unit: "名", due: "2024-12-31" }],
    });
    expect(out.warnings).toEqual([]);
  });

  it("re-imports the same plan idempotently and never touches progress updates", async () => {
    const r = await duban(["import", BUNDLED, "--json", "--at", "2024-07-02T09:00:00+08:00"]);
    const out = JSON.parse(r.stdout);
    expect(out.import).toMatchObject({ created: [], updated: [], missing: [] });
    expect(out.import.unchanged).toHaveLength(25);
    const st = await duban(["say", "--at", "2024-07-02T09:00:00+08:00", "任务6"]);
    expect(st.stdout).toContain("进展条数：1");
  });

  it("reports a task that disappeared from the document instead of deleting it, and updates changed fields", async () => {
    const text = readFileSync(BUNDLED, "utf8")
      .replace(/^6\.培育“公安数字工匠”。/m, "6.培育公安数字工匠人才。")
      .replace(/^25\.[\s\S]*?完成时限:持续推进、2024年底前基本完成\n/m, "");
    const file = join(dir, "changed.txt");
    writeFileSync(file, text);
    const r = await duban(["import", file, "--at", "2024-07-03T09:00:00+08:00"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("更新1项");
    expect(r.stdout).toContain("文件中已没有的任务（保留，未删除）：25");
    const st = await duban(["say", "--at", "2024-07-03T09:00:00+08:00", "任务6"]);
    expect(st.stdout).toContain("任务6：培育公安数字工匠人才");
    expect(st.stdout).toContain("进展条数：1");
    expect((await duban(["say", "--at", "2024-07-03T09:00:00+08:00", "任务25"])).stdout).toContain("最新导入的计划文件中已没有此任务");
  });

  it.each([
    ["an empty file", "", "计划文件为空"],
    ["a file with no tasks", "某县公安局工作方案\n一、总体要求\n做好工作。\n", "未找到可识别的任务"],
    ["binary garbage", "\u0000\u0001\u0002PK\u0003\u0004", "无法识别文件内容"],
  ])("exits 2 with a clear message and writes nothing for %s", async (_name, content, message) => {
    const file = join(dir, "bad.txt");
    writeFileSync(file, content);
    const fresh = join(dir, "fresh.db");
    const r = await duban(["import", file], { DATABASE_URL: `file:${fresh}` });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("未写入任何数据");
    expect(existsSync(fresh)).toBe(false);
  });

  it("exits 2 naming a bad --at or a missing file", async () => {
    expect(await duban(["say", "--at", "yesterday", "任务6"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--at") });
    expect(await duban(["import", join(dir, "nope.txt")])).toMatchObject({ code: 2, stderr: expect.stringContaining("无法读取文件") });
    expect(await duban(["frobnicate"])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command") });
  });

  it("computes reminders with duban reminders --json, records them without --dry-run, and never marks them delivered without a chat server", async () => {
    const fresh = { DATABASE_URL: `file:${join(dir, "reminders.db")}` };
    const preview = await duban(["reminders", "--at", "2024-12-31T09:00:00+08:00", "--dry-run", "--json"], fresh);
    const planned = JSON.parse(preview.stdout) as { unit: string; kind: string; taskNumbers: number[]; rooms: string[]; text: string }[];
    expect(planned.find((m) => m.unit === "刑侦大队")).toMatchObject({ kind: "due", taskNumbers: [4, 5, 6], rooms: ["xingzhen"] });
    expect(planned.find((m) => m.unit === "指挥情报中心")?.taskNumbers).toEqual([4, 5, 6, 20, 21, 22, 25]);
    const sent = await duban(["reminders", "--at", "2024-12-31T09:00:00+08:00"], fresh);
    expect(sent.stdout).toContain("[→ 刑侦大队 (xingzhen)]");
    expect(sent.stdout).toContain("【督办提醒】刑侦大队 · 2024-12-31");
    // No chat transport: the reminders are recorded and shown, not delivered, so a Matrix bot on this database
    // still sends them. Shown again, they are the same reminders, not new ones.
    expect(sent.stdout).toContain("未配置聊天服务器");
    const again = await duban(["reminders", "--at", "2024-12-31T09:00:00+08:00", "--json"], fresh);
    expect((JSON.parse(again.stdout) as unknown[]).length).toBe(planned.length);
    const db = new (await import("better-sqlite3")).default(join(dir, "reminders.db"), { readonly: true });
    const rows = db
      .prepare("SELECT COUNT(*) AS n, COUNT(t.deliveredAt) AS delivered, COUNT(DISTINCT key) AS keys FROM Reminder r JOIN Notice t ON t.id = r.noticeId")
      .get() as {
      n: number;
      delivered: number;
      keys: number;
    };
    db.close();
    expect(rows).toMatchObject({ delivered: 0 });
    expect(rows.keys).toBe(rows.n);
    const holiday = await duban(["reminders", "--at", "2024-10-01T09:00:00+08:00", "--json"], fresh);
    expect(JSON.parse(holiday.stdout)).toEqual([]);
  });

  it("prints the day's reminders in the console when npm start begins after the run time with --catch-up", async () => {
    const child = spawn("npm", ["start", "--silent", "--", "--at", "2024-12-31T10:00:00+08:00", "--catch-up"], {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: `file:${join(dir, "console-reminders.db")}` },
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stdin.end("提醒预览\n");
    expect(await new Promise<number | null>((resolve) => child.on("close", resolve))).toBe(0);
    expect(stdout).toContain("[→ 刑侦大队 (xingzhen)]");
    expect(stdout).toContain("今天到期（3项）");
    // The console shows reminders but never marks them delivered (a Matrix bot on the same database sends them),
    // so they are still pending for the next run.
    expect(stdout).toMatch(/下次提醒：2025-01-02 09:00，共\d+条消息/);
  });

  it("reloads the directory file on SIGHUP and when it changes, keeping the old one when the new file is invalid", async () => {
    const directory = join(dir, "directory.yaml");
    const demo = readFileSync(join(ROOT, "src/directory/demo-directory.yaml"), "utf8");
    writeFileSync(directory, demo);
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--at", "2024-06-30T10:00:00+08:00"], {
      cwd: ROOT,
      env: {
        ...env,
        DATABASE_URL: `file:${join(dir, "reload.db")}`,
        DUBAN_DIRECTORY: directory,
        DUBAN_CONSOLE_USER: "@xiaoma:bureau.local",
        DUBAN_CONSOLE_ROOM: "xingzhen",
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const until = async (what: () => boolean, label: string) => {
      for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
      if (!what()) throw new Error(`timed out waiting for ${label}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    };
    await until(() => stdout.includes("督办控制台"), "the console");
    child.stdin.write("任务6进展：新同志报到 10%\n");
    await until(() => stdout.includes("您不在督办名录中"), "the refusal");
    writeFileSync(directory, demo.replace('members: ["@zhang:bureau.local"]', 'members: ["@zhang:bureau.local", "@xiaoma:bureau.local"]'));
    child.kill("SIGHUP");
    await until(() => stderr.includes('"msg":"directory reloaded"'), "the reload");
    child.stdin.write("任务6进展：新同志报到 10%\n");
    await until(() => stdout.includes("已记录任务6"), "the update recorded");
    writeFileSync(directory, "office: 科技办\nunits: []\n");
    await until(() => stdout.includes("未通过校验，仍沿用原名录"), "the office told of the invalid file");
    expect(stdout).toContain("[→ kejiban]");
    child.stdin.end("任务7进展：仍可报送 20%\n");
    expect(await exited).toBe(0);
    expect(stdout).toContain("已记录任务7");
  }, 60_000);

  it("runs npm start's console with piped input, answering each line and exiting at end of input", async () => {
    // A Monday after the digest time and the reminder run: without --catch-up neither is printed, unasked.
    const child = spawn("npm", ["start", "--silent", "--", "--at", "2024-07-01T09:30:00+08:00"], {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: `file:${join(dir, "console.db")}`, LOG_LEVEL: "debug" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end("帮助\n任务6进展:完成初审 60%\nstatus task 6\n总览\n");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(stdout).toContain("督办控制台");
    expect(stdout).toContain("督办机器人跟踪计划任务的进展");
    expect(stdout).toContain("已记录任务6");
    expect(stdout).toContain("最新进度：60%");
    expect(stdout).toContain("共25项任务");
    // The welcome line comes first; the logger's lines go to stderr, never among the chat on stdout.
    expect(stdout.startsWith("督办控制台")).toBe(true);
    expect(stdout).not.toContain("周报");
    expect(stdout).not.toContain("【督办提醒】");
    expect(stdout).not.toMatch(/"level":|"msg":/);
    expect(stderr).toContain('"msg":"imported the bundled plan on first start"');
  });
});
