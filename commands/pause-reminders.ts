import { z } from "zod";
import { defineCommand, UserError } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { passOnLeaderRequest } from "../src/core/leader-reminders.js";
import {
  FOR_A_WHILE,
  WHOLE_LEAD_CAUSE,
  WHOLE_LEAD_REASON,
  WHOLE_NOT_ASKING,
  WHOLE_TASK_LIST,
  WHOLE_THAT_TASK,
  WHOLE_THESE_TASKS,
  WHOLE_THIS_TASK,
} from "../src/core/command-cues.js";

/**
 * A reason after the request: `，雪亮二期要等县里立项下来才能动`. 了 only after 吧 (`停掉吧了` is rare, `停掉了` tells what
 * happened), and no question mark: `提醒停了？` asks.
 */
const THEN_REASON = "\\s*(?:一下)?\\s*(?:吧了?|[啊呀])?\\s*(?:[,，。;；!！\\s]+(?<reason>[^?？]*?))?[\\s。!！]*$";
/** A cheap look ahead before the costlier ones: the message speaks of reminders at all. */
const ABOUT_REMINDERS = "(?=[\\s\\S]*?(?:提醒|催办))";
/** What may follow, as THEN_REASON without its group (the whole message is then the reason). */
const MORE = "\\s*(?:一下)?\\s*(?:吧了?|[啊呀])?\\s*(?:[,，。;；!！\\s]+[^?？]*?)?[\\s。!！]*$";
/** Asking, not telling: `能不能`, `可以`. */
const MAY = "(?:都|也|全部|全都|一并|统一)?\\s*(?:能不能|可不可以|能否|可否|可以|就)?\\s*(?:先|暂时|暂且)?\\s*";
/** Said in words after a task and a reason: `先别催了`, `提醒停一下`, one or both (`先别催了提醒停一下`). */
/** The words that pause reminders, in every form the command reads them (suffix, bare, said in words). */
const PAUSE_WORDS = ["暂停提醒", "暂停催办", "提醒暂停", "催办暂停", "停止提醒", "停止催办"] as const;
const STOP_PHRASE = `(?:${PAUSE_WORDS.join("|")}|提醒先停|催办先停|提醒停一下|提醒停掉|别催了?)`;
/** The verb first, then what it stops: `即日起暂停该项任务的督办提醒`, `暂停任务21、任务22的提醒`. */
const PAUSE_VERB = `(?:即日起|自即日起|从今天起)?\\s*${MAY}(?:暂停|停止|停发)\\s*(?:发送|推送)?\\s*`;
const REMINDERS_AFTER = "(?:各项)?(?:督办|定期|催办)?(?:提醒|催办)";
/**
 * Pausing said in words, the whole message: `这个提醒能不能先停掉，…`, `这个先别催了，市局还没开会` (in reply to the bot),
 * `任务3是长期任务，先暂停提醒吧` (the reason before). `不要暂停提醒` and `下周…` are not.
 */
