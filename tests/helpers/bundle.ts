// The offline bundle in tests (docs/bundle.md): build it once per test run, unpack it into an empty folder outside
// the repository, and run its commands with no network, no system Node and no home-directory cache.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";

export const REPO = join(import.meta.dirname, "..", "..");
const PRELOAD = join(REPO, "tests", "helpers", "no-network.mjs");

export interface BuiltBundle {
  tarball: string;
  /** The folder name inside the tarball, `duban-<version>`. */
  name: string;
  version: string;
}

let built: BuiltBundle | null = null;

/**
 * `npm run bundle` (scripts/bundle.mjs), once per test run (test files after the first reuse its tarball); its output
 * goes to this process's output. With
 * DUBAN_TEST_REUSE_BUNDLE=1 (for working on the tests only) an existing build/ tarball is used as it is, and it says so.
 */
export function buildBundle(): BuiltBundle {
  if (built) return built;
  const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
  const name = `duban-${version}`;
  const tarball = join(REPO, "build", `${name}-linux-x64.tar.gz`);
  if (process.env.DUBAN_TEST_REUSE_BUNDLE === "1" && existsSync(tarball)) {
    console.warn(`bundle: DUBAN_TEST_REUSE_BUNDLE=1: using the existing ${tarball}, not building it`);
    built = { tarball, name, version };
    return built;
  }
  // Test files run in separate workers: one build per test run, shared through build/ (a marker naming the run), and
  // never two builds at once (a lock folder).
  const run = inject("testRunId");
  const marker = join(REPO, "build", ".test-run");
  return withBuildLock(() => {
    if (run && existsSync(tarball) && existsSync(marker) && readFileSync(marker, "utf8") === run) {
      console.warn(`bundle: using ${tarball}, built earlier in this test run by another test file`);
      built = { tarball, name, version };
      return built;
    }
    rmSync(marker, { force: true });
    const r = spawnSync(process.execPath, [join(REPO, "scripts", "bundle.mjs")], {
      cwd: REPO,
      stdio: "inherit",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    if (r.status !== 0) throw new Error(`npm run bundle failed (${r.error?.message ?? `exit ${r.status}`})`);
    if (run) writeFileSync(marker, run);
    built = { tarball, name, version };
    return built;
  });
}

/** Run `fn` holding build/.test-lock (a folder with the holder's pid); a lock whose holder is gone is taken over. */
function withBuildLock<T>(fn: () => T): T {
  const lock = join(REPO, "build", ".test-lock");
  mkdirSync(join(REPO, "build"), { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lock, "pid"), "utf8"));
      } catch {
        // Just released, or its holder is writing the pid: try again.
      }
      if (holder && !alive(holder)) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(pause, 0, 0, 1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface UnpackedBundle {
  /** The empty temporary folder the tarball was unpacked into. */
  dir: string;
  /** The bundle's top folder, `<dir>/duban-<version>`. */
  root: string;
  version: string;
}

/** Unpack the bundle (built first if need be) into a new empty folder under the system's temp folder. */
export function unpackBundle(bundle: BuiltBundle = buildBundle()): UnpackedBundle {
  const dir = mkdtempSync(join(tmpdir(), "duban-bundle-"));
  const r = spawnSync("tar", ["xzf", bundle.tarball, "-C", dir], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`tar xzf ${bundle.tarball} failed`);
  return { dir, root: join(dir, bundle.name), version: bundle.version };
}

/** The helpers' own temporary folders (tool folders, homes), removed by removeHelperFolders(). */
const helperFolders: string[] = [];

function helperFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  helperFolders.push(dir);
  return dir;
}

/** Remove the tool folders and homes the helpers made (call it in afterAll). */
export function removeHelperFolders(): void {
  for (const dir of helperFolders.splice(0)) rmSync(dir, { recursive: true, force: true });
  defaultTools = null;
}

/** The system tools a bundle command may use: its wrappers need these and nothing else (no node). */
export const BUNDLE_TOOLS = ["sh", "readlink", "getconf"];

/** A folder of symlinks to `tools` (found on this PATH), for a PATH that holds only them. `stubs`: name → sh script. */
export function toolsDir(tools: string[] = BUNDLE_TOOLS, stubs: Record<string, string> = {}): string {
  const dir = helperFolder("duban-tools-");
  for (const tool of tools) {
    if (tool in stubs) continue;
    const found = which(tool);
    if (!found) throw new Error(`${tool} is not on PATH`);
    symlinkSync(found, join(dir, tool));
  }
  for (const [name, script] of Object.entries(stubs)) {
    spawnSync("sh", ["-c", 'printf "%s\\n" "#!/bin/sh" "$1" > "$2" && chmod 755 "$2"', "sh", script, join(dir, name)]);
  }
  return dir;
}

export type Isolation = "unshare -n" | "no-network preload";

let isolation: Isolation | null = null;

/** A tool's path on this process's PATH (the children's PATH holds only the whitelist). */
function which(tool: string): string | undefined {
  return (process.env.PATH ?? "")
    .split(":")
    .map((p) => join(p, tool))
    .find((p) => existsSync(p));
}

/**
 * How bundle commands are cut off from the network here: a network namespace (root) or the preload.
 * DUBAN_TEST_ISOLATION=preload uses the preload even where unshare works (to test the fallback).
 */
export function networkIsolation(): Isolation {
  if (!isolation && process.env.DUBAN_TEST_ISOLATION === "preload") isolation = "no-network preload";
  if (!isolation) {
    const unshare = which("unshare");
    isolation = unshare && spawnSync(unshare, ["-n", "true"]).status === 0 ? "unshare -n" : "no-network preload";
  }
  return isolation;
}

export interface OfflineRun extends Pick<SpawnSyncReturns<string>, "status" | "stdout" | "stderr"> {
  isolation: Isolation;
}

export interface OfflineOptions {
  /** The whole environment besides PATH and HOME (nothing else is inherited). */
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  /** The PATH folder: toolsDir() unless given. */
  path?: string;
  /** HOME and XDG_*: a new empty folder unless given (check it is still empty afterwards). */
  home?: string;
  /** Where the preload writes any connection attempt, when it is the isolation used. */
  netLog?: string;
}

let defaultTools: string | null = null;

/**
 * Run `command` (an executable path, e.g. the bundle's bin/duban) with `args`, offline: inside `unshare -n` when
 * permitted, else with tests/helpers/no-network.mjs preloaded through NODE_OPTIONS. The environment is only
 * PATH (whitelisted tools, no node), HOME and XDG_* (an empty folder), LANG and `opts.env`.
 */
export function runOffline(command: string, args: string[], opts: OfflineOptions = {}): OfflineRun {
  const home = opts.home ?? helperFolder("duban-home-");
  defaultTools ??= toolsDir();
  const env: Record<string, string> = {
    PATH: opts.path ?? defaultTools,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_DATA_HOME: join(home, ".local", "share"),
    XDG_STATE_HOME: join(home, ".local", "state"),
    LANG: "C.UTF-8",
    ...opts.env,
  };
  const how = networkIsolation();
  let file = command;
  let argv = args;
  if (how === "unshare -n") {
    file = which("unshare") ?? "unshare";
    argv = ["-n", "--", command, ...args];
  } else {
    env.NODE_OPTIONS = `--import=${PRELOAD}`;
    if (opts.netLog) env.NO_NET_LOG = opts.netLog;
  }
  const r = spawnSync(file, argv, { env, cwd: opts.cwd ?? home, input: opts.input ?? "", encoding: "utf8", timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, isolation: how };
}

/** A folder for a bundle's data and settings, beside the bundle (outside it, as on a server). */
export function workDir(unpacked: UnpackedBundle, name = "work"): string {
  const dir = join(unpacked.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
