import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Sql } from "../../db/sql.js";
import { PrismaSettings } from "../prisma-settings.js";

/**
 * Settings, read in hand-written SQL: every start reads the room memberships kept here (DirectoryAdmin.open), so
 * through Prisma a one-shot `say 任务6` would load the query compiler (about 0.3 s and 80 MB) for one row. Writes
 * are rarer and stay with Prisma.
 */
export class SqlSettings extends PrismaSettings {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async get(key: string): Promise<string | null> {
    return (await this.sql.get<{ value: string }>`SELECT "value" FROM "Setting" WHERE "key" = ${key}`)?.value ?? null;
  }
}
