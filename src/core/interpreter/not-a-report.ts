/*
 * Messages that hold task numbers and figures but report nothing (issue 25, "Chatter stays safe"; the fourth blind
 * set): an explanation of what a goal means, a figure the sender disowns or will check before reporting, a draft sent
 * to someone for review, a hand-made recap that defers to the system's record. Pure functions over the lower-cased,
 * normalised text; the interpreter leaves such messages alone, or reads the rest of the message without the clause.
 */

/** What hides a clause (as in not-progress.ts): a private-use character no rule reads. */
const HIDDEN = "\uE000";
/** One clause: up to punctuation or a line break. */
const CLAUSE = /[^,，。;；!！?？\n]+/gu;

/**
 * An explanation of what words mean, not a report: `特此说明：任务二十五中“…基本完成”是指等保定级备案工作`,
 * `任务6说的完成指的是两人都通过评审`, `这里的60%意思是…`. The mark, or null.
 */
const EXPLAINS = /是指|指的是|所指的?是|意思是|的意思|含义是|应理解为|理解为|口径是|口径为|特此说明|需要说明的是/u;
export function explainsMeaning(low: string): string | null {
  return EXPLAINS.exec(low)?.[0] ?? null;
}

/**
 * A figure the sender disowns as progress: `65%是上月数字`, `92%是应接尽接率不是进度`, `这个60%是去年的`, `那个数不对`.
 * Each such clause is hidden.
 */
const FIGURE = String.raw`(?:\d+(?:\.\d+)?\s*[%％]|百分之[\d一二三四五六七八九十]+|[一二三四五六七八九十两]\s*成|这个数|那个数|数字|数据)`;
const DISOWNED = new RegExp(
  [
    `${FIGURE}[^,，。;；\\n]{0,8}?(?:是|为|系)(?:上个?月|上周|上星期|上季度|去年|前年|之前|以前|原来|旧|老)的?`,
    "不是(?:进度|进展|完成率|完成度|本月的?|这个月的?|最新的?)",
    `${FIGURE}[^,，。;；\\n]{0,4}?(?:不对|有误|错了|不准)`,
  ].join("|"),
  "u",
);

/**
 * A report put off until something is checked or done: `我这周重新核一下再报`, `核实后再报`, `8月份招标完了再报`,
 * `等设备到了再上报`. The clause says what comes first; nothing in it is done yet. Not `下周再细报` (details later,
 * after a report) nor `具体数据月底报`.
 */
const DEFERRED = new RegExp(
  String.raw`(?:核|核实|核对|复核|核查|确认|落实|问|查)(?:一下|一遍|清楚|好|完)?\s*(?:后|之后|以后)?\s*再\s*(?:报|上报|报送|汇报|发)` +
    String.raw`|(?:完了|完成了?|好了|到了|结束|出来|定了|之后|以后|后)\s*再\s*(?:报|上报|报送|汇报)` +
    String.raw`|^\s*等[^,，。;；\n]{1,16}(?:再|才能?)\s*(?:报|上报|报送|汇报)`,
  "u",
);

/** The text with every disowned figure's clause and every put-off report's clause hidden (same length). */
export function hideNotReported(low: string): string {
  if (!DISOWNED.test(low) && !DEFERRED.test(low)) return low;
  return low.replace(CLAUSE, (clause) => (DISOWNED.test(clause) || DEFERRED.test(clause) ? HIDDEN.repeat(clause.length) : clause));
}

/**
 * A draft sent to someone to look over before it goes out (`@沈大 本周周报我先发您过目，改好了再发群里：⏎1.…`,
 * `先发给你看看，没问题我再报`): its lines are not reported yet. Not a report that ends `请审阅`, nor work on a draft
 * (`申报材料已完成初稿`). The mark, or null.
 */
const DRAFT =
  /(?:先|预先)\s*(?:发|给|报)(?:给)?\s*(?:您|你|领导)|(?:改|修改|审|定|看)好了?\s*(?:我)?再(?:发|报|交|上报)|没(?:有)?问题(?:了)?\s*(?:我)?再(?:发|报|交|上报)/u;
export function draftForReview(low: string): string | null {
  const head = /^[^\n]{0,60}/u.exec(low)?.[0] ?? "";
  return DRAFT.exec(head)?.[0] ?? null;
}

/**
 * A recap that defers to the record (`附：6月任务进度统计表（手工版）⏎任务19 90%⏎…⏎有出入的以督办系统记录为准`): figures
 * copied from what was already reported, not a new report. The mark, or null.
 */
const DEFERS_TO_RECORD = /以[^,，。;；\n]{0,10}(?:系统|平台|台账|记录|督办|正式)[^,，。;；\n]{0,6}为准|手工版|手工统计|手工汇总|(?:仅|只)作(?:参考|核对)/u;
export function defersToRecord(low: string): string | null {
  return DEFERS_TO_RECORD.exec(low)?.[0] ?? null;
}

/**
 * 目标 as a thing watched or struck (`反恐重点目标`, `打击目标`), not a goal (`目标是年底前完成`): blanked (same length) before a
 * reply is searched for goals and demands (reply-context.ts, NOT_A_REPORT), so `反恐重点目标预警模型在试运行，有进展` reports.
 */
const TARGET_NOUN = /(?:重点|打击|防范|防控|管控|监控|侦查|布控|涉恐|反恐|涉稳|敏感|风险|安保|高危)目标/gu;
export function withoutTargetNouns(low: string): string {
  return low.replace(TARGET_NOUN, (m) => " ".repeat(m.length));
}

/**
 * A query or a report called off (`任务13先不用查了，我下午当面问叶主任`, `这个不必再报了`): said to the bot in a
 * direct chat, it asks nothing, so the bot does not offer the task's status instead. The words, or null.
 */
const CALLED_OFF =
  /(?:先|暂时|暂且)?(?:不用|不必|无需|用不着|别|不要|甭|先不|暂不)\s*(?:再|帮我|给我)?\s*(?:查|看|问|报|调取|调阅)(?:了|啦|一下了)?(?=$|[\s,，。;；!！~～]|我|等|回头)/u;
export function callsOff(low: string): string | null {
  return CALLED_OFF.exec(low)?.[0] ?? null;
}
