import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCorpus } from "./corpus/load-corpus.js";
import { type Outcome, report, run } from "./corpus/measure.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

/**
 * The whole labelled corpus through Bot.handle on a real SQLite file. Prints a confusion table and
 * the messages the bot gets wrong; fails on any chatter recorded as an update, and when the recall
 * of updates (recorded, or asked about with the right task) or of queries drops below 97%.
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
});
