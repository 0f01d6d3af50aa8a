import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.js";
import { sqlitePathFromUrl } from "./migrate.js";

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
  constructor(private readonly inner: PrismaBetterSqlite3) {
    this.adapterName = inner.adapterName;
  }
  async connect() {
    const adapter = await this.inner.connect();
    const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  }
  connectToShadowDb() {
    return this.inner.connectToShadowDb();
  }
}

/** Connect a PrismaClient to the SQLite file at `databaseUrl`, in WAL mode with foreign keys enforced. */
export async function openPrisma(databaseUrl: string): Promise<PrismaClient> {
  const adapter = new ImmediateTransactions(new PrismaBetterSqlite3({ url: sqlitePathFromUrl(databaseUrl) }));
  const db = new PrismaClient({ adapter: adapter as unknown as PrismaBetterSqlite3 });
  try {
    await db.$connect();
    await db.$queryRawUnsafe("PRAGMA journal_mode=WAL");
    await db.$executeRawUnsafe("PRAGMA synchronous=NORMAL");
    await db.$executeRawUnsafe("PRAGMA foreign_keys=ON");
    // Another process writing waits up to 15 s for the lock rather than failing (see ImmediateTransactions).
    await db.$executeRawUnsafe("PRAGMA busy_timeout=15000");
    return db;
  } catch (e) {
    await db.$disconnect();
    throw e;
  }
}
