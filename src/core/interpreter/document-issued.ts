/*
 * A task whose work is to draw up a document (制定…管理办法, 建立…制度, 编制…方案) is done when that document is issued
 * (issue 25, "Completion words"): `任务2的管理办法5月已经印发` reports task 2 at 100, as a clerk would write, when the
 * document's kind is a word of the task's own title. Issuing a document that is a step of some other task
 * (`方案已印发` for a platform to build) is not a completion.
 */

/** The kinds of document a task of the genre draws up. */
const DOCUMENT = "办法|制度|方案|规定|细则|意见|规划|预案|标准|规范|章程|指引";
/** The document, a few words, and the word that issues it: `管理办法5月已经印发`, `制度已正式出台`. */
const ISSUED = new RegExp(
  `(${DOCUMENT})[^,，。;；!！?？\\s]{0,8}?(?:已经?|均已|都已|已于)?[^,，。;；!！?？\\s]{0,6}?(?:正式)?(?:印发|出台|发布|下发|施行|颁布)(?:了|实施)?(?=$|[,，。;；!！\\s])`,
  "u",
);
/** Words that deny or postpone the issuing: `还没印发`, `准备出台`, `待印发`. */
const NOT_YET = /没|未|待|拟|准备|将|要|计划|预计|争取|即将|正在|报审|送审|征求/u;

/**
 * The words that say the task's own document was issued, or null:
 * `documentIssued("的管理办法5月已经印发", (w) => w === "办法")` → "办法5月已经印发", `documentIssued("办法还没印发", …)` → null.
 */
export function documentIssued(text: string, titleWord: (word: string) => boolean): string | null {
  const m = ISSUED.exec(text);
  if (!m || !titleWord(m[1]!)) return null;
  const said = m[0].slice(m[1]!.length);
  return NOT_YET.test(said) ? null : m[0];
}
