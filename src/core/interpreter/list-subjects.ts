/*
 * A unit's weekly list whose items are headed by tasks' subjects, not numbers (issue 25, "Subject without a number";
 * the fourth blind set): `治安大队科技兴警周报⏎1. 无人机管控：完成禁飞区划定⏎2. 户政窗口“一窗通办”改造完成`,
 * `本周刑侦大队：⏎- 图像侦查数字工匠：二人进入市局复审⏎- 禁毒实验室：试剂柜、检测仪到位`. Each item that reports work
 * is matched on its own, so every item's task is among the guesses, in the list's order, and a figure is read from
 * the first guessed task's own line (`现勘采集率96%` on another line is not its figure). Always asked about.
 */
import type { SubjectIndex, SubjectMatch } from "./subject-index.js";

/** A list item: a marker (`1.`, `2、`, `(3)`, `-`, `•`) or a `subject：` head at the start of a line. */
const ITEM = /^\s*(?:\d{1,2}\s*[.、．)）]|[(（]\d{1,2}[)）]|[-–—•·*])\s*|^\s*(?=[^\s:：,，。]{2,10}[:：]\s*\S)/u;
/** What an item headed by its subject (`禁毒实验室：试剂柜、检测仪到位`) may say to report a step reached. */
const STEP_REACHED = /到位|进场|到货|完毕|进入|通过|签订|已签|开通|上线|建成|挂牌|投用|交付|复审|初审|验收|划定/u;
/** A step still to come in such an item: `数字工匠：周三评审`, `禁毒实验室：验收材料准备好`, `材料周三前报市局`. */
const NOT_YET = /前|将|要|准备|待|拟|计划|预计|周[一二三四五六日天]|明天|后天|下周|下个?月|还没|尚未|未/u;

export interface ListedSubject {
  match: SubjectMatch;
  /** The item's line, lower-cased, as in the message. */
  item: string;
  /** Where the item starts in the message. */
  start: number;
}

/**
 * The tasks of a list's items, one per item that reports work (`reports(item)` says whether its words do, or it is
 * headed by its subject and names a step reached), in order, without repeats; null unless two tasks or more.
 * `skip(item, match)` leaves out an item (routine police work matched on common words).
 */
export function listedSubjects(
  low: string,
  subjects: SubjectIndex,
  reports: (item: string) => boolean,
  skip: (item: string, match: SubjectMatch) => boolean,
): ListedSubject[] | null {
  const lines: { text: string; start: number }[] = [];
  let at = 0;
  for (const line of low.split("\n")) {
    lines.push({ text: line, start: at });
    at += line.length + 1;
  }
  if (lines.length < 3) return null;
  const out: ListedSubject[] = [];
  for (const { text, start } of lines.slice(1)) {
    const marker = ITEM.exec(text);
    if (!marker) continue;
    const body = text.slice(marker[0].length);
    const headed = /^[^\s:：,，。]{2,10}[:：]\s*\S/u.test(body);
    if (!reports(body) && !(headed && STEP_REACHED.test(body) && !NOT_YET.test(body))) continue;
    const match = subjects.match(body)[0];
    if (!match || skip(body, match) || out.some((o) => o.match.number === match.number)) continue;
    out.push({ match, item: text, start });
  }
  return out.length >= 2 ? out : null;
}
