import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqlOf } from "../src/db/prisma-client.js";
import type { SqliteSql } from "../src/db/sql.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

let app: TempApp;
let sql: SqliteSql;
/** A second connection, as another process would see the file. */
let other: Database.Database;
const committed = () => (other.prepare(`SELECT COUNT(*) AS n FROM "Update"`).get() as { n: number }).n;
const zhang = { sender: "@zhang:bureau.local" };

describe("group commit (one transaction for a sync batch's messages)", () => {
  beforeEach(async () => {
    app = await tempApp();
    sql = sqlOf(app.db)!;
    other = new Database(join(app.dir, "duban.db"), { readonly: true });
  });
  afterEach(async () => {
    other.close();
    await app.dispose();
  });

  it("stores a batch's updates in one transaction: none is visible to another connection before the group returns, all are after", async () => {
    const seenInside: number[] = [];
    const replies = await sql.group(async () => {
      const out: string[] = [];
      for (let i = 1; i <= 5; i++) {
        out.push((await app.say(`任务6进展：批量第${i}条 60%`, zhang)).text);
        seenInside.push(committed());
      }
      return out;
    });
    expect(seenInside).toEqual([0, 0, 0, 0, 0]);
    expect(replies.every((r) => r.startsWith("已记录任务6"))).toBe(true);
    expect(committed()).toBe(5);
    expect((await app.repos.audit.verify()).ok).toBe(true);
    expect((await app.repos.plans.task((await app.repos.plans.currentPlan())!.id, 6))!.updateCount).toBe(5);
  });

  it("a failed update rolls back alone; the others of the group are stored", async () => {
    const errors: unknown[] = [];
    await sql.group(async () => {
      await app.say("任务6进展：第一条", zhang);
      await app.repos.updates
        .record({
          taskId: 999_999,
          text: "不存在的任务",
          percent: null,
          authorId: "@zhang:bureau.local",
          authorUnit: "刑侦大队",
          room: "r",
          transport: "test",
          eventId: null,
          at: app.clock.now(),
        })
        .catch((e) => errors.push(e));
      await app.say("任务6进展：第二条", zhang);
    });
    expect(errors).toHaveLength(1);
    expect(committed()).toBe(2);
    expect((await app.repos.audit.verify()).ok).toBe(true);
  });

  it("a Prisma transaction inside the group (an admin's 办结) first commits what the group holds, and nothing waits forever", async () => {
    await sql.group(async () => {
      await app.say("任务6进展：办结前最后一条 100%", zhang);
      expect(committed()).toBe(0);
      expect((await app.say("办结 6 确认 市局已验收")).text).toContain("已办结");
      expect(committed()).toBe(1);
      await app.say("任务5进展：之后的一条", { sender: "@kejiban:bureau.local" });
    });
    expect(committed()).toBe(2);
    expect((await app.repos.audit.verify()).ok).toBe(true);
  });

  it("stores nothing when the group itself fails (the transport then gets the whole batch again)", async () => {
    await expect(
      sql.group(async () => {
        await app.say("任务6进展：会被撤销", zhang);
        throw new Error("homeserver went away");
      }),
    ).rejects.toThrow("homeserver went away");
    expect(committed()).toBe(0);
    expect(await app.db.update.count()).toBe(0);
  });

  /**
   * While a group holds one update and then fails, another flow makes `write`: it must not be stored while the
   * group is open, and must be stored after the group's rollback. `stored` counts it from another connection.
   */
  async function outsideDuringFailedGroup(write: () => Promise<unknown>, stored: () => number): Promise<void> {
    let opened!: () => void;
    const groupOpen = new Promise<void>((r) => (opened = r));
    let finish!: () => void;
    const hold = new Promise<void>((r) => (finish = r));
    // Registered here, outside the group: this write belongs to another flow on the same connection.
    const outside = groupOpen.then(write);
    const group = sql.group(async () => {
      await app.say("任务6进展：组内的一条", zhang);
      opened();
      await hold;
      throw new Error("homeserver went away");
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(stored()).toBe(0);
    finish();
    await expect(group).rejects.toThrow("homeserver went away");
    await outside;
    expect(stored()).toBe(1);
    expect(committed()).toBe(0);
  }

  it("a write from outside the group (a reminder run's, say) waits for the group to end and does not share its rollback", async () => {
    await outsideDuringFailedGroup(
      () => app.repos.events.markHandled("$outside:bureau.local", "room", app.clock.now()),
      () => (other.prepare(`SELECT COUNT(*) AS n FROM "ProcessedEvent" WHERE "eventId" = ?`).get("$outside:bureau.local") as { n: number }).n,
    );
  });

  it("Prisma's writes outside a transaction, from another flow, also wait for an open group and survive its rollback", async () => {
    await outsideDuringFailedGroup(
      () => app.db.setting.create({ data: { key: "outside.flow", value: "kept" } }),
      () => (other.prepare(`SELECT COUNT(*) AS n FROM "Setting" WHERE "key" = 'outside.flow'`).get() as { n: number }).n,
    );
  });

  it("a settings read from another flow waits for an open group, as Prisma's read did, and never sees what the group then rolls back", async () => {
    let opened!: () => void;
    const groupOpen = new Promise<void>((r) => (opened = r));
    let finish!: () => void;
    const hold = new Promise<void>((r) => (finish = r));
    const seen: (string | null)[] = [];
    // Registered outside the group: another flow (a scheduler's timer, say) reading while the group is open.
    const outside = groupOpen.then(async () => seen.push(await app.repos.settings.get("group.joined")));
    const group = sql.group(async () => {
      await app.say("任务6进展：组内的一条", zhang); // opens the group's transaction
      // Written inside that transaction (Prisma's own writes would commit the group first: see the test above).
      await sql.run`INSERT INTO "Setting" ("key", "value") VALUES (${"group.joined"}, ${"uncommitted"})`;
      expect(await app.repos.settings.get("group.joined")).toBe("uncommitted"); // the group sees its own write
      opened();
      await hold;
      throw new Error("homeserver went away");
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([]);
    finish();
    await expect(group).rejects.toThrow("homeserver went away");
    await outside;
    expect(seen).toEqual([null]);
  });

  it("a Prisma transaction that cannot begin (another process holds the write lock too long) fails alone, and the next ones work", async () => {
    sql.connection.pragma("busy_timeout = 300");
    const blocker = new Database(join(app.dir, "duban.db"));
    blocker.prepare("BEGIN IMMEDIATE").run();
    try {
      const refused = await app.say("办结 6 确认 市局已验收");
      expect(refused.text).not.toContain("已办结");
    } finally {
      blocker.prepare("ROLLBACK").run();
      blocker.close();
    }
    // The adapter's own lock and the shared gate were both left free: Prisma's and the hot path's transactions go on.
    expect((await app.say("办结 6 确认 市局已验收")).text).toContain("已办结");
    expect((await app.say("任务5进展：锁释放之后", { sender: "@kejiban:bureau.local" })).text).toContain("已记录任务5");
  }, 20_000);

  it("the tasks changed since a marker wait for an open group: a rolled-back group's change is never counted, a committed one is", async () => {
    const plans = app.repos.plans;
    const start = (await plans.changesSince(null))!;
    for (const outcome of ["rolled back", "committed"] as const) {
      let opened!: () => void;
      const groupOpen = new Promise<void>((r) => (opened = r));
      let finish!: () => void;
      const hold = new Promise<void>((r) => (finish = r));
      const group = sql.group(async () => {
        await app.say("任务6进展：组内的变化 60%", zhang);
        opened();
        await hold;
        if (outcome === "rolled back") throw new Error("homeserver went away");
      });
      await groupOpen;
      const asked = plans.changesSince(start.marker);
      await new Promise((r) => setTimeout(r, 30));
      finish();
      if (outcome === "rolled back") await expect(group).rejects.toThrow("homeserver went away");
      else await group;
      const changes = (await asked)!;
      expect(changes.taskIds.size, outcome).toBe(outcome === "rolled back" ? 0 : 1);
      if (outcome === "rolled back") expect(changes.marker).toBe(start.marker);
    }
  });

  it("a transaction waits for another process's write lock at every begin, and leaves the connection's busy timeout as it found it", async () => {
    const writer = new Database(join(app.dir, "duban.db"));
    try {
      for (let round = 0; round < 3; round++) {
        writer.exec("BEGIN IMMEDIATE");
        const release = setTimeout(() => writer.exec("COMMIT"), 150);
        const t = performance.now();
        await sql.transaction(async (q) => q.get`SELECT 1 AS "one"`);
        clearTimeout(release);
        if (writer.inTransaction) writer.exec("COMMIT");
        // It waited for the lock (about 150 ms): the commit that frees it ran on the event loop meanwhile.
        expect(performance.now() - t, `round ${round}`).toBeGreaterThan(100);
      }
      expect(sql.connection.pragma("busy_timeout", { simple: true })).toBeGreaterThan(0);
      // And the connection keeps its own busy timeout after each, whatever it was set to meanwhile.
      for (const timeout of [4321, 1234, 4321, 1234]) {
        sql.connection.pragma(`busy_timeout = ${timeout}`);
        await sql.transaction(async (q) => q.get`SELECT 1 AS "one"`);
        expect(Number(sql.connection.pragma("busy_timeout", { simple: true }))).toBe(timeout);
      }
    } finally {
      writer.close();
    }
  });
});
