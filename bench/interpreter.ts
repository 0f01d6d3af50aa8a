import { readFileSync } from "node:fs";
import { commands } from "../commands/index.js";
import { BUNDLED_PLAN, DEMO_DIRECTORY } from "../src/config.js";
import { interpret, type InterpretContext } from "../src/core/interpreter/interpret.js";
import { buildLexicon } from "../src/core/interpreter/lexicon.js";
import { SubjectIndex } from "../src/core/interpreter/subject-index.js";
import { loadDirectory } from "../src/directory/directory.js";
import { parsePlan } from "../src/plan/plan-parser.js";
import { loadCorpus } from "../tests/corpus/load-corpus.js";
import { summarize } from "./stats.js";

export interface InterpreterFigures {
  messages: number;
  rounds: number;
  perMessage: ReturnType<typeof summarize>;
  baselinePerMessage: ReturnType<typeof summarize>;
  ratio: number;
}

/** Time `fn` over every corpus message, `rounds` times; one sample per message per round, in ms. */
function perMessage(texts: string[], rounds: number, fn: (text: string) => unknown): number[] {
  for (const t of texts) fn(t);
  const out: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const t of texts) {
      const at = performance.now();
      fn(t);
      out.push(performance.now() - at);
    }
  return out;
}

/**
 * The interpreter alone over the whole labelled corpus (tests/corpus), pure CPU: no database.
 * Baseline in the same run: NFKC plus lower-casing of the same messages, the least any reader of
 * free text does.
 */
export function benchInterpreter(rounds: number): InterpreterFigures {
  const texts = loadCorpus().map((e) => e.text);
  const plan = parsePlan(readFileSync(BUNDLED_PLAN, "utf8"));
  const directory = loadDirectory(DEMO_DIRECTORY);
  const units = directory.units.map((u) => ({ name: u.name, aliases: [...u.aliases] }));
  // As the bot reads a direct chat: with the derived lexicon and the sender's signals (issue 25).
  const ctx: InterpretContext = { commands, units, subjects: new SubjectIndex(plan.tasks), lexicon: buildLexicon(plan.tasks, units), sender: { direct: true } };
  const sink: unknown[] = [];
  const perMessageMs = summarize(perMessage(texts, rounds, (t) => sink.push(interpret(t, ctx))));
  const baseline = summarize(perMessage(texts, rounds, (t) => sink.push(t.normalize("NFKC").toLowerCase())));
  return { messages: texts.length, rounds, perMessage: perMessageMs, baselinePerMessage: baseline, ratio: perMessageMs.mean / baseline.mean };
}
