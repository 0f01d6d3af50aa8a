import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Sql } from "../../db/sql.js";
import { PrismaEventLog } from "../prisma-event-log.js";

/** Handled chat events: the check and the mark of every message in hand-written SQL; pruning stays with Prisma. */
export class SqlEventLog extends PrismaEventLog {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async seen(eventId: string): Promise<boolean> {
    return (await this.sql.get`SELECT 1 AS "one" FROM "ProcessedEvent" WHERE "eventId" = ${eventId}`) !== undefined;
  }

  override async markHandled(eventId: string, room: string, at: Date): Promise<void> {
    await this.sql.run`INSERT INTO "ProcessedEvent" ("eventId", "room", "handledAt") VALUES (${eventId}, ${room}, ${at}) ON CONFLICT ("eventId") DO NOTHING`;
  }
}
