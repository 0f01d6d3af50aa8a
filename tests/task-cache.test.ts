/**
 * The task lists kept in memory (src/repositories/sql/task-cache.ts): after any mix of writes, from chat, from
 * Prisma, from another connection (another process), inside a group commit that fails, the cached list must
 * equal a fresh read through Prisma.
 */
import Database from "better-sqlite3";
import fc from "fast-check";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskRecord } from "../src/core/model.js";
import { sqlOf } from "../src/db/prisma-client.js";
import type { SqliteSql } from "../src/db/sql.js";
import { PrismaPlanRepository } from "../src/repositories/prisma-plan-repository.js";
import { SqlPlanRepository } from "../src/repositories/sql/sql-plan-repository.js";
import { tempApp, type TempApp } from "./helpers/temp-app.js";

const ADMIN = { sender: "@kejiban:bureau.local" };
let app: TempApp;
let sql: SqliteSql;
let ref: PrismaPlanRepository;
let planId: number;
/** A second connection to the file, as another process (a CLI command, a second bot) writes it. */
let other: Database.Database;
let serial = 0;

const cached = () => app.repos.plans.tasks(planId);
/** Plain copies, so frozen and unfrozen records compare equal. */
const plain = (tasks: TaskRecord[]) => JSON.parse(JSON.stringify(tasks)) as unknown[];

async function expectCurrent(): Promise<void> {
  expect(plain(await cached())).toEqual(plain(await ref.tasks(planId)));
}

const taskIds = async () => (await ref.tasks(planId)).map((t) => t.id);

/** One write of each kind a task list can see. */
const writes: Record<string, (pick: number) => Promise<unknown>> = {
  async chatUpdate(pick) {
    await app.say(`任务${1 + (pick % 25)}进展：缓存测试第${++serial}条 ${pick % 101}%`, ADMIN);
  },
  async prismaTask(pick) {
    const ids = await taskIds();
    await app.db.task.update({ where: { id: ids[pick % ids.length]! }, data: { title: `改名${++serial}`, completedAt: pick % 2 ? app.clock.now() : null } });
  },
  async otherProcess(pick) {
    const ids = await taskIds();
    other.prepare(`UPDATE "Task" SET "progress" = ?, "description" = ? WHERE "id" = ?`).run(pick % 100, `另一进程${++serial}`, ids[pick % ids.length]!);
  },
  async addTarget(pick) {
    const ids = await taskIds();
    await app.db.target.create({
      data: { taskId: ids[pick % ids.length]!, name: `指标${++serial}`, unit: "个", count: 3, source: "admin", createdAt: app.clock.now() },
    });
  },
  async moveOrRemoveTarget(pick) {
    const targets = await app.db.target.findMany({ where: { removedAt: null }, orderBy: { id: "asc" } });
    if (targets.length === 0) return;
    const x = targets[pick % targets.length]!;
    await app.db.target.update({ where: { id: x.id }, data: pick % 3 === 0 ? { removedAt: app.clock.now() } : { current: x.current + 1 } });
  },
  async renameSection(pick) {
    const sections = await app.db.section.findMany({ where: { planId }, orderBy: { id: "asc" } });
    await app.db.section.update({ where: { id: sections[pick % sections.length]!.id }, data: { label: `（${++serial}）` } });
  },
  async addTask() {
    await app.db.task.create({
      data: {
        planId,
        number: 100 + ++serial,
        title: `新增任务${serial}`,
        description: "",
        leadUnits: "[]",
        responsibleUnits: "[]",
        deadlineText: "2025年底前",
        deadlineKind: "date",
        deadlineDate: "2025-12-31",
      },
    });
  },
  async deleteAddedTask(pick) {
    const added = await app.db.task.findMany({ where: { planId, number: { gt: 100 } }, orderBy: { id: "asc" } });
    if (added.length) await app.db.task.delete({ where: { id: added[pick % added.length]!.id } });
  },
  async renumberAddedTask(pick) {
    const added = await app.db.task.findMany({ where: { planId, number: { gt: 100 } }, orderBy: { id: "asc" } });
    if (added.length) other.prepare(`UPDATE "Task" SET "number" = ? WHERE "id" = ?`).run(1000 + ++serial, added[pick % added.length]!.id);
  },
  async failedGroup(pick) {
    // A group commit whose transaction is lost: the task list read inside it shows its writes, and the list
    // read after it must not.
    const n = 1 + (pick % 25);
    await sql
      .group(async () => {
        await app.say(`任务${n}进展：将被回滚的一条 ${pick % 100}%`, ADMIN);
        const inside = (await cached()).find((t) => t.number === n)!;
        expect(inside.progress).toBe(pick % 100);
        throw new Error("the batch fails");
      })
      .catch(() => undefined);
  },
};

