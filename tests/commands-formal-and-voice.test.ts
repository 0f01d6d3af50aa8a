import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { confirmedUpdate, tasksOfBotMessage } from "../src/core/interpreter/reply-context.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 25, the fourth blind set: commands said as an older cadre writes them (`…关于第十八项任务申请办结的请示：…妥否，请批示。`,
 * `经研究，恢复第十九项任务的定期提醒。`) and as voice input or a young officer says them (`…文件也发了我们申请办结一下`,
 * `七一前后先别发提醒了 全部暂停`, `撤回 刚那条发错了`). Talk around the same words changes nothing.
 */

const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
const base: InterpretContext = {
  commands,
  units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
  subjects: new SubjectIndex(plan.tasks),
};
const OFFICE = { admin: true, leader: false, direct: true };
const OFFICER_IN_ROOM = {};
const read = (text: string, sender: InterpretContext["sender"], bot?: string) => {
  const confirmed = bot ? confirmedUpdate(bot) : null;
  const r = interpret(text, { ...base, sender, ...(bot ? { replyTo: { tasks: tasksOfBotMessage(bot), ...(confirmed ? { confirmed } : {}) } } : {}) });
  return { command: r.command, tasks: r.tasks };
};

describe("applying to close, formally or by voice (interpreter)", () => {
  it.each([
    ["城关派出所关于第十八项任务申请办结的请示：我所创新示范点已建成并通过局党委验收，特申请该项任务办结，妥否，请批示。", [18]],
    ["指挥情报中心关于申请任务一办结的报告：领导小组已于二〇二三年十二月成立并印发文件，现申请该项任务办结，请科技办予以审核。", [1]],
    ["關於任務十八申請辦結的請示：示範點已建成並通過驗收，特申請該項任務辦結，妥否，請批示", [18]],
    ["关于任务十八办结的申请：示范点已建成并通过验收，现申请办结", [18]],
    ["那个任务一领导小组去年就成立了文件也发了我们申请办结一下", [1]],
    ["任务1领导小组早成立了 我们申请办结", [1]],
    ["#2 管理办法早印发了 申请办结🙏", [2]],
    ["任务2 办法印发了 申请办结", [2]],
  ])("files: %s", (text, tasks) => {
    expect(read(text, OFFICER_IN_ROOM)).toMatchObject({ command: "request-completion", tasks });
  });

  it.each([
    "关于任务十八申请办结的请示还没批下来",
    "关于任务十八申请办结的请示：什么时候能批",
    "任务2 办法还没印发 申请办结要等等",
    "任务2办法印发了，下个月申请办结",
    "任务2办法印发了，过几天再申请办结",
    "他们任务2早弄完了 申请办结了",
    "任务2办法印发了 申请办结了吗",
  ])("files nothing for %s", (text) => {
    expect(read(text, OFFICER_IN_ROOM).command).not.toBe("request-completion");
  });
});

describe("the same, through Bot.handle on a real database", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const OFFICE_DM = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: true, mentionsBot: true };
  const LIU = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false, mentionsBot: false };
  const task = (number: number) => app.db.task.findFirstOrThrow({ where: { number } });
  const pending = async (number: number) => app.db.request.findMany({ where: { taskId: (await task(number)).id, state: "pending" } });

  it("files a formal 请示 to close, stored before the reply, and none for one not yet due", async () => {
    await app.say("任务2管理办法印发了，下个月申请办结", LIU);
    expect(await app.db.request.count()).toBe(0);
    const r = await app.say("指挥情报中心关于申请任务一办结的报告：领导小组已成立并印发文件，现申请该项任务办结，妥否，请批示。", LIU);
    expect(r.text).toContain("已提交任务1");
    expect(await pending(1)).toHaveLength(1);
    expect(await app.db.update.count()).toBe(0);
  });
});
