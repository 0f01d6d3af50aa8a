import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { correctedFigure } from "../src/core/interpreter/correction.js";
import type { InterpretContext } from "../src/core/interpreter/interpret.js";
import { bundledContext, readAs } from "./helpers/interpret-context.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 25: a figure corrected in reply to the bot's confirmation of an update (`不是80，是85，上一条数字写错了`, `打错了 是45 😅`)
 * records the right figure on the task confirmed; talk and questions around the same words record nothing.
 */

const base = bundledContext();
const OFFICER_IN_ROOM = {};
const read = (text: string, sender: InterpretContext["sender"], bot?: string) => readAs(base, text, sender, bot);

const CONFIRMED_6 = "已记录任务6（培育“公安数字工匠”）的第2条进展，进度40%：推荐3名民警，完成40%";
const REMINDER_21 = "【督办提醒】指挥情报中心 · 2024-06-28\n即将到期（1项）：\n🟡 任务21 推进公安大数据资源为核心的运营机制建设 · 2024年底前";

describe("a figure corrected in reply to the bot's confirmation (interpreter)", () => {
  it.each([
    ["不是80，是85，上一条数字写错了", 85],
    ["打错了 是45 😅", 45],
    ["不好意思比例打错了，应该是45%", 45],
    ["写错了，应为百分之四十五", 45],
    ["更正：进度应为45%", 45],
    ["数字有误 应该是45", 45],
    ["不是40是45", 45],
    ["sorry 手滑了 应该是50", 50],
    // Voice input: the wrong figure said, the right one in words.
    ["不对 那个是百分之六十五 刚才说成六十了", 65],
    ["刚才说成六十了 是六十五", 65],
  ])("records %s with the right figure on the task confirmed", (text, percent) => {
    expect(read(text, OFFICER_IN_ROOM, CONFIRMED_6)).toMatchObject({ command: "update", tasks: [6], percent });
  });

  it.each(["是45吗", "打错了", "是45", "打错了 是45，剩下的下周报", "应该是45%吧？", "错了 是4个人不是3个", "哈哈 打错了是正常的", "不是80，是120"])(
    "records nothing for %s",
    (text) => {
      expect(read(text, OFFICER_IN_ROOM, CONFIRMED_6).command).not.toBe("update");
    },
  );

  it.each([
    ["T6 打错了 是40 不是4", 40],
    ["任务6 数字有误 应为五成", 50],
    ["刚才任务6打错了是40", 40],
    ["任務6 打錯了 應該是45%", 45],
  ])("records %s, which names its one task, with the right figure on it", (text, percent) => {
    expect(read(text, OFFICER_IN_ROOM)).toMatchObject({ command: "update", tasks: [6], percent });
  });

  it.each(["任务6 打错了 是4个人不是3个", "任务6的材料打错了 是第4页", "打错了 是周四开会 不是周三", "任务6 是40吗 打错了？", "任务6、7打错了 是40"])(
    "records no corrected figure for %s",
    (text) => {
      const r = read(text, OFFICER_IN_ROOM);
      expect(r.command === "update" && r.percent !== null).toBe(false);
    },
  );

  it("reads a correction only in reply to a confirmation", () => {
    expect(read("打错了 是45", OFFICER_IN_ROOM).command).toBeNull();
    expect(read("打错了 是45", OFFICER_IN_ROOM, REMINDER_21).command).not.toBe("update");
    expect(correctedFigure("不是80，是85，上一条数字写错了")).toEqual({ value: 85, raw: "85" });
    expect(correctedFigure("是85")).toBeNull();
  });
});

describe("the same, through Bot.handle on a real database", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const LIU = { sender: "@liu:bureau.local", room: "zhzx", isDirect: false, mentionsBot: false };
  const task = (number: number) => app.db.task.findFirstOrThrow({ where: { number } });
  const updates = async (number: number) => app.db.update.findMany({ where: { taskId: (await task(number)).id }, orderBy: { id: "asc" } });

  it("records the corrected figure on the task of the confirmation replied to, and nothing for talk", async () => {
    const confirmation = (await app.say("任务20进展：移动警务终端新配发 4%", LIU)).text;
    for (const text of ["打错了", "是45吗", "打错了 是45，剩下的下周报"]) await app.say(text, { ...LIU, replyTo: { text: confirmation } });
    expect((await updates(20)).map((u) => u.percent)).toEqual([4]);
    await app.say("打错了 是45 😅", { ...LIU, replyTo: { text: confirmation } });
    expect((await updates(20)).map((u) => u.percent)).toEqual([4, 45]);
    expect((await task(20)).progress).toBe(45);
    await app.say("T20 写错了 应该是50", LIU);
    expect((await updates(20)).map((u) => u.percent)).toEqual([4, 45, 50]);
  });
});
