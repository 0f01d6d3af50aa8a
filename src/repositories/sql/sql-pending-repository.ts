import type { PrismaClient } from "../../generated/prisma/client.js";
import type { PendingRecord } from "../../core/model.js";
import { asDate, asDateOrNull, type Sql } from "../../db/sql.js";
import { PrismaPendingRepository, toPending } from "../prisma-pending-repository.js";

type PendingRow = Parameters<typeof toPending>[0];

/** Questions the bot asked: the lookup every message in a room makes, in hand-written SQL; the rest stays with Prisma. */
export class SqlPendingRepository extends PrismaPendingRepository {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async unresolved(room: string): Promise<PendingRecord[]> {
    const rows = await this.sql
      .all`SELECT * FROM "PendingUpdate" WHERE "room" = ${room} AND "resolvedAt" IS NULL ORDER BY "createdAt" DESC, "id" DESC LIMIT 50`;
    return rows.map((r) =>
      toPending({ ...(r as unknown as PendingRow), createdAt: asDate(r.createdAt), expiresAt: asDate(r.expiresAt), resolvedAt: asDateOrNull(r.resolvedAt) }),
    );
  }
}
