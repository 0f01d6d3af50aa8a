import type { AnyCommand, CommandCues } from "../command.js";
import type { Confidence, Interpretation } from "./interpretation.js";
import type { SubjectIndex, SubjectMatch } from "./subject-index.js";
import { alternation } from "./vocabulary.js";
import { type Lexicon, subjectHits, subjectSoundHits, unitHit, unitSoundHit } from "./lexicon.js";

/**
 * Leaders' questions by evidence (issue 25, "Intent by evidence, not by coverage alone"): a question is scored from
 * several signals (question forms, asking words, requests to the bot, the sender, negative signs of talk to people)
 * instead of needing every word covered by cues and filler. Each signal is named, with its score, for `explain`.
 */

export interface Signal {
  name: string;
  score: number;
}

/** A question beyond doubt: a question mark or a closing particle (`吗`, `呢`, `没有`). */
const FORM = /[?？]|[吗嘛呢么][\s~～…!！.。]*$|(?:了没|没有|没)\s*[?？]?\s*$|有没有|是不是|是否|为什么|为啥|[吗呢](?=\s*(?:为啥|为什么|怎么|咋))/u;
/** Asking how something stands. */
const ASK = new RegExp(
  [
    "怎么样|咋样|如何|怎样|到哪一?步|到了?哪|什么程度|何种程度|啥进度|什么进度|什么情况|啥情况|(?<!没|没有)有什么新|(?<![无没]|没什么|没啥|没有什么)新进展|有眉目|进展如何|推进情况",
    "最新情况|最新进展|进展情况|搞得|弄得|做得|建得|推进得|落实得|完成(?:了|得)?多少|百分之几|几成|啥时候|什么时候|何时|还剩多少天",
    "还有几天|怎么用|怎么报|如何报|能查些?什么|情况",
  ].join("|"),
  "u",
);
/** Counting or listing: `还有几个`, `哪些`, `有啥`, `有什么任务`. `那几项` points at tasks, it does not ask. */
const COUNT = /(?<![那这])(?:几个|几项|多少|哪些|哪几)|有(?:啥|什么)(?!事|问题|情况|意见|要求|困难)/u;
/** Asking the bot to look something up or show it. */
const REQUEST =
  /帮我(?:查|看|列|汇总)|查一下|查查|看一下|看下|给我看|发一下|汇报一下|^请?报告|列一下|列出|列明|说一下|给我说|调出来|调阅|调取|调出|(?:跟|和|给)我(?:说|讲|报)|告诉我|(?<!下周|明天|回头)报(?:给)?我(?![们])|请告知|告知一下/u;
/** Asking who: `本月还有谁没交进展`. */
const WHO = /谁|哪家|哪个单位|哪些单位|哪几个单位/u;
/** Openers that are not a person's name: `截至目前，…`, `你好，…`. */
const OPENERS = "你好|您好|督办|请问|截至|目前|现在|今天|本月|这个|那个|另外|还有|麻烦|谢谢|好的|收到|对了|总的|整体|总体";
/** Talk to a person by name at the start (`刘洋，…`, `叶主任，你看下…`), a quote passed on, or an instruction to people. */
const TO_PERSON = new RegExp(
  `^>|^(?![\\u4e00-\\u9fff]{0,2}(?:${OPENERS}))[\\u4e00-\\u9fff]{2,4}[，,]|^@(?!督办)|^[\\u4e00-\\u9fff]{1,3}(?:主任|所长|局长|队长|科长|政委)[，,\\s]`,
  "u",
);
const INSTRUCTION = new RegExp(
  [
    "抓紧|尽快|务必|加把劲|准备一下|报上来|发我|跟一下|抓一下|统筹|上点心|注意[:：]|通报|下周|明天|下午|亲自|回头|别拖|表扬",
    "我已经|我下|周[一二三四五六日末]前|请(?!问)[\\u4e00-\\u9fff]{1,5}(?:说明|明确|予以|核实|答复|推荐)|要不要|不是(?![\\u4e00-\\u9fff]{1,6}(?:牵头|负责)的?吗)[\\u4e00-\\u9fff]{1,8}吗|我们是",
  ].join("|"),
  "u",
);
/** When people meet or go (`T9 啥时候开会讨论啊`, `什么时候碰个头`): a question to colleagues, not about a task's progress. */
const WHEN_WE_MEET =
  /(?:啥时候|什么时候|何时|几点|哪天)\s*(?:再|一起|大家|咱们|我们)?\s*(?:开会|开个会|讨论|碰头|碰一下|碰个头|商量|研究一下|见面|集合|出发|吃饭|聚餐|去|过去|过来)/u;
