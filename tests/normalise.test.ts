// Issue 25, "Normalise before interpreting": traditional characters, the bot's keywords typed as homophones, English
// short forms of a task reference, voice input without punctuation, and quoted lines that are not the sender's words.
import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { interpret } from "../src/core/interpreter/interpret.js";
import { normalise } from "../src/core/interpreter/normalise.js";
import { TRADITIONAL_CHARS } from "../src/core/interpreter/traditional-chars.js";
import { TS_CHARACTERS, traditionalChars } from "../scripts/traditional-chars.mjs";

const units = [{ name: "刑侦大队", aliases: ["刑侦"] }];
const read = (raw: string) => interpret(raw, { commands, units });
/** What the bot would do: the command and tasks when it would act or ask, null when it would let the message be. */
const acted = (raw: string) => {
  const i = read(raw);
  return i.command && i.confidence !== "unlikely" ? { command: i.command, tasks: i.tasks, percent: i.percent } : null;
};

describe("traditional characters", () => {
  it("are read as simplified, and an update's body is kept as written", () => {
    expect(normalise("任務3進展：設備已到位").text).toBe("任务3进展:设备已到位");
    const i = read("任務3進展：設備已到位，進度六成");
    expect(i).toMatchObject({ command: "update", tasks: [3], percent: 60, confidence: "certain" });
    expect(i.args.segments?.[0]?.body).toBe("設備已到位，進度六成");
    expect(i.cues).toContain("normalised:traditional");
  });

  it("work in questions", () => {
    expect(acted("任務7進度如何")).toEqual({ command: "status", tasks: [7], percent: null });
  });

  it("a character the table keeps as it is changes nothing, and says so: 乾坤", () => {
    expect(normalise("乾坤已定").steps).toEqual([]);
  });

  it("leave a simplified message untouched", () => {
    const n = normalise("任务6进展：已推荐3名民警");
    expect(n.steps).toEqual([]);
    expect(n.text).toBe("任务6进展:已推荐3名民警");
  });

  it("are the characters opencc-js converts (regenerate with scripts/traditional-chars.mjs)", () => {
    expect(TRADITIONAL_CHARS).toBe(traditionalChars(TS_CHARACTERS));
  });
});

describe("keywords typed as homophones through a pinyin input method", () => {
  it.each([
    ["人物6进展：设备已到位", "任务6进展:设备已到位"],
    ["任物六 近展60", "任务六 进展60%"],
    ["任务6的进都", "任务6的进度"],
    ["任务6尽度怎么样", "任务6进度怎么样"],
    ["任务6进站百分之六十", "任务6进展百分之六十"],
    ["治安大队都负责哪几个人物", "治安大队都负责哪几个任务"],
    ["还有谁没报近展", "还有谁没报进展"],
    ["任务十三的近展记录", "任务十三的进展记录"],
  ])("%s reads as %s", (raw, text) => {
    expect(normalise(raw).text).toBe(text);
  });

  it("are acted on where the keyword stands", () => {
    expect(acted("那个 人物六近展 嗯 我们推荐了三名民警参加评选 百分之六十")).toEqual({ command: "update", tasks: [6], percent: 60 });
    expect(acted("人物四 政工这边 一名民警进了候选名单 大概百分之六十")).toEqual({ command: "update", tasks: [4], percent: 60 });
    expect(acted("任务6进都如何")).toEqual({ command: "status", tasks: [6], percent: null });
  });

  it("a demand read through a homophone is still a demand: 领导说人物一和人物二年前就要搞定的", () => {
    expect(normalise("领导说人物一和人物二年前就要搞定的 现在都过了半年了").text).toBe("领导说任务一和任务二年前就要搞定的 现在都过了半年了");
    expect(acted("领导说人物一和人物二年前就要搞定的 现在都过了半年了")).toBeNull();
    expect(acted("任务6还没搞定，下周再说")).toBeNull();
  });

  it.each([
    "人物画像做得不错",
    "人物画像系统上线了，效果很好",
    "列车进站了，我先下车",
    "列车进站6分钟后发车",
    "这部剧几个人物都很立体",
    "近展厅的那幅画不错",
    "尽度假村的地方打卡了",
    "重点人物管控名单已更新",
    "进站口的安检已完成",
  ])("chatter that shares their sound stays chatter: %s", (raw) => {
    expect(acted(raw)).toBeNull();
  });
});

