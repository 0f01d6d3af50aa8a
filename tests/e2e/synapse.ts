/**
 * A real Synapse homeserver for the Matrix end-to-end tests.
 *
 * `startSynapse()` writes a throwaway homeserver.yaml into a fresh temp dir and
 * runs Synapse from the venv made by `scripts/install-synapse.sh`
 * (`$DUBAN_SYNAPSE_VENV`, default `<repo>/.cache/synapse-venv`). If the venv is
 * missing or Synapse does not come up, it throws; it never skips.
 *
 * To use a homeserver that is already running instead, set
 * `DUBAN_TEST_HOMESERVER_URL` and `DUBAN_TEST_REGISTRATION_SECRET` (its
 * registration_shared_secret), plus `DUBAN_TEST_SERVER_NAME` if its
 * server_name is not "localhost". Such a server cannot be restarted or given
 * config, and keeps its users between runs: use `uniqueLocalpart()`.
 *
 * Environment knobs: DUBAN_SYNAPSE_VENV, DUBAN_SYNAPSE_START_TIMEOUT_MS
 * (default 60000), DUBAN_KEEP_SYNAPSE_DIR=1 (keep the temp dir and logs after stop()).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LogLevel, LogService, MatrixClient, MemoryStorageProvider } from "matrix-bot-sdk";

// matrix-bot-sdk logs every request at INFO; tests only want trouble. MatrixHttpClient also
// logs every error response (expected 404s, 429s, the hang-up when Synapse stops), which
// reaches the test as a thrown MatrixError anyway.
LogService.setLevel(LogLevel.WARN);
LogService.muteModule("MatrixHttpClient");

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const INSTALL_HINT = "run `bash scripts/install-synapse.sh` (needs python3 and PyPI)";

export interface SynapseUser {
  localpart: string;
  userId: string;
  accessToken: string;
  password: string;
  deviceId?: string;
}

export interface RegisterUserOptions {
  admin?: boolean;
  /** Default: a random password. */
  password?: string;
  displayName?: string;
}

export interface StartSynapseOptions {
  /** Keep Synapse's own (low) rate limits instead of the generous test ones, e.g. to test 429 handling. */
  defaultRateLimits?: boolean;
  /** Extra top-level homeserver.yaml keys, merged over the generated config. */
  extraConfig?: Record<string, unknown>;
  /** How long to wait for /_matrix/client/versions. Default 60 s (or $DUBAN_SYNAPSE_START_TIMEOUT_MS). */
  startTimeoutMs?: number;
}

export interface Synapse {
  /** Client-server API base, e.g. http://127.0.0.1:41234 */
  url: string;
  serverName: string;
  /** True when DUBAN_TEST_HOMESERVER_URL points at a homeserver this harness did not start. */
  external: boolean;
  /** Temp dir with homeserver.yaml, homeserver.db and the logs (undefined when external). */
  dir?: string;
  /** Milliseconds the last (re)start took until /versions answered (0 when external). */
  startupMs: number;
  /** Register a user through the shared-secret admin API. */
  registerUser(localpart: string, opts?: RegisterUserOptions): Promise<SynapseUser>;
  /** Stop Synapse and start it again on the same port with the same data. Throws when external. */
  restart(): Promise<void>;
  /** Graceful stop (SIGTERM, then SIGKILL after 15 s); removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL at once, like a crash; the data stays, so restart() still works. */
  kill(): void;
  /** Last lines of Synapse's logs, for error messages. */
  logTail(lines?: number): string;
}

// ---------------------------------------------------------------------------
// Clean-up when the test process goes away

interface Tracked {
  child?: ChildProcess;
  dir: string;
}
const tracked = new Set<Tracked>();
let exitHookInstalled = false;

function track(t: Tracked): void {
  tracked.add(t);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const entry of tracked) {
      if (entry.child && entry.child.exitCode === null && entry.child.signalCode === null) {
        try {
          entry.child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }
      if (!process.env.DUBAN_KEEP_SYNAPSE_DIR) rmSync(entry.dir, { recursive: true, force: true });
    }
  });
}

/**
 * Runs `python -m synapse.app.homeserver` after asking Linux to SIGKILL it when
 * its parent (this test process) dies, so a killed vitest worker leaves no
 * Synapse behind even when its 'exit' handler never runs.
 */
