import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Sql } from "../../db/sql.js";
import { PrismaAuditRepository } from "../prisma-audit-repository.js";

/**
 * The audit trail, with the one read a chat view may make on every message in SQL: `anyAfter`, asked when the clock
 * stands in the past (--at, DUBAN_NOW). Through Prisma it would load the query compiler into a one-shot `say` (about
 * 0.3 s and 100 MB); the rest of the trail is cold and stays in Prisma.
 */
export class SqlAuditRepository extends PrismaAuditRepository {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async anyAfter(at: Date): Promise<boolean> {
    // Stored as ISO text with +00:00, as the Sql client writes a Date: ordered as text.
    return (await this.sql.get`SELECT 1 AS "one" FROM "AuditLog" WHERE "at" > ${at} LIMIT 1`) !== undefined;
  }
}