/** A file's name (`任务6进展情况汇总表（6月）.xlsx`): a file shared, not a question. */
const FILE_NAME = /\.(?:docx?|xlsx?|pdf|pptx?|wps|et|zip|rar|7z|jpe?g|png)\s*$/iu;
/** A figure stated, not asked: `完成率才40%`. */
const FIGURE = /\d+(?:\.\d+)?\s*[%％]|百分之|[一二三四五六七八九]成/u;

/** A subject and the word for progress, nothing else: `等保的进度`, `无人机那块进展呢`, `一网通办情况？`. */
const TERSE =
  /^(?![^\s,，。;；!！?？]*(?:我|你|他|她|咱|报|交|写|弄|搞|做|来|去|等[下会一]|发))[^\s,，。;；!！?？]{2,10}?(?:的|那个|那项|那块|这块|这项)?\s*(?:进度|进展|情况|状态)\s*(?:呢|嘞)?\s*[?？!！。]*$/u;

/** The signals that make a message a question for the bot, and their sum. */
export function questionSignals(low: string, sender: Sender = {}): { score: number; signals: Signal[] } {
  const signals: Signal[] = [];
  const add = (name: string, score: number) => signals.push({ name, score });
  const form = FORM.exec(low);
  if (form) add(`form:${form[0].trim() || "?"}`, 2);
  const ask = ASK.exec(low);
  if (ask) add(`ask:${ask[0]}`, ask[0] === "情况" ? 1 : 2);
  else if (TERSE.test(low)) add("ask:terse", 2);
  const count = COUNT.exec(low);
  if (count) add(`count:${count[0]}`, 1);
  const request = REQUEST.exec(low);
  if (request) add(`request:${request[0]}`, 1);
  const who = WHO.exec(low);
  if (who) add(`who:${who[0]}`, 1);
  if (sender.direct) add("direct", 1);
  else if (sender.addressed) add("addressed", 1);
  if (sender.leader) add("leader", 1);
  const person = TO_PERSON.exec(low);
  if (person) add(`to-person:${person[0]}`, -4);
  const instruction = INSTRUCTION.exec(low);
  if (instruction) add(`instruction:${instruction[0]}`, -3);
  const meet = WHEN_WE_MEET.exec(low);
  if (meet) add(`when-we-meet:${meet[0]}`, -3);
  const file = FILE_NAME.exec(low);
  if (file) add(`file-name:${file[0].trim()}`, -4);
  const figure = FIGURE.exec(low);
  if (figure && !form) add(`figure:${figure[0]}`, -3);
  return { score: signals.reduce((s, x) => s + x.score, 0), signals };
}

/** Who writes, where. */
export interface Sender {
  direct?: boolean;
  leader?: boolean;
  /** An admin of the office (科技办): its instructions to the bot need no task (`提醒先停一下`). */
  admin?: boolean;
  /** The bot is named or mentioned in a group room. */
  addressed?: boolean;
}

/**
 * Enough evidence of a question: a question form or asking word, and no sign of talk to people. In a group room,
 * not addressed to the bot, a question of the room's own (`一网通办的咨询电话转到交警那边了吗？`) needs an asking word
 * about progress, not only a question form.
 */
export function isAsked(q: { score: number; signals: Signal[] }, sender: Sender = {}): boolean {
  const asks = q.signals.some((s) => /^(?:form|ask|count|request|who):/.test(s.name) && s.score > 0);
  if (!asks || q.score < 2 || q.signals.some((s) => s.score <= -3)) return false;
  return sender.direct === true || sender.addressed === true || q.signals.some((s) => s.name.startsWith("ask:") && s.score >= 2);
}

