import type { SubjectIndex, SubjectMatch } from "./subject-index.js";

/*
 * What an update says about progress when it gives no figure in the usual form (issue 25, "Completion words",
 * "Hedged figures", "Multi-line reports"): a task said to be done is at 100, a word like 过半 is a report with no
 * figure, and a line that only plans is not a report.
 */

/** Words that say the work was done, as the last word of a clause: `已经完成了`, `弄完了`, `搞定`. */
const FINISHED = "(?:完成|弄完|做完|搞完|办完|干完|整完|弄好|搞好|做好|完工|竣工|办结|结束|落实到位|搞定|销号)";
/**
 * A completion said of the whole task: the completion word ends its clause (`任务4已经完成了`, `可以算完成了`,
 * `上个月就弄完了`, `搞定✅`, voice input's `任务6已经完成了任务7…`), with nothing done to an object after it (`完成初审` is a step).
 */
const COMPLETION = new RegExp(
  `(?:(?:可以|应该|应当|基本上?可以|也)?\\s*算(?:是)?\\s*|已经?|都|就|全部|全都|也|早就|彻底|圆满)?\\s*${FINISHED}\\s*(?:了|啦|咯|喽)?` +
    `(?=\\s*(?:吧|哈|啊|呀)?\\s*(?:[,，。.!！;；~～…\\n]|[\\u{1F000}-\\u{1FAFF}\\u{2600}-\\u{27BF}\\u{FE0F}]|\\s|$|任务\\s*(?:\\d|[一二三四五六七八九十]+(?![半点些批]))))`,
  "u",
);
/** Words before a completion that deny it, make it partial, or put it in the future: `还没完成`, `基本完成`, `年底前完成`. */
const NOT_COMPLETED =
  /(?:没|没有|未|尚未|还未|不|不能|无法|难以|基本|大部分|部分|大体|初步|一半|要|将|需|需要|须|必须|争取|力争|确保|计划|预计|准备|拟|打算|前|底前|以前|之前|能否|能不能|是否|如果|要是|若|假如)\s*(?:已经?|都)?\s*$/u;
/** What may stand before a completion said of the whole task: the task itself and when (`该项工作`, `上个月就`, `那两个都`). */
const WHOLE_TASK = new RegExp(
  [
    // The sender's unit and its share: `我们这块弄完了`, `我所这边已经完成了`; not `那边弄完了` (another party).
    "(?:(?:我所|我队|我大队|我中心|本单位|我单位|我们?|咱们?)这?(?:块|边|里)?|这块|这边)",
    "(?:(?:上|这|本)?(?:周|星期|礼拜)[一二三四五六日天]|(?:该|这|此|本)\\s*(?:项|个)?\\s*(?:任务|工作)?|任务|工作|(?:上|这|本|今|去|前)?个?(?:月|周|礼拜|星期|年)(?:底|初|末|中)?",
    // A date: `去年12月就完成了`, `2023年底已完成`, `5月份`.
    "(?:\\d{1,4}|[一二三四五六七八九十]{1,3})\\s*(?:年|月|日|号)(?:份|底|初|末|中)?|早在|在",
    "今天|昨天|前天|日前|前几天|目前|现在|截至目前|已经|已|于|早就|早|就|都|均|也|可以|全部|全面|[\\s:：]",
    // The tasks pointed at in speech: `那个两个都已经弄完了`, `这两项都完成了`.
    "(?:那|这)?(?:个)?\\s*[两俩三几]\\s*(?:个|项)(?:任务|工作)?|那个|这个|嗯|呃)",
  ].join("|"),
  "gu",
);

/**
 * Where voice input, which has no punctuation, joins two clauses: after a finished verb (`成立了`), a joining word
 * (`就是`, `不过`), or a word on reporting itself (`一直没报`), so that what follows is said of the whole task.
 */
