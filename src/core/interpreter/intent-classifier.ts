import { normalise } from "./normalise.js";
import MODEL from "./intent-model.json" with { type: "json" };

/*
 * The learned signal (issue 25, "Intent by evidence"): a multinomial naive Bayes over the character 1–3-grams of the
 * normalised message, trained by scripts/train-intents.ts on the gated corpus (tests/corpus, never the fresh set) and
 * committed as intent-model.json. It is ONE signal, read only where the rules found nothing and the bot is addressed
 * (ask-instead.ts): it never records an update and never runs a command that changes anything on its own word.
 */

/** The model as committed: the classes, how many messages and grams each had, and each gram's counts per class. */
export interface IntentModel {
  version: 1;
  alpha: number;
  classes: string[];
  docs: number[];
  totals: number[];
  /** gram → `classIndex:count` pairs, comma-separated (compact: the file is committed). */
  grams: Record<string, string>;
}

/** One intent and its probability, best first. */
export interface IntentScore {
  intent: string;
  p: number;
}

/** What the classifier reads of a text: normalised (繁体, full-width, homophones of keywords), lower case, digits as 0. */
export function classifierText(raw: string, normalised = false): string {
  const t = normalised ? raw : normalise(raw).text;
  return t.toLowerCase().replace(/\d+/g, "0").replace(/\s+/g, " ").trim();
}

/** The distinct character 1–3-grams of a text read by `classifierText`, with `^`/`$` at its ends. */
export function grams(text: string): string[] {
  const chars = ["^", ...Array.from(text), "$"];
  const out = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    if (i > 0 && i < chars.length - 1 && chars[i] !== " ") out.add(chars[i]!);
    if (i + 1 < chars.length) out.add(chars[i]! + chars[i + 1]!);
    if (i + 2 < chars.length) out.add(chars[i]! + chars[i + 1]! + chars[i + 2]!);
  }
  return [...out];
}

/** Train on labelled texts (already read by `classifierText`); grams seen once in the whole set are left out. */
export function train(examples: readonly { text: string; intent: string }[], alpha = 0.1): IntentModel {
  const classes = [...new Set(examples.map((e) => e.intent))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const docs = classes.map(() => 0);
  const counts = new Map<string, number[]>();
  for (const e of examples) {
    const c = index.get(e.intent)!;
    docs[c]!++;
    for (const g of grams(e.text)) {
      const row = counts.get(g) ?? classes.map(() => 0);
      counts.set(g, row);
      row[c]!++;
    }
  }
  const totals = classes.map(() => 0);
  const kept: Record<string, string> = {};
  for (const g of [...counts.keys()].sort()) {
    const row = counts.get(g)!;
    if (row.reduce((a, b) => a + b, 0) < 2) continue;
    row.forEach((n, c) => {
      totals[c]! += n;
    });
    kept[g] = row.flatMap((n, c) => (n > 0 ? [`${c}:${n}`] : [])).join(",");
  }
  return { version: 1, alpha, classes, docs, totals, grams: kept };
}

/** The model ready to score: log priors, and per gram its log-probability in each class. */
interface Scorer {
  classes: string[];
  prior: Float64Array;
  /** The log-probability of a gram a class never saw. */
  unseen: Float64Array;
  logp: Map<string, Float64Array>;
}

export function scorer(model: IntentModel): Scorer {
  const k = model.classes.length;
  const v = Object.keys(model.grams).length;
  const n = model.docs.reduce((a, b) => a + b, 0);
  const prior = Float64Array.from(model.docs, (d) => Math.log((d + 1) / (n + k)));
  const unseen = Float64Array.from(model.totals, (t) => Math.log(model.alpha / (t + model.alpha * v)));
  const logp = new Map<string, Float64Array>();
  for (const [g, pairs] of Object.entries(model.grams)) {
    const row = Float64Array.from(unseen);
    for (const pair of pairs.split(",")) {
      const [c, count] = pair.split(":").map(Number) as [number, number];
      row[c] = Math.log((count + model.alpha) / (model.totals[c]! + model.alpha * v));
    }
    logp.set(g, row);
  }
  return { classes: model.classes, prior, unseen, logp };
}

/**
 * Every intent with its probability, best first. The log-likelihood is averaged over the grams the model knows and
 * scaled (`SHARPNESS`), so that a long message is not more certain than a short one only for being long.
 */
export function score(s: Scorer, text: string): IntentScore[] {
  const sum = new Float64Array(s.classes.length);
  let known = 0;
  for (const g of grams(text)) {
    const row = s.logp.get(g);
    if (!row) continue;
    known++;
    for (let c = 0; c < sum.length; c++) sum[c]! += row[c]!;
  }
  const logits = Array.from(sum, (x, c) => s.prior[c]! + (known ? (SHARPNESS * x) / Math.sqrt(known) : 0));
  const top = Math.max(...logits);
  const exp = logits.map((x) => Math.exp(x - top));
  const z = exp.reduce((a, b) => a + b, 0);
  return exp.map((e, c) => ({ intent: s.classes[c]!, p: e / z })).sort((a, b) => b.p - a.p);
}

/** How sharply the averaged evidence separates the classes (chosen with the threshold by cross-validation). */
export const SHARPNESS = 1;

let loaded: Scorer | null = null;

/** The committed model's reading of an already normalised message text: `classifyIntent("撤回撤回 手滑了")[0]` → retract. */
export function classifyIntent(normalisedText: string): IntentScore[] {
  loaded ??= scorer(MODEL as IntentModel);
  return score(loaded, classifierText(normalisedText, true));
}
