import { z } from "zod";
import { defineCommand } from "../src/core/command.js";
import type { AuditRecord } from "../src/core/model.js";
import { canReadAudit } from "../src/core/permissions.js";
import { reply } from "../src/core/reply.js";
import { requireTask } from "../src/core/task-view.js";
import { formatDateTime } from "../src/core/time.js";
import type { Catalogue } from "../src/core/i18n/index.js";

const PAGE = 10;

/** A short human summary of what an entry changed. */
export function auditSummary(e: AuditRecord): string {
  const pick = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);
  const after = pick(e.after);
  const detail = pick(e.detail) ?? {};
  const parts: string[] = [];
  if (after && typeof after === "object" && !Array.isArray(after)) {
    if (typeof after.text === "string") parts.push(after.text.length > 40 ? `${after.text.slice(0, 40)}…` : after.text);
    if (typeof after.percent === "number") parts.push(`${after.percent}%`);
    if (typeof after.note === "string") parts.push(after.note);
    if (typeof after.fileName === "string") parts.push(`${after.fileName} sha256 ${String(after.sha256).slice(0, 12)}`);
  } else if (Array.isArray(after)) parts.push(after.join("、"));
  if (typeof detail.reason === "string" && detail.reason) parts.push(detail.reason);
  return parts.join("，");
}

export function auditLine(t: Catalogue, e: AuditRecord): string {
  const who = e.actorUnit ? `${e.actor}（${e.actorUnit}）` : e.actor;
  return t.audit.item(formatDateTime(e.at), who, t.audit.actions[e.action] ?? e.action, e.outcome === "refused" ? t.audit.refused : "", auditSummary(e));
}

/** `审计 6` / `audit 6` (`审计 6 第2页`): a task's audit trail, newest first, ten entries a page; admins and leaders only. */
export default defineCommand({
  name: "audit",
  summary: "audit",
  examples: ["审计 6", "任务6审计记录", "审计 6 第2页", "audit 6"],
  help: { topic: "reports" },
  cues: {
    kind: "task-command",
    prefixes: ["审计记录", "审计", "留痕记录", "audit trail for task", "audit trail of task", "audit trail", "audit task", "audit"],
    suffixes: ["的审计记录", "审计记录", "的审计", "审计", "的留痕", "留痕"],
  },
  access: "query",
  args: z.object({ numbers: z.array(z.number().int()).min(1), reason: z.string().default("") }),
  async handle({ numbers, reason }, ctx) {
    const t = ctx.t;
    if (!canReadAudit(ctx.directory, ctx.inbound.sender)) return { replies: [reply([t.permissions.auditReaders])] };
    const { task } = await requireTask(ctx, numbers[0]!);
    const m = /(?:第\s*(\d+)\s*页|page\s*(\d+)|^(\d+)$)/iu.exec(reason);
    const total = await ctx.repos.audit.count({ taskId: task.id });
    if (total === 0) return { replies: [reply([t.audit.none(task.number)])] };
    const pages = Math.ceil(total / PAGE);
    const page = Math.min(Math.max(1, Number(m?.[1] ?? m?.[2] ?? m?.[3] ?? 1)), pages);
    const entries = await ctx.repos.audit.list({ taskId: task.id }, PAGE, (page - 1) * PAGE);
    const lines = [t.audit.header(task.number, total, page, pages), ...entries.map((e) => auditLine(t, e))];
    if (page < pages) lines.push(t.audit.more(task.number, page + 1));
    return { replies: [reply(lines, { heading: true })] };
  },
});
