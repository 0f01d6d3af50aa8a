/**
 * Measure the bot on labelled message sets without the corpus test's gates: a fresh blind set before any tuning on it
 * (issue 25, "Measure honestly"), or any file in the corpus format (tests/corpus/README.md).
 *
 *   npx tsx scripts/corpus-measure.ts tests/corpus/blind/*.jsonl [--by-style]
 *
 * Prints the confusion table, issue 25's "understood" figure, and every message the bot got wrong; `--by-style` adds
 * the figure per writer's style. The bot runs as tests/corpus.test.ts runs it: the bundled plan, the demo directory,
 * a real SQLite file, the clock at 2024-06-30 10:00 Asia/Shanghai. A reply (`replyTo`) carries the bot's message it
 * answers, as the Matrix transport passes it (Inbound.replyTo).
 */
import { loadCorpusFiles } from "../tests/corpus/load-corpus.js";
import { type Outcome, report, run, understood } from "../tests/corpus/measure.js";
import { tempApp } from "../tests/helpers/temp-app.js";

process.env.CHECKPOINT_DISABLE = "1";
const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--"));
if (files.length === 0) {
  process.stderr.write("usage: npx tsx scripts/corpus-measure.ts FILE.jsonl… [--by-style]\n");
  process.exit(2);
}
const corpus = loadCorpusFiles(files);
const app = await tempApp();
const outcomes: Outcome[] = [];
try {
  for (const [i, entry] of corpus.entries()) outcomes.push(await run(app, entry, i));
} finally {
  await app.dispose();
}
process.stdout.write(`${report(corpus, outcomes)}\n`);
if (args.includes("--by-style")) {
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) {
    const key = `${o.entry.style ?? o.entry.file}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  process.stdout.write("\nby style: understood / messages\n");
  for (const [style, rows] of [...groups].sort()) process.stdout.write(`  ${style.padEnd(10)} ${rows.filter(understood).length}/${rows.length}\n`);
}
