/**
 * Await a create that another process may have made first (a unique key already taken, P2002): that row is what
 * was wanted, so the error is not one. Prisma runs an upsert with an empty update as a read then an insert, which
 * SQLite's one writer at a time keeps atomic and PostgreSQL does not.
 */
export async function ignoreDuplicate(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code !== "P2002") throw e;
  }
}