const PAUSE_IN_WORDS = [
  new RegExp(`^${WHOLE_NOT_ASKING}${WHOLE_THIS_TASK}(?:提醒|催办)\\s*${MAY}(?:暂停|停掉|停一下|停一停|停发|关掉|关一下)${THEN_REASON}`, "u"),
  new RegExp(`^${WHOLE_NOT_ASKING}${WHOLE_THIS_TASK}${MAY}(?:别|不要|不用|不必|停止)\\s*催(?:办|了)?${THEN_REASON}`, "u"),
  new RegExp(
    // Voice input has no comma: `任务三这个是长期的先别催了提醒停一下`; then 先 or 暂时 must open the instruction, and it names the
    // reminders (an officer's `任务3我们在写了先别催了` is talk).
    `^${WHOLE_NOT_ASKING}#\\s*(?:是)?(?<reason>[^,，。;；\\n]{2,24}?)(?:[,，]\\s*(?:先|暂时|暂且|就)?|(?=[^,，]*(?:提醒|催办))\\s*(?:先|暂时|暂且))\\s*` +
      `${STOP_PHRASE}(?:\\s*(?:了)?\\s*${STOP_PHRASE})?\\s*(?:一下)?\\s*(?:吧了?)?[\\s。!！]*$`,
    "u",
  ),
  // The verb first, formally: `鉴于任务十九…已于去年底基本完成，即日起暂停该项任务的督办提醒。`, `因省厅平台割接，暂停任务21的提醒`.
  new RegExp(`^${ABOUT_REMINDERS}${WHOLE_NOT_ASKING}${WHOLE_LEAD_CAUSE}${PAUSE_VERB}${WHOLE_THAT_TASK}${REMINDERS_AFTER}${FOR_A_WHILE}${MORE}`, "u"),
  new RegExp(
    `^${ABOUT_REMINDERS}${WHOLE_NOT_ASKING}${WHOLE_LEAD_REASON}${PAUSE_VERB}${WHOLE_TASK_LIST}\\s*(?:任务)?\\s*的?\\s*${REMINDERS_AFTER}${FOR_A_WHILE}${MORE}`,
    "u",
  ),
  // The formal and the terse: `因…安保任务，第二十一项、第二十二项任务的督办提醒暂停发送，七月五日后另行恢复。`, `任务16、任务23的催办暂停一周`,
  // in reply `这个先暂停提醒，运维平台要等省厅统一招标`; the whole message is the reason.
  new RegExp(
    `^${ABOUT_REMINDERS}${WHOLE_NOT_ASKING}${WHOLE_LEAD_REASON}${WHOLE_THESE_TASKS}(?:督办|催办)?(?:提醒|催办)\\s*${MAY}(?:暂停|停止|停发)(?:发送|推送)?${FOR_A_WHILE}${MORE}`,
    "u",
  ),
  new RegExp(
    `^${ABOUT_REMINDERS}${WHOLE_NOT_ASKING}${WHOLE_LEAD_REASON}${WHOLE_THESE_TASKS}${MAY}(?:暂停|停止|停发)${FOR_A_WHILE}\\s*(?:督办|催办)?(?:提醒|催办)${MORE}`,
    "u",
  ),
];

/** `暂停提醒 6 已报市局协调`: an admin pauses a task's reminders, with the reason recorded; a leader's request is passed on to the office. */
export default defineCommand({
  name: "pause-reminders",
  summary: "pauseReminders",
  examples: ["暂停提醒 6 已报市局协调", "任务12暂停催办，设备招标流程中", "pause reminders 6 waiting for the city bureau"],
  help: { topic: "admin" },
  // The reason is kept as the admin wrote it (the interpreter matches on the text with its case).
  cues: {
    kind: "task-command",
    prefixes: ["暂停提醒", "暂停催办", "pause reminders for task", "pause reminders for", "pause reminders", "pause reminder"],
    suffixes: [...PAUSE_WORDS, "提醒先停一下", "催办先停一下", "提醒先停", "催办先停", "提醒停一下", "催办停一下"],
    around: [
      ["暂停", "提醒"],
      ["暂停", "催办"],
    ],
    // With no task named (`这周局里集中整训，提醒先停一下`), the office is asked which tasks; words as the interpreter
    // reads them, 先/一下/所有 left out.
    // `别催了`, `不要再催了`: said to the bot by the office or a leader (an officer's `别催了我在写` is talk).
    bare: [
      ...PAUSE_WORDS,
      "提醒停",
      "催办停",
      "停发提醒",
      "提醒停发",
      "别催",
      "别再催",
      "不要催",
      "不要再催",
      "不用催",
      // Sending stopped: `七一前后先别发提醒了 全部暂停`, `全部督办提醒暂停发送`.
      "别发提醒",
      "别再发提醒",
      "不要发提醒",
      "不要再发提醒",
      "提醒别发",
      "提醒不要发",
      "暂停发送提醒",
      "暂停推送提醒",
    ],
    whole: PAUSE_IN_WORDS,
  },
  args: z.object({ numbers: z.array(z.number().int()), reason: z.string() }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    if (numbers.length === 0) {
      const passed = await passOnLeaderRequest(ctx, "pause", []);
      if (passed) return passed;
      await requireAdminFor(ctx, "pause-reminders", null);
      return { replies: [reply([t.remindersWhich.pause(reason || t.remindersWhich.exampleReason)])] };
    }
    // Check every task first, so that one unknown number pauses nothing.
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    const passed = await passOnLeaderRequest(ctx, "pause", tasks);
    if (passed) return passed;
    await requireAdminFor(ctx, "pause-reminders", tasks[0]!);
    // A question about a pause (`任务3的提醒暂停了，为什么`) never gets here: the interpreter reads it as a question about task 3.
    if (!reason) throw new UserError(t.reminders.needReason(numbers[0]!));
    for (const task of tasks) await ctx.repos.plans.setPaused(task.id, true, reason, actorOf(ctx), ctx.clock.now());
    return { replies: [reply(tasks.map((task) => t.reminders.paused(task.number, reason)))] };
  },
});
