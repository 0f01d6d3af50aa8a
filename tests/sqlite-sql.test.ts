import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Gate, SqliteSql } from "../src/db/sql.js";

// `insertIds` (the reminder run's occurrence insert) reads no value back when every row is new: it relies on
// AUTOINCREMENT ids rising in the order of the VALUES rows. These cases check both paths against the table itself.
// `batch` (a reminder run) holds the routine WAL checkpoints until it ends.
describe("SqliteSql", () => {
  let dir: string;
  let db: Database.Database;
  let sql: SqliteSql;
  /** Counts the checkpoints run on the connection; `pragma` is the original, uncounted. */
  const countCheckpoints = () => {
    const checkpoints = { n: 0 };
    const pragma = db.pragma.bind(db);
    db.pragma = ((text: string, options?: Database.PragmaOptions) => {
      if (text.startsWith("wal_checkpoint")) checkpoints.n++;
      return pragma(text, options);
    }) as typeof db.pragma;
    return { checkpoints, pragma };
  };
  const ids = () => new Map((db.prepare('SELECT "key", "id" FROM "Row"').all() as { key: string; id: number }[]).map((r) => [r.key, r.id]));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "duban-insert-ids-"));
    db = new Database(join(dir, "t.db"));
    db.pragma("journal_mode = WAL");
    db.exec(
      'CREATE TABLE "Row" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "key" TEXT NOT NULL, "n" INTEGER); CREATE UNIQUE INDEX "Row_key" ON "Row"("key")',
    );
    sql = new SqliteSql(db, new Gate());
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives each new row its own id, in the rows' order, over several statements of 500", async () => {
    // Ids not in key order: a row deleted first leaves the sequence ahead of the table.
    db.exec(`INSERT INTO "Row" ("key") VALUES ('gone'); DELETE FROM "Row"`);
    const rows = Array.from({ length: 1234 }, (_, i) => [`k${(i * 7919) % 1234}`, i]);
    const out = await sql.insertIds("Row", ["key", "n"], "key", rows, (r, into) => into.push(...r));
    const stored = ids();
    expect(out).toHaveLength(rows.length);
    expect(out).toEqual(rows.map(([key]) => stored.get(key as string)));
    expect(new Set(out).size).toBe(rows.length);
  });

  it("gives null for a row already there and for a repeat within the rows, and the right id to the others", async () => {
    await sql.insertIds(
      "Row",
      ["key", "n"],
      "key",
      [
        ["b", 0],
        ["d", 0],
      ],
      (r, into) => into.push(...r),
    );
    const before = ids();
    const out = await sql.insertIds(
      "Row",
      ["key", "n"],
      "key",
      [
        ["a", 1],
        ["b", 1],
        ["c", 1],
        ["c", 2],
        ["d", 1],
        ["e", 1],
      ],
      (r, into) => into.push(...r),
    );
    const after = ids();
    expect(out).toEqual([after.get("a"), null, after.get("c"), null, null, after.get("e")]);
    expect(after.get("b")).toBe(before.get("b"));
    expect(db.prepare('SELECT "n" FROM "Row" WHERE "key" = ?').pluck().get("c")).toBe(1);
  });

  it("holds routine checkpoints during a batch and runs one after it; outside a batch, one every 100 commits", async () => {
    const { checkpoints } = countCheckpoints();
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const commits = async (n: number, from: number) => {
      for (let i = 0; i < n; i++) {
        await sql.run`INSERT INTO "Row" ("key") VALUES (${`k${from + i}`})`;
        await turn();
      }
    };
    await commits(100, 0);
    await turn();
    expect(checkpoints.n).toBe(1);
    await sql.batch(async () => {
      await commits(250, 100);
      expect(checkpoints.n).toBe(1);
    });
    await turn();
    expect(checkpoints.n).toBe(2);
  });

  it("turns SQLite's automatic checkpoint off for a batch and back on after it, even when the batch throws", async () => {
    db.pragma("wal_autocheckpoint = 4000");
    const threshold = () => Number(db.pragma("wal_autocheckpoint", { simple: true }));
    await sql.batch(async () => expect(threshold()).toBe(0));
    expect(threshold()).toBe(4000);
    await expect(
      sql.batch(async () => {
        throw new Error("the run failed");
      }),
    ).rejects.toThrow("the run failed");
    expect(threshold()).toBe(4000);
  });

  it("lets the checkpoints go when a batch outlasts its hold (sends that hang), while the batch goes on", async () => {
    db.pragma("wal_autocheckpoint = 4000");
    const { checkpoints, pragma } = countCheckpoints();
    sql.holdLimitMs = 30;
    await sql.batch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(Number(pragma("wal_autocheckpoint", { simple: true }))).toBe(4000);
      const before = checkpoints.n;
      for (let i = 0; i < 100; i++) {
        await sql.run`INSERT INTO "Row" ("key") VALUES (${`late${i}`})`;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(checkpoints.n).toBeGreaterThan(before);
    });
  });
});
