import { UserError, type CommandContext } from "./command.js";
import type { Catalogue } from "./i18n/index.js";
import type { Directory } from "../directory/directory.js";
import type { PlanRecord } from "./model.js";
import type { Inbound, Message } from "./inbound.js";
import { dayOf } from "./time.js";
import { escapeHtml, type HandlerResult, type Reply } from "./reply.js";

/**
 * Which plan a message is about, when several are followed at once (issue 12):
 * 1. the plan it names by code (`科技兴警 任务6`, `status 科技兴警 6`), archived or not;
 * 2. otherwise the plans in progress, narrowed to the room's defaults (the directory's `plans` on the unit
 *    whose room it is) when some of those are in progress.
 * One plan left is the plan; several are for the views to group, and for everything else a question back.
 */
export type PlanScope = { one: PlanRecord } | { several: PlanRecord[] };

/**
 * The message as the core reads it: a plan code it is addressed with taken out of the text (`科技兴警 任务6` → `任务6`,
 * see splitPlanCode), and every plan, read once for the whole message (its scope, its reply's tag).
 */
export function addressMessage(inbound: Inbound, plans: readonly PlanRecord[]): Message {
  const { code, text } = splitPlanCode(
    inbound.text,
    plans.flatMap((p) => (p.code === null ? [] : [p.code])),
  );
  return code === null ? { ...inbound, planCode: null, plans } : { ...inbound, text, planCode: code, plans };
}

/** The plan codes a room follows by default: the directory's `plans` on the unit whose room it is. */
function roomDefaults(directory: Pick<Directory, "unitOfRoom">, room: string): readonly string[] {
  return directory.unitOfRoom(room)?.plans ?? [];
}

/** Why no plan could be chosen: the code names none, no plan is in progress, or there is no plan at all. */
export type NoPlan = { unknownCode: string } | { none: "noActivePlan" | "noPlan" };

/**
 * The one rule for which plan a message or a CLI call is about, pure: the plan named by `code` (archived or
 * not); else the plans in progress, narrowed to `roomDefaults` (codes) when some of those are in progress.
 * `choosePlan(plans, "科技兴警", [])` → `{ one: <科技兴警> }`. The chat (planScope) and the CLI word its answers.
 */
export function choosePlan(plans: readonly PlanRecord[], code: string | null, roomDefaults: readonly string[] = []): PlanScope | NoPlan {
  if (code) {
    const named = plans.find((p) => p.code === code);
    return named ? { one: named } : { unknownCode: code };
  }
  const active = plans.filter((p) => p.archivedAt === null);
  if (active.length === 0) return { none: plans.length ? "noActivePlan" : "noPlan" };
  if (active.length === 1) return { one: active[0]! };
  const preferred = active.filter((p) => p.code !== null && roomDefaults.includes(p.code));
  if (preferred.length === 1) return { one: preferred[0]! };
  return { several: preferred.length ? preferred : active };
}

export async function planScope(ctx: CommandContext): Promise<PlanScope> {
  const all = ctx.inbound.plans;
  const choice = choosePlan(all, ctx.inbound.planCode, roomDefaults(ctx.directory, ctx.inbound.room));
  if ("unknownCode" in choice) throw new UserError(ctx.t.errors.unknownPlan(choice.unknownCode, planList(ctx.t, all)));
  if ("none" in choice) throw new UserError(ctx.t.errors[choice.none]);
  return choice;
}

/**
 * The one plan a message is about (named by code, the room's default, or the only one in progress), or null when
 * that is open or unknown: for the interpreter's vocabulary and the audit of a refusal, where no question is asked.
 */
export function planOfMessage(msg: Message, directory: Pick<Directory, "unitOfRoom">): PlanRecord | null {
  const choice = choosePlan(msg.plans, msg.planCode, roomDefaults(directory, msg.room));
  return "one" in choice ? choice.one : null;
}

/** The one plan a message is about, or a reply that lists the candidates and how to name one. It never guesses. */
export async function requirePlan(ctx: CommandContext): Promise<PlanRecord> {
  const scope = await planScope(ctx);
  if ("one" in scope) return scope.one;
  const example = `${scope.several[0]!.code ?? ""} 任务${/(?:任务|task)\s*(\d+)/i.exec(ctx.inbound.text)?.[1] ?? "6"}`;
  throw new UserError(ctx.t.errors.planAmbiguous(planList(ctx.t, scope.several), example));
}

/** The plan's code when several plans are in progress (so a reply or a hint must say which), else null. */
async function codeIfSeveral(ctx: CommandContext, plan: PlanRecord): Promise<string | null> {
  return plan.code && ctx.inbound.plans.filter((p) => p.archivedAt === null).length > 1 ? plan.code : null;
}

/** "科技兴警 " when several plans are in progress, to put before a task number in a hint; "" otherwise. */
export async function planPrefix(ctx: CommandContext, plan: PlanRecord): Promise<string> {
  const code = await codeIfSeveral(ctx, plan);
  return code ? `${code} ` : "";
}

/**
 * The plan and the reason of an admin's plan command (`归档计划 科技兴警 已验收`, `恢复计划 科技兴警 误归档`):
 * the code the bot took out of the text, or else the first word; a UserError naming the plans when there is none.
 */
