import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import Database from "better-sqlite3";

/**
 * A damaged SQLite file, or one that is not a database at all. Whoever meets it stops and says so in plain words
 * (the catalogue's `integrity` section), pointing to `npx duban doctor` and `npx duban restore`: going on would answer
 * from wrong data, or write more into a broken file.
 */
export class DatabaseCorruptError extends Error {
  override name = "DatabaseCorruptError";
  /** `file` is the database; `detail` what SQLite or the header check found, for the operator. */
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/** SQLite's codes for a damaged file and for a file that is not a database, and its messages for them. */
const CORRUPT_CODE = /^SQLITE_(CORRUPT|NOTADB)/;
const CORRUPT_MESSAGE = /database disk image is malformed|file is not a database/;

/**
 * Whether an error comes from a damaged database: better-sqlite3's SqliteError (`code` SQLITE_CORRUPT…, SQLITE_NOTADB),
 * Prisma's wrapping of it (the adapter's error in `meta.driverAdapterError`, its `cause` holding `originalCode`), or
 * an error whose message carries SQLite's words for it (the schema engine's, a MigrationError).
 */
export function isCorruption(e: unknown, depth = 0): boolean {
  if (e === null || typeof e !== "object" || depth > 5) return false;
  if (e instanceof DatabaseCorruptError) return true;
  const o = e as { code?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  for (const code of [o.code, o.originalCode]) if (typeof code === "string" && CORRUPT_CODE.test(code)) return true;
  if (typeof o.message === "string" && CORRUPT_MESSAGE.test(o.message)) return true;
  return isCorruption(o.cause, depth + 1) || isCorruption(o.meta?.driverAdapterError, depth + 1);
}

/** What an error says, for DatabaseCorruptError's detail: SQLite's own message where Prisma wrapped it. */
function sqliteMessage(e: unknown): string {
  const o = e as { message?: unknown; meta?: { driverAdapterError?: { message?: unknown } } } | null;
  const inner = o?.meta?.driverAdapterError?.message;
  if (typeof inner === "string" && inner) return inner;
  const m = typeof o?.message === "string" ? o.message : String(e);
  return CORRUPT_MESSAGE.exec(m)?.[0] ?? m.trim().split("\n").at(-1) ?? m;
}

/** `e` as a DatabaseCorruptError for `file` when it comes from a damaged database; otherwise `e` itself. */
export function asCorruption(e: unknown, file: string): unknown {
  if (e instanceof DatabaseCorruptError || !isCorruption(e)) return e;
  return new DatabaseCorruptError(file, sqliteMessage(e));
}

const MAGIC = "SQLite format 3\0";

/**
 * The cheap check every one-shot command makes before opening the file (well under a millisecond): the 100-byte
 * header names SQLite and a valid page size and schema format, and the file is as long as the header says, unless
 * a write-ahead log or journal beside it may still hold the rest. Returns what is wrong, or null. A missing or
 * empty file is a new database, not a damaged one.
 */
export function headerProblem(file: string): string | null {
  if (!existsSync(file)) return null;
  const size = statSync(file).size;
  if (size === 0) return null;
  if (size < 100) return `文件只有 ${size} 字节，不是完整的 SQLite 数据库 / only ${size} bytes: truncated or not a database`;
  const header = Buffer.alloc(100);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString("latin1", 0, 16) !== MAGIC) return "不是 SQLite 数据库文件 / not a SQLite database file";
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return `文件头中的页大小 ${raw} 无效 / invalid page size in the header`;
  const schemaFormat = header.readUInt32BE(44);
  if (schemaFormat > 4) return `文件头中的模式格式 ${schemaFormat} 无效 / invalid schema format in the header`;
  const pages = header.readUInt32BE(28);
  // The header's page count holds only when the change counter matches the version-valid-for number (SQLite ≥ 3.7).
  const countValid = pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92);
  const pending = [`${file}-wal`, `${file}-journal`].some((f) => existsSync(f) && statSync(f).size > 0);
  if (!pending && (size % pageSize !== 0 || (countValid && size < pages * pageSize))) {
    const expected = countValid ? `${pages * pageSize}` : "";
    return `文件被截断：应有 ${expected || "整页的"} 字节，实有 ${size} 字节 / truncated: ${size} bytes, expected ${expected || "whole pages"}`;
  }
  return null;
}

/** `PRAGMA quick_check` (or `integrity_check`) on a file: "ok", or what SQLite reports, also when it cannot read the file at all. */
export function sqliteCheck(file: string, pragma: "quick_check" | "integrity_check" = "quick_check"): string {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma(pragma) as Record<string, string>[];
    return rows.map((r) => Object.values(r)[0]).join("; ");
  } catch (e) {
    if (isCorruption(e)) return sqliteMessage(e);
    throw e;
  } finally {
    db?.close();
  }
}

/**
 * Refuse a damaged SQLite file before anything else touches it: the header check for one-shot commands, and with
 * `quick` also `PRAGMA quick_check` over every page, for a long-running process, backup and restore. Throws a
 * DatabaseCorruptError; a missing file passes (it is created).
 */
export function checkDatabaseFile(file: string, level: "header" | "quick"): void {
  if (file === ":memory:") return;
  const problem = headerProblem(file);
  if (problem) throw new DatabaseCorruptError(file, problem);
  if (level === "header" || !existsSync(file) || statSync(file).size === 0) return;
  const check = sqliteCheck(file, "quick_check");
  if (check !== "ok") throw new DatabaseCorruptError(file, `quick_check: ${check.length > 300 ? `${check.slice(0, 300)}…` : check}`);
}