/**
 * The tasks a question names by its subject, best first: the plan's subject index on the text, with each derived
 * alias it contains (`等保` → task 25) counted as a strong shared phrase. One clear task, or up to three guesses.
 */
export function subjectCandidates(low: string, subjects: SubjectIndex | null | undefined, lexicon: Lexicon | null | undefined): SubjectMatch[] {
  const scores = new Map<number, SubjectMatch>();
  for (const m of subjects?.match(low, { minScore: 4, ratio: 0.5 }) ?? []) scores.set(m.number, { ...m });
  const written = lexicon ? subjectHits(lexicon, low) : [];
  // Heard, not written (`等宝` for 等保): only when no alias is written as it is.
  const heard = lexicon && written.length === 0 ? subjectSoundHits(lexicon, low) : [];
  const hits = [...written.map(([a, tasks]) => ({ alias: a, label: a, tasks })), ...heard.map(([h, a, tasks]) => ({ alias: a, label: `${h}=${a}`, tasks }))];
  for (const { alias, label, tasks } of hits)
    for (const n of tasks) {
      const prev = scores.get(n) ?? { number: n, title: "", score: 0, shared: [] };
      scores.set(n, {
        ...prev,
        score: Math.round((prev.score + (alias.length >= 4 ? 10 : 6) / tasks.length) * 10) / 10,
        shared: [...prev.shared, `≈${label}`],
      });
    }
  const ranked = [...scores.values()].sort((a, b) => b.score - a.score || a.number - b.number);
  const best = ranked[0];
  if (!best || best.score < 5) return [];
  return ranked.filter((r) => r.score >= best.score * 0.6).slice(0, 3);
}

/** Joins two things asked together: `…，还有移动警务那个`, `等保和一网通办`, `另外…`. */
const AND_ALSO_ALL = /[,，、;；]?\s*(?:还有|以及|另外|再有|外加)|和|跟|、/gu;

/**
 * The tasks of a question that names two subjects joined by `还有`, `和` or `、`, each part with a clear task of its own;
 * null otherwise. `severalSubjects("跟我说下一网通办现在的进度，还有移动警务那个")` → [15, 20].
 */
function severalSubjects(low: string, ctx: { subjects?: SubjectIndex | null; lexicon?: Lexicon | null }): number[] | null {
  for (const m of low.matchAll(AND_ALSO_ALL)) {
    if (m.index === 0) continue;
    const tasks: number[] = [];
    for (const part of [low.slice(0, m.index), low.slice(m.index + m[0].length)]) {
      const c = subjectCandidates(part, ctx.subjects, ctx.lexicon);
      if (c.length > 0 && clearWinner(c) && !tasks.includes(c[0]!.number)) tasks.push(c[0]!.number);
    }
    if (tasks.length === 2) return tasks;
  }
  return null;
}

/** One clear task: the best scores well ahead of the next. */
export function clearWinner(candidates: readonly SubjectMatch[]): boolean {
  return candidates.length === 1 || (candidates.length > 1 && candidates[0]!.score >= candidates[1]!.score * 1.5);
}

/** The unit a question names, by its name, a directory alias or a derived one (`情报中心`, `交警队`). */
export function unitOf(low: string, lexicon: Lexicon | null | undefined): { alias: string; name: string } | null {
  const hit = lexicon ? (unitHit(lexicon, low) ?? unitSoundHit(lexicon, low)) : null;
  return hit ? { alias: hit[0], name: hit[1] } : null;
}

/** A name for every unit at once, not one of them: `局属各单位`, `各单位`, `各所队`, `全局`. */
const COLLECTIVE = /^(?:局属|县局|全局)?各|^全局$|^所有单位$/u;

/** A question about a unit's tasks: `出入境那边怎么样`, `巡特警的几项`, `交警队负责哪些`. */
export const UNIT_FRAME = /那边|那块|的任务|的几项|那几项|那几个|几项|几个|牵头|负责|手上|上的|任务/u;

