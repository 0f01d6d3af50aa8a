import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type Database from "better-sqlite3";
import { Gate, SqliteSql } from "./sql.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { sqlitePathFromUrl } from "./migrate.js";
import { isPostgresUrl, openPostgresPrisma } from "./postgres.js";

export type Db = PrismaClient;

/**
 * The better-sqlite3 adapter, with interactive transactions started as `BEGIN IMMEDIATE`. The adapter's
 * plain `BEGIN` takes the write lock only at the first write; when another process wrote in between,
 * SQLite cannot upgrade the stale read and the transaction fails or stalls until Prisma times it out.
 * Taking the lock up front makes a second process wait its turn under busy_timeout instead.
 */
class ImmediateTransactions {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  /** The hot-path SQL client on the same connection; set when Prisma connects. */
  sql: SqliteSql | null = null;
  readonly gate = new Gate();
  constructor(private readonly inner: PrismaBetterSqlite3) {
    this.adapterName = inner.adapterName;
  }
  /** A connection opened ahead of Prisma (see `openPrisma`), handed to Prisma when it first connects. */
  private opened: Awaited<ReturnType<PrismaBetterSqlite3["connect"]>> | null = null;

  /** Open the connection now, so the hot path can use it before Prisma connects. */
  async open(): Promise<SqliteSql> {
    this.opened = await this.connectNew();
    return this.sql!;
  }

  async connect() {
    const ready = this.opened;
    this.opened = null;
    return ready ?? this.connectNew();
  }

  private async connectNew() {
    const adapter = await this.inner.connect();
    const client = (adapter as unknown as { client: Database.Database }).client;
    configure(client);
    const sql = new SqliteSql(client, this.gate);
    this.sql = sql;
    // Prisma's interactive transactions begin here, not in the adapter: its startTransaction takes a lock of its own
    // and runs BEGIN, and a BEGIN that fails (another process held the write lock past the busy timeout) would
    // leave that lock held, and with it our gate, for good. So the wrapper takes the gate, begins with
    // `BEGIN IMMEDIATE` waiting without blocking the event loop (SqliteSql.begin), and the adapter's own BEGIN,
    // which then follows at once, does nothing.
    let begun = false;
    const prepare = client.prepare.bind(client);
    client.prepare = ((text: string) => {
      if (text !== "BEGIN") return prepare(text);
      if (!begun) return prepare("BEGIN IMMEDIATE");
      begun = false;
      return { run: () => ({ changes: 0, lastInsertRowid: 0 }) };
    }) as typeof client.prepare;
    // Prisma's queries outside a transaction run on the same connection: from another flow while a group commit is
    // open, they would join its transaction and share its fate (a reminder run's markFailed, a digest claim), so
    // they wait for it to end.
    const plain = adapter as unknown as Record<"queryRaw" | "executeRaw", (q: unknown) => Promise<unknown>>;
    for (const method of ["queryRaw", "executeRaw"] as const) {
      const run = plain[method].bind(adapter);
      plain[method] = async (q: unknown) => {
        const wait = sql.groupToWaitFor();
        if (wait) await wait;
        return run(q);
      };
    }
    // A Prisma transaction started inside a group commit first commits the group's work so far.
    const tx = adapter as unknown as { startTransaction(level?: string): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }> };
    const start = tx.startTransaction.bind(adapter);
    tx.startTransaction = async (level?: string) => {
      sql.flushGroup();
      const release = await this.gate.acquire();
      try {
        await sql.begin();
      } catch (e) {
        release();
        throw e;
      }
      try {
        begun = true;
        const t = await start(level);
        const commit = t.commit.bind(t);
        const rollback = t.rollback.bind(t);
        t.commit = () => commit().finally(release);
        t.rollback = () => rollback().finally(release);
        return t;
      } catch (e) {
        begun = false;
        if (client.inTransaction) client.prepare("ROLLBACK").run();
        release();
        throw e;
      }
    };
    return adapter;
  }

  /** Close the connection opened ahead of Prisma if Prisma never took it (its $disconnect closes only its own). */
  closeUnused(): void {
    const ready = this.opened;
    this.opened = null;
    if (ready) void ready.dispose();
  }
  connectToShadowDb() {
    return this.inner.connectToShadowDb();
  }
}

const adapters = new WeakMap<PrismaClient, ImmediateTransactions>();

/** The hot-path SQL client on a client's connection (null for a client not opened by `openPrisma`). */
export function sqlOf(db: PrismaClient): SqliteSql | null {
  return adapters.get(db)?.sql ?? null;
}

/** The connection's settings, on every connection the adapter opens. */
function configure(client: Database.Database): void {
  client.pragma("journal_mode = WAL");
  client.pragma("synchronous = NORMAL");
  client.pragma("foreign_keys = ON");
  // Another process writing waits up to 15 s for the lock rather than failing (see ImmediateTransactions).
  client.pragma("busy_timeout = 15000");
  // The hot path checkpoints the WAL between messages (SqliteSql.committed); SQLite's own checkpoint, inside a
  // commit, stays as a backstop at 4,000 pages (16 MB) instead of 1,000.
  client.pragma("wal_autocheckpoint = 4000");
}

/** Disconnect Prisma and close the connection, also when Prisma never connected (see openPrisma). */
export async function closePrisma(db: PrismaClient): Promise<void> {
  await db.$disconnect();
  adapters.get(db)?.closeUnused();
}

/**
 * Connect a PrismaClient to the SQLite file at `databaseUrl`, in WAL mode with foreign keys enforced; or, for a
 * `postgresql://…` URL, to PostgreSQL (src/db/postgres.ts), where every repository goes through Prisma.
 */
export async function openPrisma(databaseUrl: string): Promise<PrismaClient> {
  if (isPostgresUrl(databaseUrl)) return openPostgresPrisma(databaseUrl);
  const adapter = new ImmediateTransactions(new PrismaBetterSqlite3({ url: sqlitePathFromUrl(databaseUrl) }));
  // A Prisma transaction may wait its turn behind a hot-path transaction or a group commit (see Gate), and that
  // turn may include another process's write lock (busy_timeout, 15 s): Prisma's default 2 s would give up first.
  const db = new PrismaClient({ adapter: adapter as unknown as PrismaBetterSqlite3, transactionOptions: { maxWait: 60_000 } });
  adapters.set(db, adapter);
  try {
    // Not db.$connect(): it compiles Prisma's query compiler (WebAssembly) at once, and a process cannot exit until
    // that is done. Prisma connects, and compiles, at its first query; a command that stays on the hot path
    // (say 任务6) never makes one. The pragmas are set on the connection itself for the same reason (configure).
    await adapter.open();
    return db;
  } catch (e) {
    await closePrisma(db);
    throw e;
  }
}
