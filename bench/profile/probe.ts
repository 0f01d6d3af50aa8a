/**
 * Measuring probes for bench/profile/profile.ts (profiling only, never loaded by the app):
 * - a driver probe that times every better-sqlite3 call (prepare, bind, execute) by patching the prototypes.
 *   better-sqlite3 is synchronous, so the time of each call is exactly the time SQLite and the binding spent;
 * - a repository probe that times each top-level repository call and the SQL time inside it;
 * - replaying repositories that answer from recorded results, to time the app without any database.
 */
import Database from "better-sqlite3";

/** One SQL text's figures while a capture is on. */
export interface StatementStats {
  sql: string;
  prepares: number;
  prepareMs: number;
  executions: number;
  execMs: number;
  /** bind(), columns(), raw(): what the adapter does between prepare and execute. */
  otherMs: number;
  rows: number;
}

export interface Capture {
  statements: Map<string, StatementStats>;
}

const state = {
  /** SQL time since the probe was installed (milliseconds), always counted: repository calls subtract it. */
  sqlMs: 0,
  sqlCalls: 0,
  capture: null as Capture | null,
  on: true,
};

let installed = false;
/** [object, name, original, wrapper] for every patched method except Database#prepare (bound by the app at connect). */
const patched: [Record<string, Fn>, string, Fn, Fn][] = [];

function stats(sql: string): StatementStats | null {
  const c = state.capture;
  if (!c) return null;
  let s = c.statements.get(sql);
  if (!s) {
    s = { sql, prepares: 0, prepareMs: 0, executions: 0, execMs: 0, otherMs: 0, rows: 0 };
    c.statements.set(sql, s);
  }
  return s;
}

type Fn = (this: unknown, ...a: unknown[]) => unknown;

/** Patch better-sqlite3 once; must run before the app opens its connection (the app binds `prepare` at connect). */
export function installDriverProbe(): void {
  if (installed) return;
  installed = true;
  const proto = Database.prototype as unknown as Record<string, Fn>;
  const probeDb = new Database(":memory:");
  const stmtProto = Object.getPrototypeOf(probeDb.prepare("SELECT 1")) as Record<string, Fn>;
  probeDb.close();

  const originals = new Map<string, Fn>();
  const prepare = proto.prepare!;
  proto.prepare = function (this: unknown, sql: unknown) {
    if (!state.on) return prepare.call(this, sql);
    const t = performance.now();
    try {
      return prepare.call(this, sql);
    } finally {
      const ms = performance.now() - t;
      state.sqlMs += ms;
      const s = stats(String(sql));
      if (s) {
        s.prepares++;
        s.prepareMs += ms;
      }
    }
  };
  const exec = proto.exec!;
  proto.exec = function (this: unknown, sql: unknown) {
    if (!state.on) return exec.call(this, sql);
    const t = performance.now();
    try {
      return exec.call(this, sql);
    } finally {
      const ms = performance.now() - t;
      state.sqlMs += ms;
      state.sqlCalls++;
      const s = stats(String(sql));
      if (s) {
        s.prepares++;
        s.executions++;
        s.execMs += ms;
      }
    }
  };
  patched.push([proto, "exec", exec, proto.exec!]);
  for (const name of ["run", "get", "all", "iterate"]) {
    const inner = stmtProto[name]!;
    originals.set(name, inner);
    stmtProto[name] = function (this: unknown, ...a: unknown[]) {
      if (!state.on) return inner.apply(this, a);
      const t = performance.now();
      let out: unknown;
      try {
        out = inner.apply(this, a);
        return out;
      } finally {
        const ms = performance.now() - t;
        state.sqlMs += ms;
        state.sqlCalls++;
        const s = stats((this as { source: string }).source);
        if (s) {
          s.executions++;
          s.execMs += ms;
          if (Array.isArray(out)) s.rows += out.length;
          else if (name === "get" && out !== undefined) s.rows++;
        }
      }
    };
  }
  for (const name of ["bind", "columns", "raw"]) {
    const inner = stmtProto[name]!;
    originals.set(name, inner);
    stmtProto[name] = function (this: unknown, ...a: unknown[]) {
      if (!state.on) return inner.apply(this, a);
      const t = performance.now();
      try {
        return inner.apply(this, a);
      } finally {
        const ms = performance.now() - t;
        state.sqlMs += ms;
        const s = stats((this as { source: string }).source);
        if (s) s.otherMs += ms;
      }
    };
  }
  for (const name of ["run", "get", "all", "iterate", "bind", "columns", "raw"]) patched.push([stmtProto, name, originals.get(name)!, stmtProto[name]!]);
}