const SPOKEN_JOIN = /了|就是|但是|不过|其实|反正|总之|所以|现在|目前|(?:一直|还|都)?(?:没|没有|未|忘了|忘记)(?:及时)?(?:报|上报|报送)/gu;

/** The last clause of a run of spoken clauses: `lastSpokenClause("文件也发了就是一直没报")` → "". */
function lastSpokenClause(text: string): string {
  let at = 0;
  for (const m of text.matchAll(SPOKEN_JOIN)) at = m.index! + m[0].length;
  return text.slice(at);
}

/**
 * The completion word of a clause that says the whole task is done, or null:
 * `completionWord("任务4已经完成了")` → "已经完成了", `completionWord("完成初审 60%")` → null, `completionWord("还没完成")` → null.
 */
export function completionWord(text: string): string | null {
  // Voice input has no punctuation: a space ends a clause too (`文件已经印发 这项可以销号了`).
  for (const clause of text.split(/[,，。;；!！?？\s]/u)) {
    const m = COMPLETION.exec(clause);
    if (!m) continue;
    const before = clause.slice(0, m.index);
    if (NOT_COMPLETED.test(before)) continue;
    // `可以算完成了` judges the whole task; otherwise nothing but time words may come before (`方案已完成` is a step),
    // in the last spoken clause when voice input runs clauses together (`文件也发了就是一直没报已经完成了`).
    if (!/算/u.test(m[0]) && lastSpokenClause(before).replace(WHOLE_TASK, "").trim() !== "") continue;
    return m[0].trim();
  }
  return null;
}

/** A part or a stage of the work, never the whole task: `管理办法初稿`, `一期工程`, `前期调研`, `试点`. */
const STEP = /初稿|草稿|征求意见稿|送审稿|讨论稿|初审|前期|调研|[一二三]期|第[一二三四五六七八九十\d]|部分|试点|阶段|招标|采购|设计|立项|选址|初步/u;

/**
 * A completion said of the task by a word of its own title: `tsk19 网络改造弄完了` for 完善公安网络体系 (`titleWord` says
 * whether a two-character word names the task). The object is short (two to six characters); `completionOfSubject("方案弄完了", …)`
 * → null, as `方案` is a step.
 */
export function completionOfSubject(text: string, titleWord: (word: string) => boolean): string | null {
  for (const clause of text.split(/[,，。;；!！?？\s]/u)) {
    const m = COMPLETION.exec(clause);
    if (!m || /算/u.test(m[0])) continue;
    const before = clause.slice(0, m.index);
    if (NOT_COMPLETED.test(before)) continue;
    const object = before.replace(WHOLE_TASK, "").trim();
    if (!/^\p{Script=Han}{2,6}$/u.test(object) || STEP.test(object)) continue;
    for (let i = 0; i + 2 <= object.length; i++) if (titleWord(object.slice(i, i + 2))) return m[0].trim();
  }
  return null;
}

/** Asking whether a task is done, which is a question about it and not a report: `任务19算完成了吗？`, `任务1弄完了没`. */
const ASKS_DONE = new RegExp(`${FINISHED}\\s*(?:了)?\\s*(?:吗|么|没有?|没|了没有?|与否)\\s*[?？]?\\s*$|是否(?:已经?)?\\s*${FINISHED}`, "u");

/** The completion a question asks about, or null: `asksCompletion("任务19算完成了吗？")` → "完成了吗？". */
export function asksCompletion(text: string): RegExpExecArray | null {
  return ASKS_DONE.exec(text.trim());
}

/**
 * Words that report progress without a figure: `过半`, `基本完成`, `有进展`, `接近尾声`. They make a named task's
 * message an update with no percent, never a figure.
 */