describe("task lists kept in memory (TaskChange)", () => {
  beforeAll(async () => {
    app = await tempApp({ at: "2024-12-20T10:00:00+08:00" });
    sql = sqlOf(app.db)!;
    ref = new PrismaPlanRepository(app.db);
    planId = (await ref.currentPlan())!.id;
    other = new Database(join(app.dir, "duban.db"));
    other.pragma("busy_timeout = 5000");
  });
  afterAll(async () => {
    other.close();
    await app.dispose();
  });

  it("every migration leaves the ten TaskChange triggers in place (a migration that rebuilds Task drops them)", () => {
    const names = other.prepare(`SELECT "name" FROM "sqlite_master" WHERE "type" = 'trigger' AND "name" LIKE 'TaskChange%' ORDER BY "name"`).pluck().all();
    expect(names).toEqual([
      "TaskChange_section_delete",
      "TaskChange_section_insert",
      "TaskChange_section_update",
      "TaskChange_target_delete",
      "TaskChange_target_insert",
      "TaskChange_target_update",
      "TaskChange_task_delete",
      "TaskChange_task_insert",
      "TaskChange_task_replace",
      "TaskChange_task_update",
    ]);
  });

  it("reads the changed tasks only, and equals a fresh read after each kind of write", async () => {
    await expectCurrent();
    for (const [name, write] of Object.entries(writes)) {
      await write(7);
      try {
        await expectCurrent();
      } catch (e) {
        throw new Error(`after ${name}: ${(e as Error).message}`);
      }
    }
    // The second read after a chat update re-reads one task, not the plan: the cache hands back the same records.
    const before = await cached();
    await writes.chatUpdate!(3);
    const after = await cached();
    const changed = after.filter((t, i) => t !== before[i]);
    expect(changed.map((t) => t.number)).toEqual([4]);
  });

  it("equals a fresh read after any sequence of writes (property)", async () => {
    const kinds = Object.keys(writes);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...kinds), fc.nat(1000)), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (steps, readBetween) => {
          for (const [kind, pick] of steps) {
            await writes[kind]!(pick);
            if (readBetween) await cached();
          }
          await expectCurrent();
        },
      ),
      { numRuns: 25 },
    );
  });

  it("stays right after writes that bypass ordinary triggers, from another process (review findings)", async () => {
    const cases: [string, () => void][] = [
      // INSERT OR REPLACE deletes the old row without firing delete triggers.
      [
        "INSERT OR REPLACE of a task",
        () => {
          const six = other.prepare(`SELECT * FROM "Task" WHERE "planId" = ? AND "number" = 6`).get(planId) as Record<string, unknown>;
          other.prepare(`DELETE FROM "Target" WHERE "taskId" = ?`).run(six.id);
          other.pragma("foreign_keys = OFF");
          other
            .prepare(`INSERT OR REPLACE INTO "Task" ("planId","sectionId","number","title","description",
            "leadUnits","responsibleUnits","deadlineText","deadlineKind","deadlineDate")
          VALUES (?,?,6,'替换后的任务6','', '[]','[]','持续推进','ongoing',NULL)`)
            .run(planId, six.sectionId);
          other.pragma("foreign_keys = ON");
        },
      ],
      [
        "a target moved to another task",
        () => {
          const [a, b] = other.prepare(`SELECT "id" FROM "Task" WHERE "planId" = ? ORDER BY "number" LIMIT 2`).pluck().all(planId) as number[];
          const x = Number(
            other
              .prepare(`INSERT INTO "Target" ("taskId","name","unit","count","source","createdAt") VALUES (?,?,?,?,?,?)`)
              .run(a, `移动的指标${++serial}`, "个", 2, "admin", "2024-12-20T02:00:00.000+00:00").lastInsertRowid,
          );
          void cached();
          other.prepare(`UPDATE "Target" SET "taskId" = ? WHERE "id" = ?`).run(b, x);
        },
      ],
      [
        "a section deleted with foreign keys off",
        () => {
          const section = other.prepare(`SELECT "sectionId" FROM "Task" WHERE "planId" = ? AND "sectionId" IS NOT NULL LIMIT 1`).pluck().get(planId) as number;
          other.pragma("foreign_keys = OFF");
          other.prepare(`DELETE FROM "Section" WHERE "id" = ?`).run(section);
          other.pragma("foreign_keys = ON");
        },
      ],
      [
        "TaskChange emptied, then a task written",
        () => {
          other.exec(`DELETE FROM "TaskChange"`);
          other.prepare(`UPDATE "Task" SET "title" = '计数器清空之后' WHERE "planId" = ? AND "number" = 7`).run(planId);
        },
      ],
    ];
    for (const [name, write] of cases) {
      await cached();
      write();
      try {
        await expectCurrent();
      } catch (e) {
        throw new Error(`after ${name}: ${(e as Error).message}`);
      }
    }
  });

  it("hands out frozen records, so no caller can change what the others see", async () => {
    const [task] = await cached();
    expect(() => ((task as { title: string }).title = "x")).toThrow(TypeError);
    expect(() => (task!.leadUnits as string[]).push("x")).toThrow(TypeError);
    expect(() => ((task!.deadline as { text: string }).text = "x")).toThrow(TypeError);
    // The list itself is the caller's own.
    const list = await cached();
    list.reverse();
    await expectCurrent();
  });

  it("a database without the triggers is read in full every time, and stays right", async () => {
    other.exec(`DROP TRIGGER "TaskChange_task_update"`);
    try {
      const repo = new SqlPlanRepository(app.db, sql);
      expect(plain(await repo.tasks(planId))).toEqual(plain(await ref.tasks(planId)));
      other.prepare(`UPDATE "Task" SET "title" = '无触发器时的改名' WHERE "planId" = ? AND "number" = 6`).run(planId);
      const six = (await repo.tasks(planId)).find((t) => t.number === 6)!;
      expect(six.title).toBe("无触发器时的改名");
    } finally {
      other.exec(`CREATE TRIGGER "TaskChange_task_update" AFTER UPDATE ON "Task" BEGIN
        INSERT INTO "TaskChange" ("taskId", "seq") VALUES (NEW."id", (SELECT coalesce(max("seq"), 0) + 1 FROM "TaskChange"))
          ON CONFLICT ("taskId") DO UPDATE SET "seq" = excluded."seq";
      END`);
    }
  });
});
