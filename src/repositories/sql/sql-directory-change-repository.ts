import type { PrismaClient } from "../../generated/prisma/client.js";
import type { DirectoryChangeRecord } from "../../core/model.js";
import { asDate, type Sql } from "../../db/sql.js";
import { PrismaDirectoryChangeRepository } from "../prisma-directory-change-repository.js";

/** Directory changes: the list read at every start in hand-written SQL, so starting needs no Prisma query; adding stays with Prisma. */
export class SqlDirectoryChangeRepository extends PrismaDirectoryChangeRepository {
  constructor(
    db: PrismaClient,
    private readonly sql: Sql,
  ) {
    super(db);
  }

  override async list(): Promise<DirectoryChangeRecord[]> {
    const rows = await this.sql.all`SELECT "id", "op", "user", "room", "unit", "role", "by", "at" FROM "DirectoryChange" ORDER BY "id"`;
    return rows.map((r) => ({ ...(r as unknown as DirectoryChangeRecord), at: asDate(r.at) }));
  }
}