/**
 * How to use the bot, asked in any words: `进展咋报 格式是啥`, `怎么查某个任务的进度？`, `请问如何通过本系统查询某项任务的进展？`.
 * A way of doing (怎么, 咋, 如何) with a verb of reporting or looking up, or the format asked; a verb with no object of
 * ours (`数据怎么报给市局`) is the room's own question, unless it is the bare `怎么报` the help has always answered.
 */
const HOW = "(?:怎么|咋|如何|怎样)(?:样)?(?:才能|可以|能|去)?(?:通过[^,，。?？]{0,8})?(?:填报|上报|报送|报|提交|查询|查看|查|使用|用)(?![了过完])";
const OURS = /任务|进展|进度|格式|系统|督办|机器人|怎么用|如何使用|能查|能做|能干|怎么报|如何报/u;
const HOW_TO = new RegExp(
  ["怎么用|如何使用|能查些?什么|能做什么|能干啥|怎么报|如何报|格式是什么", HOW, "格式(?:是啥|是什么|怎么写|咋写|什么样)|(?:什么|啥)格式"].join("|"),
  "u",
);

/**
 * The sender's own unit's tasks, asked: `偶们所有啥仁务啊`, `请问我大队牵头的任务共有几项`, `咱们队负责哪些事`. The words of
 * asking (几项, 啥, 哪些) are the question's signals (questionSignals); this says whose tasks.
 */
const OUR_TASKS = new RegExp(
  "(?:我们|我|咱们|咱|偶们|俺们|本)(?:单位|大队|中队|支队|队|所|中心|室|科|部门)?(?:这边|这里|里|那边)?(?:都|还|总共|一共|共)?" +
    "(?:(?:牵头|负责|承担|主要|所有|有|的)*[^,，。;；?？]{0,4}(?:任务|活儿)|(?:牵头|负责|承担)的?(?:事项|工作))",
  "u",
);

/** The aggregate questions and the words that show each, beyond the commands' own cues. */
export const AGGREGATES: readonly { command: string; re: RegExp; needs?: RegExp }[] = [
  {
    command: "unreported",
    re: /(?:谁|哪些单位|哪几个单位|哪几家|哪些|单位).{0,8}(?:没|未|还没)(?:有)?(?:交|报|报送|上报|提交)|未报送|没报送|未报进展|没报进展/u,
  },
  {
    command: "due-soon",
    re: /(?:年底|月底|年内|年前|季度末)(?:之?前)?.{0,6}(?:要|须|需|得)?(?:完成|交|报|办结)|要到期|快到期|即将到期|到期的/u,
  },
  // What the next reminder run sends: `下一轮提醒会发给哪些单位`, `明天的提醒发给谁`.
  // `请告知下一轮督办提醒将发送至哪些单位`, `下一次提醒会发给谁`.
  {
    command: "reminders-preview",
    re: new RegExp(
      [
        "(?:下一?[轮次回批]|明天|接下来)(?:的)?(?:督办)?(?:提醒|催办)(?!我|你|他|她|大家|一下|各)",
        "(?:提醒|催办)[^,，。;；?？]{0,4}(?:什么时候|啥时候|何时|几点|哪天)(?:发|推送|发送)",
        "(?<!刚才|刚刚|上次|昨天|那条)(?:提醒|催办)[^,，。;；?？]{0,6}(?:(?:会|将|要)[^,，。;；?？]{0,3}(?:发|推送)|(?:发|推送|发送)[^,，。;；?？]{0,3}(?:谁|哪些|哪几|哪个|什么))",
      ].join("|"),
      "u",
    ),
  },
  { command: "overdue", re: /逾期|超期|过期未|超过.{0,4}时限|未按期/u },
  { command: "help", re: HOW_TO, needs: OURS },
  { command: "mine", re: OUR_TASKS },
  { command: "overview", re: /总体|整体|总的情况|全部任务|各项任务|总览|二十五项|25项/u },
];

