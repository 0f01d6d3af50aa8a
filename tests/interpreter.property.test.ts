import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { loadCorpus } from "./corpus/load-corpus.js";

const corpus = loadCorpus();
const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
const ctx: InterpretContext = {
  commands,
  units: loadDirectory(DEMO_DIRECTORY).units.map((u) => ({ name: u.name, aliases: [...u.aliases] })),
  subjects: new SubjectIndex(plan.tasks),
};
const updates = corpus.filter((e) => e.intent === "update" && !e.confirm);
const chatter = corpus.filter((e) => e.intent === "none");
/** Half-width ASCII to its full-width twin, as Chinese input methods type it: "6%" → "６％". */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
// The traditional-character converter and the pinyin dictionary load once, on the first message that needs them
// (issue 25's normalisation, about 0.1 s); the per-message bound below is for every message after that.
interpret("任務6 近展60 人物7", ctx);

describe("the interpreter under random and mangled input (fast-check)", () => {
  it("never throws and answers every string quickly, huge and hostile ones included", () => {
    const hostile = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.constantFrom(...corpus.map((e) => e.text)).chain((t) => fc.tuple(fc.constant(t), fc.string({ unit: "binary", maxLength: 20 })).map(([a, b]) => a + b)),
      fc
        .constantFrom("任务", "第", "号", "进度", "%", "百分之", "成", "、", "和", "【", "】", "\u200b", "\u202e", "\ud800", "１", "六")
        .chain((piece) => fc.integer({ min: 1, max: 5000 }).map((n) => piece.repeat(n))),
    );
    fc.assert(
      fc.property(hostile, (text) => {
        const at = performance.now();
        const r = interpret(text, ctx);
        expect(performance.now() - at).toBeLessThan(250);
        expect(["certain", "likely", "unlikely"]).toContain(r.confidence);
      }),
      { numRuns: 2000, seed },
    );
  });

  it("reads a report typed with full-width digits and signs exactly as the half-width one", () => {
    fc.assert(
      fc.property(fc.constantFrom(...updates), (e) => {
        const a = interpret(e.text, ctx);
        const b = interpret(fullWidth(e.text), ctx);
        expect([b.command, b.confidence, b.tasks, b.percent]).toEqual([a.command, a.confidence, a.tasks, a.percent]);
      }),
      { numRuns: 300, seed },
    );
  });

  it("never reads chatter as a certain update, whatever spaces, emoji or punctuation surround it", () => {
    const decoration = fc.constantFrom("", " ", "　", "👍", "😂", "。", "！", "~", "\n", "哈哈", "[微笑]");
    fc.assert(
      fc.property(fc.constantFrom(...chatter), decoration, decoration, (e, before, after) => {
        const r = interpret(`${before}${e.text}${after}`, ctx);
        expect(r.command === "update" && r.confidence === "certain").toBe(false);
      }),
      { numRuns: 1000, seed },
    );
  });
});
