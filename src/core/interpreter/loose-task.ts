import { taskNumber } from "../grammar.js";

/*
 * A task named by its number alone, as the whole message (`6号那个`, `那13呢`, `第六项`, `还有15号呢？`): one definition
 * for the two places that read it, a follow-up question in reply to the bot (reply-context.ts) and the guess of the
 * fallback where the bot is addressed (ask-instead.ts).
 */

const OPENER = "(?:那|那么|还有|再看看?|看看|查查|查一下)?";
const NUMBER = "(?:任务)?\\s*第?\\s*(\\d{1,3}|[一二三四五六七八九十]{1,3})\\s*(?:号|项)?\\s*(?:任务|那个|这个|那项|这项|那件事|那一项)?";
const ASKING = "(?:呢|的呢|吗|怎么样了?|咋样了?)";
/** The number, with or without a word that asks: `6号那个`, `第六项`, `那13呢`. */
const LOOSE = new RegExp(`^${OPENER}\\s*${NUMBER}\\s*${ASKING}?\\s*[?？]?$`, "u");
/** The number and a word that asks: `那13呢`, `还有15号呢？`, `7号怎么样`. */
const ASKED = new RegExp(`^${OPENER}\\s*${NUMBER}\\s*${ASKING}\\s*[?？]?$`, "u");

/**
 * The task a message names by its number alone, or null; with `asking`, only when a word asks about it.
 * `looseTask("那13呢", { asking: true })` → 13, `looseTask("6号那个")` → 6, `looseTask("13号下午开会呢")` → null.
 */
export function looseTask(low: string, opts: { asking?: boolean } = {}): number | null {
  const m = (opts.asking ? ASKED : LOOSE).exec(low.trim());
  return m ? taskNumber(m[1]!) : null;
}

/** Two or more numbers alone, joined (`9号和13号呢`, `那7、8号呢`): a follow-up about several tasks. */
const SEVERAL = new RegExp(`^${OPENER}\\s*${NUMBER}((?:\\s*(?:和|、|,|，|及|跟|与|还有)\\s*${NUMBER})+)\\s*${ASKING}?\\s*[?？]?$`, "u");
const ONE = new RegExp(NUMBER, "gu");

/**
 * The tasks a message names by their numbers alone, one or several, or none: `looseTasks("9号和13号呢")` → [9, 13],
 * `looseTasks("6号那个")` → [6], `looseTasks("9号和13号开会")` → [].
 */
export function looseTasks(low: string): number[] {
  const one = looseTask(low);
  if (one !== null) return [one];
  const m = SEVERAL.exec(low.trim());
  if (!m) return [];
  const numbers = [taskNumber(m[1]!), ...[...m[2]!.matchAll(ONE)].map((x) => (x[1] ? taskNumber(x[1]) : null))];
  return numbers.every((n): n is number => n !== null) ? [...new Set(numbers)] : [];
}
