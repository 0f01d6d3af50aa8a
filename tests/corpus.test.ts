import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus, loadFreshCorpus } from "./corpus/load-corpus.js";
import { type Outcome, report, run, understood } from "./corpus/measure.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * The whole labelled corpus through Bot.handle on a real SQLite file. Prints a confusion table and
 * the messages the bot gets wrong; fails on any chatter recorded as an update, when the recall of
 * updates (recorded, or asked about with the right task) or of queries drops below 97%, when more
 * than 5% of the updates that name their task are asked about instead of recorded, or when fewer
 * than 98% of the recorded updates have the right percent (issue 25). The fresh set
 * (tests/corpus/fresh-*.jsonl) is measured and printed beside it, with no gate on its figures.
 */
const corpus = loadCorpus();
let app: TempApp;
const outcomes: Outcome[] = [];

describe("the labelled corpus through Bot.handle", () => {
  beforeAll(async () => {
    app = await tempApp();
    for (const [i, entry] of corpus.entries()) outcomes.push(await run(app, entry, i));
    process.stdout.write(`\n${report(corpus, outcomes)}\n`);
  }, 120_000);
  afterAll(async () => {
    await app.dispose();
  });

  it("holds at least 500 messages, about a third of them chatter", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    const chatter = corpus.filter((e) => e.intent === "none").length / corpus.length;
    expect(chatter).toBeGreaterThan(0.28);
  });

  it("never records chatter as an update", () => {
    const recorded = outcomes.filter((o) => o.entry.intent === "none" && o.recorded.length > 0).map((o) => o.entry.text);
    expect(recorded).toEqual([]);
  });

  it("records or asks about at least 97% of updates, with the right tasks", () => {
    const updates = outcomes.filter((o) => o.entry.intent === "update");
    expect(updates.filter((o) => o.correct).length / updates.length).toBeGreaterThanOrEqual(0.97);
  });

  it("answers at least 97% of queries with the right command", () => {
    const queries = outcomes.filter((o) => o.entry.intent !== "update" && o.entry.intent !== "none");
    expect(queries.filter((o) => o.correct).length / queries.length).toBeGreaterThanOrEqual(0.97);
  });

  it("asks about at most 5% of the updates that name their task, instead of recording them", () => {
    const named = outcomes.filter((o) => o.entry.intent === "update" && !o.entry.confirm);
    const asked = named.filter((o) => o.recorded.length === 0 && o.asked.length > 0);
    expect(asked.length / named.length).toBeLessThanOrEqual(0.05);
  });

  it("records the right percent (or none where none is given) on at least 98% of recorded updates", () => {
    const recorded = outcomes.filter((o) => o.entry.intent === "update" && o.recorded.length > 0 && o.entry.percent !== undefined);
    const right = recorded.filter((o) => (o.percent ?? null) === (o.entry.percent ?? null));
    expect(right.length / recorded.length).toBeGreaterThanOrEqual(0.98);
  });
});

describe("the fresh set (never tuned on): measured, not gated", () => {
  const fresh = loadFreshCorpus();

  it("holds at least 150 messages written blind, at least 35% of them chatter, and prints how the bot does on them", async () => {
    expect(fresh.length).toBeGreaterThanOrEqual(150);
    expect(fresh.filter((e) => e.intent === "none").length / fresh.length).toBeGreaterThanOrEqual(0.35);
    const app = await tempApp();
    try {
      const rows: Outcome[] = [];
      for (const [i, entry] of fresh.entries()) rows.push(await run(app, entry, i));
      process.stdout.write(`\nthe fresh set (tests/corpus/fresh-*.jsonl), no gates:\n${report(fresh, rows)}\n`);
      expect(rows.filter(understood).length).toBeGreaterThan(0);
    } finally {
      await app.dispose();
    }
  }, 120_000);
});
