import type { PrismaClient } from "../../generated/prisma/client.js";
import type { RequestRecord } from "../../core/model.js";
import { asDate, asDateOrNull, type Sql } from "../../db/sql.js";
import { PrismaRequestRepository, toRequest } from "../prisma-request-repository.js";

type RequestRow = Parameters<typeof toRequest>[0];

/** Requests: the open ones a status reply shows, in hand-written SQL; creating and deciding stay with Prisma. */
export class SqlRequestRepository extends PrismaRequestRepository {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async pending(taskId: number, kind?: RequestRecord["kind"]): Promise<RequestRecord[]> {
    const rows = kind
      ? await this.sql.all`SELECT * FROM "Request" WHERE "taskId" = ${taskId} AND "state" = ${"pending"} AND "kind" = ${kind} ORDER BY "id"`
      : await this.sql.all`SELECT * FROM "Request" WHERE "taskId" = ${taskId} AND "state" = ${"pending"} ORDER BY "id"`;
    return rows.map((r) => toRequest({ ...(r as unknown as RequestRow), createdAt: asDate(r.createdAt), decidedAt: asDateOrNull(r.decidedAt) }));
  }
}