describe("English short forms of a task reference", () => {
  it.each([
    ["T6 60%", 6],
    ["t6 已完成60%", 6],
    ["tsk 6 设备到位 进度60%", 6],
    ["tsk19 网络改造完成60%", 19],
    ["task6 完成60%", 6],
    ["#6 进度60%", 6],
  ])("%s is about task %i", (raw, n) => {
    expect(acted(raw)).toEqual({ command: "update", tasks: [n], percent: 60 });
  });

  it("ask about a task: T6咋样了", () => {
    expect(acted("T6咋样了")).toEqual({ command: "status", tasks: [6], percent: null });
  });

  it.each(["T恤6件已到货，完成60%", "#1楼 进度60%", "#3号门进度60%", "6T硬盘已到位，完成60%", "买了T3级的设备，完成60%", "AT6型号已经完成60%"])(
    "not where they are part of something else: %s",
    (raw) => {
      expect(acted(raw)).toBeNull();
    },
  );
});

describe("voice input without punctuation", () => {
  it.each([
    ["任务六进展百分之六十设备到位", 6, 60],
    ["任务6进展60设备到位", 6, 60],
    ["任务十二进度六十设备都到位了", 12, 60],
    ["人物六近展六十", 6, 60],
  ])("%s", (raw, n, pct) => {
    expect(acted(raw)).toEqual({ command: "update", tasks: [n], percent: pct });
  });

  it("a number that counts something after 进展 is no figure", () => {
    expect(read("任务6进展3项已完成").percent).toBeNull();
    expect(normalise("任务6进度200").text).toBe("任务6进度200");
    expect(acted("进展 6 完成初审")).toEqual({ command: "update", tasks: [6], percent: null });
    expect(acted("@督办 进展6 完成初审")).toEqual({ command: "update", tasks: [6], percent: null });
  });
});

describe("quoted lines are not the sender's words", () => {
  const reminder =
    "> 【督办提醒】指挥情报中心 · 2024-06-24\n> 已逾期，请抓紧办理（2项）：\n> 🔴 任务1 成立科技兴警工作领导小组及其办公室 · 2023年底前（逾期176天）\n";

  it.each([
    `${reminder}\n@刘洋 任务一、任务二的办结材料请务必于月底前整理`,
    `${reminder}\n@刘洋 这个你跟一下，本周内把发文报上来`,
    `${reminder}@刘洋 任务1已完成的材料你整理一下`,
    "> 已记录任务6（培育“公安数字工匠”）的第2条进展，进度40%\n转发各位知悉。本周其余事项：\n1.任务6已记录，无需重复报\n2.其他事项下周一并报",
    "> 任务6进展：已完成60%",
    "> 任务6进展：已完成60%\n> 任务7进展：已完成70%",
  ])("a quote passed on records nothing: %s", (raw) => {
    expect(acted(raw)).toBeNull();
  });

  it("the sender's own update under a quote is read, without the quote", () => {
    const i = read(`${reminder}\n任务1进展：领导小组已发文成立，进度100%`);
    expect(i).toMatchObject({ command: "update", tasks: [1], percent: 100 });
    expect(i.args.segments?.[0]?.body).toBe("领导小组已发文成立，进度100%");
    expect(i.cues).toContain("normalised:quote:3");
  });
});

describe("chatter that names a task and a figure but reports nothing", () => {
  it.each([
    "上个月报的任务14是30%，这个月先不报了，等模型测完再说",
    "任务6本周先不报了，上次报的60%不变",
    "科技办6月督办情况\n1.任务1、任务2已逾期，已发催办通知\n2.本月有5个单位未报送进展\n3.任务12进展率65%",
    "任务2要是弄完了就赶紧报办结，别拖",
    "T2如果搞定了跟我说一声",
    "任务6完成率才40%，刑侦、网安要加把劲",
  ])("%s", (raw) => {
    expect(acted(raw)).toBeNull();
  });

  it("a unit's own weekly summary is still read", () => {
    expect(acted("刑侦大队本周工作情况\n1.任务6已完成60%")).toEqual({ command: "update", tasks: [6], percent: 60 });
    expect(acted("任务6已完成60%，如果设备到位下月可完成")).toEqual({ command: "update", tasks: [6], percent: 60 });
  });
});
