/** A task as the subject index sees it: its number, title and description from the imported plan. */
export interface SubjectTask {
  number: number;
  title: string;
  description: string;
  /** Its lead units (牵头单位), when known. */
  leadUnits?: readonly string[];
}

export interface SubjectMatch {
  number: number;
  title: string;
  score: number;
  /** The words of the message that the task's text shares, for `explain`. */
  shared: string[];
}

/** Character pairs inside runs of Chinese text: `bigrams("数字工匠")` → ["数字", "字工", "工匠"]. */
function bigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.normalize("NFKC").match(/[\u4e00-\u9fff]+/g) ?? []) for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  return out;
}

/** Pairs too common in any plan to say which task a message is about. */
const GENERIC = new Set(
  "完成 推进 进展 进度 工作 任务 开展 组织 落实 上报 建设 加强 推动 全面 持续 进一步 提升 完善 强化 深化 创新 公安 民警 全县 县局 局属 单位 各单位 市局 省厅 本周 目前 已经 我们 相关 情况 材料 方案 报告 会议 机制 体系 应用"
    .split(" ")
    .flatMap((w) => bigrams(w)),
);

/**
 * Finds the task a message is about by the words it shares with the tasks' titles and descriptions,
 * weighted by how rare each word is across the plan (IDF over character pairs; title words count double).
 * Built from the imported plan, so it is not a list written for one plan.
 * `new SubjectIndex(tasks).match("数字工匠评选材料已报市局")` → [{number: 6, …}, {number: 7, …}].
 */
export class SubjectIndex {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly titles = new Map<number, string>();
  private readonly leads = new Map<number, readonly string[]>();
  private readonly n: number;

  constructor(tasks: readonly SubjectTask[]) {
    this.n = tasks.length;
    for (const t of tasks) {
      this.titles.set(t.number, t.title);
      this.leads.set(t.number, t.leadUnits ?? []);
      const weights = new Map<string, number>();
      for (const b of bigrams(t.description)) weights.set(b, Math.max(weights.get(b) ?? 0, 1));
      for (const b of bigrams(t.title)) weights.set(b, 2);
      for (const [b, w] of weights) {
        if (GENERIC.has(b)) continue;
        let p = this.postings.get(b);
        if (!p) {
          p = new Map();
          this.postings.set(b, p);
        }
        p.set(t.number, w);
      }
    }
  }

  /** A task's lead units, as imported: [] when unknown. */
  leadUnits(number: number): readonly string[] {
    return this.leads.get(number) ?? [];
  }

  /**
   * Whether `word` (two characters) is a word of task `number`'s title that names it: not a generic word, and in the
   * titles of at most two tasks. `titleWord(19, "网络")` → true for 完善公安网络体系 when one other title has 网络.
   */
  titleWord(number: number, word: string): boolean {
    if (word.length !== 2 || GENERIC.has(word) || !this.titles.get(number)?.includes(word)) return false;
    let n = 0;
    for (const t of this.titles.values()) if (t.includes(word)) n++;
    return n <= 2;
  }

  /** A task's title, or null when the plan has no such task. */
  title(number: number): string | null {
    return this.titles.get(number) ?? null;
  }

  /**
   * The tasks the text is most likely about, best first: only those scoring at least `minScore`
   * and within `ratio` of the best. Needs `minPairs` (two unless told) distinctive shared pairs.
   */
  match(text: string, opts: { minScore?: number; ratio?: number; max?: number; minPairs?: number } = {}): SubjectMatch[] {
    const { minScore = 5, ratio = 0.75, max = 3, minPairs = 2 } = opts;
    if (this.n === 0) return [];
    const scores = new Map<number, { score: number; pairs: string[] }>();
    for (const b of new Set(bigrams(text))) {
      const p = this.postings.get(b);
      // A pair found in more than a quarter of the tasks says little about which one is meant.
      if (!p || p.size > Math.max(2, this.n / 4)) continue;
      const idf = Math.log((this.n + 1) / p.size);
      for (const [number, w] of p) {
        const s = scores.get(number) ?? { score: 0, pairs: [] };
        s.score += idf * w;
        s.pairs.push(b);
        scores.set(number, s);
      }
    }
    const ranked = [...scores.entries()]
      .filter(([, s]) => s.pairs.length >= minPairs)
      .map(([number, s]) => ({ number, title: this.titles.get(number) ?? "", score: Math.round(s.score * 10) / 10, shared: joinPairs(s.pairs) }))
      .sort((a, b) => b.score - a.score || a.number - b.number);
    const best = ranked[0];
    if (!best || best.score < minScore) return [];
    return ranked.filter((r) => r.score >= best.score * ratio).slice(0, max);
  }
}

/** Join overlapping pairs back into words for display: ["数字", "字工", "工匠"] → ["数字工匠"]. */
function joinPairs(pairs: string[]): string[] {
  const words: string[] = [];
  for (const p of pairs) {
    const last = words[words.length - 1];
    if (last?.endsWith(p[0]!)) words[words.length - 1] = last + p[1];
    else words.push(p);
  }
  return words;
}
