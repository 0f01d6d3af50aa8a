import { parseArgs } from "node:util";
import { auditLine } from "../../commands/audit.js";
import { parseInstant } from "../core/clock.js";
import { catalogue } from "../core/i18n/index.js";
import type { AuditFilter, AuditRecord } from "../core/model.js";
import { CliError, clockFor, planOf, withApp, type CliCommand, print } from "./shared.js";

function auditJson(e: AuditRecord) {
  const parse = (v: string | null) => (v === null ? null : (JSON.parse(v) as unknown));
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actor,
    actorUnit: e.actorUnit,
    action: e.action,
    outcome: e.outcome,
    taskId: e.taskId,
    task: e.taskNumber,
    transport: e.transport,
    room: e.room,
    eventId: e.eventId,
    before: parse(e.before),
    after: parse(e.after),
    detail: parse(e.detail),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** `duban audit`: the audit trail, newest first, or `--verify` the hash chain (exit 1 names the first broken entry). */
export default {
  name: "audit",
  usage: ["audit [--task N [--plan CODE]] [--actor USER] [--since ISO] [--json] [--verify]"],
  async run(argv, { config }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        task: { type: "string" },
        plan: { type: "string" },
        actor: { type: "string" },
        since: { type: "string" },
        json: { type: "boolean", default: false },
        verify: { type: "boolean", default: false },
        limit: { type: "string" },
      },
    });
    if (positionals.length) throw new CliError(`audit: unexpected ${positionals.join(" ")}`, { usage: true });
    return withApp(config, clockFor(undefined, config), async (app) => {
      if (values.verify) {
        const v = await app.repos.audit.verify();
        if (values.json) print(`${JSON.stringify(v)}\n`);
        else if (v.ok)
          print(
            `审计链完整 / audit chain intact: ${v.checked} 条已校验${v.legacy ? `，另有${v.legacy}条启用哈希链之前的旧记录（无法校验）` : ""}。\n最新哈希 / head: ${v.head ?? "—"}\n`,
          );
        else print(`审计链已损坏 / audit chain BROKEN at entry #${v.firstBroken!.id}: ${v.firstBroken!.reason}（已校验${v.checked}条）\n`);
        return v.ok ? 0 : 1;
      }
      const filter: AuditFilter = {};
      if (values.task !== undefined) {
        const n = Number(values.task);
        const plan = await planOf(app, values.plan);
        const task = Number.isInteger(n) ? await app.repos.plans.task(plan.id, n) : null;
        if (!task) throw new CliError(`audit: --task ${values.task}: 没有这项任务 / no such task`);
        filter.taskId = task.id;
      }
      if (values.actor !== undefined) filter.actor = values.actor;
      if (values.since !== undefined) {
        const d = parseInstant(values.since);
        if (!d) throw new CliError(`audit: --since "${values.since}" 不是有效的时间，例如 2024-06-01T00:00:00+08:00`);
        filter.since = d;
      }
      const limit = values.limit === undefined ? 1_000_000 : Number(values.limit);
      const t = catalogue(config.lang);
      // Pages of 1,000 so a long trail streams instead of filling memory.
      for (let offset = 0; offset < limit; offset += 1000) {
        const page = await app.repos.audit.list(filter, Math.min(1000, limit - offset), offset);
        for (const e of page)
          print(values.json ? `${JSON.stringify(auditJson(e))}\n` : `#${e.id} ${e.taskNumber === null ? "" : `任务${e.taskNumber} `}${auditLine(t, e)}\n`);
        if (page.length < 1000) break;
      }
      return 0;
    });
  },
} satisfies CliCommand;
