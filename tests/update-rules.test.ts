import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UserError } from "../src/core/command.js";
import { catalogue } from "../src/core/i18n/index.js";
import { updatePercent, updateText } from "../src/core/update-rules.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

// No chat message carries a non-number percentage today. To show that a new update and an edit obey the same rules
// on such a figure, this stands in for an interpreter that reads "进度〔NaN〕" as not a number.
vi.mock("../src/core/interpreter/interpret.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/core/interpreter/interpret.js")>();
  return {
    ...real,
    interpret: (...args: Parameters<typeof real.interpret>) => {
      const result = real.interpret(...args);
      for (const s of result.args.segments ?? []) {
        if (s.body.includes("〔NaN〕")) Object.assign(s, { percent: Number.NaN, percentRaw: "NaN" });
      }
      return result;
    },
  };
});

const t = catalogue("zh");

describe("the update rules", () => {
  it("rounds a percentage and refuses one outside 0–100 or not a number", () => {
    expect(updatePercent(t, 59.6, "59.6")).toBe(60);
    expect(updatePercent(t, 0, "0")).toBe(0);
    expect(updatePercent(t, null, null)).toBeNull();
    for (const bad of [-1, 101, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => updatePercent(t, bad, String(bad))).toThrow(UserError);
    expect(() => updatePercent(t, 150, "150")).toThrow("进度150%不在0–100之间");
  });

  it("never rounds a figure below 100 up to 100, and refuses one written in a form no one uses for progress", () => {
    expect(updatePercent(t, 99.6, "99.6")).toBe(99);
    expect(updatePercent(t, 99.99, "99.99")).toBe(99);
    expect(updatePercent(t, 100, "100")).toBe(100);
    expect(updatePercent(t, 100, "100.00")).toBe(100);
    for (const [value, raw] of [
      [16, "0x10"],
      [2, "0b10"],
      [100, "1e2"],
      [100, "99.99999999999999999"],
      [1.2, "1.2.3"],
    ] as const)
      expect(() => updatePercent(t, value, raw)).toThrow(t.updateReading.percentUnreadable(raw));
    expect(() => updatePercent(t, Number.POSITIVE_INFINITY, "1e999")).toThrow(t.update.percentOutOfRange("1e999"));
  });

  it("refuses blank text, naming the task", () => {
    expect(updateText(t, 6, "完成初审")).toBe("完成初审");
    expect(() => updateText(t, 6, "  ")).toThrow(/任务6进展/);
  });
});

describe("a new update and an edit share the rules, on a real SQLite file", () => {
  let app: TempApp;
  const zhang = { sender: "@zhang:bureau.local", room: "xingzhen", isDirect: false, mentionsBot: false };
  const edit = (target: string, text: string, eventId: string) => app.say(text, { ...zhang, kind: "edit", targetEventId: target, eventId });
  const percentOf = async (eventId: string) => (await app.db.update.findFirst({ where: { eventId } }))?.percent;
  beforeEach(async () => {
    app = await tempApp();
  });
  afterEach(async () => {
    await app.dispose();
  });

  it("rounds a fractional percentage in an edit as it does in a new update", async () => {
    expect((await app.say("任务6进展:完成初审 60.6%", { ...zhang, eventId: "$new" })).text).toContain("已记录任务6");
    expect(await percentOf("$new")).toBe(61);
    const revised = await edit("$new", "任务6进展:完成初审 70.6%", "$edit");
    expect(revised.text).toBe(t.update.revised(6, 71));
    expect(await percentOf("$new")).toBe(71);
  });

  it("refuses an infinite percentage (1e999%) in a new update as in an edit, with a reply, changing nothing", async () => {
    const refused = t.update.percentOutOfRange("1e999");
    expect((await app.say("任务6进展:完成初审 1e999%", { ...zhang, eventId: "$inf" })).text).toBe(refused);
    expect(await app.db.update.count()).toBe(0);
    await app.say("任务6进展:完成初审 60%", { ...zhang, eventId: "$ok" });
    expect((await edit("$ok", "任务6进展:完成初审 1e999%", "$edit")).text).toBe(refused);
    expect(await percentOf("$ok")).toBe(60);
  });

  it("refuses a percentage that is not a number in an edit as in a new update, changing nothing", async () => {
    const refused = t.update.percentOutOfRange("NaN");
    expect((await app.say("任务6进展:完成初审 进度〔NaN〕", { ...zhang, eventId: "$nan" })).text).toBe(refused);
    expect(await app.db.update.count()).toBe(0);
    await app.say("任务6进展:完成初审 60%", { ...zhang, eventId: "$ok" });
    expect((await edit("$ok", "任务6进展:完成初审 进度〔NaN〕", "$edit")).text).toBe(refused);
    expect(await percentOf("$ok")).toBe(60);
  });
});
