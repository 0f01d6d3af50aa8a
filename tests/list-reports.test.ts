import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * Issue 25, "Multi-line reports", the fourth blind set: a unit's weekly list whose heading ends in 进展 (the first list
 * marker is no figure), a list whose other lines hold 申请 (a count of applications is no request to people), and items
 * headed by a task's subject with no number (asked about, each item's task among the guesses, the figure from the
 * item's own line). With chatter neighbours that must stay silent.
 */

describe("updates in weekly lists, through Bot.handle on a real SQLite file", () => {
  let app: TempApp;
  let seq = 0;
  const who = (sender: string, room: string) => ({ sender, room, isDirect: false, mentionsBot: false });
  const liu = who("@liu:bureau.local", "zhzx");
  const han = who("@han:bureau.local", "churujing");
  const say = (text: string, from: object) => app.say(text, { ...from, eventId: `$lr${++seq}`, ...{} });
  const stored = () =>
    app.db.update.findMany({
      where: { eventId: { startsWith: `$lr${seq}` } },
      orderBy: { id: "asc" },
      include: { task: { select: { number: true } } },
    });
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it("reads no figure from the list marker under a heading that ends in 进展 or 进度", async () => {
    for (const [text, want] of [
      ["本周指挥中心科技兴警进展\n1、任务22：已接入省厅大数据平台两项服务\n2、任务23：新增高清卡口8处，完成55%", [null, 55]],
      ["6月工作进度\n1. 任务22：检索比对接口联调完毕\n2. 任务23：新增卡口3处", [null, null]],
      ["近期进展\n2、任务25：2个系统完成等保测评", [null]],
    ] as const) {
      await say(text, liu);
      expect(
        (await stored()).map((u) => u.percent),
        text,
      ).toEqual(want);
    }
    // Said on one line, the bare number after 进展 is still the figure (voice input).
    await say("任务22进展80 接口联调完毕", liu);
    expect((await stored()).map((u) => u.percent)).toEqual([80]);
  });

  it("records a task's line in a list whose other lines count applications (申请)", async () => {
    await say(
      "出入境大队半年工作总结（节选）\n1. 上半年受理出入境证件申请3862件，同比增长41%\n2. 任务15“跨省通办”：省内异地办证业务全面开通，本项进度80%\n3. 外国人住宿登记核查1200余条",
      han,
    );
    expect((await stored()).map((u) => [u.task.number, u.percent])).toEqual([[15, 80]]);
    await say("任务15 已受理跨省通办申请120件，异地办证业务全面开通，进度六成", han);
    expect((await stored()).map((u) => [u.task.number, u.percent])).toEqual([[15, 60]]);
  });

  it("still leaves a request to people alone, and a request for closing to the review", async () => {
    for (const text of ["请各单位周五前报送任务15进展", "任务15的材料请大家抓紧报上来"]) {
      const before = await app.db.update.count();
      await say(text, han);
      expect(await app.db.update.count(), text).toBe(before);
    }
    const before = await app.db.update.count();
    await say("任务15 跨省通办全部开通了 申请办结", han);
    expect(await app.db.update.count()).toBe(before);
  });
});
