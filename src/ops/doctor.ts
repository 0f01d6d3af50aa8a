import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { Config } from "../config.js";
import { pendingMigrations, pendingPostgresMigrations, sqlitePathFromUrl } from "../db/migrate.js";
import { describeUrl, isPostgresUrl, withPgClient } from "../db/postgres.js";
import { instances, recordedActive } from "./leadership.js";
import { applyOverlay, DirectoryError, loadDirectory, type Directory, type DirectoryData, type OverlayChange } from "../directory/directory.js";
import { createWorkingCalendar } from "../reminders/working-calendar.js";
import { isCollectiveUnit } from "../plan/unit-list.js";
import { silentLogger } from "../log/logger.js";
import { ChainVerifier } from "../audit/chain.js";
import { integrityCheck } from "./backup.js";
import { auditReplayCheck } from "./audit-replay.js";
import { headerProblem } from "../db/integrity.js";
import { cryptoChecks } from "./doctor-crypto.js";

import type { Check } from "./check.js";
import { IMPORT_PLAN_COMMAND } from "../plan/import-hint.js";

export type { Check };

/** What doctor reads of the plan and the directory from the database: the plan's units and years, and the chat changes. */
type Facts = { units: string[]; years: number[]; changes: OverlayChange[] };

/** The directory changes made from chat (绑定, 解绑, 绑定本群), oldest first, as rows of the DirectoryChange table. */
const CHANGES_SQL = 'SELECT "op", "user", "room", "unit", "role" FROM "DirectoryChange" ORDER BY "id"';

/** Plan facts read straight from the file, without opening the app (which would migrate it). */
function readPlanFacts(dbPath: string): Facts | null {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const changes = db.prepare(CHANGES_SQL).all() as OverlayChange[];
    const plan = db.prepare('SELECT id, issuedOn, importedAt FROM "Plan" ORDER BY importedAt DESC, id DESC LIMIT 1').get() as
      | { id: number; issuedOn: string | null; importedAt: number | string }
      | undefined;
    if (!plan) return null;
    const units = (
      db.prepare('SELECT DISTINCT tu.unit AS unit FROM "TaskUnit" tu JOIN "Task" t ON t.id = tu.taskId WHERE t.planId = ?').all(plan.id) as { unit: string }[]
    ).map((r) => r.unit);
    const dates = (db.prepare('SELECT deadlineDate AS d FROM "Task" WHERE planId = ? AND deadlineDate IS NOT NULL').all(plan.id) as { d: string }[]).map(
      (r) => r.d,
    );
    return { ...planYears(units, plan.issuedOn, plan.importedAt, dates), changes };
  } finally {
    db.close();
  }
}

type AuditRow = Parameters<ChainVerifier["add"]>[0] & { at: number | string | Date };

function verifyAudit(dbPath: string): { ok: boolean; detail: string } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return verifyRows(db.prepare('SELECT * FROM "AuditLog" ORDER BY id').iterate() as IterableIterator<AuditRow>);
  } finally {
    db.close();
  }
}

function verifyRows(rows: Iterable<AuditRow>): { ok: boolean; detail: string } {
  const v = new ChainVerifier();
  for (const row of rows) {
    if (!v.add({ ...row, at: new Date(row.at) })) break;
  }
  return v.firstBroken
    ? { ok: false, detail: `审计链在第${v.firstBroken.id}条处断开 / audit chain broken at #${v.firstBroken.id}: ${v.firstBroken.reason}` }
    : { ok: true, detail: `审计链完整 / audit chain intact (${v.checked}${v.legacy ? ` + ${v.legacy} legacy` : ""})` };
}

const pendingDetail = (pending: string[]) =>
  `${pending.length} 个迁移未应用（启动时自动应用）/ migrations not applied yet (applied at start): ${pending.join(", ")}`;

