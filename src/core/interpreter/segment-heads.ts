import { completionWord } from "./progress-figures.js";

/*
 * More places where a task reference heads a segment of a report (issue 25, "Multi-line reports"), beside the line
 * breaks, `；` and list markers of interpret.ts's segmentStart: items numbered inline with no line break
 * (`6月工作小结：1.任务20完成 2.任务21 65%`), spoken list heads (`一是任务8… 二是任务14…`), a subject with its task
 * in brackets at the head of a line (`2. 科技兴警示范点（任务18）：…`), and a clause after a comma that says the task
 * is done (`任务2的办法已经印发，任务1去年就完成了`). A number in the body of a segment is still never a task.
 */

/** A bracketed item number: `（2）`, `(二)`. */
const PAREN = "[(（]\\s*(?:\\d{1,2}|[一二三四五六七八九十]+)\\s*[)）]";
/** A list head written inline: `1.` (not `2.5`), `一是`, `其一`, `首先`, `其次`, `此外`. */
export const INLINE_HEAD =
  "(?:\\d{1,2}\\s*[.、](?!\\d)|[一二三四五六七八九十]\\s*是|其[一二三四五六]|第[一二三四五六七八九十]+\\s*[,，、:：]?|首先|其次|再次|此外|另外" +
  `|${PAREN}|[a-h]\\s*[.、)）](?![a-z\\d]))`;
/** An inline head after a boundary; a bracketed number after anything (`60%（2）任务7`); `②` (NFKC `2`) after a figure. */
const INLINE_ITEM = new RegExp(`(?:(?:^|[\\s:：,，;；。%])\\s*${INLINE_HEAD}|${PAREN}|(?<=[%成])\\s*\\d{1,2})\\s*[【[]?\\s*$`, "u");
/** At a line's head, after its list marker: a short subject and an opening bracket, `2. 科技兴警示范点（`. */
const BRACKETED = /(?:^|\n)\s*(?:\d{1,2}\s*[.、)）]|[一二三四五六七八九十]+\s*[、.．]|[-•·*])?\s*[^\n,，。;；:：()（）]{1,16}[(（]\s*$/u;
/** The inline head before a segment's first reference, to leave out of its body: `一是`, `2.`. */
export const LEADING_INLINE_HEAD = new RegExp(`^[\\s:：,，;；。]*${INLINE_HEAD}`, "u");

/**
 * Where a segment headed by the reference at `ref` starts by one of these forms, or -1:
 * `itemHeadStart("小结：1.任务20完成 2.任务21 65%", {start: 17, end: 21})` → 15 (the `2.` item).
 */
export function itemHeadStart(low: string, ref: { start: number; end: number }): number {
  // Only the text just before the reference can head it: the forms are read in a window (each of a report's lines would
  // otherwise rescan the whole text before it), behind a character that none of them can start with, so that the
  // window's start is no `^`.
  const from = Math.max(0, ref.start - HEAD_WINDOW);
  const window = low.slice(from, ref.start);
  const at = (prefix: string, index: number) => (from > 0 ? from + index - prefix.length : index);
  const bracketPrefix = from > 0 ? "，" : "";
  const bracket = BRACKETED.exec(bracketPrefix + window);
  if (bracket && /^\s*[)）]/u.test(low.slice(ref.end))) {
    const index = at(bracketPrefix, bracket.index);
    return index + (low[index] === "\n" ? 1 : 0);
  }
  const itemPrefix = from > 0 ? "\u0001" : "";
  const item = INLINE_ITEM.exec(itemPrefix + window);
  if (item) return at(itemPrefix, item.index) + (/^[\s:：,，;；。%]/u.test(item[0]) ? 1 : 0);
  return -1;
}

/** How far before a reference its head may start (characters): a list marker and a subject of at most 16, with spaces. */
const HEAD_WINDOW = 48;

/** A clause that opens with its own figure: `任务6完成80%`, `任务6 进度七成`, `任务6 65%`. */
const OWN_FIGURE =
  /^\s*(?:的)?\s*(?:进度|进展|完成(?:了)?|已完成|达到)?\s*(?:约|大约|大概|近)?\s*(?:\d{1,3}(?:\.\d+)?\s*%|百分之|[一二两三四五六七八九十]\s*成)/u;

/**
 * After a comma, a clause that says its task is done or gives its own figure: `，任务1去年就完成了`, `，任务6完成80%`.
 */
export function completesAfterComma(low: string, ref: { end: number }): boolean {
  // Its own first clause only: in `，任务9也在推进 已完成` the completion is said of something else.
  const clause = /^[^,，。;；\n\s]*/u.exec(low.slice(ref.end).replace(/^\s+/u, ""))![0];
  return completionWord(clause) !== null || OWN_FIGURE.test(clause);
}

/** The end of a clause that gave its figure or said it is done: `…百分之六十`, `… 60%`, `…已经完成了`. */
const FIGURE_END = /(?:\d\s*%|[一二两三四五六七八九十]\s*成|百分之[零〇一二两三四五六七八九十百]+|完成了?|弄完了?|搞定了?)\s*$/u;

/**
 * Voice input with no punctuation runs two reports together: a reference right after a clause that ended with its
 * figure, whose own clause opens with a figure or says its task is done, heads a segment
 * (`任务6完成了百分之六十任务7完成了百分之八十`, `任务6 60% 任务7 80%`). `任务6进度60%任务12配合推进` stays one.
 */
export function runOnHead(low: string, ref: { start: number; end: number }): boolean {
  if (!FIGURE_END.test(low.slice(Math.max(0, ref.start - 20), ref.start))) return false;
  const clause = /^[^,，。;；\n]*?(?=任务|$|[,，。;；\n])/u.exec(low.slice(ref.end))![0];
  return completionWord(clause) !== null || OWN_FIGURE.test(clause);
}

/** A segment's body that reports nothing: `任务13 进展：无`, `暂无`, `本周无进展`. */
const NIL = /^(?:(?:本周|本月|本期|目前)?\s*(?:无|暂无|没有|无新|暂无新)\s*(?:进展|进度|变化|更新)?|同上|[-—–/、]+)\s*[。.]?$/u;

/** Whether a segment's body says there is nothing to report: `isNilReport("进展：无")` → true. */
export function isNilReport(body: string): boolean {
  return NIL.test(body.replace(/^\s*(?:进展|进度|情况|工作进展)?\s*[:：]?\s*/u, "").trim());
}

/** The kinds of inline heads, so that an item ends at the next head of its own kind only. */
const KINDS = [
  new RegExp(PAREN, "u"),
  /[a-h]\s*[.、)）]/u,
  /\d{1,2}\s*[.、](?!\d)/u,
  /[一二三四五六七八九十]\s*是/u,
  /其[一二三四五六]/u,
  /第[一二三四五六七八九十]+/u,
  /首先|其次|再次|此外|另外/u,
];

/**
 * Where an item that starts with an inline head at `start` ends: at the next head of the same kind after `from`
 * (`1.任务20完成 … 2.任务21` ends before ` 2.`), or null when it starts with no inline head.
 */
export function inlineItemEnd(low: string, start: number, from: number): number | null {
  const head = new RegExp(`^[\\s:：,，;；。]*(?:${INLINE_HEAD})`, "u").exec(low.slice(start));
  if (!head) return null;
  const kind = KINDS.find((k) => k.test(head[0]));
  if (!kind) return null;
  const next = new RegExp(`[\\s:：,，;；。](?=\\s*(?:${kind.source}))`, "u").exec(low.slice(from));
  return next ? from + next.index : null;
}
