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
 * `争取年底前完成`, `下个月能到八成`, `计划新增100个`). Not `累计完成年度计划的45%` (a plan's share), `按计划推进` nor
 * `估计有个五成` (a hedged report).
 */
/** 计划 as the verb of a plan: `计划于7月`, `计划新增100个`; not the noun (`年度计划的45%`, `计划任务`, `按计划推进`). */
const PLANS = "计划(?=于|在|下|本月|今年|明|年[内底]|月底|\\d|[一二三四五六七八九十]+月|将|要|新增|完成|达到|开展|启动|组织|再|继续|全部)";
const FORECAST = new RegExp(
  [
    `(?:预计|预期|有望|可望|争取|力争|${PLANS}|打算|目标(?:是|为)|估计(?=[^,，。;；\\n]{0,6}(?:能|可以?|将|会)))(?:(?!${CLAUSE_END})[\\s\\S])*`,
    `(?:下周|下星期|下个?月|月底|年底|年内|季度末|下一?阶段|近期|过几天|过两天)(?:(?!${CLAUSE_END})[^已]){0,6}?` +
      `(?:能|可以?|将|会|就能|就可以)\\s*(?:达到|到|完成|突破|超过|提升到|提高到|弄完|做完|搞定)(?:(?!${CLAUSE_END})[\\s\\S])*`,
  ].join("|"),
  "gu",
);
/**
 * The text with every forecast clause hidden (same length, so offsets still hold): `任务6完成60%，预计下周到80%` →
 * `任务6完成60%，` and hidden characters. Work done earlier in the message is still read.
 */
export function hideForecasts(low: string): string {
  if (!/预|望|争取|力争|计划|打算|目标[是为]|估计|下周|下星期|下个?月|月底|年底|年内|季度末|阶段|近期|过[几两]天/u.test(low)) return low;
  return low.replace(FORECAST, (m) => HIDDEN.repeat(m.length));
}

/** Hide in `text` (as written, same length) what is hidden in `hidden` (its lower-cased copy). */
export function hideLike(text: string, hidden: string): string {
  if (hidden.length !== text.length || !hidden.includes(HIDDEN)) return text;
  let out = "";
  for (let i = 0; i < text.length; i++) out += hidden[i] === HIDDEN ? HIDDEN : text[i];
  return out;
}

/**
 * The heading of a report that is another's or a model to copy: `转发刑侦周报：`, `各单位进展汇总（摘自督办系统）：`, `转：`,
 * `以下是刑侦大队的周报，供参考：`, `示例：`.
 */
const FORWARDED_HEAD = /转发|转自|转载|摘自|引自|来源|各单位|各所队|各大队|各部门|各科室|供参考|示例|范例|样例|模板|格式|^(?:转|fw|fwd)$/u;
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

/** Whether `text` holds no word once hidden clauses are taken out: `任务12 目标是年底前全覆盖` says nothing done. */
export function onlyHidden(text: string): boolean {
  return text.includes(HIDDEN) && !/[\p{Script=Han}a-z\d]/iu.test(text);
}

/** Where a thing is, not what was done: `#6 报名表在我桌上`, `发票在我抽屉里`. */
export const WHERE_IT_IS = /在(?:我|你|他|她|咱|我们|你们)?(?:的)?(?:桌上|桌子上|抽屉|柜子|办公室|这儿|这里|那儿|那里|手上|手里|电脑里|邮箱里)/u;

/**
 * The units a message attributes tasks to, when two or more are named right beside their tasks (`刑侦 任务6 60%；警保 任务12
 * 55%`, `任务6 刑侦报60%`): a digest of others' reports, not the sender's. A unit named in a line's body (`配合国保完成…`,
 * `已配发城关、胡坊等5个所队`) is not one. `units` maps each name or alias to its unit.
 */
export function othersDigest(low: string, refs: readonly { start: number; end: number }[], units: ReadonlyMap<string, string>): string[] | null {
  if (refs.length < 2 || /我|本单位|本大队|本所|本室|本中心/u.test(low)) return null;
  const named = new Set<string>();
  for (const r of refs) {
    const before = low.slice(Math.max(0, r.start - 12), r.start).replace(/[\s:：,，]+$/u, "");
    const after = low.slice(r.end, r.end + 16).replace(/^[\s:：,，]+/u, "");
    for (const [alias, unit] of units) {
      const a = alias.toLowerCase();
      if (a.length < 2) continue;
      if (before.endsWith(a) || (after.startsWith(a) && /^(?:报送?|上报|填报|报了)/u.test(after.slice(a.length)))) named.add(unit);
    }
  }
  return named.size >= 2 ? [...named] : null;
}

/** Money: a budget, funds paid or allotted. A figure of money (`经费仅拨付百分之三十`) measures the funding, not the work. */
const MONEY = /经费|资金|预算|拨款|拨付|款项|付款|支付|尾款|首付|报销|财政|货款|设备款|工程款|进度款|预付款|已付/u;
/** One clause: up to punctuation, a line break or a list marker. */
const CLAUSE = new RegExp(`(?:(?!${CLAUSE_END})[\\s\\S])+`, "gu");
/** A figure in a clause: a percent, a share (`三成`), a sum (`50万元`). */
const FIGURE_IN_CLAUSE = /\d\s*[%％]|百分之|[一二三四五六七八九十两]\s*成|\d\s*(?:万|元)|几成|一半|过半|三分之/u;
/** Words of the work itself, which keep a clause with money in it a report: `资金到位，建设进度60%`. */
const OF_THE_WORK = /进度|进展|(?<!拨付|支付|付款|报销|到位)完成|建成|安装|部署|上线|调试/u;

/**
 * The text with each clause about money hidden (same length): `任务12采购经费仅拨付百分之三十，其余待财政审批` says how the
 * funding stands, a blocker perhaps, but no progress of the task. A clause that also names the work (`经费到位，进度60%`) stays.
 */
export function hideMoney(low: string): string {
  if (!MONEY.test(low)) return low;
  return low.replace(CLAUSE, (clause) =>
    MONEY.test(clause) && FIGURE_IN_CLAUSE.test(clause) && !OF_THE_WORK.test(clause) ? HIDDEN.repeat(clause.length) : clause,
  );
}

/**
 * Saying another unit does the work, and nothing of what was done: `实验室这块我们是配合，主要是网安在弄，我问下他们`,
 * `这个不归我们管，是指挥中心负责`. The mark, or null.
 */
export function othersDoIt(low: string): string | null {
  return OTHERS_DO_IT.exec(low)?.[0] ?? null;
}
const OTHERS_DO_IT = new RegExp(
  [
    "我们(?:只|只是|就是|是|属于)?(?:配合|协助|协办)(?:单位)?(?=\\s*(?:[,，。;；\\n]|$|而已|为主))|主要是(?!我|咱|本)[^,，。;；\\n]{1,8}(?:在弄|在做|在搞|在负责|牵头|负责)",
    "不归我们|不是我们(?:牵头|负责|的任务)|(?:我|我们)(?:再|去|先)?问(?:一?下|问)(?:他们|她们|[^,，。;；\\n]{1,6}那边)",
  ].join("|"),
  "u",
);

/**
 * The first line of a message heads a plan of work to come, not a report: `国保大队下周计划`, `下月工作安排：`,
 * `下阶段工作打算`, `下周督办工作安排：`. The heading, or null.
 */
export function plansHeading(low: string): string | null {
  return PLANS_HEADING.exec(low)?.[0].trim() ?? null;
}
const PLANS_HEADING =
  /^[^\n:：]{0,12}?(?:下周|下星期|下个?月|下阶段|下一阶段|明年|近期|下季度)(?:的)?(?:重点)?(?:[^\n:：,，。]{0,6}?工作)?(?:计划|安排|打算|要点|思路)[^\n]{0,6}(?:\n|[:：]\s*(?=\S))/u;

/**
 * A heading of figures that are not the plan's: another body's report (`市局网安支队周报摘要：`, `省厅通报：`) or a unit's
 * routine statistics (`上半年治安大队主要工作数据：`). The heading, or null.
 */
export function othersFigures(low: string): string | null {
  return OTHERS_FIGURES.exec(low)?.[0].trim() ?? null;
}
const OTHERS_FIGURES = new RegExp(
  [
    "^[【[]?(?:市局|省厅|市公安局|省公安厅|上级|全市|全省)[^\\n:：]{0,12}(?:周报|月报|摘要|通报|通知|数据|情况|简报|动态)",
    "^[^\\n:：]{0,20}(?:工作数据|业务数据|数据统计|统计数据|主要数据|战果)\\s*[:：]?\\s*\\n",
    "(?:^|\\n|[，。,])\\s*(?:仅)?供(?:参考|大家参考|学习|借鉴)\\s*[。.!！]?\\s*$",
  ].join("|"),
  "u",
);

/**
 * A completion demanded or urged, not reported: `任务25年底前要基本完成，这个节点不能误`, `必须按时完成`, `务必于月底前办结`.
 * Those words, taken out, leave the rest of the message to be read.
 */
export const DEMANDED_DONE = new RegExp(
  [
    "(?:要|须|需|必须|务必|应当?|确保|力争|争取|得)\\s*(?:(?:在|于)?[^,，。;；\\n]{0,6}?(?:前|底|内|日|号)\\s*)?(?:基本|全部|全面|按时|如期|按期)?\\s*(?:完成|办结|建成|到位|弄完|做完)",
    "(?:节点|时限|进度)(?:不能|不得|别)(?:误|拖|耽误)",
  ].join("|"),
  "u",
);

const DEMANDED_DONE_ALL = new RegExp(DEMANDED_DONE.source, "gu");

/** The text without its demanded completions (DEMANDED_DONE), each replaced by a blank. */
export function withoutDemands(low: string): string {
  return low.replace(DEMANDED_DONE_ALL, " ");
}

/**
 * Words of a police bureau's routine work, which no plan of this genre is about: `本周安全生产检查发现隐患3处，已整改2处`,
 * `查处治安案件14起`. A report of such work that names no task shares only common words with the plan's subjects.
 */
const ROUTINE = /安全生产|消防安全|交通安全|食品安全|治安案件|刑事案件|行政拘留|刑事拘留|查处|抓获|破获|打击整治|接处警/u;

/** The routine-work word of a message, or null: `routineWork("本周安全生产检查发现隐患3处")` → "安全生产". */
export function routineWork(low: string): string | null {
  return ROUTINE.exec(low)?.[0] ?? null;
}
