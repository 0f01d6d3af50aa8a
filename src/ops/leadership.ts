import { hostname } from "node:os";
import type { Logger } from "../log/logger.js";
import type { Repositories } from "../core/model.js";
import { describeUrl } from "../db/postgres.js";

/**
 * Several bot processes on one PostgreSQL database, exactly one of them active (docs/postgres.md, "Several instances").
 *
 * The active instance holds a PostgreSQL session-level advisory lock on a connection of its own. It alone syncs
 * the Matrix account and runs the reminder and digest schedulers; the others stand by, each asking for the lock
 * every few seconds. PostgreSQL releases the lock when the holder's session ends: at once when the process dies
 * (the kernel closes its socket), and after the TCP keepalive probes fail when its machine is lost. A standby then
 * gets the lock and starts. No home-made clustering: the database is the only arbiter.
 *
 * An advisory lock rather than pg-boss or graphile-worker: what must be exclusive is not a queue of jobs but a
 * whole role (the Matrix sync cannot be shared, and the schedulers already record every run and every reminder
 * exactly once in the database), and one lock held by a session is exactly that, with nothing to install.
 */

/** The lock's key, in every duban database (advisory locks are per database): "duban" in ASCII. */
const LEADER_LOCK_KEY = 0x647562616en;
/** application_name of the lock connections, so `doctor` can tell who is active and who stands by. */
const ACTIVE = "duban active";
const STANDBY = "duban standby";

export interface LeadershipOptions {
  url: string;
  /** This process's name in logs and in `doctor`: DUBAN_INSTANCE, else host:pid. */
  instance: string;
  /** A standby takes over within about this long after the active instance is lost (default 30 s). */
  failoverSeconds: number;
  logger: Logger;
}

/** This process's name: DUBAN_INSTANCE, else `host:pid`. */
export function instanceName(configured?: string): string {
  return configured?.trim() || `${hostname()}:${process.pid}`;
}

type PgClient = import("pg").Client;

/** Timings derived from the failover budget: polling by standbys and keepalive probes that free a lost holder's lock. */
function timings(failoverSeconds: number): { pollMs: number; keepaliveIdle: number; keepaliveInterval: number; keepaliveCount: number } {
  const s = Math.max(3, failoverSeconds);
  return {
    pollMs: Math.max(500, Math.round((s * 1000) / 6)),
    keepaliveIdle: Math.max(1, Math.floor(s / 3)),
    keepaliveInterval: Math.max(1, Math.floor(s / 10)),
    keepaliveCount: 3,
  };
}

/** The active instance's hold on the lock. */
export class Leadership {
  /** Resolves when the lock's session fails: the process must stop acting at once (another may be active). */
  readonly lost: Promise<Error>;
  private onLost!: (e: Error) => void;
  private watchdog: NodeJS.Timeout | null = null;
  private released = false;

  private constructor(
    private readonly client: PgClient,
    readonly since: Date,
    pollMs: number,
  ) {
    this.lost = new Promise((resolve) => (this.onLost = resolve));
    const lose = (e: Error) => {
      if (this.released) return;
      this.released = true;
      if (this.watchdog) clearInterval(this.watchdog);
      this.onLost(e);
    };
    client.on("error", (e) => lose(e));
    client.on("end", () => lose(new Error("the connection holding the lock was closed")));
    // A query on the lock's session, so a session the server dropped is noticed within a poll.
    this.watchdog = setInterval(() => {
      client.query("SELECT 1").catch((e: unknown) => lose(e instanceof Error ? e : new Error(String(e))));
    }, pollMs);
    this.watchdog.unref();
  }