const BOOTSTRAP = `
import os, sys, runpy
try:
    import ctypes, signal
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        if os.getppid() != int(os.environ.get("DUBAN_SYNAPSE_PARENT_PID", os.getppid())):
            sys.exit("duban test harness: parent process already gone")
except Exception:
    pass
runpy.run_module("synapse.app.homeserver", run_name="__main__", alter_sys=True)
`;

// ---------------------------------------------------------------------------
// Public helpers

/** A matrix-bot-sdk client with in-memory storage and a short /sync long-poll, so stop() is quick. */
export function createMatrixClient(url: string, accessToken: string): MatrixClient {
  const client = new MatrixClient(url, accessToken, new MemoryStorageProvider());
  client.syncingTimeout = 1000;
  return client;
}

/**
 * Poll `predicate` (every 100 ms) until it returns a truthy value, and return that value.
 * A throwing predicate counts as "not yet"; its last error is in the timeout message.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, timeoutMs = 10_000, message = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : "";
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${message}${why}`);
    }
    await sleep(100);
  }
}

/** A localpart that is new on every run, for homeservers that outlive the test (DUBAN_TEST_HOMESERVER_URL). */
export function uniqueLocalpart(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

/** The venv the harness starts Synapse from. */
export function synapseVenv(): string {
  return process.env.DUBAN_SYNAPSE_VENV || join(REPO_ROOT, ".cache", "synapse-venv");
}

// ---------------------------------------------------------------------------
// startSynapse

export async function startSynapse(opts: StartSynapseOptions = {}): Promise<Synapse> {
  const externalUrl = process.env.DUBAN_TEST_HOMESERVER_URL;
  if (externalUrl) return useExternal(externalUrl, opts);

  const python = join(synapseVenv(), "bin", "python");
  if (!existsSync(python)) {
    throw new Error(
      `Synapse is not installed: ${python} does not exist. The Matrix end-to-end tests need a real homeserver; ` +
        `${INSTALL_HINT}, set DUBAN_SYNAPSE_VENV to a venv with matrix-synapse, ` +
        `or set DUBAN_TEST_HOMESERVER_URL and DUBAN_TEST_REGISTRATION_SECRET to use a running homeserver.`,
    );
  }
  const timeoutMs = opts.startTimeoutMs ?? (Number(process.env.DUBAN_SYNAPSE_START_TIMEOUT_MS) || 60_000);
  const dir = mkdtempSync(join(tmpdir(), "duban-synapse-"));
  const entry: Tracked = { dir };
  track(entry);

  const secret = randomBytes(24).toString("hex");
  const serverName = "localhost";
  const logFile = join(dir, "homeserver.log");
  const stdioFile = join(dir, "stdio.log");
  writeSupportFiles(dir, logFile);

  let port = 0;
  let url = "";
  let stopped = false;
  const logTail = (lines = 40): string => tailOf(stdioFile, lines) + tailOf(logFile, lines);

  /** Spawn Synapse on `port` and wait for it; throws with the log tail if it does not come up. */
  const launch = async (): Promise<void> => {
    const out = openSync(stdioFile, "a");
    let child: ChildProcess;
    try {
      child = spawn(python, ["-c", BOOTSTRAP, "-c", join(dir, "homeserver.yaml")], {
        cwd: dir,
        stdio: ["ignore", out, out],
        env: { ...process.env, DUBAN_SYNAPSE_PARENT_PID: String(process.pid), PYTHONUNBUFFERED: "1" },
      });
    } finally {
      closeSync(out);
    }
    entry.child = child;
    let spawnError: Error | undefined;
    child.on("error", (err) => (spawnError = err));
    const started = Date.now();
    for (;;) {
      if (spawnError) throw new Error(`Could not start Synapse (${python}): ${spawnError.message}. ${INSTALL_HINT}.`);
      if (child.exitCode !== null || child.signalCode !== null) {
        const tail = logTail();
        const hint = /No module named/.test(tail) ? ` The venv lacks matrix-synapse: ${INSTALL_HINT}.` : "";
        throw new SynapseStartError(
          `Synapse exited during startup (${child.exitCode ?? child.signalCode}).${hint} Logs and config in ${dir}; the end of the log:\n${tail}`,
          /Address already in use/.test(tail),
        );
      }
      if (await answers(`${url}/_matrix/client/versions`)) {
        synapse.startupMs = Date.now() - started;
        return;
      }
      if (Date.now() - started > timeoutMs) {
        await stopChild(child);
        throw new Error(
          `Synapse did not answer ${url}/_matrix/client/versions within ${timeoutMs} ms. Logs and config in ${dir}; the end of the log:\n${logTail()}`,
        );
      }
      await sleep(100);
    }
  };

  const synapse: Synapse = {
    url,
    serverName,
    external: false,
    dir,
    startupMs: 0,
    registerUser: (localpart, ropts) => registerUser(synapse.url, serverName, secret, localpart, ropts),
    async restart() {
      if (stopped) throw new Error("Synapse was stopped; restart() needs a running (or killed) instance");
      if (entry.child) await stopChild(entry.child);
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (entry.child) await stopChild(entry.child);
      tracked.delete(entry);
      if (!process.env.DUBAN_KEEP_SYNAPSE_DIR) rmSync(dir, { recursive: true, force: true });
    },
    kill() {
      const child = entry.child;
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
    logTail,
  };

  // A free port can be taken between probing and Synapse binding it; try a few.
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) for (const f of [stdioFile, logFile]) writeFileSync(f, "");
    port = await freePort();
    url = synapse.url = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, "homeserver.yaml"), JSON.stringify(homeserverConfig(dir, port, secret, opts), null, 2));
    try {
      await launch();
      return synapse;
    } catch (err) {
      if (err instanceof SynapseStartError && err.portInUse && attempt < 3) continue;
      // Keep the dir (logs, config) for a look; the exit hook no longer removes it.
      if (entry.child) await stopChild(entry.child).catch(() => {});
      tracked.delete(entry);
      throw err;
    }
  }
}

class SynapseStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// Config

function homeserverConfig(dir: string, port: number, secret: string, opts: StartSynapseOptions): Record<string, unknown> {
  const generous = { per_second: 1000, burst_count: 1000 };
  const rateLimits = opts.defaultRateLimits
    ? {}
    : {
        rc_message: generous,
        rc_registration: generous,
        rc_login: { address: generous, account: generous, failed_attempts: generous },
        rc_joins: { local: generous, remote: generous },
        rc_joins_per_room: generous,
        rc_invites: { per_room: generous, per_user: generous, per_issuer: generous },
        // Newer limiters whose defaults a busy test suite hits too (10 rooms per user, then 1 a minute).
        rc_room_creation: generous,
        rc_profile: generous,
        rc_user_directory: generous,
        rc_reports: generous,
        rc_delayed_event_mgmt: generous,
        rc_media_create: generous,
        rc_key_requests: generous,
      };
  return {
    server_name: "localhost",
    pid_file: join(dir, "homeserver.pid"),
    listeners: [
      {
        port,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        resources: [{ names: ["client"], compress: false }],
      },
    ],
    database: { name: "sqlite3", args: { database: join(dir, "homeserver.db") } },
    log_config: join(dir, "log.yaml"),
    media_store_path: join(dir, "media"),
    signing_key_path: join(dir, "localhost.signing.key"),
    registration_shared_secret: secret,
    macaroon_secret_key: randomBytes(24).toString("hex"),
    form_secret: randomBytes(24).toString("hex"),
    report_stats: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    presence: { enabled: false },
    url_preview_enabled: false,
    enable_registration: false,
    ...rateLimits,
    ...opts.extraConfig,
  };
}

/**
 * Writes what `--generate-missing-configs` would: the signing key and the log config.
 * Doing it here saves a second Python start-up (about 2 s) per homeserver.
 */
function writeSupportFiles(dir: string, logFile: string): void {
  // Synapse's key file format: "ed25519 <key id> <unpadded base64 of the 32-byte seed>".
  const seed = randomBytes(32).toString("base64").replace(/=+$/, "");
  const keyId = `a_${randomBytes(3).toString("base64url").slice(0, 4)}`;
  writeFileSync(join(dir, "localhost.signing.key"), `ed25519 ${keyId} ${seed}\n`);
  mkdirSync(join(dir, "media"), { recursive: true });
  // Unbuffered file handler, so the log tail in an error message is complete.
  writeFileSync(
    join(dir, "log.yaml"),
    JSON.stringify({
      version: 1,
      formatters: { precise: { format: "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s" } },
      handlers: { file: { class: "logging.FileHandler", formatter: "precise", filename: logFile, encoding: "utf8" } },
      loggers: { "synapse.storage.SQL": { level: "WARNING" } },
      root: { level: "INFO", handlers: ["file"] },
      disable_existing_loggers: false,
    }),
  );
}

