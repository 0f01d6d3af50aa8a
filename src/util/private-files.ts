import { chmodSync, existsSync, statSync } from "node:fs";

/**
 * Everything duban writes is private to its own user: files 0600, folders 0700, whatever the umask
 * the service manager or the shell left. `npm start` and the CLI call `privateUmask()` first, so new
 * files are created that way; `makePrivate` fixes files that already existed with wider modes.
 */
export function privateUmask(): void {
  process.umask(0o077);
}

/** chmod each existing path: 0700 for folders, 0600 for files. Missing paths are skipped. */
export function makePrivate(paths: readonly string[]): void {
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    const mode = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== mode) chmodSync(p, mode);
  }
}

/** The database file and the files SQLite keeps beside it. */
export function databaseFiles(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`];
}