/** The aggregate a question asks for, by the words of AGGREGATES alone: `aggregateOf("下一次提醒会发给谁？")` → "reminders-preview". */
export function aggregateOf(low: string): string | null {
  return AGGREGATES.find((a) => aggregateMatch(a, low))?.command ?? null;
}

/** Where an aggregate's words are in `low`, when it also holds what the aggregate needs besides (`进展咋报`: 进展). */
function aggregateMatch(a: (typeof AGGREGATES)[number], low: string): RegExpExecArray | null {
  const m = a.re.exec(low);
  return m && (!a.needs || a.needs.test(low)) ? m : null;
}

/** A yes-or-no right after a query's word: `报了没有`, `报过吗`, `报了没`. */
const YES_OR_NO = /^\s*(?:没有?|吗|么|没报|未)\s*[?？]?/u;
/** Whether the words right after a query's word ask yes or no: `yesOrNo("没有？")` → true. */
export const yesOrNo = (after: string) => YES_OR_NO.test(after);

type TaskQuery = AnyCommand & { cues: Extract<CommandCues, { kind: "task-query" }> };

/**
 * A question about numbered tasks that the covered forms missed: the task-query whose cue word it holds (历史,
 * 谁牵头…), else status. Null when the evidence is short, or when work done is stated without a question form.
 */
export function taskQuestion(
  low: string,
  rest: string,
  queries: readonly TaskQuery[],
  sender: Sender | undefined,
  statesWork: boolean,
): { command: AnyCommand; cues: string[] } | null {
  const q = questionSignals(low, sender);
  if (!isAsked(q, sender)) return null;
  if (statesWork && !q.signals.some((s) => s.name.startsWith("form:"))) return null;
  const cues = [`evidence:${q.score}`, ...q.signals.map((s) => `${s.name}(${s.score > 0 ? "+" : ""}${s.score})`)];
  for (const cmd of queries) {
    if (cmd.cues.words.length === 0) continue;
    const hit = new RegExp(alternation(cmd.cues.words), "i").exec(rest);
    // Whether it was done at all (`报了没有？`, `报过吗`) asks for the latest, which the status shows, not for a list.
    if (hit && yesOrNo(rest.slice(hit.index + hit[0].length))) continue;
    if (hit) return { command: cmd, cues: [...cues, `${cmd.name}:${hit[0]}`] };
  }
  const status = queries.find((c) => c.cues.words.length === 0);
  return status ? { command: status, cues } : null;
}

interface LeaderContext {
  subjects?: SubjectIndex | null;
  lexicon?: Lexicon | null;
  sender?: Sender;
  /** YYYY-MM-DD: a deadline in a year already over is overdue. */
  today?: string;
}

/**
 * A question with no task number: an aggregate (`年底前要完成的还有几个`, `本月还有谁没交进展`), a task by its subject
 * or abbreviation (`无人机管控那块怎么样了`), or a unit by its nickname (`出入境那边的任务`). Null unless asked.
 */
