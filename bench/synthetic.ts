import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { derivePlanCode } from "../src/plan/plan-code.js";
import type { ParsedPlan, ParsedTask } from "../src/plan/types.js";

/** A deterministic pseudo-random generator, so every run builds the same data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const unitName = (i: number) => `第${i + 1}单位`;

/** A synthetic plan: `tasks` tasks led by units drawn from `units`, with every deadline kind. */
export function syntheticPlan(title: string, tasks: number, units: number, seed = 1): ParsedPlan {
  const r = rng(seed);
  const sections = Array.from({ length: 10 }, (_, i) => ({ ordinal: i + 1, label: `（${i + 1}）`, title: `第${i + 1}部分` }));
  const kinds = ["2024-12-31", "2025-06-30", "ongoing", "2025-12-31", "date+ongoing"];
  const list: ParsedTask[] = [];
  for (let n = 1; n <= tasks; n++) {
    const k = kinds[n % kinds.length]!;
    const lead = [...new Set([unitName(Math.floor(r() * units)), unitName(Math.floor(r() * units))])];
    const deadline =
      k === "ongoing"
        ? { text: "持续推进", kind: "ongoing" as const, date: null }
        : k === "date+ongoing"
          ? { text: "2024年底前基本完成、持续推进", kind: "date+ongoing" as const, date: "2024-12-31" }
          : { text: `${k}前`, kind: "date" as const, date: k };
    const section = sections[n % sections.length]!;
    list.push({
      number: n,
      title: `合成任务${n}`,
      description: `第${n}项合成任务的说明。`,
      section: section.title,
      sectionOrdinal: section.ordinal,
      leadUnits: lead,
      targets: [],
      responsibleUnits: ["局属各单位"],
      deadline,
    });
  }
  return { plan: { title, issuedOn: "2023-11-18" }, sections, tasks: list, warnings: [], problems: [] };
}

/** Bulk-insert `count` updates spread over the plan's tasks with raw better-sqlite3 (setup, not measured), then denormalise. */
export function bulkUpdates(dbFile: string, planId: number, count: number, seed = 2): void {
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const ids = (db.prepare(`SELECT id FROM "Task" WHERE "planId" = ?`).all(planId) as { id: number }[]).map((r) => r.id);
  const r = rng(seed);
  const insert = db.prepare(
    `INSERT INTO "Update" ("taskId","text","percent","authorId","authorUnit","room","transport","createdAt","revisions") VALUES (?,?,?,?,?,?,?,?,'[]')`,
  );
  const start = Date.parse("2023-12-01T00:00:00Z");
  const span = Date.parse("2024-06-29T00:00:00Z") - start;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = new Date(start + Math.floor((i / count) * span)).toISOString().replace("Z", "+00:00");
      insert.run(ids[Math.floor(r() * ids.length)]!, `合成进展${i}`, Math.floor(r() * 101), "@bench:bureau.local", null, "bench", "bench", at);
    }
  })();
  db.exec(`UPDATE "Task" SET
    "updateCount" = (SELECT COUNT(*) FROM "Update" u WHERE u."taskId" = "Task"."id"),
    "lastUpdateAt" = (SELECT MAX(u."createdAt") FROM "Update" u WHERE u."taskId" = "Task"."id"),
    "progress" = (SELECT u."percent" FROM "Update" u WHERE u."taskId" = "Task"."id" ORDER BY u."createdAt" DESC, u."id" DESC LIMIT 1)
    WHERE "planId" = ${planId}`);
  db.close();
}

/** Store a parsed plan with raw SQL (bench setup for 100,000 tasks; the product imports through the repository). Returns the plan id. */
export function rawImport(dbFile: string, parsed: ParsedPlan, importedAt: Date): number {
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const at = importedAt.toISOString().replace("Z", "+00:00");
  let planId = 0;
  db.transaction(() => {
    // With its code, as an import gives one: a plan without would have the app derive it through Prisma at start.
    const taken = db.prepare(`SELECT "code" FROM "Plan" WHERE "code" IS NOT NULL`).pluck().all() as string[];
    planId = Number(
      db
        .prepare(`INSERT INTO "Plan" ("title","issuedOn","importedAt","code") VALUES (?,?,?,?)`)
        .run(parsed.plan.title, parsed.plan.issuedOn, at, derivePlanCode(parsed.plan.title, taken)).lastInsertRowid,
    );
    const sectionIds = new Map<number, number>();
    const sec = db.prepare(`INSERT INTO "Section" ("planId","ordinal","label","title") VALUES (?,?,?,?)`);
    for (const s of parsed.sections) sectionIds.set(s.ordinal, Number(sec.run(planId, s.ordinal, s.label, s.title).lastInsertRowid));
    const task = db.prepare(
      `INSERT INTO "Task" ("planId","sectionId","number","title","description",` +
        `"leadUnits","responsibleUnits","deadlineText","deadlineKind","deadlineDate") VALUES (?,?,?,?,?,?,?,?,?,?)`,
    );
    const unit = db.prepare(`INSERT INTO "TaskUnit" ("taskId","unit","role","position") VALUES (?,?,?,?)`);
    for (const t of parsed.tasks) {
      const id = Number(
        task.run(
          planId,
          sectionIds.get(t.sectionOrdinal ?? 0) ?? null,
          t.number,
          t.title,
          t.description,
          JSON.stringify(t.leadUnits),
          JSON.stringify(t.responsibleUnits),
          t.deadline.text,
          t.deadline.kind,
          t.deadline.date,
        ).lastInsertRowid,
      );
      t.leadUnits.forEach((u, i) => {
        unit.run(id, u, "lead", i);
      });
      t.responsibleUnits.forEach((u, i) => {
        unit.run(id, u, "responsible", i);
      });
    }
    // The bundled plan that opening the app imported is archived: the synthetic plan is the only one in
    // progress, so `任务N` is its task (with two plans in progress a bare 任务N would get a question back).
    db.prepare(`UPDATE "Plan" SET "archivedAt" = ?, "archivedBy" = 'bench', "archiveReason" = 'bench' WHERE "id" != ? AND "archivedAt" IS NULL`).run(
      at,
      planId,
    );
  })();
  db.close();
  return planId;
}

/** A directory file for the bench: the office and `units` units, each with a room, a member and a leader. */
export function writeBenchDirectory(path: string, units: number): void {
  writeFileSync(
    path,
    JSON.stringify({
      office: "科技办",
      admins: ["@admin:bench"],
      units: [
        { name: "科技办", rooms: ["!office:bench"] },
        ...Array.from({ length: units }, (_, i) => ({ name: unitName(i), rooms: [`!u${i}:bench`], members: [`@m${i}:bench`], leaders: [`@l${i}:bench`] })),
      ],
    }),
  );
}
