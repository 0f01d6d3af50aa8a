import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { interpret } from "../src/core/interpreter/interpret.js";
import { normalise } from "../src/core/interpreter/normalise.js";
import { bundledContext, readAs } from "./helpers/interpret-context.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/*
 * Issue 25, the review of the fourth round: words close to a report or a command that must change nothing, each found
 * recording, completing, requesting or resuming where a careful clerk would not.
 */

const base = bundledContext();
const OFFICER = {};
const OFFICE = { admin: true };
const REMINDER_12 = "【督办提醒】警务保障室 · 2024-06-24\n即将到期，请及时报送进展（1项）：\n🟡 任务12 推动智慧单警装备体系化建设和规模化应用 · 持续推进";
const CONFIRMED_24 = "已记录任务24（深化视频图像综合应用）的第2条进展，进度60%：平台对接";
const inReply = (text: string, sender: object, tasks: number[]) => interpret(text, { ...base, sender, replyTo: { tasks } });

describe("a reply to a one-task reminder that says 已 of something else is asked about, not recorded", () => {
  it.each([
    "已安排专人跟进",
    "我已经提醒他们了",
    "收到，已安排专人负责，下周报",
    "已经在系统里报了",
    "厂家已经联系上了",
    "领导已经批示了",
    "已经开会研究过了，下周给方案",
    "已提交申请，等批复",
  ])("%s", (text) => {
    expect(inReply(text, OFFICER, [12]).confidence).not.toBe("certain");
  });

  it.each(["设备已全部到货", "县城3个点位已部署完毕，乡镇还没开始", "本周又新增联网点位120个"])("work plainly done is recorded: %s", (text) => {
    const r = inReply(text, OFFICER, [12]);
    expect([r.command, r.confidence, r.tasks]).toEqual(["update", "certain", [12]]);
  });

  it("the office's word on what is missing records nothing: 还差验收报告，补齐后可以办结", () => {
    expect(inReply("还差验收报告，补齐后可以办结", OFFICE, [6]).confidence).not.toBe("certain");
  });
});

describe("the office's consent held back completes nothing", () => {
  it.each(["如果材料齐全，同意办结", "等验收报告补上后，同意办结", "下周验收通过后 同意办结", "暂不 同意办结", "材料不全 先别 同意办结"])("%s", (text) => {
    expect(inReply(text, OFFICE, [6]).command).not.toBe("complete");
  });

  it.each(["同意办结", "经核实，项目管理办法已正式印发，此项予以办结", "佐证材料齐全，同意办结。"])("but given, it completes: %s", (text) => {
    expect(inReply(text, OFFICE, [6]).command).toBe("complete");
  });
});

describe("numbers that are not figures", () => {
  it.each([
    ["任务6 不对 是13 不是6", undefined],
    ["打错了 是23 不是24", CONFIRMED_24],
  ])("a correction of the task number is no figure: %s", (text, bot) => {
    expect(readAs(base, text, OFFICER, bot).percent).toBeNull();
  });

  it("a correction of the figure still is: 不是60，是65", () => {
    expect(readAs(base, "不是60，是65", OFFICER, CONFIRMED_24)).toEqual({ command: "update", tasks: [24], percent: 65 });
  });

  it.each(["任务23 这周又装了大约30 个点位", "任务6 报名的大概40 人", "任务12 差不多10 点到现场", "任务6 今天参训民警大概30，明天继续"])(
    "a hedged count or time is no figure: %s",
    (text) => {
      expect(normalise(text).steps).toEqual([]);
    },
  );

  it.each(["任务23 还需安装30个点位", "任务23 共需部署120路", "任务6 上次没通过科技办中期评估"])(
    "what is still to do or failed is no work done: %s",
    (text) => {
      expect(interpret(text, { ...base, sender: OFFICER }).confidence).not.toBe("certain");
    },
  );
});

describe("everyday words that look like a task", () => {
  it.each(["今天第一个任务已经完成了，下午还有两个", "第二个任务我已经弄完了，第三个明天弄"])("a day's errand is asked about, not recorded: %s", (text) => {
    expect(interpret(text, { ...base, sender: OFFICER }).confidence).not.toBe("certain");
  });

  it("3号人物 is a person, not task 3", () => {
    expect(normalise("3号人物已经到位了").text).toBe("3号人物已经到位了");
  });

  it.each(["任务6 会上讨论了申请办结", "任务6 科技办催了 申请办结"])("talk about applying files nothing: %s", (text) => {
    expect(readAs(base, text, OFFICER).command).toBeNull();
  });
});

describe("through Bot.handle on a real database", () => {
  let app: TempApp;
  beforeEach(async () => {
    app = await tempApp({ at: "2024-06-30T10:00:00+08:00" });
  });
  afterEach(() => app.dispose());
  const OFFICE_ROOM = { sender: "@kejiban:bureau.local", room: "kejiban", isDirect: false, mentionsBot: true };
  const task = (number: number) => app.db.task.findFirstOrThrow({ where: { number } });

  it("resumes every paused task only when every reminder is named, not when the reason says 各项", async () => {
    await app.say("暂停提醒 3 长期任务", OFFICE_ROOM);
    await app.say("暂停提醒 9 等立项", OFFICE_ROOM);
    await app.say("这周整训结束了，提醒恢复吧，各项工作要抓紧", OFFICE_ROOM);
    expect([(await task(3)).remindersPaused, (await task(9)).remindersPaused]).toEqual([true, true]);
    await app.say("即日起恢复全部任务的督办提醒", OFFICE_ROOM);
    expect([(await task(3)).remindersPaused, (await task(9)).remindersPaused]).toEqual([false, false]);
  });
});
