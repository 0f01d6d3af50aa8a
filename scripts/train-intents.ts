/**
 * Train the learned intent signal (issue 25) on the gated corpus and write it to src/core/interpreter/intent-model.json.
 *
 *   npx tsx scripts/train-intents.ts [--check] [--no-cv]
 *
 * The corpus is every tests/corpus/*.jsonl but the fresh set (loadCorpus leaves fresh-*.jsonl out: it is never trained
 * on). Prints the cross-validation table (leave one file out, and the newest blind set held out as a new writer would
 * be) at the thresholds the interpreter could use; `--check` only says whether the committed model is what the corpus
 * gives (tests/intent-classifier.test.ts checks the same, so nobody edits the model by hand).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCorpus } from "../tests/corpus/load-corpus.js";
import { classifierText, type IntentModel, score, scorer, train } from "../src/core/interpreter/intent-classifier.js";
import { CLASSIFIER_THRESHOLD } from "../src/core/interpreter/ask-instead.js";

const ROOT = new URL("..", import.meta.url).pathname;
export const MODEL_PATH = join(ROOT, "src/core/interpreter/intent-model.json");

/** The labelled texts the model is trained on, as the classifier reads them. */
export function trainingSet(): { text: string; intent: string; file: string }[] {
  return loadCorpus().map((e) => ({ text: classifierText(e.text), intent: e.intent, file: e.file }));
}

/** The model file as the corpus gives it, byte for byte. */
export function modelFile(): string {
  return `${JSON.stringify(train(trainingSet()))}\n`;
}

/** Out-of-sample figures: accuracy, and at each threshold how many of each kind the signal would route. */
function crossValidate(name: string, folds: [string[], string[]][], all: ReturnType<typeof trainingSet>): string[] {
  const preds: { intent: string; top: string; p: number; text: string }[] = [];
  for (const [trainFiles, testFiles] of folds) {
    const s = scorer(train(all.filter((e) => trainFiles.includes(e.file))));
    for (const e of all.filter((x) => testFiles.includes(x.file))) {
      const [best] = score(s, e.text);
      preds.push({ intent: e.intent, top: best!.intent, p: best!.p, text: e.text });
    }
  }
  const pct = (n: number, d: number) => (d === 0 ? "—" : `${((100 * n) / d).toFixed(1)}%`);
  const right = preds.filter((x) => x.top === x.intent).length;
  const lines = [`${name}: ${preds.length} messages, top-1 accuracy ${pct(right, preds.length)}`];
  const command = (i: string) => i !== "none" && i !== "update";
  lines.push("  threshold  commands routed (right / wrong)   chatter routed   updates routed as a command");
  for (const t of [0.5, 0.7, 0.8, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99]) {
    const routed = preds.filter((x) => command(x.top) && x.p >= t);
    const cmds = preds.filter((x) => command(x.intent));
    const okay = routed.filter((x) => x.top === x.intent).length;
    const wrong = routed.filter((x) => command(x.intent) && x.top !== x.intent).length;
    const chatter = routed.filter((x) => x.intent === "none").length;
    const updates = routed.filter((x) => x.intent === "update").length;
    const mark = t === CLASSIFIER_THRESHOLD ? " ←" : "";
    lines.push(
      `  ${t.toFixed(2).padStart(9)}  ${`${okay}/${cmds.length} (${pct(okay, cmds.length)}) / ${wrong}`.padEnd(32)}` +
        `${`${chatter}/${preds.filter((x) => x.intent === "none").length}`.padEnd(17)}${updates}${mark}`,
    );
  }
  for (const x of preds.filter((y) => y.intent === "none" && command(y.top) && y.p >= CLASSIFIER_THRESHOLD))
    lines.push(`  chatter routed at the threshold: ${x.text.slice(0, 40)} → ${x.top} ${x.p.toFixed(3)}`);
  const intents = [...new Set(preds.map((x) => x.intent))].sort();
  lines.push("  per intent (recall at the threshold):");
  for (const i of intents) {
    const rows = preds.filter((x) => x.intent === i);
    const hit = rows.filter((x) => x.top === i && (!command(i) || x.p >= CLASSIFIER_THRESHOLD)).length;
    lines.push(`    ${i.padEnd(19)} ${String(rows.length).padStart(4)}  ${pct(hit, rows.length).padStart(6)}`);
  }
  return lines;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const file = modelFile();
  if (process.argv.includes("--check")) {
    const same = readFileSync(MODEL_PATH, "utf8") === file;
    process.stdout.write(same ? "intent-model.json is up to date\n" : "intent-model.json differs: run npx tsx scripts/train-intents.ts\n");
    process.exit(same ? 0 : 1);
  }
  writeFileSync(MODEL_PATH, file);
  const model = JSON.parse(file) as IntentModel;
  process.stdout.write(`wrote ${MODEL_PATH}: ${model.classes.length} intents, ${Object.keys(model.grams).length} grams, ${file.length} bytes\n`);
  if (!process.argv.includes("--no-cv")) {
    const all = trainingSet();
    const files = [...new Set(all.map((e) => e.file))];
    const out = [
      ...crossValidate(
        "leave one file out",
        files.map((f) => [files.filter((x) => x !== f), [f]]),
        all,
      ),
      "",
      ...crossValidate(
        "the newest blind set held out (trained without blind3-*.jsonl)",
        [[files.filter((f) => !f.startsWith("blind3-")), files.filter((f) => f.startsWith("blind3-"))]],
        all,
      ),
    ];
    process.stdout.write(`${out.join("\n")}\n`);
  }
}
