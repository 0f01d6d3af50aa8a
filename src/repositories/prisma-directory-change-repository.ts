import type { PrismaClient } from "../generated/prisma/client.js";
import type { Actor, DirectoryChangeRecord, DirectoryChangeRepository } from "../core/model.js";
import { appendAudit } from "./prisma-audit-repository.js";

const toChange = (r: Awaited<ReturnType<PrismaClient["directoryChange"]["findFirstOrThrow"]>>): DirectoryChangeRecord => ({
  ...r,
  op: r.op as DirectoryChangeRecord["op"],
  role: r.role as DirectoryChangeRecord["role"],
});

/** Directory changes made from chat: an ordered overlay on the directory file. */
export class PrismaDirectoryChangeRepository implements DirectoryChangeRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(): Promise<DirectoryChangeRecord[]> {
    return (await this.db.directoryChange.findMany({ orderBy: { id: "asc" } })).map(toChange);
  }

  async add(change: Omit<DirectoryChangeRecord, "id">, actor: Actor): Promise<DirectoryChangeRecord> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.directoryChange.create({ data: change });
      const { at, ...rest } = change;
      await appendAudit(tx, { at, actor, action: `directory-${change.op}`, after: rest });
      return toChange(row);
    });
  }
}
