import type { Prisma, PrismaClient } from "../../src/generated/prisma/client.js";

/**
 * The stored occurrences with the unit, delivery and claim of the notice that carries each (and its createdAt and
 * dueOn where the occurrence has none of its own), flat, as one row per occurrence used to hold them: for tests that
 * check what was delivered, claimed or failed, occurrence by occurrence.
 */
export async function reminderRows(db: PrismaClient, where: Prisma.ReminderWhereInput = {}) {
  const rows = await db.reminder.findMany({ where, orderBy: { id: "asc" }, include: { notice: true, task: { select: { number: true } } } });
  return rows.map(({ notice, ...r }) => ({
    ...r,
    unit: notice.unit,
    createdAt: r.createdAt ?? notice.createdAt,
    dueOn: r.dueOn ?? notice.dueOn,
    deliveredAt: notice.deliveredAt,
    attempts: notice.attempts,
    lastError: r.note ?? notice.lastError,
    claimToken: notice.claimToken,
    claimedAt: notice.claimedAt,
    deliveredRooms: notice.deliveredRooms,
  }));
}
