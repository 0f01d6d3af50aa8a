import Database from "better-sqlite3";
import { AuditReplay, compareWithTables, differenceLine, type LiveTables, type ReplayEntry, type ReplayReport } from "../audit/replay.js";
import { sqlitePathFromUrl } from "../db/migrate.js";
import { isPostgresUrl, withPgClient } from "../db/postgres.js";
import type { Check } from "./check.js";

/** A read-only query on either database; identifiers are quoted, so the same text runs on SQLite and PostgreSQL. */
type Query = (sql: string) => Promise<Record<string, unknown>[]>;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string | number | Date));
const strings = (v: unknown): string[] => JSON.parse(String(v)) as string[];

async function liveTables(query: Query): Promise<LiveTables> {
  const plans = await query('SELECT COUNT(*) AS "n" FROM "Plan"');
  const several = Number(plans[0]?.n ?? 0) > 1;
  const lead = new Map<number, string[]>();
  for (const r of await query(`SELECT "taskId", "unit" FROM "TaskUnit" WHERE "role" = 'lead' ORDER BY "taskId", "position"`))
    lead.set(Number(r.taskId), [...(lead.get(Number(r.taskId)) ?? []), String(r.unit)]);
  const tasks = (
    await query(
      'SELECT t."id", t."number", p."code", t."completedAt", t."completedBy", t."progress", ' +
        't."deadlineText", t."deadlineKind", t."deadlineDate", t."leadUnits" FROM "Task" t JOIN "Plan" p ON p."id" = t."planId" ORDER BY t."id"',
    )
  ).map((r) => ({
    id: Number(r.id),
    label: `${several && r.code ? `${String(r.code)} ` : ""}任务${Number(r.number)}`,
    completedAt: date(r.completedAt),
    completedBy: (r.completedBy as string | null) ?? null,
    progress: r.progress === null ? null : Number(r.progress),
    deadline: { text: String(r.deadlineText), kind: String(r.deadlineKind), date: (r.deadlineDate as string | null) ?? null },
    leadUnits: lead.get(Number(r.id)) ?? [],
    leadUnitsColumn: strings(r.leadUnits),
  }));
  const updates = (await query('SELECT "id", "taskId", "text", "percent", "authorId", "retractedAt" FROM "Update" ORDER BY "id"')).map((r) => ({
    id: Number(r.id),
    taskId: Number(r.taskId),
    text: String(r.text),
    percent: r.percent === null ? null : Number(r.percent),
    authorId: String(r.authorId),
    retracted: r.retractedAt !== null,
  }));
  return { tasks, updates, targets: await targets(query) };
}

async function targets(query: Query): Promise<LiveTables["targets"]> {
  return (await query('SELECT "id", "taskId", "name", "current" FROM "Target" ORDER BY "id"')).map((r) => ({
    id: Number(r.id),
    taskId: Number(r.taskId),
    name: String(r.name),
    current: Number(r.current),
  }));
}

/** Replay the whole trail, 1,000 entries at a time, and compare it with the tables. */
async function replayWith(query: Query): Promise<ReplayReport> {
  const replay = new AuditReplay(await targets(query));
  let after = 0;
  for (;;) {
    const page = await query(
      'SELECT "id", "at", "actor", "action", "outcome", "taskId", "before", "after", "prevHash", "hash" ' +
        `FROM "AuditLog" WHERE "id" > ${after} ORDER BY "id" LIMIT 1000`,
    );
    for (const r of page)
      replay.add({
        ...(r as unknown as ReplayEntry),
        id: Number(r.id),
        at: date(r.at)!,
        taskId: r.taskId === null ? null : Number(r.taskId),
      });
    if (page.length < 1000) break;
    after = Number(page[page.length - 1]!.id);
  }
  return compareWithTables(replay, await liveTables(query));
}

/**
 * Replay the audit trail of the database at `url` against its tables (SQLite read-only, or PostgreSQL): what
 * `duban audit --verify` and `duban doctor` run after the chain.
 */
export async function replayDatabase(url: string): Promise<ReplayReport> {
  if (isPostgresUrl(url)) return withPgClient(url, (c) => replayWith(async (sql) => (await c.query(sql)).rows as Record<string, unknown>[]));
  const db = new Database(sqlitePathFromUrl(url), { readonly: true, fileMustExist: true });
  try {
    return await replayWith(async (sql) => db.prepare(sql).all() as Record<string, unknown>[]);
  } finally {
    db.close();
  }
}

/** The counts line: `核对了412项数据（审计记录180条）；另有3条早期记录、25项数据无法核对`. */
export function replaySummary(r: ReplayReport): string {
  const unverifiable =
    r.entries.notVerifiable || r.values.notVerifiable
      ? `；另有${r.entries.notVerifiable}条审计记录、${r.values.notVerifiable}项数据无法核对（早于回放核对的记录，不算损坏）`
      : "";
  return `核对了${r.values.compared}项数据（回放审计记录${r.entries.replayed}条）${unverifiable}`;
}

/** doctor's line: the tables agree with the trail, or the first differences. */
export async function auditReplayCheck(url: string): Promise<Check> {
  const name = "审计回放 audit replay";
  try {
    const r = await replayDatabase(url);
    if (r.differences.length === 0) return { name, status: "ok", detail: `数据库与审计记录一致 / tables match the trail: ${replaySummary(r)}` };
    const shown = r.differences.slice(0, 3).map(differenceLine).join("；");
    const more = r.differences.length > 3 ? `……共${r.differences.length}处` : "";
    return { name, status: "fail", detail: `数据库与审计记录不一致 / tables differ from the trail（运行 npx duban audit --verify 查看全部）: ${shown}${more}` };
  } catch (e) {
    return { name, status: "fail", detail: (e as Error).message };
  }
}
