import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { helpOf } from "../src/core/command.js";
import { zh } from "../src/core/i18n/zh.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const MEMBER = "@zhang:bureau.local";
const ADMIN = "@kejiban:bureau.local";
const TOPICS = ["帮助 办结", "帮助 延期", "帮助 指标", "帮助 报表", "帮助 管理"];

let app: TempApp;
beforeAll(async () => {
  app = await tempApp();
});
afterAll(async () => {
  await app.dispose();
});

describe("the short help", () => {
  it("shows a member at most 12 lines: how to report and ask, without the reviews or English, ending with the topics", async () => {
    const lines = (await app.say("帮助", { sender: MEMBER })).text.split("\n");
    expect(lines.length).toBeLessThanOrEqual(12);
    const text = lines.join("\n");
    expect(text).toContain("任务6进展:完成初审 60%");
    expect(text).toContain("总览");
    expect(text).not.toContain("办结审核");
    expect(text).not.toMatch(/status task|overview|update task/);
    expect(lines.find((l) => l.startsWith("更多："))).toBe("更多：帮助 办结 · 帮助 延期 · 帮助 指标 · 帮助 报表 · 帮助 管理");
  });

  it("shows an admin the reviews too, still within 12 lines", async () => {
    const lines = (await app.say("帮助", { sender: ADMIN })).text.split("\n");
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.join("\n")).toContain("办结审核 6 通过 材料齐全");
    expect(lines.join("\n")).toContain("延期审核 6 通过 同意延期");
    expect(lines.at(-1)).toContain("帮助 管理");
  });

  it("gives English examples only when asked with `help` or with DUBAN_LANG=en", async () => {
    const asked = (await app.say("help", { sender: MEMBER })).text;
    expect(asked).toContain("status task 6");
    expect(asked.split("\n").length).toBeLessThanOrEqual(12);
    const en = await tempApp({ env: { DUBAN_LANG: "en" } });
    try {
      const text = (await en.say("帮助", { sender: MEMBER })).text;
      expect(text).toContain("overview");
      expect(text).toContain("More: help completion");
    } finally {
      await en.dispose();
    }
  });
});

describe("the help topics", () => {
  it("lists each topic's commands with their examples", async () => {
    const completion = (await app.say("帮助 办结", { sender: MEMBER })).text;
    expect(completion.split("\n")[0]).toBe("帮助 · 办结：");
    expect(completion).toContain("申请办结 6 两名民警已入选市级数字工匠");
    expect(completion).toContain("办结审核 6 通过 材料齐全");
    expect((await app.say("帮助 延期", { sender: MEMBER })).text).toContain("申请延期");
    expect((await app.say("帮助 指标", { sender: MEMBER })).text).toContain("设置指标");
    expect((await app.say("help reports", { sender: MEMBER })).text).toContain("scorecard 2024");
    expect((await app.say("帮助 管理", { sender: ADMIN })).text).toContain("绑定 @zhang:bureau.local 刑侦大队");
  });

  it("places every command from its metadata, so a new command shows without editing help", async () => {
    const shown = [(await app.say("帮助", { sender: ADMIN })).text];
    for (const t of TOPICS) shown.push((await app.say(t, { sender: ADMIN })).text);
    const all = shown.join("\n");
    for (const c of commands) if (!c.name.startsWith("help")) expect(all, c.name).toContain(zh.commands[c.summary]);
    // A command that says nothing about help is listed under 帮助 管理.
    expect(helpOf({ ...commands[0]!, help: undefined })).toEqual({ topic: "admin" });
  });
});
