import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Sql } from "../../db/sql.js";
import { PrismaSettings } from "../prisma-settings.js";

/**
 * Settings, read in hand-written SQL: every start reads the room memberships kept here (DirectoryAdmin.open), so
 * through Prisma a one-shot `say 任务6` would load the query compiler (about 0.3 s and 80 MB) for one row. Writes
 * are rarer and stay with Prisma. Settings are read from timers too (the schedulers): such a read waits for a group
 * commit open in another flow, as Prisma's did, rather than see its uncommitted writes.
 */
export class SqlSettings extends PrismaSettings {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async get(key: string): Promise<string | null> {
    // As Prisma's read did: from another flow, wait for an open group commit, whose writes may yet be rolled back.
    const group = this.sql.groupToWaitFor?.();
    if (group) await group;
    return (await this.sql.get<{ value: string }>`SELECT "value" FROM "Setting" WHERE "key" = ${key}`)?.value ?? null;
  }
}
