import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConsole } from "../src/transports/console.js";
import { terminalSafe } from "../src/util/terminal-text.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

describe("text printed to a terminal", () => {
  it("shows control characters, ANSI escapes, C1 controls and bidi overrides as escapes, keeping lines, tabs and Chinese", () => {
    expect(terminalSafe("任务6\u001b[31m红\u001b[0m")).toBe("任务6\\u001b[31m红\\u001b[0m");
    expect(terminalSafe("a\rb\u0007\u009b2J\u007f")).toBe("a\\u000db\\u0007\\u009b2J\\u007f");
    expect(terminalSafe("\u202eabc\u2066x\u2069\u200f")).toBe("\\u202eabc\\u2066x\\u2069\\u200f");
    expect(terminalSafe("第一行\n\t第二行 ✅🔴（60%）")).toBe("第一行\n\t第二行 ✅🔴（60%）");
  });

  it("keeps JSON valid and its values unchanged", () => {
    const json = JSON.stringify({ text: "反转\u202e完成\u001b" });
    expect(JSON.parse(terminalSafe(json))).toEqual({ text: "反转\u202e完成\u001b" });
  });
});

describe("the console transport", () => {
  let app: TempApp;
  beforeAll(async () => {
    app = await tempApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it("prints what a person wrote escaped, and stores it as sent", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (d: Buffer) => (printed += d.toString()));
    input.end("任务9进展:清屏\u001b[2J反转\u202e完成 30%\n任务9\n");
    await runConsole({ bot: app.bot, input, output, user: "@zhang:bureau.local", room: "xingzhen" });
    for (const c of ["\u001b", "\u202e"]) expect(printed).not.toContain(c);
    expect(printed).toContain("清屏\\u001b[2J反转\\u202e完成");
    const stored = await app.db.update.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(stored.text).toContain("清屏\u001b[2J反转\u202e完成");
  });
});
