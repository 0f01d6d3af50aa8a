import { taskNumber } from "../grammar.js";
import type { SubjectIndex, SubjectMatch } from "./subject-index.js";
import type { TaskRef } from "./task-refs.js";

/*
 * Chinese numerals that split two ways (issue 25): `任务十二名师工作室` is task 12 and 名师工作室, or task 10 and
 * 二名师…; `任务十一台无人机` is 11 or 10 and 一台; `任务二十五个重要信息系统` is 25 or 20 and 五个. The reading
 * whose task's subject (from the plan's own titles and descriptions) matches the rest of the message wins; when none
 * does, the bot asks.
 */

const RUN = /(?:任务|task)\s*(?:编号|第)?\s*([零〇一二两三四五六七八九十]{1,4})/giu;

const MAX_REREAD = 8;

/** What reading the numerals of a message gave: the references to use, and the tasks to ask about when unsure. */
export interface NumeralReading {
  refs: TaskRef[];
  /** Two or more readings with no subject to choose between them: ask, offering these. */
  ask: SubjectMatch[] | null;
}

/**
 * Read every `任务` + Chinese numeral two ways where it can be, and keep the reading whose task the rest of the message is
 * about: `readNumerals("任务十二批次新型单警装备…", refs, subjects)` → the reference to 12, not 10.
 */
export function readNumerals(
  low: string,
  refs: readonly TaskRef[],
  subjects: SubjectIndex | null | undefined,
  cues: string[],
  senderUnits: readonly string[] = [],
): NumeralReading {
  if (!subjects) return { refs: [...refs], ask: null };
  let out = [...refs];
  let ask: SubjectMatch[] | null = null;
  const byStart = new Map(refs.map((r) => [r.start, r]));
  let reread = 0;
  for (const m of low.matchAll(RUN)) {
    const run = m[1]!;
    const at = m.index! + m[0].length - run.length;
    const existing = byStart.get(m.index!);
    // A reference that took the whole run is plain (`任务十二进展`); one that stopped short (`任务十` of `任务十二名…`,
    // where `名` may count) or none at all (`任务十二批次`, `任务七名师…`) is read again.
    if (existing && existing.end >= at + run.length) continue;
    if (!existing && refs.some((r) => r.start < at + run.length && r.end > m.index!)) continue;
    // A report names a few tasks: past that, a run of numerals is not read again (and a hostile text stays cheap).
    if (++reread > MAX_REREAD) break;
    const readings: { n: number; len: number }[] = [];
    for (let k = run.length; k >= 1; k--) {
      const n = taskNumber(run.slice(0, k));
      if (n !== null && n > 0 && subjects.title(n) !== null && !readings.some((r) => r.n === n)) readings.push({ n, len: k });
    }
    if (readings.length === 0) continue;
    // The rest of the clause, the same for every reading: what the task is about.
    const rest = low.slice(at + run.length, at + run.length + 120).split(/[。；;\n]/u)[0]!;
    const scores = new Map(subjects.match(rest, { minScore: 0, ratio: 0, max: 50, minPairs: 1 }).map((s) => [s.number, s]));
    // The subject decides; between readings it leaves equal, the one whose task the sender's unit leads.
    const leads = (n: number) => (subjects.leadUnits(n).some((u) => senderUnits.includes(u)) ? 1 : 0);
    const ranked = readings.map((r) => ({ ...r, score: scores.get(r.n)?.score ?? 0, lead: leads(r.n) })).sort((a, b) => b.score - a.score || b.lead - a.lead);
    const best = ranked[0]!;
    const ref: TaskRef = { numbers: [best.n], start: existing?.start ?? m.index!, end: at + best.len, form: "任务N" };
    const second = ranked[1];
    if (best.score > 0 && (!second || second.score < best.score || (existing && best.lead > second.lead))) {
      cues.push(`numeral:${run}→${best.n}(subject ${best.score}${best.lead ? ", sender leads it" : ""})`);
      out = [...out.filter((r) => r !== existing), ref].sort((a, b) => a.start - b.start);
    } else if (existing && second && best.lead > second.lead) {
      // No subject either way, but only one of the tasks is led by the sender's unit.
      cues.push(`numeral:${run}→${best.n}(sender leads it)`);
      out = [...out.filter((r) => r !== existing), ref].sort((a, b) => a.start - b.start);
    } else if (existing && readings.length > 1) {
      // Read two ways and neither task's subject is in the message: keep the old reading, and ask.
      cues.push(`numeral:${run}→${readings.map((r) => r.n).join("|")}?`);
      ask = readings.slice(0, 2).map((r) => ({ number: r.n, title: subjects.title(r.n) ?? "", score: 0, shared: [] }));
    }
  }
  return { refs: out, ask };
}
