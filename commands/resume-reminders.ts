import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import { reply } from "../src/core/reply.js";
import { requirePlan, requireTask } from "../src/core/task-view.js";
import { actorOf, requireAdminFor } from "../src/core/permissions.js";
import { passOnLeaderRequest } from "../src/core/leader-reminders.js";
import {
  WHOLE_LEAD_CAUSE,
  WHOLE_LEAD_REASON,
  WHOLE_NOT_ASKING,
  WHOLE_TASK_LIST,
  WHOLE_THAT_TASK,
  WHOLE_THESE_TASKS,
  WHOLE_THIS_TASK,
} from "../src/core/command-cues.js";

const RESUME = "(?:恢复|重新打开|重新开启|重新开|再开|打开|开启)";
/** A reason after the request: `，市局方案已经下发了`; no question mark (`提醒恢复了？` asks). */
const THEN_REASON = "\\s*(?:一下)?\\s*[吧了啊呀]*\\s*(?:[,，。;；!！\\s]+[^?？]*)?$";
/** Every one of the tasks named, or at once: `任务3、8、16、23的提醒都恢复吧`, `…的督办提醒即日起一并恢复`. */
const ALL_OF_THEM = "(?:\\s*(?:即日起|可以|就|都|也|全部|全都|一并|统一))*";
const ABOUT = "(?=[\\s\\S]*?(?:提醒|催办))";
const RESUME_VERB = `(?:即日起|自即日起|从今天起)?\\s*(?:可以|就)?\\s*${RESUME}(?:正常)?(?:发送|推送)?\\s*`;
const REMINDERS_AFTER = "(?:各项)?(?:督办|定期|催办)?(?:提醒|催办)(?:正常)?(?:发送|推送)?";
/**
 * Resuming said in words, the whole message: `十九号任务的催办重新打开`, `任务十九的提醒恢复一下`, `这个恢复提醒吧，市局方案已经下发了`
 * (in reply to the bot). `下周恢复提醒` is not.
 */
const RESUME_IN_WORDS = [
  new RegExp(`^${WHOLE_NOT_ASKING}${WHOLE_THIS_TASK}(?:提醒|催办)\\s*(?:可以|就)?\\s*${RESUME}${THEN_REASON}`, "u"),
  new RegExp(`^${WHOLE_NOT_ASKING}${WHOLE_THIS_TASK}(?:可以|就)?\\s*${RESUME}\\s*(?:提醒|催办)${THEN_REASON}`, "u"),
  new RegExp(
    `^${WHOLE_NOT_ASKING}#\\s*[^,，。;；\\n]{2,24}[,，]\\s*(?:可以|就)?\\s*(?:恢复提醒|恢复催办|提醒恢复|催办恢复)\\s*(?:一下)?\\s*[吧了]*[\\s。!！]*$`,
    "u",
  ),
  // A reason first: `市局已经部署下来了，这项恢复提醒吧`, `汛期已过，任务7、任务9的督办提醒即日起恢复`.
  new RegExp(
    `^(?=[\\s\\S]*?(?:提醒|催办))${WHOLE_NOT_ASKING}${WHOLE_LEAD_REASON}${WHOLE_THESE_TASKS}` +
      `(?:(?:督办|催办)?(?:提醒|催办)${ALL_OF_THEM}\\s*${RESUME}(?:正常)?(?:发送|推送)?|(?:可以|就)?\\s*${RESUME}\\s*(?:督办|催办)?(?:提醒|催办))${THEN_REASON}`,
    "u",
  ),
  // The verb first, formally: `经研究，恢复第十九项任务的定期提醒。`, `鉴于…已部署，即日起恢复该项任务的督办提醒`.
  new RegExp(`^${ABOUT}${WHOLE_NOT_ASKING}${WHOLE_LEAD_CAUSE}${RESUME_VERB}${WHOLE_THAT_TASK}${REMINDERS_AFTER}${THEN_REASON}`, "u"),
  new RegExp(`^${ABOUT}${WHOLE_NOT_ASKING}${WHOLE_LEAD_REASON}${RESUME_VERB}${WHOLE_TASK_LIST}\\s*(?:任务)?\\s*的?\\s*${REMINDERS_AFTER}${THEN_REASON}`, "u"),
];

/** Every task, said with no task named: `恢复全部任务的提醒`, `提醒全部恢复`, `所有催办都恢复`. */
const EVERY = /(?:全部|所有|全体|各项|各单位)(?:任务)?(?:的)?(?:督办)?(?:提醒|催办)|(?:提醒|催办)\s*(?:全部|都|一律|统统)/u;

/** `恢复提醒 6`: an admin resumes a task's reminders; with no task named, the paused ones are listed, or all resumed when it says so. */
export default defineCommand({
  name: "resume-reminders",
  summary: "resumeReminders",
  examples: ["恢复提醒 6", "resume reminders 6"],
  help: { topic: "admin" },
  cues: {
    kind: "task-command",
    prefixes: ["恢复提醒", "恢复催办", "resume reminders for task", "resume reminders for", "resume reminders", "resume reminder"],
    suffixes: ["恢复提醒", "恢复催办", "提醒恢复"],
    around: [
      ["恢复", "提醒"],
      ["恢复", "催办"],
    ],
    // `提醒恢复吧` names no task: the office is shown the paused ones and asked which.
    bare: ["恢复提醒", "恢复催办", "提醒恢复", "催办恢复", "提醒重新开", "提醒再开"],
    whole: RESUME_IN_WORDS,
  },
  args: z.object({ numbers: z.array(z.number().int()), reason: z.string().default("") }),
  async handle({ numbers }, ctx) {
    const t = ctx.t;
    if (numbers.length === 0) {
      const passed = await passOnLeaderRequest(ctx, "resume", []);
      if (passed) return passed;
      await requireAdminFor(ctx, "resume-reminders", null);
      const plan = await requirePlan(ctx);
      const paused = (await ctx.repos.plans.tasks(plan.id)).filter((task) => task.remindersPaused);
      if (paused.length === 0) return { replies: [reply([t.remindersWhich.noneResume])] };
      // `即日起恢复全部任务的督办提醒`, `提醒全部恢复`: every paused task, each stored before the reply.
      if (EVERY.test(ctx.inbound.text)) {
        for (const task of paused) await ctx.repos.plans.setPaused(task.id, false, null, actorOf(ctx), ctx.clock.now());
        return { replies: [reply(paused.map((task) => t.reminders.resumed(task.number)))] };
      }
      const items = paused.map((task) => t.remindersWhich.pausedItem(task.number, task.pauseReason ?? "—"));
      return { replies: [reply([t.remindersWhich.resume(t.list(items))])] };
    }
    const tasks = [];
    for (const n of numbers) tasks.push((await requireTask(ctx, n)).task);
    const passed = await passOnLeaderRequest(ctx, "resume", tasks);
    if (passed) return passed;
    await requireAdminFor(ctx, "resume-reminders", tasks[0]!);
    const lines = [];
    for (const task of tasks) {
      if (!task.remindersPaused) {
        lines.push(t.reminders.notPaused(task.number));
        continue;
      }
      await ctx.repos.plans.setPaused(task.id, false, null, actorOf(ctx), ctx.clock.now());
      lines.push(t.reminders.resumed(task.number));
    }
    return { replies: [reply(lines)] };
  },
});
