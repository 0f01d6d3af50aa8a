import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.js";
import { sqlitePathFromUrl } from "./migrate.js";

export type Db = PrismaClient;

/** Connect a PrismaClient to the SQLite file at `databaseUrl`, in WAL mode with foreign keys enforced. */
export async function openPrisma(databaseUrl: string): Promise<PrismaClient> {
  const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: sqlitePathFromUrl(databaseUrl) }) });
  try {
    await db.$connect();
    await db.$queryRawUnsafe("PRAGMA journal_mode=WAL");
    await db.$executeRawUnsafe("PRAGMA synchronous=NORMAL");
    await db.$executeRawUnsafe("PRAGMA foreign_keys=ON");
    await db.$executeRawUnsafe("PRAGMA busy_timeout=5000");
    return db;
  } catch (e) {
    await db.$disconnect();
    throw e;
  }
}