  /**
   * Wait until this process holds the lock, then return. While waiting it stands by, logging that once. Stops
   * waiting, with an error, when `signal` aborts.
   */
  static async acquire(opts: LeadershipOptions, signal?: AbortSignal): Promise<Leadership> {
    const { pollMs, keepaliveIdle, keepaliveInterval, keepaliveCount } = timings(opts.failoverSeconds);
    const { default: pg } = await import("pg");
    let announced = false;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new Error("stopped while standing by");
      let client: PgClient | null = null;
      try {
        client = new pg.Client({
          connectionString: opts.url,
          application_name: `${STANDBY} ${opts.instance}`.slice(0, 63),
          keepAlive: true,
          keepAliveInitialDelayMillis: keepaliveIdle * 1000,
          query_timeout: pollMs * 2,
        });
        client.on("error", () => undefined); // while standing by, a failed query below is enough
        await client.connect();
        // The server probes this session too, so a lost machine's lock is freed within the failover budget.
        await client.query(
          `SET tcp_keepalives_idle = ${keepaliveIdle}; SET tcp_keepalives_interval = ${keepaliveInterval}; SET tcp_keepalives_count = ${keepaliveCount}`,
        );
        for (;;) {
          if (signal?.aborted) throw new Error("stopped while standing by");
          const { rows } = await client.query<{ got: boolean }>("SELECT pg_try_advisory_lock($1) AS got", [LEADER_LOCK_KEY.toString()]);
          if (rows[0]?.got) {
            // Stopped while the lock was being granted: give it back rather than start.
            if (signal?.aborted) throw new Error("stopped while standing by");
            await client.query(`SET application_name = '${`${ACTIVE} ${opts.instance}`.slice(0, 63).replace(/'/g, "''")}'`);
            client.removeAllListeners("error");
            return new Leadership(client, new Date(), pollMs);
          }
          if (!announced) {
            announced = true;
            opts.logger.info("instance standing by: another instance is active", { instance: opts.instance, pollMs });
          }
          await sleep(pollMs, signal);
        }
      } catch (e) {
        await client?.end().catch(() => undefined);
        if (signal?.aborted) throw e;
        // The database is unreachable: keep trying, a little slower each time, up to the poll interval.
        opts.logger.warn("cannot reach PostgreSQL to ask for the active role; retrying", {
          instance: opts.instance,
          database: describeUrl(opts.url),
          error: e instanceof Error ? e.message : String(e),
        });
        await sleep(Math.min(pollMs, 250 * 2 ** Math.min(attempt, 5)), signal).catch(() => undefined);
      }
    }
  }

  /** Give the lock up (on a clean stop): a standby takes over at its next poll. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await this.client.end().catch(() => undefined);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error("stopped while standing by"));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface InstanceInfo {
  instance: string;
  /** The client's address as the server sees it (null over a Unix socket). */
  address: string | null;
  since: Date;
}

/** Who is active and who stands by on a database, as PostgreSQL sees their lock connections. */
export async function instances(client: PgClient): Promise<{ active: InstanceInfo | null; standby: InstanceInfo[] }> {
  const { rows } = await client.query<{ name: string; address: string | null; since: Date; holds: boolean }>(
    `SELECT a.application_name AS name, host(a.client_addr) AS address, a.backend_start AS since,
            EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                    AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint) AS holds
       FROM pg_stat_activity a
      WHERE a.datname = current_database() AND (a.application_name LIKE 'duban active %' OR a.application_name LIKE 'duban standby %')
      ORDER BY a.backend_start`,
    [LEADER_LOCK_KEY.toString()],
  );
  const info = (r: (typeof rows)[number], prefix: string): InstanceInfo => ({
    instance: r.name.slice(prefix.length + 1),
    address: r.address,
    since: new Date(r.since),
  });
  const holder = rows.find((r) => r.holds && r.name.startsWith(ACTIVE));
  return {
    active: holder ? info(holder, ACTIVE) : null,
    standby: rows.filter((r) => r.name.startsWith(STANDBY)).map((r) => info(r, STANDBY)),
  };
}

/** The Setting naming the instance that became active last, so the next one frees what it claimed. */
const ACTIVE_KEY = "instance.active";

/** What `takeOver` found and did. */
export interface TakeOver {
  /** The claim owner of the instance active before, if it was another process. */
  previous: string | null;
  reminders: number;
  digests: number;
  /** The scheduler's items it was running (src/schedule/): due again at once, not after their claim's time to live. */
  schedule: number;
}

/**
 * The first thing an instance does once it holds the lock: free the reminders and the digest that the previous
 * active process claimed and did not send (it is gone: its session, and with it the lock, ended), then record
 * itself as the active one. A standby that took over sends them at its catch-up instead of after CLAIM_TTL_MS.
 * The reminders' claims are marked abandoned (expireClaims) rather than cleared, so that the first sweep takes
 * them too when there is no catch-up (the lost instance had run the day and died in a sweep).
 */
export async function takeOver(repos: Pick<Repositories, "settings" | "reminders" | "digests" | "schedule">, owner: string, since: Date): Promise<TakeOver> {
  const before = (await recordedActive(repos.settings))?.owner ?? null;
  const out: TakeOver = { previous: before !== owner ? before : null, reminders: 0, digests: 0, schedule: 0 };
  if (out.previous) {
    out.reminders = await repos.reminders.expireClaims(`${out.previous}/`);
    out.digests = await repos.digests.releaseClaims(`${out.previous}/`);
    out.schedule = await repos.schedule.releaseClaims(`${out.previous}/`);
  }
  await repos.settings.set(ACTIVE_KEY, JSON.stringify({ owner, instance: owner.replace(/#[^#]*$/, ""), since: since.toISOString() }));
  return out;
}

/** The active instance as it recorded itself when it took over: its claim owner, its name and since when (`doctor`). */
export async function recordedActive(settings: Pick<Repositories["settings"], "get">): Promise<{ owner: string; instance: string; since: Date } | null> {
  const raw = await settings.get(ACTIVE_KEY);
  if (!raw) return null;
  const v = JSON.parse(raw) as { owner?: string; instance?: string; since?: string };
  return v.owner && v.instance && v.since ? { owner: v.owner, instance: v.instance, since: new Date(v.since) } : null;
}
