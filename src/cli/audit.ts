import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { auditLine } from "../../commands/audit.js";
import { parseInstant } from "../core/clock.js";
import { catalogue } from "../core/i18n/index.js";
import type { AuditFilter, AuditRecord, AuditVerification } from "../core/model.js";
import { differenceLine } from "../audit/replay.js";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { isPostgresUrl } from "../db/postgres.js";
import { replayDatabase, replaySummary } from "../ops/audit-replay.js";
import { integrityCheck } from "../ops/backup.js";
import { printSuspects } from "./audit-suspect.js";
import { CliError, cliActor, clockFor, planOf, print, withApp, type CliCommand } from "./shared.js";

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

/** PRAGMA integrity_check on SQLite ("ok" when whole); PostgreSQL has no such check, and says so. */
function databaseIntegrity(url: string): string {
  if (isPostgresUrl(url)) return "skipped on PostgreSQL";
  const file = sqlitePathFromUrl(url);
  // A database not created yet is created whole by the app.
  if (!existsSync(file)) return "ok";
  try {
    return integrityCheck(file);
  } catch (e) {
    // SQLite may refuse to run the check at all on a badly damaged file ("database disk image is malformed").
    return (e as Error).message;
  }
}

/** `--verify`: integrity (checked before the app opens), the chain, then the tables replayed from the trail; exit 1 if any fails. */
async function verifyAll(v: AuditVerification, integrity: string, url: string, json: boolean): Promise<number> {
  const replay = v.ok ? await replayDatabase(url) : null;
  const ok = v.ok && replay!.differences.length === 0;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...v, ok, integrity, chainOk: v.ok, replay })}\n`);
    return ok ? 0 : 1;
  }
  process.stdout.write(
    integrity === "ok" ? "数据库完整性检查通过 / database integrity ok\n" : `数据库完整性检查：PostgreSQL 不适用，已跳过 / integrity check ${integrity}\n`,
  );
  if (!v.ok) {
    process.stdout.write(`审计链已损坏 / audit chain BROKEN at entry #${v.firstBroken!.id}: ${v.firstBroken!.reason}（已校验${v.checked}条）\n`);
    return 1;
  }
  process.stdout.write(
    `审计链完整 / audit chain intact: ${v.checked} 条已校验${v.legacy ? `，另有${v.legacy}条启用哈希链之前的旧记录（无法校验）` : ""}。\n最新哈希 / head: ${v.head ?? "—"}\n`,
  );
  const r = replay!;
  if (r.differences.length === 0) process.stdout.write(`数据库与审计记录一致 / tables match the trail: ${replaySummary(r)}。\n`);
  else {
    process.stdout.write(`数据库与审计记录不一致 / tables DIFFER from the trail（${r.differences.length}处）:\n`);
    for (const d of r.differences) process.stdout.write(`  ${differenceLine(d)}\n`);
    process.stdout.write(`${replaySummary(r)}。\n`);
  }
  return ok ? 0 : 1;
}

/** `duban audit`: the audit trail, newest first, or `--verify` the hash chain (exit 1 names the first broken entry). */
export default {
  name: "audit",
  usage: ["audit [--task N [--plan CODE]] [--actor USER] [--since ISO] [--json] [--verify]", "audit --suspect [--plan CODE] [--as USER] [--json]"],
  async run(argv, { config, env }) {
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
        suspect: { type: "boolean", default: false },
        as: { type: "string" },
      },
    });
    if (positionals.length) throw new CliError(`audit: unexpected ${positionals.join(" ")}`, { usage: true });
    // Integrity first: a damaged file is reported before anything is read from it (PostgreSQL keeps its own).
    const integrity = values.verify ? databaseIntegrity(config.databaseUrl) : null;
    if (integrity && integrity !== "ok" && !isPostgresUrl(config.databaseUrl)) {
      if (values.json) process.stdout.write(`${JSON.stringify({ ok: false, integrity })}\n`);
      else process.stdout.write(`数据库完整性检查未通过 / database integrity_check FAILED: ${integrity}\n`);
      return 1;
    }
    const clock = clockFor(undefined, config);
    return withApp(config, clock, async (app) => {
      if (values.suspect) {
        const plan = values.plan === undefined ? null : await planOf(app, values.plan);
        return printSuspects(app, { plan, json: values.json, actor: cliActor(env, values.as), at: clock.now() });
      }
      if (values.verify) return verifyAll(await app.repos.audit.verify(), integrity!, config.databaseUrl, values.json);
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
