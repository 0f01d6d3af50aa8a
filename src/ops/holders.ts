import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Which bot processes hold a database: each running `npm start` leaves `<db>.running/<pid>`, removed
 * when it stops. A file whose process is gone (a crash) is ignored. `restore` refuses while any is alive.
 */
export function holdersDir(dbPath: string): string {
  return `${dbPath}.running`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Record this process as holding the database; returns the release function. */
export function holdDatabase(dbPath: string): () => void {
  const dir = holdersDir(dbPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, String(process.pid));
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** Live processes holding the database (stale files of crashed ones are removed). */
export function liveHolders(dbPath: string): number[] {
  let names: string[];
  try {
    names = readdirSync(holdersDir(dbPath));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (pid !== process.pid && alive(pid)) out.push(pid);
    else if (pid !== process.pid) rmSync(join(holdersDir(dbPath), name), { force: true });
  }
  return out;
}
