/*
 * Chatter that looks like an update (issue 25, "Chatter stays safe"): a figure forecast rather than reached, a report
 * forwarded or quoted from another unit, a file shared with a request to people. Pure functions over the lower-cased,
 * normalised text; the interpreter leaves such messages alone or reads its figures without the forecast.
 */

/** What hides a clause: a private-use character, neither a space, a digit, punctuation nor Han, so no rule reads it. */
const HIDDEN = "\uE000";
/** Ends a clause: punctuation, a line break, or a list marker after a blank (`…完成 2.任务21…`). */
const CLAUSE_END = "[,，。;；!！?？\\n]|\\s+(?=\\d{1,2}\\s*[.、)）])";

/**
 * A forecast: a figure or a completion still to come, from its word to the end of its clause (`预计下周能到60%`,
 * `争取年底前完成`, `下个月能到八成`). Not `累计完成年度计划的45%` (a plan's share) nor `估计有个五成` (a hedged report).
 */
const FORECAST = new RegExp(
  [
    `(?:预计|预期|有望|可望|争取|力争|计划(?![的书表单中内])|打算|目标(?:是|为)|估计(?=[^,，。;；\\n]{0,6}(?:能|可以?|将|会)))(?:(?!${CLAUSE_END})[\\s\\S])*`,
    `(?:下周|下星期|下个?月|月底|年底|年内|季度末|下一?阶段|近期|过几天|过两天)(?:(?!${CLAUSE_END})[^已]){0,6}?` +
      `(?:能|可以?|将|会|就能|就可以)\\s*(?:达到|到|完成|突破|超过|提升到|提高到|弄完|做完|搞定)(?:(?!${CLAUSE_END})[\\s\\S])*`,
  ].join("|"),
  "gu",
);
/** What a forecast must hold to hide: a figure or a word of completion (`达到60%`, `八成`, `完成`). */
const FIGURE_OR_DONE = /\d\s*%|百分之|[一二三四五六七八九十]\s*成|过半|一半|完成|弄完|做完|搞定|到位|全覆盖/u;

/**
 * The text with every forecast clause hidden (same length, so offsets still hold): `任务6完成60%，预计下周到80%` →
 * `任务6完成60%，` and hidden characters. Work done earlier in the message is still read.
 */
export function hideForecasts(low: string): string {
  if (!/预|望|争取|力争|计划|打算|目标[是为]|估计|下周|下星期|下个?月|月底|年底|年内|季度末|阶段|近期|过[几两]天/u.test(low)) return low;
  return low.replace(FORECAST, (m, at: number) => (FIGURE_OR_DONE.test(m) && !/已/u.test(low.slice(Math.max(0, at - 2), at)) ? HIDDEN.repeat(m.length) : m));
}

/** Hide in `text` (as written, same length) what is hidden in `hidden` (its lower-cased copy). */
export function hideLike(text: string, hidden: string): string {
  if (hidden.length !== text.length || !hidden.includes(HIDDEN)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) out += hidden[i] === HIDDEN ? HIDDEN : text[i];
  return out;
}

/** The heading of a report that is another's: `转发刑侦周报：`, `各单位进展汇总（摘自督办系统）：`. */
const FORWARDED_HEAD = /转发|转自|转载|摘自|引自|来源[:：]|各单位|各所队|各大队|各部门|各科室/u;
/** Anywhere: a source quoted (`（摘自督办系统）`) or a report passed on as a model to copy (`参考这个格式写`). */
const FORWARDED_ANYWHERE =
  /[(（]\s*(?:摘自|转自|引自|来源|源自)|(?:参考|参照|按照?|照着?|仿照|学习)\s*(?:一下)?\s*(?:这个|这份|此|这|上面的?|以下的?|下面的?)\s*(?:格式|样式|模板|写法|样子|范本)/u;

/**
 * Why a message is a report forwarded or quoted from others, or null: its heading (before the first `：` or line
 * break, within 30 characters) says so, or it names its source, or passes the report on as a model.
 * `forwardedReport("转发刑侦周报：⏎1. 任务6：…60%")` → "转发".
 */
export function forwardedReport(low: string): string | null {
  const head = /^[^\n:：]{0,30}(?=[:：\n])/u.exec(low);
  const inHead = head ? FORWARDED_HEAD.exec(head[0]) : null;
  if (inHead) return inHead[0];
  return FORWARDED_ANYWHERE.exec(low)?.[0] ?? null;
}

/** A file or list shared in the chat: `已发群文件`, `发群里了`, `已上传共享盘`, `见附件`. */
const SHARED = /群文件|发(?:到|在)?群里|发群|共享(?:盘|文件夹|目录)|网盘|附件|已上传|上传到/u;

/**
 * The text with each clause that shares a file hidden, when the message asks people to act on it
 * (`第二十三项的点位清单已发群文件，请各所核对后于周三前反馈`): the sharing is the vehicle of a request, not work done.
 */
export function hideSharing(low: string, request: boolean): string {
  if (!request || !SHARED.test(low)) return low;
  return low.replace(new RegExp(`(?:(?!${CLAUSE_END})[\\s\\S])+`, "gu"), (clause) => (SHARED.test(clause) ? HIDDEN.repeat(clause.length) : clause));
}

/** The whole message is hidden but for its task references, punctuation and blanks. */
export const HIDDEN_MARK = HIDDEN;