export function leaderQuestion(
  low: string,
  ctx: LeaderContext,
  byKind: <K extends CommandCues["kind"]>(kind: K) => (AnyCommand & { cues: Extract<CommandCues, { kind: K }> })[],
): { command: AnyCommand; args: Interpretation["args"]; confidence: Confidence; cues: string[] } | null {
  const q = questionSignals(low, ctx.sender);
  if (!isAsked(q, ctx.sender)) return aboutTheBot(low, q, byKind);
  const cues = [`evidence:${q.score}`, ...q.signals.map((s) => `${s.name}(${s.score > 0 ? "+" : ""}${s.score})`)];
  // Every unit (`局属各单位`, `各所队`) is no one unit: `局属各单位…哪些单位尚未报送` asks who has not reported.
  const named = unitOf(low, ctx.lexicon);
  const unit = named && COLLECTIVE.test(named.name) ? null : named;
  const candidates = subjectCandidates(low, ctx.subjects, ctx.lexicon);
  const status = byKind("task-query").find((c) => c.cues.words.length === 0);
  const listed = byKind("list-query");
  if (!unit)
    for (const a of AGGREGATES) {
      const m = aggregateMatch(a, low);
      const past = a.command === "due-soon" && m ? pastYear(low, ctx.today) : null;
      const cmd = listed.find((c) => c.name === (past ? "overdue" : a.command));
      if (!cmd || !m) continue;
      if (past) return { command: cmd, args: {}, confidence: "certain", cues: [...cues, `aggregate:due-soon:${m[0]}`, `past-year:${past}`] };
      const until = a.command === "due-soon" ? dueUntil(low) : undefined;
      return {
        command: cmd,
        args: until ? { until } : {},
        confidence: "certain",
        cues: [...cues, `aggregate:${a.command}:${m[0]}`, ...(until ? [`until:${until}`] : [])],
      };
    }
  const subjectCues = candidates.map((c) => `subject:${c.number}(${c.shared.join("+")}) ${c.score}`);
  // A unit with a frame (`指挥中心牵头的那么多项`) is about the unit, unless a subject is named by a short name of its
  // own (`一网通办那个事出入境那边弄得怎么样了` is about task 15).
  const unitFramed = unit !== null && UNIT_FRAME.test(low.replace(unit.alias, ""));
  // A short name that is also the unit's (`网安`: 网安大队, and 网络安全 in task 25's title) names the unit when framed as
  // one: `网安的任务咋样了`.
  const byAlias = candidates[0]?.shared.some((w) => w.startsWith("≈") && !(unitFramed && unit?.alias.includes(w.slice(1)))) ?? false;
  if (status && candidates.length > 0 && (!unit || (!unitFramed && clearWinner(candidates)) || byAlias)) {
    // Two subjects asked at once (`一网通办现在的进度，还有移动警务那个`): each part's own clear task, both answered.
    const both = severalSubjects(low, ctx);
    if (both) cues.push(`subjects:${both.join("+")}`);
    const numbers = both ?? (clearWinner(candidates) ? [candidates[0]!.number] : candidates.map((c) => c.number));
    // A subject only heard (`等宝` for 等保) is asked about first.
    const heardOnly = candidates[0]!.shared.every((w) => w.startsWith("≈") && w.includes("="));
    return {
      command: status,
      args: { numbers, candidates },
      confidence: clearWinner(candidates) && !heardOnly ? "certain" : "likely",
      cues: [...cues, ...subjectCues, clearWinner(candidates) ? "subject-clear" : "subject-guesses"],
    };
  }
  const unitQuery = byKind("unit-query")[0];
  if (unit && unitQuery && (UNIT_FRAME.test(low.replace(unit.alias, "")) || q.signals.some((s) => s.name.startsWith("ask:"))))
    return { command: unitQuery, args: { name: unit.name, explicit: false }, confidence: "certain", cues: [...cues, `unit:${unit.alias}→${unit.name}`] };
  return null;
}

/** What the bot keeps and is: a question of how to use them is the bot's (`进展咋报`), not one of any thing (`这个平台能做什么`). */
const BOT_THINGS = /任务|进展|进度|格式|系统|督办|机器人/u;

/** A day's duty, not the plan's tasks: `我们今天有啥任务`, `明天值班的任务`. */
const DUTY = /今天|今晚|今早|明天|明早|后天|晚上|上午|下午|周末|值班|勤务|安保/u;

/** What only the bot can answer: how to use it, what it reminds next, the sender's own tasks. */
const ABOUT_THE_BOT = new Set(["help", "reminders-preview", "mine"]);

/**
 * A question about the bot or the sender's own tasks, asked in a group room without naming the bot (`偶们所有啥仁务啊
 * 新来的`, `下一次提醒会发给谁？`, `怎么查某个任务的进度？`): no colleague answers it better than the bot, so an asking word or a
 * question form is evidence enough, and a way of doing (`咋报`) is itself the question. Talk to people still rules it out.
 */
