import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InterpretContext } from "../src/core/interpreter/interpret.js";
import { bundledContext, readAs } from "./helpers/interpret-context.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 25: a withdrawal said in other words (`撤回撤回 手滑了`, `撤回，这条发重了`, `本人上一条报送的任务十进度数据有误，现予撤回`).
 * A slip owned with no word for a report takes back only an update sent just now; talk around the same words changes nothing.
 */

const base = bundledContext();
const OFFICER_IN_ROOM = {};
const read = (text: string, sender: InterpretContext["sender"], bot?: string) => readAs(base, text, sender, bot);

const CONFIRMED_6 = "已记录任务6（培育“公安数字工匠”）的第2条进展，进度40%：推荐3名民警，完成40%";

describe("withdrawing in other words (interpreter)", () => {
  it.each([
    ["嗯 刚才那条说错了 撤回一下 我重新说", []],
    ["撤回撤回 手滑了", []],
    ["撤回 点错了", []],
    ["不好意思 多发了一条 撤回", []],
    ["哎 刚刚那条报错了 撤回 晚点重新报", []],
    ["本人上一条报送的任务十进度数据有误，现予撤回，待核实后重新报送。", [10]],
    ["本人所报任务七数据有误，现予撤销", [7]],
  ])("withdraws %s", (text, tasks) => {
    expect(read(text, OFFICER_IN_ROOM)).toMatchObject({ command: "retract", tasks });
  });

  it.each(["撤回，这条发重了", "刚才这条不对，撤回一下，明天重新报", "撤回 这条发错任务了", "这条传重了 撤回"])(
    "withdraws the update of the confirmation replied to: %s",
    (text) => {
      expect(read(text, OFFICER_IN_ROOM, CONFIRMED_6)).toMatchObject({ command: "retract", tasks: [6] });
    },
  );

  it.each(["微信那条我撤回了", "撤回吧", "那个文件撤回一下", "他撤回了", "别撤回", "撤回了吗", "刚才那条我撤回了，重新发一下", "手滑了", "发重了"])(
    "withdraws nothing for %s",
    (text) => {
      expect(read(text, OFFICER_IN_ROOM).command).not.toBe("retract");
    },
  );
});

describe("the same, through Bot.handle on a real database", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const ZHANG = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const LIU = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false, mentionsBot: false };
  const task = (number: number) => app.db.task.findFirstOrThrow({ where: { number } });
  const updates = async (number: number) => app.db.update.findMany({ where: { taskId: (await task(number)).id }, orderBy: { id: "asc" } });

  it("withdraws the sender's latest update said in other words, and leaves talk alone", async () => {
    await app.say("任务6进展：推荐3名民警 40%", ZHANG);
    for (const text of ["微信那条我撤回了", "那个文件撤回一下", "手滑了"]) await app.say(text, ZHANG);
    expect((await updates(6)).map((u) => u.retractedAt)).toEqual([null]);
    const r = await app.say("撤回撤回 手滑了", ZHANG);
    expect(r.text).toContain("任务6");
    expect((await updates(6))[0]!.retractedAt).not.toBeNull();
    expect((await task(6)).progress).toBeNull();
  });

  it("takes a slip owned with no word for a report (撤回撤回 手滑了) for an update sent just now only", async () => {
    await app.say("任务6进展：推荐3名民警 40%", ZHANG);
    app.clock.set(new Date("2024-06-30T10:30:00+08:00"));
    expect((await app.say("撤回撤回 手滑了", ZHANG)).count).toBe(0);
    expect((await app.say("撤回撤回 手滑了", { ...ZHANG, isDirect: true, mentionsBot: true })).text).toContain("10分钟内");
    expect((await updates(6))[0]!.retractedAt).toBeNull();
    // A word for the report (刚才那条) reaches back a day, as before.
    await app.say("刚才那条报错了 撤回", ZHANG);
    expect((await updates(6))[0]!.retractedAt).not.toBeNull();
  });

  it("withdraws the update of the confirmation replied to: 撤回，这条发重了", async () => {
    const confirmation = (await app.say("任务20进展：移动警务APP完成全局推送 70%", LIU)).text;
    await app.say("撤回，这条发重了", { ...LIU, replyTo: { text: confirmation } });
    expect((await updates(20))[0]!.retractedAt).not.toBeNull();
  });
});
