import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/**
 * PostgreSQL, selected by a `DATABASE_URL` of the form `postgresql://…` (or `postgres://…`). Prisma reaches it
 * through `@prisma/adapter-pg` with its own generated client (prisma/postgres/schema.prisma, derived from the
 * SQLite schema by scripts/prisma-generate.mjs). Every repository then goes through Prisma: the hand-written SQL
 * of the hot paths (src/repositories/sql/) is SQLite's alone (docs/postgres.md).
 */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password, for messages and logs. */
export function describeUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ":***@");
  }
}

/** The database name in a PostgreSQL URL ("postgres" when it names none, as libpq defaults to the user's). */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  return name || "postgres";
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * Whether a Prisma client, or a transaction of one, is on PostgreSQL: the few raw statements of the Prisma
 * repositories differ. Prisma keeps the provider of its generated client on both (`_activeProvider`).
 */
export function onPostgres(db: PrismaClient | Prisma.TransactionClient): boolean {
  return (db as { _activeProvider?: string })._activeProvider === "postgresql";
}

/**
 * Key of the lock every Prisma transaction on PostgreSQL takes first ("write" in ASCII). Writers on SQLite take
 * turns, and the repositories rely on it: they read, then write (a request already pending? the newest audit
 * entry?). PostgreSQL runs transactions side by side, so without the lock two processes could both find no pending
 * request and both add one. Single statements (a reminder claim) do not need it, and do not take it.
 */
const WRITE_LOCK = "521427694965";

/** A PrismaClient on PostgreSQL. Its API is the SQLite client's (the same models), so it is typed as that one. */
export async function openPostgresPrisma(url: string): Promise<PrismaClient> {
  const [{ PrismaPg }, { PrismaClient: PgPrismaClient }] = await Promise.all([import("@prisma/adapter-pg"), import("../generated/prisma-pg/client.js")]);
  // Keepalive probes, so a connection to a server that went away is noticed rather than waited on.
  const base = new PrismaPg({ connectionString: url, max: 10, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  const connect = base.connect.bind(base);
  // Transactions take turns, as on SQLite (BEGIN IMMEDIATE): each first takes one lock held until it ends, inside
  // startTransaction, so the wait counts against maxWait rather than the transaction's own timeout.
  base.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (level) => {
      const tx = await start(level);
      try {
        await tx.executeRaw({ sql: `SELECT pg_advisory_xact_lock(${WRITE_LOCK})`, args: [], argTypes: [] });
      } catch (e) {
        // The adapter's rollback() only hands the connection back: end the transaction first.
        await tx.executeRaw({ sql: "ROLLBACK", args: [], argTypes: [] }).catch(() => undefined);
        await tx.rollback().catch(() => undefined);
        throw e;
      }
      return tx;
    };
    return adapter;
  };
  return new PgPrismaClient({ adapter: base, transactionOptions: { maxWait: 60_000 } }) as unknown as PrismaClient;
}

/**
 * The adapter factory the schema engine migrates PostgreSQL with: `@prisma/adapter-pg` with three fixes
 * (../shared/notes/TOOLCHAIN.md):
 * 1. a migration script is sent whole, since the adapter splits it on `;` and so breaks PL/pgSQL function bodies;
 * 2. the pg type "char" (OID 18), which the engine's introspection reads from the catalogues, is read as text;
 * 3. no shadow database: duban diffs against a database it has just migrated (diffPostgresSchemaAgainstMigrations),
 *    so a request for one is a bug and says so.
 */
export function migrationAdapterFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  let base: SqlMigrationAwareDriverAdapterFactory | undefined;
  const load = async () => {
    if (!base) {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      base = new PrismaPg({ connectionString: url, max: 2 }) as unknown as SqlMigrationAwareDriverAdapterFactory;
    }
    return base;
  };
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: async () => fixForMigrations(await (await load()).connect()),
    connectToShadowDb: async () => {
      throw new Error("duban's PostgreSQL migrations never use a shadow database (see src/db/postgres.ts)");
    },
  };
}

/** OID of PostgreSQL's internal one-byte "char" type, and of text. */
const CHAR_OID = 18;
const TEXT_OID = 25;
/** OID of `timestamp` (without time zone). */
const TIMESTAMP_OID = 1114;
/** ColumnTypeEnum.Character in @prisma/driver-adapter-utils. */
const CHARACTER_COLUMN = 6;

type PgQueryResult = { fields?: { dataTypeID: number }[] };
type Patchable = SqlDriverAdapter & {
  performIO(q: unknown): Promise<PgQueryResult>;
  client: { query(text: string): Promise<unknown> };
  onError(e: unknown): never;
};

function fixForMigrations(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const a = adapter as Patchable;
  const charColumns = new WeakMap<object, number[]>();
  const performIO = a.performIO.bind(a);
  a.performIO = async (q) => {
    const r = await performIO(q);
    const idx: number[] = [];
    (r.fields ?? []).forEach((f, i) => {
      if (f.dataTypeID === CHAR_OID) {
        f.dataTypeID = TEXT_OID;
        idx.push(i);
      }
    });
    if (idx.length) charColumns.set(q as object, idx);
    return r;
  };
  const queryRaw = a.queryRaw.bind(a);
  a.queryRaw = async (q) => {
    const r = await queryRaw(q);
    for (const i of charColumns.get(q) ?? []) r.columnTypes[i] = CHARACTER_COLUMN as (typeof r.columnTypes)[number];
    return r;
  };
  a.executeScript = async (script: string) => {
    try {
      await a.client.query(script);
    } catch (e) {
      a.onError(e);
    }
  };
  return a;
}

/** A short-lived pg client for duban's own checks (migrations applied, a database created or dropped). */
export async function withPgClient<T>(url: string, fn: (c: import("pg").Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import("pg");
  // Prisma stores DateTime as UTC in `timestamp(3)` (without time zone), which pg would read as local time.
  const getTypeParser = ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID ? (v: string) => new Date(`${v.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;
  const client = new pg.Client({ connectionString: url, types: { getTypeParser } });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
