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

  it("asks about a weekly list whose items are headed by subjects, every item's task among the guesses", async () => {
    const zhang = who("@zhang:bureau.local", "xingzhen");
    const asked = async (text: string, tasks: number[], percent: number | null) => {
      const before = await app.db.update.count();
      const r = await say(text, zhang);
      expect(await app.db.update.count(), text).toBe(before);
      const pending = await app.db.pendingUpdate.findUnique({ where: { eventId: `$lr${seq}` } });
      expect(pending, text).not.toBeNull();
      expect((JSON.parse(pending!.candidates) as number[]).slice(0, tasks.length), text).toEqual(tasks);
      const segments = JSON.parse(pending!.segments) as { percent: number | null }[];
      expect(segments[0]!.percent, text).toBe(percent);
      expect(r.text, text).toContain(`任务${tasks[0]}`);
    };
    await asked("本周刑侦大队：\n- 图像侦查数字工匠：二人进入市局复审\n- 禁毒实验室：试剂柜、检测仪到位\n- 现勘采集率96%", [6, 9], null);
    await asked(
      "治安大队科技兴警周报\n1. 无人机管控：完成县城区域禁飞区划定，反制设备进场\n2. 户政窗口“一窗通办”改造完成\n3. 查处违法出租房屋5户",
      [11, 15],
      null,
    );
    await asked("治安大队周报\n1. 无人机管控：反制设备进场，进度六成\n2. 户政窗口“一窗通办”改造完成", [11, 15], 60);
    await asked("警保室本月情况：\n（1）单警装备：执法记录仪换装完毕\n（2）智能头盔：到货三成\n（3）车辆年检12台", [12, 13], null);
  });

  it("leaves a list of subjects with steps still to come, or with no work done, alone", async () => {
    const zhang = who("@zhang:bureau.local", "xingzhen");
    for (const text of [
      "本周工作：\n1. 数字工匠：周三复审\n2. 禁毒实验室：周五验收",
      "提醒一下：\n1. 数字工匠：材料周三前报市局\n2. 禁毒实验室：验收材料准备好",
      "各位注意\n1. 数字工匠评审通过的名单在群文件\n2. 实验室钥匙在我这",
      "本周会议安排：\n1. 数字工匠：周三评审\n2. 禁毒实验室：周五验收",
    ]) {
      const before = await app.db.update.count();
      const r = await say(text, zhang);
      expect({ text, replies: r.count }).toEqual({ text, replies: 0 });
      expect(await app.db.update.count()).toBe(before);
      expect(await app.db.pendingUpdate.count({ where: { eventId: `$lr${seq}` } })).toBe(0);
    }
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
