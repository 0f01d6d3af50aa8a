/**
 * How the interpreter recognises a command. Commands declare cues; the one shared interpreter
 * (src/core/interpreter) scores every message against them and the task grammar.
 * - `update`: a progress update (进展) on tasks (the update command).
 * - `task-query`: a question about one task; `words` single out this one (`历史` for history), none for status.
 * - `list-query`: a question answered by a list; `words` are what it is about (`逾期`, `快到期`).
 * - `unit-query`: a unit's tasks; `words` link a unit name to tasks (`负责`, `牵头`).
 * - `task-command`: an instruction with fixed syntax: one of `prefixes` before task numbers, one of `suffixes` after them,
 *   or an `around` pair on both sides (`暂停` … `的提醒`), then an optional reason. With `bare`, one of those phrases
 *   in a message that names no task, from an admin, in a direct chat or addressed to the bot, is the command with no
 *   numbers (`这周局里集中整训，提醒先停一下`), and its handler asks which tasks.
 *   With `whole`, a message that is only this command in other words, with no fixed syntax (`刚才所报第二十二项进度有误，请予撤回`,
 *   `撤回上一条`): each form is matched on the whole message with its task references replaced by `#`; the tasks are
 *   the references', else a number the form captures as `task` (`不是6`), else the task replied to, else none (then
 *   only where the message matches `wholeWithoutTask`: the retract command finds the sender's latest update). A `reason`
 *   group is the reason.
 * - `directive`: an instruction that names no task (`绑定 @zhang:bureau.local 刑侦大队`): one of `prefixes`, then the rest as written;
 *   with `rest`, only when the rest matches it (so `周报 任务6 本周完成…` stays an update, not a request for the digest).
 */
export type CommandCues =
  | { kind: "update" }
  | { kind: "task-query"; words: readonly string[] }
  | { kind: "list-query"; words: readonly string[] }
  | { kind: "unit-query"; words: readonly string[]; explicit: readonly string[] }
  | {
      kind: "task-command";
      prefixes: readonly string[];
      suffixes?: readonly string[];
      around?: readonly (readonly [string, string])[];
      bare?: readonly string[];
      whole?: readonly RegExp[];
      wholeWithoutTask?: RegExp;
      /**
       * Whose words the `whole` forms are: `admin`, only the office's (`同意办结` from the office completes the task replied to;
       * from anyone else it is talk, never the command).
       */
      wholeBy?: "admin";
      /**
       * Tested on `<verb> <the words after the numbers>`: where it matches, a question in those words does not stop the
       * command (a rejection's reason may ask the officer something: `办结审核 23 退回 缺少验收报告，是不是漏传了？`).
       */
      reasonMayAsk?: RegExp;
    }
  | { kind: "directive"; prefixes: readonly string[]; rest?: RegExp };

/**
 * Pieces of the commands' `whole` forms that several commands share. `WHOLE_THIS_TASK`: what a request in words points
 * at, the task (`#` where the message names it) or the one replied to (`这个`).
 */
export const WHOLE_THIS_TASK = "(?:#|这个|这项|这件事|该项|此项|该任务|这个任务)?\\s*(?:任务)?\\s*的?\\s*";
/**
 * What a reminder instruction in words is about: tasks named (`#`, `#、#`) or the one replied to (`这个`, `该项`), then the
 * kind of reminder (`的督办提醒`, `的催办`).
 */
export const WHOLE_THESE_TASKS = "(?:#(?:\\s*(?:[、,，/&]|和|及|与)?\\s*#)*|这个|这项|这件事|该项|此项|本项|该任务|这个任务)\\s*(?:任务)?\\s*的?\\s*";
/** A reason told before an instruction, ending in a comma: `因指挥情报中心近期承担七一安保任务，`, `市局已经部署下来了，`. */
export const WHOLE_LEAD_REASON = "(?:(?:因|由于|鉴于|考虑到)?[^,，。;；!！\\n#]{2,40}[,，]\\s*(?:即日起|自即日起|从今天起|现|特此|故)?\\s*)?";
/** Tasks named, one or a list (`#`, `#、#和#`), as the interpreter masks them for the `whole` forms. */
export const WHOLE_TASK_LIST = "#(?:\\s*(?:[、,，/&]|和|及|与)?\\s*#)*";
/**
 * A reason told first that may itself name the task, when a causal word opens it: `鉴于任务十九…已于去年底基本完成，`; the
 * instruction then points back at it (`暂停该项任务的督办提醒`), never at a task of its own.
 */
export const WHOLE_LEAD_CAUSE = "(?:因|由于|鉴于|考虑到)[^,，。;；!！\\n]{2,60}[,，]\\s*(?:即日起|自即日起|从今天起|现|特此|故)?\\s*";
/** The task pointed back at: `该项任务的`, `上述任务`. */
export const WHOLE_THAT_TASK = "(?:该项|此项|本项|这项|上述|以上)\\s*(?:任务)?\\s*的?\\s*";
/** How long, after a pause: `暂停一周`, `停两个月`. */
export const FOR_A_WHILE = "(?:\\s*(?:一下|[一二两三四五六七八九十几半\\d]+\\s*(?:天|日|周|个?星期|个?礼拜|个?月)))?";

/**
 * Words that ask (`谁关的`, `怎么回事`, `为什么`, `多会儿审核`, `有没有批`, `是否需要审核`, a closing `行不行`), or a closing 么: a message
 * holding one asks about a command and changes nothing. The interpreter's fixed-syntax step (src/core/interpreter/interpret.ts)
 * reads the words after a command with them, so that `任务6办结了，什么时候审核` is a question about task 6, never an order.
 * Not asking: `没什么问题`, `什么的`, `哪怕`, a closing 呢 (`设备还在招标呢`), and a question told as what is awaited or
 * weighed (`等市局通知何时启动`, `待确定有没有经费`, `正在研究如何推进`).
 */
const WAITED_ON = "(?<!(?:等|待|看|视|确定|通知|明确|决定|了解|请示|商定|商量|讨论|考虑|研究|问清)[^，,。;；!！?？\n]{0,8})";
const ASKING_WORDS =
  `[?？]|吗|么(?=[\\s~～…!！.。]*$)|${WAITED_ON}(?:谁|怎么|为什么|为啥|咋|(?<!没)(?:什么|啥)(?!的)|何时|几时|多会|多久|哪(?!怕)|如何|` +
  "是否|是不是|有没有|要不要|" +
  // A request may be put politely (`能不能先停掉`): asking for leave only closes the message (`办结 1 行不行`).
  "(?:能不能|可不可以|能否|可否|行不行|好不好|对不对|可以不)(?=[\\s~～…!！.。吧呀啊]*$))";
/** At the start of a `whole` form: the message holds no asking word anywhere. */
export const WHOLE_NOT_ASKING = `(?![\\s\\S]*(?:${ASKING_WORDS}))`;
/** A reason (or message) that asks: the command changes nothing. */
export const ASKS = new RegExp(ASKING_WORDS, "u");