export async function planAndReason(ctx: CommandContext, rest: string, example: string): Promise<{ plan: PlanRecord; code: string; reason: string }> {
  const t = ctx.t;
  const [first = "", ...others] = rest.trim().split(/\s+/);
  const named = ctx.inbound.planCode;
  const [code, words] = named ? [named, [first, ...others]] : [first, others];
  const plan = code ? await ctx.repos.plans.planByCode(code) : null;
  if (!plan) {
    const all = await ctx.repos.plans.plans();
    throw new UserError(code ? t.errors.unknownPlan(code, planList(t, all)) : t.plans.needCode(example, planList(t, all)));
  }
  return { plan, code, reason: words.join(" ").trim() };
}

/** "【科技兴警】" when several plans are in progress, so a reply says which plan it is about; "" otherwise. */
export async function planTag(ctx: CommandContext, plan: PlanRecord): Promise<string> {
  const code = await codeIfSeveral(ctx, plan);
  return code ? ctx.t.plans.heading(code, "") : "";
}

/** "• 科技兴警《明溪县公安局…》" lines. */
export function planList(t: Catalogue, plans: readonly PlanRecord[]): string {
  return plans.map((p) => t.plans.item(p.code ?? p.title, p.title, p.archivedAt !== null)).join("\n");
}

/** A UserError unless the plan is in progress: an archived plan can be queried, not changed. */
export function assertActive(t: Catalogue, plan: PlanRecord): void {
  if (plan.archivedAt) throw new UserError(t.errors.planArchived(plan.code ?? plan.title, dayOf(plan.archivedAt)));
}

/** assertActive for the message's plan with this id (a task's or an update's plan); returns that plan, null if none has the id. */
export function assertPlanActive(t: Catalogue, msg: Message, planId: number): PlanRecord | null {
  const plan = msg.plans.find((p) => p.id === planId) ?? null;
  if (plan) assertActive(t, plan);
  return plan;
}

/** assertActive for the plan a message names by code (`科技兴警 任务6…`), when it names one: only a code can name an archived plan. */
export function assertNamedPlanActive(t: Catalogue, msg: Message): void {
  const named = msg.planCode === null ? undefined : msg.plans.find((p) => p.code === msg.planCode);
  if (named) assertActive(t, named);
}

/** A UserError when a message names a plan other than `plan` by code: an edit cannot move an update to another plan. */
export function assertSamePlan(t: Catalogue, msg: Message, plan: PlanRecord | null): void {
  if (msg.planCode && plan && plan.code !== msg.planCode) throw new UserError(t.errors.editOtherPlan(plan.code ?? plan.title));
}

/**
 * A plan's code written before a task or a command, taken out of the text so the rest reads as before:
 * `splitPlanCode("科技兴警 任务6进展：…", ["科技兴警"])` → `{ code: "科技兴警", text: "任务6进展：…" }`.
 * The code counts only where it addresses, all before the first colon (after it comes the text of an update):
 * - at the start, followed by a space, a colon or a comma, or by 任务/task (`科技兴警 任务6`, `科技兴警任务6`,
 *   `科技兴警：总览`), or in brackets (`【科技兴警】任务6`);
 * - as the second word, after a first word without digits (`status 科技兴警 6`, `办结审核 科技兴警 6 通过`);
 * - right before 任务N, with 的 or not (`请看重点工作的任务3`).
 * Not directly before a digit, so `科技兴警26` is never plan 科技兴警2's task 6, and not `科技兴警的宣传…`.
 */
export function splitPlanCode(text: string, codes: readonly string[]): { code: string | null; text: string } {
  const sorted = [...codes].sort((a, b) => b.length - a.length);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const colon = text.search(/[:：]/);
  const head = colon < 0 ? text.length : colon;
  for (const code of sorted) {
    const c = esc(code);
    const patterns = [
      new RegExp(String.raw`^(\s*)[【\[(（]${c}[】\])）]\s*`, "u"),
      new RegExp(String.raw`^(\s*)${c}(?=\s|[:：,，]|任务|task|$)[:：,，]?\s*`, "iu"),
      new RegExp(String.raw`^(\s*[^\s\d:：]+\s+)${c}(?=\s)\s*`, "iu"),
      new RegExp(String.raw`()${c}\s*(?:的\s*)?(?=任务\s*\d|task\s*\d)`, "iu"),
    ];
    for (const re of patterns) {
      const m = re.exec(text);
      if (m && m.index < head && m.index + m[1]!.length < head)
        return { code, text: (text.slice(0, m.index) + m[1] + text.slice(m.index + m[0].length)).trim() };
    }
  }
  return { code: null, text };
}

/**
 * A plan-wide view (overview, overdue, due soon, a unit's tasks) on the plan the message is about, or, when
 * several are in progress and none is named, on each of them, grouped in one reply under `【code】title`.
 */
export async function perPlan(ctx: CommandContext, view: (plan: PlanRecord) => Promise<HandlerResult>): Promise<HandlerResult> {
  const scope = await planScope(ctx);
  if ("one" in scope) return view(scope.one);
  const parts: { heading: string; reply: Reply }[] = [];
  for (const plan of scope.several) {
    const result = await view(plan);
    // A message the view does not take as meant for it (chatter) is ignored as a whole.
    if (result.ignored) return result;
    for (const r of result.replies) parts.push({ heading: ctx.t.plans.heading(plan.code ?? "", plan.title), reply: r });
  }
  const mentions = [...new Set(parts.flatMap((p) => p.reply.mentions ?? []))];
  const merged: Reply = {
    text: parts.map((p) => `${p.heading}\n${p.reply.text}`).join("\n\n"),
    html: parts.map((p) => `<b>${escapeHtml(p.heading)}</b><br>\n${p.reply.html}`).join("<br>\n<br>\n"),
    ...(mentions.length ? { mentions } : {}),
  };
  return { replies: [merged] };
}
