import { copyFileSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { databaseFiles } from "../util/private-files.js";
import { liveHolders } from "./holders.js";

export class OpsError extends Error {}

/** `PRAGMA integrity_check` on a database file: "ok", or the problems SQLite reports. */
export function integrityCheck(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma("integrity_check") as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

/**
 * A consistent online backup of a running database with SQLite's backup API (writers may go on
 * meanwhile), written next to `target` and renamed into place once `integrity_check` passes.
 */
export async function backupDatabase(dbPath: string, target: string): Promise<{ bytes: number; pages: number }> {
  if (!existsSync(dbPath)) throw new OpsError(`数据库不存在 / no database at ${dbPath}`);
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

/**
 * Replace the database with a backup: refused while a bot holds the database; the backup must pass
 * `integrity_check`; the old database is kept beside it as `<db>.before-restore-<stamp>`.
 */
export function restoreDatabase(dbPath: string, backup: string, stamp: string): { keptAs: string | null } {
  if (!existsSync(backup)) throw new OpsError(`备份文件不存在 / no backup file at ${backup}`);
  const holders = liveHolders(dbPath);
  if (holders.length > 0)
    throw new OpsError(
      `数据库正被督办进程使用（pid ${holders.join(", ")}），请先停止机器人再恢复 / the database is in use by duban (pid ${holders.join(", ")}); stop the bot first`,
    );
  const check = integrityCheck(backup);
  if (check !== "ok") throw new OpsError(`备份文件未通过完整性检查，未恢复 / the backup failed integrity_check, nothing restored: ${check}`);
  const tmp = `${dbPath}.restoring-${process.pid}`;
  copyFileSync(backup, tmp);
  let keptAs: string | null = null;
  if (existsSync(dbPath)) {
    // Fold the WAL into the old file first, so the copy kept aside is whole.
    const old = new Database(dbPath, { fileMustExist: true });
    try {
      old.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      old.close();
    }
    keptAs = `${dbPath}.before-restore-${stamp}`;
    renameSync(dbPath, keptAs);
  }
  for (const f of databaseFiles(dbPath).slice(1)) rmSync(f, { force: true });
  renameSync(tmp, dbPath);
  return { keptAs };
}