/**
 * Turn the probes off or on. Off restores better-sqlite3's own statement methods, so a CPU profile sees the
 * driver as the app does; only Database#prepare stays wrapped (the app bound it at connect), as a flag check.
 */
export function probeEnabled(on: boolean): void {
  state.on = on;
  for (const [obj, name, original, wrapper] of patched) obj[name] = on ? wrapper : original;
}

export const sqlClock = (): number => state.sqlMs;
export const sqlCalls = (): number => state.sqlCalls;

/** Collect every statement run by `fn`. */
export async function captureSql<T>(fn: () => Promise<T>, into: Capture = { statements: new Map() }): Promise<{ result: T; capture: Capture }> {
  const before = state.capture;
  state.capture = into;
  try {
    return { result: await fn(), capture: into };
  } finally {
    state.capture = before;
  }
}

/** One repository method's figures. */
export interface RepoCallStats {
  name: string;
  calls: number;
  wallMs: number;
  sqlMs: number;
}

/**
 * Wrap every method of every repository (instance properties shadow the prototype methods, so the Bot
 * and the services, which hold the same objects, go through them). Only top-level calls are counted.
 * Returns the table and a function that removes the wrappers.
 */
export function installRepoProbe(repos: object): { table: Map<string, RepoCallStats>; uninstall(): void } {
  const table = new Map<string, RepoCallStats>();
  const undo: (() => void)[] = [];
  let depth = 0;
  for (const [repoName, repo] of Object.entries(repos) as [string, Record<string, unknown>][]) {
    for (const method of methodNames(repo)) {
      const inner = repo[method] as (...a: unknown[]) => unknown;
      const name = `${repoName}.${method}`;
      repo[method] = function (this: unknown, ...a: unknown[]) {
        if (depth > 0 || !state.on) return inner.apply(this, a);
        depth++;
        const t = performance.now();
        const sql0 = state.sqlMs;
        const done = () => {
          depth--;
          let s = table.get(name);
          if (!s) {
            s = { name, calls: 0, wallMs: 0, sqlMs: 0 };
            table.set(name, s);
          }
          s.calls++;
          s.wallMs += performance.now() - t;
          s.sqlMs += state.sqlMs - sql0;
        };
        let out: unknown;
        try {
          out = inner.apply(this, a);
        } catch (e) {
          done();
          throw e;
        }
        if (out instanceof Promise) return out.finally(done);
        done();
        return out;
      };
      undo.push(() => delete repo[method]);
    }
  }
  return {
    table,
    uninstall: () => {
      for (const u of undo) u();
    },
  };
}

function methodNames(obj: object): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    for (const n of Object.getOwnPropertyNames(p)) if (n !== "constructor" && typeof (obj as Record<string, unknown>)[n] === "function") names.add(n);
  return [...names];
}

/**
 * Repositories that record each call's result (mode "record", through the real ones) and then answer the
 * same call from the record (mode "replay") without touching the database: the Bot over them runs the
 * interpreter, zod, the command and the rendering exactly as with the database, minus Prisma and SQLite.
 */
export function replayRepos<T extends object>(real: T): { repos: T; mode: { replay: boolean }; misses: string[] } {
  const mode = { replay: false };
  const misses: string[] = [];
  const cache = new Map<string, { value: unknown; async: boolean }>();
  const repos = {} as Record<string, unknown>;
  for (const [repoName, repo] of Object.entries(real) as [string, Record<string, unknown>][]) {
    const proxy: Record<string, unknown> = {};
    for (const method of methodNames(repo)) {
      const key0 = `${repoName}.${method}`;
      proxy[method] = (...a: unknown[]) => {
        const key = `${key0}(${JSON.stringify(a)})`;
        if (mode.replay) {
          const hit = cache.get(key);
          if (!hit) {
            misses.push(key);
            throw new Error(`replay miss: ${key}`);
          }
          return hit.async ? Promise.resolve(hit.value) : hit.value;
        }
        const out = (repo[method] as (...x: unknown[]) => unknown).apply(repo, a);
        if (out instanceof Promise)
          return out.then((value) => {
            cache.set(key, { value, async: true });
            return value;
          });
        cache.set(key, { value: out, async: false });
        return out;
      };
    }
    repos[repoName] = proxy;
  }
  return { repos: repos as T, mode, misses };
}
