import { z } from "zod";
import { withdrawTargetRequests } from "../src/core/target-request.js";
import { personLabel } from "../src/core/person.js";
import { type CommandContext, defineCommand, UserError } from "../src/core/command.js";
import { chineseNumber } from "../src/core/grammar.js";
import type { UpdateRecord } from "../src/core/model.js";
import { actorOf, refuse } from "../src/core/permissions.js";
import { assertPlanActive, planTag } from "../src/core/plan-scope.js";
import { reply } from "../src/core/reply.js";
import { requirePlan, requireTask } from "../src/core/task-view.js";
import { formatDateTime } from "../src/core/time.js";

/** The quoted text of an update in the reply: long ones cut. */
const QUOTE = 60;

/**
 * The update number written after the task, and the reason after it:
 * `ordinalAndReason("第3条 误报到本任务")` → `{ ordinal: 3, reason: "误报到本任务" }` (`第3条误报` too); `#3`, `no. 3`, `update 3` too.
 */
export function ordinalAndReason(rest: string): { ordinal: number | null; reason: string } {
  const m =
    /^(?:第\s*(\d{1,6}|[零〇一二两三四五六七八九十百千]{1,8})\s*条(?:进展)?|(?:#|no\.?\s*|update\s*)(\d{1,6})(?=$|[\s:：,，。;；]))[\s:：,，。;；]*/iu.exec(
      rest.trim(),
    );
  if (!m) return { ordinal: null, reason: rest.trim() };
  const digits = m[1] ?? m[2]!;
  return { ordinal: /^\d+$/.test(digits) ? Number(digits) : chineseNumber(digits), reason: rest.trim().slice(m[0].length).trim() };
}

/** Words that may stand around a withdrawal: what is withdrawn, why, politeness and filler (`刚才所报…有误，请予…`). */
const AROUND =
  "(?:#|这条|这一条|此条|该条|那条|那一条|这个|那个|上一条|上条|刚才|刚刚|刚(?=那|这|发|报|才)|之前|不算|不作数|作废|无效|所报|报的|发的|的|嗯|呃|啊|哎|唉|一下|麻烦|请|予以|予|现|帮我|帮忙|先|把|它|我|本人|想|要" +
  "|进度|进展|数字|数据|比例|百分比|内容|信息|有误|错误|不对|错了|(?:打|写|说|报|记|填|搞|弄|发|点|输|录|传)(?:错|重)(?:群|任务|人|地方|数|字)?了?|重复了?|多发了?(?:一条)?|发多了" +
  "|手滑了?|手误|不好意思|抱歉|核实后|待|重新(?:说|报|发|填|写|传)?|报送|上报|再报|稍后|晚点|回头|等下|一会儿?|明天|下午|马上" +
  "|是\\s*\\d+\\s*%?\\s*不是\\s*\\d+\\s*%?|应该是\\s*\\d+\\s*%?|[\\s,，。.!！~～、:：;；\\p{Extended_Pictographic}\\u{FE0F}])*";
/**
 * A withdrawal said in words, the whole message: `撤回上一条`, `所报数字有误，此条请先予撤回。`; never `不要撤回`, `我撤回了`,
 * nor one told of (`刚才撤回的那条数字写错了`, `删除了的那条`): the verb is followed by neither 的 nor 了.
 */
const WITHDRAWAL = new RegExp(`^${AROUND}(?:撤回|撤销|删掉|删除|作废)(?:\\s*(?:撤回|撤销))?(?:一下|掉)?吧?(?![的了掉])${AROUND}$`, "u");
/** A record on the wrong task: `不对，这条是任务7工作室的，不是6` withdraws it from 6 (then the sender reports it on 7). */
const WRONG_TASK = new RegExp(
  "^(?:不对|错了|搞错了|弄错了|报错了)?[\\s,，]*(?:这条|这一条|刚才那条|刚才的|那条|上一条)?\\s*(?:应该)?是\\s*#[^,，。;；\\n]{0,10}?[,，\\s]*" +
    "(?:而)?不是\\s*(?:任务)?\\s*(?<task>\\d{1,3}|[一二三四五六七八九十]{1,3})?\\s*(?:号|项)?\\s*(?:任务)?(?:的)?[\\s。.!！]*$",
  "u",
);

/**
 * The record said to belong to another task, then withdrawn: `不对，刚才那条是23的，撤回` in reply to the bot's confirmation of
 * task 24 withdraws that one (the `right` task is where it belongs, never the one withdrawn); with no reply, the sender's latest.
 */
const BELONGS_ELSEWHERE = new RegExp(
  "^(?:不对|错了|搞错了|弄错了|报错了)?[\\s,，]*(?:这条|这一条|刚才那条|刚那条|刚才的|那条|上一条)\\s*(?:应该)?是\\s*(?:任务)?\\s*(?<right>#|\\d{1,3}|[一二三四五六七八九十]{1,3})\\s*(?:号)?(?:任务)?的?" +
    "[\\s,，]*(?:我)?(?:撤回|撤销|删掉|删除)(?:一下|掉)?吧?[\\s。.!！\\p{Extended_Pictographic}\\u{FE0F}]*$",
  "u",
);

/** A member's withdrawal that names no task takes back their latest update only when it is this recent (hours). */
const RECENT_HOURS = 24;
/** Words of a withdrawal that point at a report: with none (`撤回撤回 手滑了`), only an update sent this recently is taken back. */
const POINTS_AT_REPORT = /上一?条|刚才|刚刚|刚(?:那|这)一?条|所报|报的|发的|报送的|进展|进度/u;
/** Minutes: `撤回撤回 手滑了` may be about any message just sent; an update is what it takes back only when it is that fresh. */
const JUST_SENT_MINUTES = 10;

/**
 * `撤回 任务5` / `retract task 5`: retract the sender's own latest live update on task 5, on any transport (a Matrix
 * redaction does the same for the message redacted). `撤回 任务5 第3条 理由`: an admin retracts update 3 as numbered by
 * `任务5历史` (from the oldest, retracted ones counted), whoever wrote it, with a reason. The update stays in the
 * history, marked; the task's progress is recomputed from the live ones; every retraction and refusal is audited.
 */
export default defineCommand({
  name: "retract",
  summary: "retract",
  examples: ["撤回 任务5", "撤回 任务5 第3条 误报到本任务", "retract task 5"],
  cues: {
    kind: "task-command",
    prefixes: ["撤回任务", "撤回进展", "撤回", "retract update of task", "retract task", "retract"],
    suffixes: ["进展撤回", "进展撤销"],
    around: [
      ["撤回", "最新一条进展"],
      ["撤回", "最新进展"],
      ["撤回", "进展"],
    ],
    whole: [WITHDRAWAL, WRONG_TASK, BELONGS_ELSEWHERE],
    // With no task named or replied to, only what points at the sender's own report: `撤回上一条`, not `撤回吧`.
    // A slip owned (`撤回撤回 手滑了`, `撤回，发重了`) points at the sender's message just sent (JUST_SENT_MINUTES).
    wholeWithoutTask: new RegExp(`${POINTS_AT_REPORT.source}|错|有误|不对|不算|不作数|作废|手滑|手误|发重|重复|多发|发多`, "u"),
  },
  access: "change",
  // `words`: said in other words (the cues' `whole`), the reason being the whole message.
  // `quote`: in reply to the bot's confirmation, the text of the update confirmed.
  args: z.object({ numbers: z.array(z.number().int()), reason: z.string().default(""), words: z.boolean().default(false), quote: z.string().optional() }),
  async handle({ numbers, reason: said, words, quote: confirmed }, ctx) {
    const t = ctx.t;
    const r = t.retract;
    if (numbers.length > 1) throw new UserError(r.oneTask(numbers[0]!));
    // Said in words with no task (`撤回上一条`): the sender's own latest update, when it is recent; the message is the reason.
    const inWords = words || numbers.length === 0;
    // Only a slip owned, with no word for a report (`撤回撤回 手滑了`): the update sent just now, or, in a group room where it
    // may be about any message, silence.
    const slip = numbers.length === 0 && !POINTS_AT_REPORT.test(said);
    const n = numbers[0] ?? (slip ? await justSentTask(ctx) : await latestOwnTask(ctx));
    if (n === null) return { replies: [] };
    const rest = inWords ? "" : said;
    const { plan, task } = await requireTask(ctx, n);
    assertPlanActive(t, ctx.inbound, task.planId);
    const sender = ctx.inbound.sender;
    const admin = ctx.directory.isAdmin(sender);
    const { ordinal, reason } = ordinalAndReason(rest);
    const total = await ctx.repos.updates.count(task.id);
    if (total === 0) throw new UserError(r.empty(task.number));
    // Oldest first, so that all[m - 1] is 第m条 as the history numbers it.
    const all = (await ctx.repos.updates.history(task.id, total)).reverse();
    const own = all.map((u) => u.authorId === sender && !u.retractedAt);
    // The update of the confirmation replied to, when it is the sender's and live; else their latest.
    const replied = confirmed === undefined ? -1 : all.map((u, i) => own[i] && u.text === confirmed).lastIndexOf(true);
    const ownIndex = replied >= 0 ? replied : own.lastIndexOf(true);
    // The confirmation replied to is of someone else's update, or of one withdrawn already: never another of the sender's.
    const quoted = confirmed === undefined || replied >= 0 ? -1 : all.map((u) => u.text === confirmed).lastIndexOf(true);
    if (quoted >= 0 && ordinal === null) {
      if (all[quoted]!.authorId !== sender) await refuse(ctx, "retract", task, t.withdrawalByReply.notYours(task.number, quoted + 1));
      throw new UserError(r.already(task.number, quoted + 1));
    }
    let index: number;
    if (ordinal === null) {
      if (ownIndex < 0) {
        if (!admin && all.some((u) => !u.retractedAt)) await refuse(ctx, "retract", task, r.notOwn(task.number, ctx.directory.office));
        throw new UserError(r.noneOwn(task.number));
      }
      index = ownIndex;
      // Said in words and not in reply to its confirmation (`这个删掉吧` to a reminder, `我刚才报的任务6那条撤回`): only a recent one.
      const since = ctx.clock.now().getTime() - RECENT_HOURS * 3600_000;
      if (inWords && replied < 0 && all[index]!.createdAt.getTime() < since) throw new UserError(t.withdrawalByReply.notRecent(task.number, RECENT_HOURS));
    } else {
      if (ordinal < 1 || ordinal > all.length) throw new UserError(r.noSuch(task.number, ordinal, all.length));
      index = ordinal - 1;
      // A member may name their own latest update by its number; anything else is the office's, with a reason.
      if (index !== ownIndex) {
        if (!admin) await refuse(ctx, "retract", task, r.notOwn(task.number, ctx.directory.office));
        if (all[index]!.retractedAt) throw new UserError(r.already(task.number, ordinal));
        if (!reason) throw new UserError(r.needReason(task.number, ordinal));
      }
    }
    const target: UpdateRecord = all[index]!;
    const retracted = await ctx.repos.updates.retractById(target.id, actorOf(ctx), ctx.clock.now(), (inWords ? said : reason) || null);
    if (!retracted) throw new UserError(r.already(task.number, index + 1));
    await withdrawTargetRequests(ctx, task, target.id, sender);
    const after = (await ctx.repos.plans.taskById(task.id)) ?? task;
    const quote = target.text.length > QUOTE ? `${target.text.slice(0, QUOTE)}…` : target.text;
    const who = personLabel(t, ctx.directory, target.authorId, target.authorUnit);
    // With several plans in progress the reply says whose task 6 it was, as an update's confirmation does.
    const done = (await planTag(ctx, plan)) + r.done(task.number, index + 1, formatDateTime(target.createdAt), who, quote);
    // `撤回 打错了 是40不是80`: the right figure or task is reported anew, not guessed from the withdrawal.
    const resend = inWords && MISTAKE.test(said) ? [t.withdrawal.resend] : [];
    return { replies: [reply([done, r.after(task.number, after.progress, after.updateCount), ...resend])] };
  },
});

/** A withdrawal that says what was wrong (`是40不是80`, `数字有误`, `不是6`): the sender is told to report it again. */
const MISTAKE = /错|有误|不对|不是|应该是/u;

/**
 * The task of the sender's own latest live update made within JUST_SENT_MINUTES; otherwise, said to the bot, the sender is
 * told none was found, and in a group room nothing is said (null).
 */
async function justSentTask(ctx: CommandContext): Promise<number | null> {
  const task = await latestOwnUpdate(ctx, JUST_SENT_MINUTES * 60_000);
  if (task !== null) return task;
  if (ctx.inbound.isDirect || ctx.inbound.mentionsBot) throw new UserError(ctx.t.withdrawalJustSent.none(JUST_SENT_MINUTES));
  return null;
}

/** The task of the sender's own latest live update in the plan, made within RECENT_HOURS; otherwise the sender is asked to name it. */
async function latestOwnTask(ctx: CommandContext): Promise<number> {
  const task = await latestOwnUpdate(ctx, RECENT_HOURS * 3600_000);
  if (task === null) throw new UserError(ctx.t.withdrawal.noneRecent(RECENT_HOURS));
  return task;
}

/** The task of the sender's own latest live update in the plan made within `ms`, or null. */
async function latestOwnUpdate(ctx: CommandContext, ms: number): Promise<number | null> {
  const plan = await requirePlan(ctx);
  const sender = ctx.inbound.sender;
  const since = ctx.clock.now().getTime() - ms;
  let best: { at: number; task: number } | null = null;
  for (const task of await ctx.repos.plans.tasks(plan.id)) {
    const total = await ctx.repos.updates.count(task.id);
    if (total === 0) continue;
    for (const u of await ctx.repos.updates.history(task.id, total)) {
      if (u.authorId !== sender || u.retractedAt || u.createdAt.getTime() < since) continue;
      if (!best || u.createdAt.getTime() > best.at) best = { at: u.createdAt.getTime(), task: task.number };
      break;
    }
  }
  return best?.task ?? null;
}
