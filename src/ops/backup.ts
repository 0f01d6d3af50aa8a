import { copyFileSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { ChainVerifier } from "../audit/chain.js";
import { checkDatabaseFile, headerProblem, sqliteCheck } from "../db/integrity.js";
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from "../db/migrate.js";
import { databaseFiles } from "../util/private-files.js";
import { liveHolders } from "./holders.js";

export class OpsError extends Error {}

/** `PRAGMA integrity_check` on a database file: "ok", or the problems SQLite reports (also when it cannot read the file). */
export function integrityCheck(file: string): string {
  return sqliteCheck(file, "integrity_check");
}

/**
 * A consistent online backup of a running database with SQLite's backup API (writers may go on
 * meanwhile), written next to `target` and renamed into place once `integrity_check` passes.
 */
export async function backupDatabase(dbPath: string, target: string): Promise<{ bytes: number; pages: number }> {
  if (!existsSync(dbPath)) throw new OpsError(`数据库不存在 / no database at ${dbPath}`);
  // A damaged database is refused with the plain message, before any copy: a backup of it would only copy the damage.
  checkDatabaseFile(dbPath, "quick");
  const tmp = `${target}.partial-${process.pid}`;
  const src = new Database(dbPath, { fileMustExist: true });
  let pages = 0;
  try {
    src.pragma("busy_timeout = 5000");
    // All pages in one step: copied under one read transaction, so writers meanwhile can neither
    // tear the copy nor restart it forever (small steps restart whenever another connection writes).
    const progress = await src.backup(tmp, { progress: () => 0x7fffffff });
    pages = progress.totalPages;
  } finally {
    src.close();
  }
  // The copy is in WAL mode like its source, so opening it would leave -wal and -shm files beside the partial
  // name once it is renamed. One file is what a backup should be: the app turns WAL on again when it opens it.
  const copy = new Database(tmp, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
  } finally {
    copy.close();
  }
  const check = integrityCheck(tmp);
  if (check !== "ok") {
    rmSync(tmp, { force: true });
    throw new OpsError(`备份未通过完整性检查 / the backup failed integrity_check: ${check}`);
  }
  renameSync(tmp, target);
  return { bytes: statSync(target).size, pages };
}

type AuditRow = Parameters<ChainVerifier["add"]>[0] & { at: number | string | Date };

/**
 * Why `file` is not a duban database to restore, or null: it must hold duban's migrations (those this version knows,
 * unedited, none failed: an older backup is fine, its missing migrations are applied at the next start), a plan,
 * and an audit chain that verifies. Reads only.
 */
export function dubanDatabaseProblem(file: string): string | null {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = (table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
    if (!has("_prisma_migrations")) return "没有督办的迁移记录（_prisma_migrations），不是督办数据库 / no duban migrations: not a duban database";
    const rows = db.prepare("SELECT migration_name AS name, checksum, finished_at AS finished, rolled_back_at AS rolledBack FROM _prisma_migrations").all() as {
      name: string;
      checksum: string;
      finished: unknown;
      rolledBack: unknown;
    }[];
    const known = new Map(readMigrations(DEFAULT_MIGRATIONS_DIR).map((m) => [m.name, m.checksum]));
    const applied = rows.filter((r) => r.finished !== null && r.rolledBack === null);
    const failed = rows.filter((r) => r.finished === null && r.rolledBack === null);
    const unknown = applied.filter((r) => !known.has(r.name));
    const edited = applied.filter((r) => known.has(r.name) && known.get(r.name) !== r.checksum);
    if (applied.length === 0) return "没有已应用的督办迁移，不是督办数据库 / no duban migration applied: not a duban database";
    if (failed.length) return `有未完成的迁移 ${failed.map((r) => r.name).join(", ")} / a migration did not finish`;
    if (unknown.length)
      return `含有本版本督办不认识的迁移（${unknown.map((r) => r.name).join(", ")}）：它来自更新的版本或别的程序 / migrations this version does not know`;
    if (edited.length) return `迁移 ${edited.map((r) => r.name).join(", ")} 与本版本的不一致 / migrations differ from this version's`;
    if (!has("Plan") || (db.prepare('SELECT COUNT(*) AS n FROM "Plan"').get() as { n: number }).n === 0) return "库中没有任何计划 / it holds no plan";
    if (!has("AuditLog")) return "没有审计日志 / it has no audit trail";
    const chain = new ChainVerifier();
    for (const row of db.prepare('SELECT * FROM "AuditLog" ORDER BY id').iterate() as IterableIterator<AuditRow>)
      if (!chain.add({ ...row, at: new Date(row.at) })) break;
    if (chain.firstBroken)
      return `审计链在第${chain.firstBroken.id}条处断开，记录可能被改动过 / audit chain broken at #${chain.firstBroken.id}: ${chain.firstBroken.reason}`;
    return null;
  } finally {
    db.close();
  }
}

/**
 * Replace the database with a backup: refused while a bot holds the database; the backup must pass
 * `integrity_check` and be a duban database (dubanDatabaseProblem); the old database is kept beside it as
 * `<db>.before-restore-<stamp>`, with its write-ahead log when it is too damaged to fold it in.
 */
export function restoreDatabase(dbPath: string, backup: string, stamp: string): { keptAs: string | null } {
  checkRestorable(dbPath, backup);
  return replaceDatabase(dbPath, backup, stamp);
}

/** The checks of restoreDatabase, changing nothing: throws an OpsError saying why `backup` cannot replace the database now. */
export function checkRestorable(dbPath: string, backup: string): void {
  if (!existsSync(backup)) throw new OpsError(`备份文件不存在 / no backup file at ${backup}`);
  const holders = liveHolders(dbPath);
  if (holders.length > 0)
    throw new OpsError(
      `数据库正被督办进程使用（pid ${holders.join(", ")}），请先停止机器人再恢复 / the database is in use by duban (pid ${holders.join(", ")}); stop the bot first`,
    );
  const refuse = (why: string) => new OpsError(`备份文件 ${backup} 不能用于恢复：${why}。当前数据库未改动，加密存储也未改动 / nothing restored`);
  const header = headerProblem(backup);
  if (header) throw refuse(header);
  const check = sqliteCheck(backup, "integrity_check");
  if (check !== "ok") throw refuse(`未通过完整性检查 integrity_check: ${check}`);
  const problem = dubanDatabaseProblem(backup);
  if (problem) throw refuse(problem);
}

/** The second half of restoreDatabase, once checkRestorable passed: the old database kept aside, the backup in its place. */
export function replaceDatabase(dbPath: string, backup: string, stamp: string): { keptAs: string | null } {
  const tmp = `${dbPath}.restoring-${process.pid}`;
  copyFileSync(backup, tmp);
  let keptAs: string | null = null;
  if (existsSync(dbPath)) {
    keptAs = `${dbPath}.before-restore-${stamp}`;
    // Fold the WAL into the old file first, so the copy kept aside is whole. A damaged database (the usual reason
    // to restore) may refuse: its WAL and shared memory are then kept beside it under the same name.
    let folded = false;
    try {
      const old = new Database(dbPath, { fileMustExist: true });
      try {
        old.pragma("wal_checkpoint(TRUNCATE)");
        folded = true;
      } finally {
        old.close();
      }
    } catch {
      folded = false;
    }
    if (!folded) for (const suffix of ["-wal", "-shm"]) if (existsSync(`${dbPath}${suffix}`)) renameSync(`${dbPath}${suffix}`, `${keptAs}${suffix}`);
    renameSync(dbPath, keptAs);
  }
  for (const f of databaseFiles(dbPath).slice(1)) rmSync(f, { force: true });
  renameSync(tmp, dbPath);
  return { keptAs };
}