/** The database check on PostgreSQL: reachable, migrations applied, audit chain intact; and the plan facts. */
async function postgresCheck(url: string): Promise<{ check: Check; facts: Facts | null; instances?: Check }> {
  const name = "数据库 database";
  try {
    const pending = await pendingPostgresMigrations(url);
    if (pending.length) return { check: { name, status: "fail", detail: pendingDetail(pending) }, facts: null };
    return await withPgClient(url, async (c) => {
      const audit = verifyRows((await c.query<AuditRow>('SELECT * FROM "AuditLog" ORDER BY "id"')).rows);
      const version = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? "?";
      const plan = (
        await c.query<{ id: number; issuedOn: string | null; importedAt: Date }>(
          'SELECT "id", "issuedOn", "importedAt" FROM "Plan" ORDER BY "importedAt" DESC, "id" DESC LIMIT 1',
        )
      ).rows[0];
      let facts: Facts | null = null;
      if (plan) {
        const units = (
          await c.query<{ unit: string }>(
            'SELECT DISTINCT tu."unit" AS "unit" FROM "TaskUnit" tu JOIN "Task" t ON t."id" = tu."taskId" WHERE t."planId" = $1',
            [plan.id],
          )
        ).rows.map((r) => r.unit);
        const dates = (
          await c.query<{ d: string }>('SELECT "deadlineDate" AS "d" FROM "Task" WHERE "planId" = $1 AND "deadlineDate" IS NOT NULL', [plan.id])
        ).rows.map((r) => r.d);
        facts = { ...planYears(units, plan.issuedOn, plan.importedAt, dates), changes: (await c.query<OverlayChange>(CHANGES_SQL)).rows };
      }
      const who = await instances(c);
      // Its name and start as the active instance recorded them (application_name is cut at 63 ASCII characters).
      const recorded = await recordedActive({
        get: async (key) => (await c.query<{ value: string }>(`SELECT "value" FROM "Setting" WHERE "key" = $1`, [key])).rows[0]?.value ?? null,
      });
      if (who.active && recorded?.instance.startsWith(who.active.instance)) who.active = { ...who.active, instance: recorded.instance, since: recorded.since };
      const when = (d: Date) => d.toISOString().replace("T", " ").slice(0, 19);
      const standby = who.standby.map((s) => `${s.instance}${s.address ? ` (${s.address})` : ""}`).join("、");
      const instancesCheck: Check = who.active
        ? {
            name: "实例 instances",
            status: "ok",
            detail:
              `活动实例 active: ${who.active.instance}${who.active.address ? ` (${who.active.address})` : ""}，自 ${when(who.active.since)} UTC；` +
              `备用 standby: ${standby || "无 none"}`,
          }
        : {
            name: "实例 instances",
            status: "skip",
            detail: who.standby.length
              ? `无活动实例，${who.standby.length} 个备用实例正在接管 / no active instance; standbys: ${standby}`
              : "没有正在运行的 Matrix 机器人实例 / no bot instance is running",
          };
      return {
        check: { name, status: audit.ok ? "ok" : "fail", detail: `PostgreSQL ${version} ${describeUrl(url)}: migrations up to date, ${audit.detail}` },
        facts,
        instances: instancesCheck,
      };
    });
  } catch (e) {
    return { check: { name, status: "fail", detail: `${describeUrl(url)}: ${(e as Error).message}` }, facts: null };
  }
}

function planYears(units: string[], issuedOn: string | null, importedAt: number | string | Date, deadlines: string[]): { units: string[]; years: number[] } {
  const start = issuedOn ? Number(issuedOn.slice(0, 4)) : new Date(importedAt).getUTCFullYear();
  const end = Math.max(start, ...deadlines.map((d) => Number(d.slice(0, 4))));
  const years: number[] = [];
  for (let y = start; y <= end; y++) years.push(y);
  return { units, years };
}

/**
 * `npx duban doctor`: one line per check — configuration, directory and its coverage of the plan's
 * units, database and migrations, the working calendar over the plan period, and the homeserver.
 * Reads only: it never creates or migrates the database.
 */