function aboutTheBot(
  low: string,
  q: { score: number; signals: Signal[] },
  byKind: <K extends CommandCues["kind"]>(kind: K) => (AnyCommand & { cues: Extract<CommandCues, { kind: K }> })[],
): { command: AnyCommand; args: Interpretation["args"]; confidence: Confidence; cues: string[] } | null {
  const a = AGGREGATES.find((x) => ABOUT_THE_BOT.has(x.command) && aggregateMatch(x, low) !== null);
  if (!a) return null;
  // A sign of talk to people counts unless it is the aggregate's own word (`明天提醒都发给哪些单位`: 明天).
  const words = a.re.exec(low)![0];
  if (q.signals.some((s) => s.score <= -3 && !words.includes(s.name.slice(s.name.indexOf(":") + 1)))) return null;
  const asks = q.signals.some((s) => /^(?:form|ask|count|request|who):/.test(s.name) && s.score > 0);
  if (a.command === "help" ? !BOT_THINGS.test(low) : !asks && !/啥|什么|哪|几/u.test(low)) return null;
  // Today's duty (`我们今天有啥任务`) is not the plan's.
  if (a.command === "mine" && DUTY.test(low)) return null;
  const cmd = byKind("list-query").find((c) => c.name === a.command);
  if (!cmd) return null;
  const cues = [`evidence:${q.score}`, ...q.signals.map((s) => `${s.name}(${s.score > 0 ? "+" : ""}${s.score})`)];
  return { command: cmd, args: {}, confidence: "certain", cues: [...cues, `about-the-bot:${a.command}:${a.re.exec(low)![0]}`] };
}

/** `年底前要完成的` → "year", `本月到期的` → "month": due-soon to that end instead of the warning window. */
export function dueUntil(low: string): "year" | "month" | undefined {
  if (/年底|年内|年前|今年/.test(low)) return "year";
  if (/月底|本月|这个月|当月/.test(low)) return "month";
  return undefined;
}

/**
 * A year named in a question about deadlines that is already over on `today` (YYYY-MM-DD): `2023年底到期的还有哪些没完成`
 * on 2024-06-30 asks for the overdue tasks. `pastYear("去年底到期的", "2024-06-30")` → "去年".
 */
export function pastYear(low: string, today: string | undefined): string | null {
  if (!today) return null;
  const year = Number(today.slice(0, 4));
  const m = /(20\d\d)\s*年|去年|前年/u.exec(low);
  if (!m) return null;
  return m[1] === undefined || Number(m[1]) < year ? m[0] : null;
}

/**
 * A message put to a colleague, not to the bot: an @mention first (`@孙磊 任务9进展怎么样了`), a title first (`刘队，…`),
 * or an errand asked of one person (`你问下`, `回我一下`). The mark that says so, or null.
 */
export function toPerson(low: string): string | null {
  return PERSON_ERRAND.exec(low)?.[0] ?? null;
}
const PERSON_ERRAND = new RegExp(
  [
    "^@(?!督办)\\S+|^[\\u4e00-\\u9fff]{1,3}(?:主任|所长|局长|队长|科长|政委|指导员|教导员|警官|哥|姐)[，,\\s]|^[\\u4e00-\\u9fff]队[，,\\s]",
    "你(?:去|帮我|再)?问(?:一?下|问)|你(?:去|帮忙)?(?:催|跟)(?:一?下|进)|回我一下|回个话|给我回个?话|有人知道(?:不|吗|没)|谁知道|有谁(?:知道|清楚|了解)|谁清楚|谁了解",
    "\\s@(?!督办)\\S+\\s*(?:你|你们)",
  ].join("|"),
  "u",
);

/** A complaint put as a question: `怎么一条进展都没有？`, `为什么一点动静都没有`, `咋一个都没报`. */
export const RHETORICAL = /(?:怎么|为什么|为啥|咋)[^,，。;；?？]{0,6}(?:都|也)(?:没有?|不)(?:[^,，。;；?？]{0,3})[?？!！]*\s*$/u;

/** A question put to the room, not to the bot: `有人知道不`, `谁知道`, `有谁清楚`. */
export const TO_THE_ROOM = /有人知道|谁知道|有谁(?:知道|清楚|了解)|谁清楚|谁了解/u;