const PROGRESS_WORDS = new RegExp(
  [
    "过半|过了一半|大半|多半|基本完成|基本结束|基本到位|大部分完成|接近尾声|进入尾声|收尾|快完成|快弄完|快结束|即将完成",
    "有进展|有了进展|有新进展|取得进展|取得(?:了)?(?:阶段性)?(?:成效|成果|突破)|稳步推进|正常推进|按计划推进|有序推进",
    "推进中|进行中|在推进|在做|在弄|还在调|在调试",
    // `弄得差不多了，就剩智能运维那块`: nearly done, no figure.
    "(?:弄|搞|做|干|建|整|推进)得差不多了?|差不多(?:弄|搞|做|干)?完了",
  ].join("|"),
  "u",
);

/** A word that reports progress with no figure, or null: `progressWord("任务8 过半")` → "过半". */
export function progressWord(text: string): string | null {
  const m = PROGRESS_WORDS.exec(text);
  if (!m) return null;
  // `还没有进展`, `没什么进展`: nothing to report.
  if (/(?:没|未|无)[^,，。;；]{0,3}$/u.test(text.slice(0, m.index))) return null;
  return m[0];
}

/**
 * A clause that only plans (`任务17材料下周报送`): future words and no word or figure of work done. Such a line in a
 * report is not an update, even when another line of the same message is.
 */
export function onlyPlans(body: string, hasFigure: boolean, done: string | null, future: RegExp): boolean {
  return !hasFigure && !done && !completionWord(body) && !progressWord(body) && future.test(body);
}

/** A list marker that opens an item of a pasted report: `2.`, `二、`, `（二）`, `- `. */
const MARKER = "(?:\\d{1,2}\\s*[.、)）]|[一二三四五六七八九十]+\\s*[、.．]|[(（]\\s*[一二三四五六七八九十\\d]+\\s*[)）]|[-•·*])";
const ITEM_HEAD = new RegExp(`(?:^|\\n|\\s{2,})\\s*${MARKER}\\s*(?:报告|关于)?\\s*[【[]?\\s*$`, "u");
const NEXT_ITEM = new RegExp(`(?:\\n|\\s{2,})\\s*${MARKER}`, "u");

/**
 * The item of a pasted list that a task reference heads, or null when it heads no list item:
 * in `1.培训\n2.任务15 方案完成约四成\n3.110接警处置98%` the reference to 15 heads the second line only.
 * The item ends at the next item, or at its line's end when the line says more than the task.
 */
export function listItemSpan(low: string, ref: { start: number; end: number }): { start: number; end: number } | null {
  const head = ITEM_HEAD.exec(low.slice(0, ref.start));
  if (!head) return null;
  const start = head.index + (/^(?:\n|\s{2,})/u.exec(head[0])?.[0].length ?? 0);
  const next = NEXT_ITEM.exec(low.slice(ref.end));
  let end = next ? ref.end + next.index : low.length;
  const lineEnd = low.indexOf("\n", ref.end);
  if (lineEnd !== -1 && lineEnd < end && low.slice(ref.end, lineEnd).replace(/[\s:：,，;；】\]]/gu, "") !== "") end = lineEnd;
  return { start, end };
}

/** Words that point at a task by its subject: `工作室挂牌那件事`, `单警装备那块`. */
const POINTER = /那件事|那个事|这件事|那项|这项|那块|这块|那个任务|这个任务|那项工作|那个工作/u;

/**
 * The tasks a report names only by subject, best first. With a figure and a pointing word (`工作室挂牌那件事，进度七成了`)
 * one distinctive word of the task's title is enough; otherwise two, as for any subject match. The bot always asks.
 */
export function subjectsOfReport(low: string, subjects: SubjectIndex, hasFigure: boolean): SubjectMatch[] {
  const found = subjects.match(low);
  return found.length > 0 || !hasFigure || !POINTER.test(low) ? found : subjects.match(low, { minPairs: 1 });
}

/** A completion only supposed or asked about (`任务2要是弄完了就赶紧报办结`, `年底前能不能弄完`): no report. */
export const SUPPOSED = /(?:(?<![主只就还总])要是|如果|假如|倘若|万一|能不能|能否|可不可以)[^,，。;；!！?？\n]{0,12}(?:完|好|成|到位)/u;