export async function runDoctor(config: Config): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push({
    name: "配置 configuration",
    status: "ok",
    detail:
      `DATABASE_URL=${describeUrl(config.databaseUrl)}, ` +
      `DUBAN_DIRECTORY=${config.directoryFile ?? "（未设置 not set）"}${config.usingDemoDirectory ? " (demo)" : ""}, LOG_LEVEL=${config.logLevel}`,
  });

  let directory: Directory | null = null;
  if (config.directoryFile === null)
    checks.push({
      name: "名录 directory",
      status: "fail",
      detail:
        "未设置 DUBAN_DIRECTORY，生产模式不使用演示名录，机器人不会启动：请运行 duban init 或设置 DUBAN_DIRECTORY / " +
        "not set; production mode never loads the demo directory, so the bot will not start",
    });
  else
    try {
      directory = loadDirectory(config.directoryFile);
    } catch (e) {
      checks.push({
        name: "名录 directory",
        status: "fail",
        detail: e instanceof DirectoryError ? `${e.file}: ${e.problems.join("; ")}` : (e as Error).message,
      });
    }

  let facts: Facts | null = null;
  if (isPostgresUrl(config.databaseUrl)) {
    const r = await postgresCheck(config.databaseUrl);
    checks.push(r.check);
    if (r.instances) checks.push(r.instances);
    facts = r.facts;
  } else {
    const dbPath = sqlitePathFromUrl(config.databaseUrl);
    const exists = existsSync(dbPath);
    if (!exists) {
      checks.push({
        name: "数据库 database",
        status: "fail",
        detail: `${dbPath} 不存在；首次运行 npm start 或任一 npx duban 命令时创建 / does not exist yet; created on first start`,
      });
    } else {
      try {
        const integrity = headerProblem(dbPath) ?? integrityCheck(dbPath);
        const pending = integrity === "ok" ? pendingMigrations(config.databaseUrl) : [];
        if (integrity !== "ok")
          checks.push({
            name: "数据库 database",
            status: "fail",
            detail: `${dbPath} 已损坏 / damaged: ${integrity}；请用 npx duban restore 备份文件 恢复最近的备份 / restore the latest backup`,
          });
        else if (pending.length) checks.push({ name: "数据库 database", status: "fail", detail: pendingDetail(pending) });
        else {
          const audit = verifyAudit(dbPath);
          checks.push({ name: "数据库 database", status: audit.ok ? "ok" : "fail", detail: `${dbPath}: integrity ok, migrations up to date, ${audit.detail}` });
          facts = readPlanFacts(dbPath);
        }
      } catch (e) {
        checks.push({ name: "数据库 database", status: "fail", detail: (e as Error).message });
      }
    }
  }

  // The tables replayed from the audit trail, once the database itself checks out.
  const databaseOk = checks.some((c) => c.name === "数据库 database" && c.status === "ok");
  if (databaseOk) checks.push(await auditReplayCheck(config.databaseUrl));
  // A production database starts empty: until the bureau's plan is imported, every task message is refused.
  if (databaseOk && !facts)
    checks.push({ name: "计划 plan", status: "fail", detail: `尚未导入计划，请导入本局的方案：${IMPORT_PLAN_COMMAND} / no plan imported yet` });

  if (directory) {
    if (!facts) checks.push({ name: "名录 directory", status: "ok", detail: `${directory.units.length} 个单位；无计划可对照 / no plan to compare with` });
    else {
      const missing = facts.units.filter((u) => !isCollectiveUnit(u) && !directory!.unit(u));
      checks.push(
        missing.length
          ? {
              name: "名录 directory",
              status: "fail",
              detail: `计划中的单位不在名录中，其提醒将发往科技办 / plan units missing from the directory: ${missing.join("、")}`,
            }
          : {
              name: "名录 directory",
              status: "ok",
              detail: `${directory.units.length} 个单位，覆盖计划中的全部${facts.units.length}个单位名称 / covers every unit the plan names`,
            },
      );
      checks.push(...roomFindings(applyOverlay(directory.data, facts.changes).data, facts.units));
    }
  }

  if (facts) {
    const calendar = createWorkingCalendar();
    const missing = facts.years.filter((y) => !calendar.hasDataFor(y));
    checks.push(
      missing.length
        ? {
            name: "工作日历 calendar",
            status: "fail",
            detail: `chinese-days 缺少 ${missing.join("、")} 年的节假日数据，提醒将按周一至周五发送 / no holiday data for ${missing.join(", ")}`,
          }
        : { name: "工作日历 calendar", status: "ok", detail: `覆盖计划期 ${facts.years[0]}–${facts.years[facts.years.length - 1]} / covers the plan period` },
    );
  } else checks.push({ name: "工作日历 calendar", status: "skip", detail: "无计划 / no plan yet" });

  const m = config.matrix;
  if (!m) checks.push({ name: "Matrix", status: "skip", detail: "未配置 MATRIX_HOMESERVER_URL，使用控制台 / not configured" });
  else {
    const { MatrixTransport } = await import("../transports/matrix.js");
    const transport = new MatrixTransport({
      homeserverUrl: m.homeserverUrl,
      accessToken: m.accessToken,
      user: m.user,
      password: m.password,
      storageFile: ":memory:",
      bot: null as never,
      settings: null as never,
      allowedInviters: [],
      logger: silentLogger,
      maxRetryMs: 0,
    });
    try {
      await transport.connect({ persist: false });
      checks.push({ name: "Matrix", status: "ok", detail: `${m.homeserverUrl} 可达，令牌有效，身份 ${transport.userId} / reachable, token valid` });
    } catch (e) {
      checks.push({ name: "Matrix", status: "fail", detail: (e as Error).message });
    }
    checks.push(...(await cryptoChecks(config)));
  }
  return checks;
}

/**
 * What is left to set up in the directory, as the file and the chat changes make it: the plan's units that have no room
 * (their reminders go to the office instead; fix: 绑定本群 in the unit's room), and units with a room but no leader
 * (nobody there may answer for the unit; fix: leaders in the file). Findings, not failures: the bot runs meanwhile.
 */
export function roomFindings(data: DirectoryData, planUnits: readonly string[]): Check[] {
  const unitOf = (name: string) => data.units.find((u) => u.name === name || u.aliases.includes(name));
  const noRoom = [
    ...new Set(
      planUnits
        .filter((n) => !isCollectiveUnit(n))
        .map((n) => unitOf(n))
        .filter((u) => u && u.rooms.length === 0),
    ),
  ].map((u) => u!.name);
  const noLeader = data.units.filter((u) => u.rooms.length > 0 && u.leaders.length === 0).map((u) => u.name);
  const out: Check[] = [];
  if (noRoom.length)
    out.push({
      name: "单位工作群 unit rooms",
      status: "warn",
      detail:
        `计划中的单位还没有工作群，提醒将发往科技办 / plan units with no room: ${noRoom.join("、")}；` +
        `科技办管理员在该单位的群里发送“绑定本群 <单位>”，如“绑定本群 ${noRoom[0]}” / fix: say 绑定本群 <unit> in its room`,
    });
  if (noLeader.length)
    out.push({
      name: "单位负责人 unit leaders",
      status: "warn",
      detail:
        `这些单位有工作群但没有负责人 / units with a room but no leader: ${noLeader.join("、")}；` +
        `在名录文件中为其填写 leaders，或由管理员发送“绑定 @用户 <单位> leader” / fix: add leaders in the directory file`,
    });
  return out;
}
