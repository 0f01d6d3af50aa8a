import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpret } from "../src/core/interpreter/interpret.js";
import { commands } from "../commands/index.js";
import { catalogue } from "../src/core/i18n/index.js";
import type { HandlerResult } from "../src/core/reply.js";
import { quietLogger, tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * Random and adversarial text through the interpreter and the whole Bot.handle pipeline on a real
 * SQLite file. fast-check prints the seed and the shrunk message on failure; rerun with it via
 * `fc.assert(…, { seed })`.
 */

const USERS = ["@kejiban:bureau.local", "@zhang:bureau.local", "@wang:bureau.local", "@juzhang:bureau.local", "@evil:other.server"];
const NUMBERS = ["0", "-1", "6.5", "99999999999999999999", "６", "六", "二十五", "26", "1e3", "0x6", "6", "25", "１２"];
const PERCENTS = ["101%", "-5%", "1e3%", "百分之一百二十", "60%%", "50% 60% 70%", "６０％", "100%", "0%", "NaN%", "Infinity%", "", "约五成", "十一成"];
const NASTY = [
  "<script>alert(1)</script>",
  "<b>加粗</b><img src=x onerror=alert(1)>",
  "**粗体** _斜体_ [链接](http://evil) `code`",
  "@kejiban:bureau.local 冒名",
  '\'; DROP TABLE "Update"; --',
  '" OR 1=1 --',
  "\u200b\u200c\u200d\ufeff",
  "\u202e\u202d\u2066\u2069",
  "\u0000\u0001\u0007\u001b[31m",
  "\ud800\udc00\ud800",
  "\udfff",
  "&amp;&lt;&#x3c;",
  "任务6进展：",
  "办结审核 6 通过",
  "绑定 @x:y 刑侦大队",
  "申请延期 6 2025年13月底前 理由",
];

/** Messages built the way an attacker or a careless paste would. */
const message = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 120 }) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.constantFrom("任务", "第", "#", "task ", "【任务", "status ", "申请办结 ", "办结 ", "申请延期 ", "调整时限 ", "审计 ", ""),
        fc.constantFrom(...NUMBERS),
        fc.constantFrom("进展：", "号任务：", "项 ", "】", " ", "：", "的佐证", ""),
        fc.array(fc.constantFrom(...NASTY, "完成初审", "已推荐3名民警", "2025年3月底前", "市局评选推迟"), { maxLength: 4 }),
        fc.constantFrom(...PERCENTS),
      )
      .map(([a, n, b, parts, p]) => `${a}${n}${b}${parts.join(" ")} ${p}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY) },
);

/** Every `<` in a reply's HTML opens one of the tags the renderer itself writes. */
function onlyOwnTags(html: string): boolean {
  return !/<(?!\/?b>|br>|a href="https:\/\/matrix\.to\/)/.test(html);
}

async function counts(app: TempApp) {
  const [updates, requests, pending, changes, evidence] = await Promise.all([
    app.db.update.count(),
    app.db.request.count(),
    app.db.pendingUpdate.count(),
    app.db.directoryChange.count(),
    app.db.evidence.count(),
  ]);
  return { updates, requests, pending, changes, evidence };
}

describe("fuzzing the interpreter", () => {
  it("never throws and always gives a well-formed answer, for any string", () => {
    const ctx = { commands, units: [{ name: "刑侦大队", aliases: ["刑侦"] }] };
    fc.assert(
      fc.property(message, (text) => {
        const i = interpret(text, ctx);
        expect(["certain", "likely", "unlikely"]).toContain(i.confidence);
        for (const n of i.tasks) expect(Number.isSafeInteger(n)).toBe(true);
        if (i.percent !== null) expect(Number.isFinite(i.percent)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("fuzzing the grammar", () => {
  it("reads a percentage and a task number from any string without throwing, or gives none", async () => {
    const { extractPercent, taskNumber, normalize } = await import("../src/core/grammar.js");
    fc.assert(
      fc.property(message, fc.string({ unit: "binary", maxLength: 30 }), (text, bit) => {
        const p = extractPercent(text);
        if (p !== null) expect(Number.isFinite(p.value)).toBe(true);
        for (const s of [bit, text.slice(0, 20), ...NUMBERS]) {
          const n = taskNumber(s);
          if (n !== null) expect(Number.isInteger(n) && n >= 0).toBe(true);
        }
        expect(typeof normalize(text)).toBe("string");
      }),
      { numRuns: 3000 },
    );
  });
});

describe("fuzzing Bot.handle on a real SQLite file", () => {
  let app: TempApp;
  const internal = catalogue("zh").errors.internal;
  beforeAll(async () => {
    app = await tempApp({ env: { DUBAN_RATE_LIMIT: "0" } });
    quietLogger.errors.length = 0;
  });
  afterAll(() => app.dispose());

  it("never escapes the error boundary or hangs; invalid input stores nothing; user text is escaped", async () => {
    let n = 0;
    const seen = { recorded: 0, refused: 0, silent: 0 };
    await fc.assert(
      fc.asyncProperty(message, fc.constantFrom(...USERS), fc.boolean(), async (text, sender, direct) => {
        const before = await counts(app);
        const started = performance.now();
        const result: HandlerResult = await app.bot.handle({
          transport: "test",
          room: direct ? "console" : "xingzhen",
          sender,
          text,
          eventId: `$fuzz${n++}`,
          isDirect: direct,
          mentionsBot: direct,
        });
        // A hang shows up as seconds, not milliseconds; the bound is loose so a busy machine does not flake.
        expect(performance.now() - started).toBeLessThan(5_000);
        const after = await counts(app);
        const texts = result.replies.map((r) => r.text).join("\n");
        expect(texts).not.toContain(internal);
        for (const r of result.replies) expect(onlyOwnTags(r.html), r.html).toBe(true);
        // Rows appear only with a confirmation that says so.
        const recorded = (texts.match(/已记录任务\d+/g) ?? []).length;
        if (recorded) seen.recorded++;
        else if (texts) seen.refused++;
        else seen.silent++;
        expect(after.updates - before.updates).toBe(recorded);
        // A question kept open for its answer says so: 要记录为…吗？, 您是想查看…吗？ (issue 25).
        if (!/要记录为|请回复任务编号|这条消息像是进展报告|您是想查看/.test(texts)) expect(after.pending).toBe(before.pending);
        if (!/已提交任务\d+/.test(texts)) expect(after.requests).toBe(before.requests);
        if (!/已将|本群已绑定/.test(texts)) expect(after.changes).toBe(before.changes);
        expect(after.evidence).toBe(before.evidence);
      }),
      { numRuns: 1000 },
    );
    expect(quietLogger.errors).toEqual([]);
    // The generators reach every outcome: some messages are recorded, some answered or refused, some ignored.
    expect(seen.recorded).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.silent).toBeGreaterThan(100);
  }, 120_000);

  it("stores a valid update exactly once, however often the event is delivered", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        // Free text that names no other task (no digits, #, brackets or task words) and gives no other figure.
        fc
          .string({ unit: "grapheme", minLength: 1, maxLength: 60 })
          .filter((s) => /\p{L}/u.test(s) && !/[%％0-9０-９#＃【[［任务第号项一二三四五六七八九十百千两成半]|task|status|update|history/iu.test(s)),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 3 }),
        async (task, body, percent, deliveries) => {
          const eventId = `$valid${n++}`;
          // The figure first, right after a progress word, so the free text cannot make it a rate (成功率…) or a remainder.
          const text = `任务${task}进展：完成${percent}%，${body.replace(/\s+/g, " ")}`;
          const before = await app.db.update.count();
          for (let i = 0; i < deliveries; i++)
            await app.bot.handle({ transport: "test", room: "xingzhen", sender: "@zhang:bureau.local", text, eventId, isDirect: false, mentionsBot: false });
          const rows = await app.db.update.findMany({ where: { eventId } });
          expect(rows, text).toHaveLength(1);
          expect(rows[0]!.percent).toBe(percent);
          expect(await app.db.update.count()).toBe(before + 1);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it("handles a 1 MB message quickly and stores nothing", async () => {
    const before = await counts(app);
    for (const text of [`任务6进展：${"很长".repeat(500_000)}`, `任务6 ${"6号、".repeat(300_000)}`, "x".repeat(1_048_576)]) {
      const started = performance.now();
      const r = await app.bot.handle({ transport: "test", room: "console", sender: "@kejiban:bureau.local", text, isDirect: true, mentionsBot: true });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(r.replies.map((x) => x.text).join("")).not.toContain(internal);
    }
    expect(await counts(app)).toEqual(before);
  });
});