// ---------------------------------------------------------------------------
// External homeserver

async function useExternal(url: string, opts: StartSynapseOptions): Promise<Synapse> {
  const secret = process.env.DUBAN_TEST_REGISTRATION_SECRET;
  if (!secret) {
    throw new Error(
      "DUBAN_TEST_HOMESERVER_URL is set but DUBAN_TEST_REGISTRATION_SECRET is not: give the homeserver's registration_shared_secret, " +
        "or unset DUBAN_TEST_HOMESERVER_URL to start a local Synapse.",
    );
  }
  if (opts.extraConfig) {
    throw new Error(
      "This test needs its own homeserver config (extraConfig), which an external homeserver (DUBAN_TEST_HOMESERVER_URL) cannot provide; " +
        "unset DUBAN_TEST_HOMESERVER_URL.",
    );
  }
  const base = url.replace(/\/+$/, "");
  if (!(await answers(`${base}/_matrix/client/versions`))) {
    throw new Error(`DUBAN_TEST_HOMESERVER_URL=${url} does not answer /_matrix/client/versions.`);
  }
  const serverName = process.env.DUBAN_TEST_SERVER_NAME || "localhost";
  return {
    url: base,
    serverName,
    external: true,
    startupMs: 0,
    registerUser: (localpart, ropts) => registerUser(base, serverName, secret, localpart, ropts),
    async restart() {
      throw new Error(
        `Cannot restart an external homeserver (DUBAN_TEST_HOMESERVER_URL=${url}); ` +
          `this test needs a Synapse started by the harness: unset DUBAN_TEST_HOMESERVER_URL.`,
      );
    },
    async stop() {},
    kill() {},
    logTail: () => `(external homeserver ${url}: no logs here)`,
  };
}

// ---------------------------------------------------------------------------
// Registration (shared-secret admin API)

async function registerUser(url: string, serverName: string, secret: string, localpart: string, opts: RegisterUserOptions = {}): Promise<SynapseUser> {
  const password = opts.password ?? randomBytes(12).toString("hex");
  const endpoint = `${url}/_synapse/admin/v1/register`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const nonceRes = await fetch(endpoint);
    if (!nonceRes.ok) {
      throw new Error(`GET ${endpoint} failed: ${nonceRes.status} ${await nonceRes.text()} (is registration_shared_secret set?)`);
    }
    const { nonce } = (await nonceRes.json()) as { nonce: string };
    const mac = createHmac("sha1", secret)
      .update(`${nonce}\0${localpart}\0${password}\0${opts.admin ? "admin" : "notadmin"}`)
      .digest("hex");
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        nonce,
        username: localpart,
        password,
        admin: Boolean(opts.admin),
        mac,
        ...(opts.displayName ? { displayname: opts.displayName } : {}),
      }),
    });
    const body = (await res.json().catch(() => ({}))) as {
      user_id?: string;
      access_token?: string;
      device_id?: string;
      errcode?: string;
      error?: string;
      retry_after_ms?: number;
    };
    if (res.status === 429 && Date.now() < deadline) {
      await sleep(Math.min(body.retry_after_ms ?? 1000, 5000));
      continue;
    }
    if (!res.ok || !body.user_id || !body.access_token) {
      const taken = body.errcode === "M_USER_IN_USE" ? " (on a homeserver that outlives the test, use uniqueLocalpart())" : "";
      throw new Error(`Registering @${localpart}:${serverName} failed: ${res.status} ${body.errcode ?? ""} ${body.error ?? ""}${taken}`);
    }
    return { localpart, userId: body.user_id, accessToken: body.access_token, password, deviceId: body.device_id };
  }
}

// ---------------------------------------------------------------------------
// Small utilities

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error("no free port"))));
    });
  });
}

async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function tailOf(file: string, lines: number): string {
  try {
    const text = readFileSync(file, "utf8").trimEnd();
    if (!text) return "";
    return `--- ${file}\n${text.split("\n").slice(-lines).join("\n")}\n`;
  } catch {
    return "";
  }
}
