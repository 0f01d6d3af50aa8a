import { suspectUpdates } from "../audit/suspect-updates.js";
import type { App } from "../app.js";
import { catalogue } from "../core/i18n/index.js";
import type { Actor, PlanRecord } from "../core/model.js";
import { formatDateTime } from "../core/time.js";

/**
 * `duban audit --suspect [--plan CODE] [--json]`: the updates that may have been stored on the wrong task by issue 22's
 * bug (see src/audit/suspect-updates.ts for the rule), each with the chat line that retracts it. The read is audited.
 */
export async function printSuspects(app: App, opts: { plan: PlanRecord | null; json: boolean; actor: Actor; at: Date }): Promise<number> {
  const t = catalogue(app.config.lang);
  const plans = opts.plan ? [opts.plan] : await app.repos.plans.plans();
  // The chat needs the plan's code before the task when several plans are in progress (科技兴警 任务7).
  const coded = (await app.repos.plans.activePlans()).length > 1;
  const lines: string[] = [];
  const found: { plan: PlanRecord; updateId: number }[] = [];
  for (const plan of plans) {
    const numbers = new Map((await app.repos.plans.tasks(plan.id)).map((task) => [task.id, task.number]));
    for (const s of suspectUpdates(await app.repos.history.updates(plan.id), (id) => numbers.get(id))) {
      const retract = `撤回 ${coded && plan.code ? `${plan.code} ` : ""}任务${s.task} 第${s.ordinal}条 同一条消息误记到本任务`;
      found.push({ plan, updateId: s.update.id });
      if (opts.json)
        lines.push(
          JSON.stringify({
            plan: plan.code,
            task: s.task,
            ordinal: s.ordinal,
            updateId: s.update.id,
            eventId: s.update.eventId,
            firstTask: s.firstTask,
            author: s.update.authorId,
            authorUnit: s.update.authorUnit,
            at: s.update.createdAt.toISOString(),
            percent: s.update.percent,
            text: s.update.text,
            retract,
          }),
        );
      else {
        const who = t.status.author(s.update.authorId, s.update.authorUnit);
        const pct = s.update.percent === null ? "" : ` ${s.update.percent}%`;
        const tag = plans.length > 1 ? `【${plan.code ?? plan.title}】` : "";
        lines.push(
          `${tag}任务${s.task} 第${s.ordinal}条 ${formatDateTime(s.update.createdAt)} ${who}${pct}：${s.update.text}`,
          `  同一条消息先记到了任务${s.firstTask}，任务${s.task}只出现在正文里。撤回 / to retract: ${retract}`,
        );
      }
    }
  }
  // Reading the listing is audited like an admin's read: who looked, at which plans, what it showed.
  await app.repos.audit.append({
    at: opts.at,
    actor: opts.actor,
    action: "audit-suspect",
    detail: { plans: plans.map((p) => p.code ?? p.title), suspects: found.length, updateIds: found.slice(0, 500).map((f) => f.updateId) },
  });
  if (!opts.json)
    lines.unshift(
      found.length
        ? `疑似记错任务的进展 / suspect updates: ${found.length} 条（同一条消息记到了多项任务，这些任务的编号只出现在正文里）`
        : "没有疑似记错任务的进展 / no suspect updates: 没有哪条消息因正文里的编号被多记到其他任务。",
    );
  for (const line of lines) process.stdout.write(`${line}\n`);
  return 0;
}
