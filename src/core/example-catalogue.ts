import { type AnyCommand, helpOf } from "./command.js";
import { normalise } from "./interpreter/normalise.js";

/**
 * The example sentences shown with "没看懂" (issue 25, "Ask instead of giving up"): the commands' own `examples`, plus a
 * few more ways to report, ranked by how close each is to what was written. Built once per command list and language;
 * ranking one message is a few hundred map look-ups.
 */

/** More ways to report progress than update.ts's own examples, so that a report gone astray sees one close to it. */
const MORE_UPDATES: Readonly<Record<"zh" | "en", readonly string[]>> = {
  zh: ["任务6进展：材料已报市局 60%", "任务6 过半", "任务6已经完成了"],
  en: ["update task 6: half done"],
};

/** Below this score an example is not close to the text. */
const CLOSE = 0.15;

/** What is shown when nothing is close: a status, the overview, an update (as the old "没看懂" hint showed). */
const USUAL: Readonly<Record<"zh" | "en", readonly string[]>> = {
  zh: ["任务6", "总览", "任务6进展:完成初审 60%"],
  en: ["status task 6", "overview", "update task 6: first review passed 60%"],
};

/**
 * What anyone may be shown: the commands of the short help and of 报表, and what a lead unit asks of the office, its
 * evidence, and withdrawing one's own update. The office's own decisions (办结审核, 延期审核, 办结, 调整时限, 指标, 管理) are left out.
 */
const SHOWN_TOPICS = new Set(["main", "reports"]);
const SHOWN_TOO = new Set(["request-completion", "request-extension", "evidence", "retract"]);

interface Example {
  text: string;
  command: string;
  /** Character unigrams and bigrams of the normalised text. */
  grams: Set<string>;
  norm: number;
}

/** The examples of one language, each with its n-grams and their weights (rarer in the catalogue, heavier). */
export interface ExampleCatalogue {
  examples: readonly Example[];
  /** Where the usual examples stand in `examples`. */
  usual: readonly number[];
  /** For each gram, the examples that hold it and its squared weight. */
  postings: ReadonlyMap<string, { examples: readonly number[]; w2: number }>;
  /** The squared weight of a gram no example holds. */
  unseen: number;
}

const CJK = /[\u4e00-\u9fff]/u;

/**
 * Character unigrams and bigrams of the Chinese in a text, and the words of the rest, as the interpreter reads it:
 * normalised, lower case, digits and punctuation left out (a number says nothing of the intent).
 */
export function grams(text: string): Set<string> {
  return gramsOfNormalised(normalise(text).text);
}

function gramsOfNormalised(text: string): Set<string> {
  const t = text
    .toLowerCase()
    .replace(/\d+/gu, " ")
    .replace(/[\p{P}\p{S}\s]+/gu, " ")
    .trim();
  const out = new Set<string>();
  for (const part of t.split(/(?<=[\u4e00-\u9fff])(?=[^\u4e00-\u9fff])|(?<=[^\u4e00-\u9fff])(?=[\u4e00-\u9fff])| /u)) {
    const word = part.trim();
    if (!word) continue;
    // A word in Latin letters is one gram, and its first five letters another (`overdue`, `overview` share none).
    if (!CJK.test(word)) {
      out.add(word);
      if (word.length > 5) out.add(word.slice(0, 5));
      continue;
    }
    const chars = [...word];
    for (const [i, c] of chars.entries()) {
      out.add(c);
      if (i > 0) out.add(chars[i - 1]! + c);
    }
  }
  return out;
}

const built = new WeakMap<readonly AnyCommand[], Map<string, ExampleCatalogue>>();

/** The catalogue for these commands in one language (`zh`: examples in Chinese; `en`: those in English). Cached. */
export function exampleCatalogue(commands: readonly AnyCommand[], lang: "zh" | "en"): ExampleCatalogue {
  let byLang = built.get(commands);
  if (!byLang) {
    byLang = new Map();
    built.set(commands, byLang);
  }
  const cached = byLang.get(lang);
  if (cached) return cached;
  const texts: { text: string; command: string }[] = [];
  for (const cmd of commands) {
    if (!SHOWN_TOPICS.has(helpOf(cmd).topic) && !SHOWN_TOO.has(cmd.name)) continue;
    for (const text of cmd.examples) if (CJK.test(text) === (lang === "zh")) texts.push({ text, command: cmd.name });
    if (cmd.cues.kind === "update") for (const text of MORE_UPDATES[lang]) texts.push({ text, command: cmd.name });
  }
  const withGrams = texts.map((e) => ({ ...e, grams: grams(e.text) }));
  const holders = new Map<string, number[]>();
  for (const [i, e] of withGrams.entries()) for (const g of e.grams) holders.set(g, [...(holders.get(g) ?? []), i]);
  const w2 = (df: number) => Math.log((withGrams.length + 1) / (df + 0.5)) ** 2;
  const postings = new Map([...holders].map(([g, examples]) => [g, { examples, w2: w2(examples.length) }]));
  const examples = withGrams.map((e) => ({ ...e, norm: Math.sqrt([...e.grams].reduce((sum, g) => sum + postings.get(g)!.w2, 0)) }));
  const usual = USUAL[lang].map((u) => examples.findIndex((e) => e.text === u)).filter((i) => i !== -1);
  const catalogue = { examples, usual, postings, unseen: w2(0) };
  byLang.set(lang, catalogue);
  return catalogue;
}

/**
 * The `n` examples closest to `text` (cosine over weighted character unigrams and bigrams), at most one per command,
 * ties in catalogue order: `closestExamples(catalogue, "逾期的有哪些情况汇总一下给我")` → ["哪些任务逾期了", …].
 * With a task number in `text`, the examples' `任务6` (`任务5`, `审计 6`) names that task. `task`: the task the examples name instead; `except`:
 * commands left out; `usual: false`: only close examples, none to stand in.
 */
export function closestExamples(
  catalogue: ExampleCatalogue,
  text: string,
  opts: { n?: number; except?: readonly string[]; usual?: boolean; task?: number } = {},
): string[] {
  const { n = 3, except = [], usual = true } = opts;
  const normalised = normalise(text).text;
  const mine = gramsOfNormalised(normalised);
  const dots = new Array<number>(catalogue.examples.length).fill(0);
  let sum = 0;
  for (const g of mine) {
    const p = catalogue.postings.get(g);
    sum += p?.w2 ?? catalogue.unseen;
    if (p) for (const i of p.examples) dots[i]! += p.w2;
  }
  const norm = Math.sqrt(sum) || 1;
  // How much of the example the text holds, and how alike the two are: `逾期` is wholly in `逾期的有哪些…`.
  const scored = catalogue.examples.map((e, i) => ({ e, i, score: dots[i]! / (e.norm || 1) ** 2 + dots[i]! / (norm * (e.norm || 1)) }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  const task = opts.task ?? /(?:任务|task)\s*(\d{1,3})(?!\d)/iu.exec(normalised)?.[1];
  // Examples that share next to nothing with the text are not "close": the usual three stand in for them.
  const close = scored.filter((s) => s.score >= CLOSE).map((s) => s.e);
  const fill = usual ? catalogue.usual.map((i) => catalogue.examples[i]!) : [];
  const seen = new Set<string>(except);
  const out: string[] = [];
  for (const e of [...close, ...fill]) {
    if (seen.has(e.command)) continue;
    seen.add(e.command);
    out.push(task ? e.text.replace(/(任务|task\s|[^\s\d]\s)\d{1,2}(?![\d%])/giu, `$1${task}`) : e.text);
    if (out.length === n) break;
  }
  return out;
}
