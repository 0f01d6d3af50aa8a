import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { numbersInBody, suspectUpdates } from "../src/audit/suspect-updates.js";
import type { UpdateRecord } from "../src/core/model.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");

async function duban(args: string[], databaseUrl: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "bin/duban.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", DUBAN_NOW: "2024-06-30T10:00:00+08:00", USER: "office" },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let nextId = 1;
/** An update as stored; the task id is the task's number here. */
function u(task: number, eventId: string | null, text: string, extra: Partial<UpdateRecord> = {}): UpdateRecord {
  const id = nextId++;
  return {
    id,
    taskId: task,
    text,
    percent: null,
    authorId: "@zhang:bureau.local",
    authorUnit: "刑侦大队",
    room: "xingzhen",
    transport: "matrix",
    eventId,
    createdAt: new Date(Date.UTC(2024, 0, 1, 0, id)),
    editedAt: null,
    retractedAt: null,
    revisions: [],
    ...extra,
  };
}
const suspects = (updates: UpdateRecord[]) => suspectUpdates(updates, (id) => id).map((s) => [s.task, s.ordinal, s.firstTask, s.eventId]);

describe("which updates are suspect (one message stored on a task its body names)", () => {
  it("lists the update on a task whose number stood only in the body", () => {
    const updates = [u(3, "$x", "早先的一条"), u(6, "$e", "第3项工作已完成"), u(3, "$e#2", "第3项工作已完成")];
    expect(suspects(updates)).toEqual([[3, 2, 6, "$e"]]);
  });

  it("lists a task named in the body as 任务N or as a Chinese numeral, not a percentage", () => {
    expect(suspects([u(6, "$a", "与任务7同步推进 40%"), u(7, "$a#2", "与任务7同步推进 40%")])).toEqual([[7, 1, 6, "$a"]]);
    expect(suspects([u(6, "$b", "第三项已完成"), u(3, "$b#2", "第三项已完成")])).toEqual([[3, 1, 6, "$b"]]);
    expect(suspects([u(6, "$c", "完成20%"), u(20, "$c#2", "完成20%")])).toEqual([]);
    expect([...numbersInBody("配合任务7完成，完成40%，4.5万元")]).toEqual([7]);
  });

  it("leaves out tasks named at the head: 任务6、7进展, a second clause 任务7进展, and one figure per task", () => {
    expect(suspects([u(6, "$h", "完成初稿"), u(7, "$h#2", "完成初稿")])).toEqual([]);
    expect(suspects([u(6, "$s", "已完成"), u(7, "$s#2", "已完成")])).toEqual([]);
    expect(suspects([u(17, "$p", "17完成80% 18完成60%"), u(18, "$p#2", "17完成80% 18完成60%")])).toEqual([]);
  });

  it("leaves out retracted updates and updates of one event on one task, but counts retracted ones in the numbering", () => {
    const retracted = { retractedAt: new Date() };
    expect(suspects([u(6, "$r", "第3项已完成"), u(3, "$r#2", "第3项已完成", retracted)])).toEqual([]);
    expect(suspects([u(6, "$o", "第6项已完成"), u(6, "$o#2", "第6项已完成")])).toEqual([]);
    expect(suspects([u(4, null, "旧的", retracted), u(6, "$n", "第4项已完成"), u(4, "$n#2", "第4项已完成")])).toEqual([[4, 2, 6, "$n"]]);
  });
});

describe("npx duban audit --suspect", () => {
  let app: TempApp;
  let url: string;
  beforeAll(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
    url = `file:${join(app.dir, "duban.db")}`;
    // What the bug stored for `任务6进展：第3项工作已完成 60%`: one chat event, an update on task 6 and one on task 3.
    const record = async (n: number, eventId: string) => {
      const task = (await app.repos.plans.task((await app.repos.plans.currentPlan())!.id, n))!;
      await app.repos.updates.record({
        taskId: task.id,
        text: "第3项工作已完成 60%",
        percent: 60,
        authorId: "@zhang:bureau.local",
        authorUnit: "刑侦大队",
        room: "xingzhen",
        transport: "matrix",
        eventId,
        at: app.clock.now(),
      });
    };
    await app.say("任务3进展：需求调研完成 20%", { sender: "@zhang:bureau.local", room: "xingzhen", eventId: "$before" });
    await record(6, "$split");
    await record(3, "$split#2");
  });
  afterAll(() => app.dispose());

  it("lists the suspect with its number in the history and the chat line that retracts it, and audits the read", async () => {
    const r = await duban(["audit", "--suspect", "--as", "@kejiban:bureau.local"], url);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("suspect updates: 1 条");
    expect(r.stdout).toContain("任务3 第2条 2024-06-30 10:00 @zhang:bureau.local（刑侦大队） 60%：第3项工作已完成 60%");
    expect(r.stdout).toContain("撤回 任务3 第2条 同一条消息误记到本任务");
    expect(r.stdout).not.toContain("任务6 第");
    const read = await app.db.auditLog.findFirstOrThrow({ where: { action: "audit-suspect" } });
    expect(read).toMatchObject({ actor: "@kejiban:bureau.local", outcome: "ok", transport: "cli" });
    expect(JSON.parse(read.detail)).toMatchObject({ suspects: 1 });
    const json = await duban(["audit", "--suspect", "--json"], url);
    const rows = json.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([
      expect.objectContaining({ task: 3, ordinal: 2, firstTask: 6, eventId: "$split#2", retract: "撤回 任务3 第2条 同一条消息误记到本任务" }),
    ]);
    expect(await app.db.auditLog.count({ where: { action: "audit-suspect", actor: "cli:office" } })).toBe(1);
  });

  it("says none once the office has retracted it in chat with the printed line", async () => {
    expect((await app.say("撤回 任务3 第2条 同一条消息误记到本任务")).text).toContain("已撤回任务3的第2条进展");
    const r = await duban(["audit", "--suspect"], url);
    expect(r.stdout).toBe("没有疑似记错任务的进展 / no suspect updates: 没有哪条消息因正文里的编号被多记到其他任务。\n");
  });
});
