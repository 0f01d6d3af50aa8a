/**
 * Hand-written SQL for the hot paths (one update, one status query, the overview, a reminder run), on the
 * same connection as Prisma. Prisma stays the owner of the schema, the migrations and every cold path.
 *
 * One definition per query for SQLite and PostgreSQL: queries are tagged templates in the SQL both engines
 * accept (double-quoted identifiers, `RETURNING`, `ON CONFLICT … DO NOTHING`, no engine functions). A client
 * turns the template into its engine's text: `?` placeholders for SQLite, `$1…` for PostgreSQL, and an
 * `anyOf(list)` value into `IN (SELECT value FROM json_each(?))` or `= ANY($n)`. A `fragment(text)` (a fixed column
 * list) is spliced in as written. Values are encoded the way
 * Prisma stores them (DateTime as ISO text and Boolean as 0/1 on SQLite), and rows are decoded by the
 * repositories with `asDate` and `asBool`, which accept either engine's form.
 *
 * Only the SQLite client exists so far; the PostgreSQL client is the planned backend's job (issue 12) and
 * implements the same `Sql` interface.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type BetterSqlite3 from "better-sqlite3";

export type Row = Record<string, unknown>;

/** A list bound as one value: `WHERE "id" ${anyOf(ids)}`. */
export class AnyOf {
  constructor(readonly values: readonly (number | string)[]) {}
}
export const anyOf = (values: readonly (number | string)[]) => new AnyOf(values);

/** SQL text spliced into a query as written, not bound: a fixed column list shared by several queries. */
export class Fragment {
  constructor(readonly text: string) {}
}
export const fragment = (text: string) => new Fragment(text);

type Tag<R> = (strings: TemplateStringsArray, ...values: unknown[]) => Promise<R>;

/** Runs hot-path queries. Every method is a tag: `await sql.all<Row>\`SELECT … WHERE "id" = ${id}\``. */
export interface Sql {
  readonly dialect: "sqlite" | "postgresql";
  all<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  get<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T | undefined>;
  /** Rows as arrays in the order of the select list: much cheaper than objects for long lists. */
  values<T extends unknown[] = unknown[]>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  run: Tag<{ changes: number }>;
  /**
   * Insert many rows into `table`, leaving out those whose `conflict` column already holds the value
   * (`ON CONFLICT (…) DO NOTHING`, in statements of up to 500 rows); returns how many were new.
   */
  insertIgnoring(table: string, columns: readonly string[], conflict: string, rows: readonly unknown[][]): Promise<number>;
  /** As `insertIgnoring`, returning the `returning` columns of the rows it inserted (not of those left out), as arrays. */
  insertReturning<T extends unknown[] = unknown[]>(
    table: string,
    columns: readonly string[],
    conflict: string,
    rows: readonly unknown[][],
    returning: readonly string[],
  ): Promise<T[]>;
  /**
   * As `insertIgnoring`, for a table whose id is AUTOINCREMENT: the id of each row of `rows`, in their order, or null
   * for a row left out (its conflict value was there before, or came earlier in `rows`). `values` pushes a row's
   * values, in the order of `columns`, straight into a statement's parameters (no array per row). Cheaper than
   * `insertReturning` with the conflict column: no value is read back unless some row was left out.
   */
  insertIds<R>(
    table: string,
    columns: readonly string[],
    conflict: string,
    rows: readonly R[],
    values: (row: R, into: unknown[]) => void,
  ): Promise<(number | null)[]>;
  /**
   * Run `fn` in one transaction: all or nothing. Inside `group()`, it is a savepoint of the group's transaction
   * instead, so a failed one leaves the others of the group alone.
   */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Run `fn`, a long batch of writes (a reminder run), with the connection's routine WAL checkpoints held until it
   * ends: one is queued then if any came due meanwhile, so the log is copied back once, after the batch, instead of
   * every few hundred of its commits. SQLite's own automatic checkpoint (the backstop, see `openPrisma`) is off
   * meanwhile, and back when the batch ends.
   */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Whether a transaction is open on the connection that reads run on, so that what they see may not be
   * committed yet (SQLite: one connection, shared by every flow). A cache fills only from committed rows.
   */
  readonly inTransaction: boolean;
  /**
   * A group commit open in another flow, for a read that must see only committed rows, as Prisma's reads do
   * (SQLite: one connection, shared by every flow); null when there is none, or the caller is that group.
   */
  groupToWaitFor?(): Promise<void> | null;
}

export const asDate = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string | number));
export const asDateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : asDate(v));
export const asBool = (v: unknown): boolean => v === true || v === 1 || v === 1n;

/**
 * A FIFO lock shared by Prisma's interactive transactions and ours, so the two never open a transaction on the
 * one connection at the same time.
 */
export class Gate {
  private tail: Promise<void> = Promise.resolve();
  private held = 0;
  get locked(): boolean {
    return this.held > 0;
  }
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const before = this.tail;
    this.tail = before.then(() => next);
    this.held++;
    await before;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.held--;
      release();
    };
  }
}

/** A group of transactions committed together (see `SqliteSql.group`). */
interface Group {
  owner: SqliteSql;
  release: (() => void) | null;
  savepoints: number;
  /** Set when part of the group's work was lost (a failed flush, or SQLite rolling the whole transaction back): the group then fails. */
  failed: unknown;
  /** False once `group()` has returned: a late continuation that still carries the context gets no transaction. */
  live: boolean;
}
const groups = new AsyncLocalStorage<Group>();
/** The client whose (non-group) transaction the current flow is running inside. */
const holders = new AsyncLocalStorage<SqliteSql>();

/** Dates as Prisma writes them to SQLite: ISO text with `+00:00`. */
const encode = (v: unknown): unknown => {
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === undefined) return null;
  return v;
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Hot-path commits between two passive WAL checkpoints (an update writes about 8 pages). */
const CHECKPOINT_EVERY = 100;

/** Rows per multi-row INSERT: 500 rows of up to 9 columns stay far below SQLite's 32,766 parameters. */
const INSERT_CHUNK = 500;

/** The SQLite client, over the better-sqlite3 connection that Prisma's adapter opened. */
export class SqliteSql implements Sql {
  readonly dialect = "sqlite" as const;
  private readonly texts = new WeakMap<TemplateStringsArray, string>();
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    readonly gate: Gate,
  ) {}

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** The better-sqlite3 connection (shared with Prisma), for settings such as pragmas. */
  get connection(): BetterSqlite3.Database {
    return this.db;
  }

  private readonly rawStatements = new Map<string, BetterSqlite3.Statement>();

  private statement(strings: TemplateStringsArray, values: unknown[], arrays = false): { stmt: BetterSqlite3.Statement; params: unknown[] } {
    let text = this.texts.get(strings);
    if (text === undefined) {
      const piece = (v: unknown) => (v instanceof AnyOf ? "IN (SELECT value FROM json_each(?))" : v instanceof Fragment ? v.text : "?");
      text = strings.reduce((out, s, i) => out + s + (i < values.length ? piece(values[i]) : ""), "");
      // A query with fragments is cached by its text only, in case a call site passes different ones.
      if (!values.some((v) => v instanceof Fragment)) this.texts.set(strings, text);
    }
    const stmt = this.prepared(text, arrays);
    const params: unknown[] = [];
    for (const v of values) if (!(v instanceof Fragment)) params.push(v instanceof AnyOf ? JSON.stringify(v.values) : encode(v));
    return { stmt, params };
  }

  values<T extends unknown[] = unknown[]>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]> {
    try {
      const { stmt, params } = this.statement(strings, values, true);
      return Promise.resolve(stmt.all(...params) as T[]);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  all<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]> {
    try {
      const { stmt, params } = this.statement(strings, values);
      return Promise.resolve(stmt.all(...params) as T[]);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  get<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T | undefined> {
    try {
      const { stmt, params } = this.statement(strings, values);
      return Promise.resolve(stmt.get(...params) as T | undefined);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  run(strings: TemplateStringsArray, ...values: unknown[]): Promise<{ changes: number }> {
    if (this.groupOpen && !this.inOwnGroup()) return this.groupOpen.then(() => this.run(strings, ...values));
    try {
      const { stmt, params } = this.statement(strings, values);
      const { changes } = stmt.run(...params);
      if (changes > 0 && !this.db.inTransaction) this.committed();
      return Promise.resolve({ changes });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  insertIgnoring(table: string, columns: readonly string[], conflict: string, rows: readonly unknown[][]): Promise<number> {
    if (this.groupOpen && !this.inOwnGroup()) return this.groupOpen.then(() => this.insertIgnoring(table, columns, conflict, rows));
    try {
      let inserted = 0;
      for (const { text, params } of this.inserts(table, columns, conflict, rows.length, (i, into) => into.push(...rows[i]!), ""))
        inserted += this.prepared(text).run(params).changes;
      return Promise.resolve(inserted);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  insertReturning<T extends unknown[] = unknown[]>(
    table: string,
    columns: readonly string[],
    conflict: string,
    rows: readonly unknown[][],
    returning: readonly string[],
  ): Promise<T[]> {
    if (this.groupOpen && !this.inOwnGroup()) return this.groupOpen.then(() => this.insertReturning<T>(table, columns, conflict, rows, returning));
    try {
      const out: T[] = [];
      for (const { text, params } of this.inserts(
        table,
        columns,
        conflict,
        rows.length,
        (i, into) => into.push(...rows[i]!),
        ` RETURNING ${returning.map(quote).join(", ")}`,
      ))
        for (const row of this.prepared(text, true).all(params) as T[]) out.push(row);
      return Promise.resolve(out);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  insertIds<R>(
    table: string,
    columns: readonly string[],
    conflict: string,
    rows: readonly R[],
    values: (row: R, into: unknown[]) => void,
  ): Promise<(number | null)[]> {
    if (this.groupOpen && !this.inOwnGroup()) return this.groupOpen.then(() => this.insertIds(table, columns, conflict, rows, values));
    try {
      const out: (number | null)[] = [];
      const width = columns.length;
      const keyAt = columns.indexOf(conflict);
      for (const { text, params, count } of this.inserts(table, columns, conflict, rows.length, (i, into) => values(rows[i]!, into), ' RETURNING "id"')) {
        const ids = (this.prepared(text, true).all(params) as [number][]).map(([id]) => id).sort((a, b) => a - b);
        if (ids.length === count) {
          // Every row is new. SQLite inserts the rows of VALUES in their order, and AUTOINCREMENT gives each new row
          // an id above every earlier one: the ascending ids are the rows' in order.
          for (const id of ids) out.push(id);
          continue;
        }
        // Some rows were there before: the new ones are told apart by their conflict column, read back.
        const back = this.prepared(`SELECT "id", ${quote(conflict)} FROM ${quote(table)} WHERE "id" IN (SELECT value FROM json_each(?))`, true).all(
          JSON.stringify(ids),
        ) as [number, unknown][];
        const byKey = new Map(back.map(([id, key]) => [key, id] as const));
        for (let i = 0; i < count; i++) {
          const key = params[i * width + keyAt];
          out.push(byKey.get(key) ?? null);
          byKey.delete(key); // a repeat of the key further on was left out
        }
      }
      return Promise.resolve(out);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Multi-row `INSERT … ON CONFLICT (…) DO NOTHING` statements of up to INSERT_CHUNK rows each. Their parameters are
   * bound as one array (better-sqlite3 binds an array's items in order): spreading thousands of arguments into a call
   * costs more than the binding.
   */
  private *inserts(table: string, columns: readonly string[], conflict: string, count: number, fill: (i: number, into: unknown[]) => void, tail: string) {
    const head = `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES `;
    const one = `(${columns.map(() => "?").join(", ")})`;
    let lastDate: Date | null = null;
    let lastText: unknown = null;
    let full: string | null = null; // the text of a whole chunk, made once
    const textFor = (n: number) => `${head}${Array(n).fill(one).join(", ")} ON CONFLICT (${quote(conflict)}) DO NOTHING${tail}`;
    for (let i = 0; i < count; i += INSERT_CHUNK) {
      const n = Math.min(INSERT_CHUNK, count - i);
      const params: unknown[] = [];
      for (let j = i; j < i + n; j++) fill(j, params);
      for (let k = 0; k < params.length; k++) {
        const v = params[k];
        // A run's rows all carry the same instants: each Date is turned into text once.
        if (v instanceof Date) {
          if (v !== lastDate) {
            lastDate = v;
            lastText = encode(v);
          }
          params[k] = lastText;
        } else if (typeof v === "boolean" || v === undefined) params[k] = encode(v);
      }
      if (n === INSERT_CHUNK) full ??= textFor(n);
      yield { text: n === INSERT_CHUNK && full !== null ? full : textFor(n), params, count: n };
    }
  }

  private exec(text: string): void {
    this.prepared(text).run();
  }

  /** The statement for `text`, prepared once; `arrays` gives rows as arrays (a separate statement: raw mode sticks). */
  private prepared(text: string, arrays = false): BetterSqlite3.Statement {
    const cache = arrays ? this.rawStatements : this.statements;
    let stmt = cache.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      if (stmt.reader) stmt.safeIntegers(false);
      if (arrays) stmt.raw(true);
      cache.set(text, stmt);
    }
    return stmt;
  }

  /**
   * `BEGIN IMMEDIATE`, waiting for another connection's write lock without blocking the event loop: the
   * connection's busy timeout would block it, and a second connection in the same process (a test, a CLI
   * command inside the bot) could then never commit. Waits at most the connection's busy timeout.
   */
  async begin(): Promise<void> {
    const patience = Number(this.db.pragma("busy_timeout", { simple: true })) || 0;
    let waited = 0;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      this.db.pragma("busy_timeout = 0");
      try {
        this.exec("BEGIN IMMEDIATE");
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== "SQLITE_BUSY" || waited >= patience) throw e;
      } finally {
        this.db.pragma(`busy_timeout = ${patience}`);
      }
      await new Promise((r) => setTimeout(r, pause));
      waited += pause;
    }
  }

  async transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const group = groups.getStore();
    if (group?.owner === this && group.live) {
      if (group.failed) throw group.failed;
      if (!group.release) {
        const release = await this.gate.acquire();
        // Writes from outside the group wait from here on, before the transaction has even begun. (Not before the
        // gate is ours: a transaction holding it could otherwise wait for the group that waits for it.)
        this.groupOpen = new Promise<void>((r) => (this.groupClosed = r));
        try {
          await this.begin();
        } catch (e) {
          release();
          this.closeGroupGate();
          throw e;
        }
        group.release = release;
      }
      if (!this.db.inTransaction) {
        // SQLite rolled the whole transaction back (a full disk, an I/O error): what the group held is gone.
        group.failed = new Error("the group's transaction was rolled back by SQLite");
        throw group.failed;
      }
      const name = `duban_sp${++group.savepoints}`;
      this.exec(`SAVEPOINT ${name}`);
      try {
        const out = await fn(this);
        this.exec(`RELEASE ${name}`);
        return out;
      } catch (e) {
        if (!this.db.inTransaction) {
          group.failed = e;
          throw e;
        }
        this.exec(`ROLLBACK TO ${name}`);
        this.exec(`RELEASE ${name}`);
        throw e;
      }
    }
    const release = await this.gate.acquire();
    try {
      await this.begin();
      try {
        const out = await holders.run(this, () => fn(this));
        this.exec("COMMIT");
        this.committed();
        return out;
      } catch (e) {
        if (this.db.inTransaction) this.exec("ROLLBACK");
        throw e;
      }
    } finally {
      release();
    }
  }

  /**
   * Group commit: the hot-path transactions that `fn` runs (directly or through the bot) share one transaction,
   * committed when `fn` returns. Nothing of the group is visible to other connections before that, so a caller
   * must send confirmations only after `group` resolves. A Prisma transaction started inside the group first
   * commits what the group has so far (`flushGroup`), and the group then goes on in a new transaction.
   */
  async group<T>(fn: () => Promise<T>): Promise<T> {
    const group: Group = { owner: this, release: null, savepoints: 0, failed: null, live: true };
    let out: T;
    try {
      out = await groups.run(group, fn);
    } catch (e) {
      group.live = false;
      this.finish(group, "ROLLBACK");
      throw e;
    }
    group.live = false;
    if (group.failed) {
      this.finish(group, "ROLLBACK");
      throw group.failed;
    }
    this.finish(group, "COMMIT");
    return out;
  }

  private finish(group: Group, how: "COMMIT" | "ROLLBACK"): void {
    if (!group.release) return;
    try {
      if (how === "COMMIT" && !this.db.inTransaction) throw new Error("the group's transaction was rolled back by SQLite");
      if (this.db.inTransaction) this.exec(how);
      if (how === "COMMIT") this.committed();
    } catch (e) {
      // Whatever the group held is lost: the caller must not confirm any of it.
      group.failed ??= e;
      if (this.db.inTransaction) this.exec("ROLLBACK");
      throw e;
    } finally {
      group.release();
      group.release = null;
      this.closeGroupGate();
    }
  }

  private closeGroupGate(): void {
    const closed = this.groupClosed;
    this.groupOpen = null;
    this.groupClosed = null;
    closed?.();
  }

  /**
   * While a group's transaction is open, a write from outside the group (a reminder run, say) waits for it to
   * end: on the one connection it would otherwise join the group's transaction and share its fate.
   */
  private groupOpen: Promise<void> | null = null;
  private groupClosed: (() => void) | null = null;
  /**
   * For Prisma's queries outside a transaction (see openPrisma): a promise to wait for when a group of another flow
   * is open, else null.
   */
  groupToWaitFor(): Promise<void> | null {
    return this.groupOpen && !this.inOwnGroup() ? this.groupOpen : null;
  }

  /** Whether the current flow may write now although a group is open: it is the group, or it holds a transaction. */
  private inOwnGroup(): boolean {
    return groups.getStore()?.owner === this || holders.getStore() === this;
  }

  private commits = 0;
  private checkpointScheduled = false;
  /** Batches running (see `batch`): while any runs, no routine checkpoint is queued. */
  private batches = 0;

  async batch<T>(fn: () => Promise<T>): Promise<T> {
    const release = this.holdCheckpoints();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * How long a batch may hold the checkpoints: a run whose sends hang (a chat server down, each room retried for
   * minutes) lets them go after this, so the log does not grow for as long as the chat traffic goes on.
   */
  holdLimitMs = 60_000;

  /** Hold the checkpoints (see `batch`); the function returned lets them go, once. */
  private holdCheckpoints(): () => void {
    if (this.batches === 0) {
      // SQLite's own backstop would otherwise copy the batch's log back inside one of its commits.
      this.backstop = Number(this.db.pragma("wal_autocheckpoint", { simple: true }));
      this.db.pragma("wal_autocheckpoint = 0");
    }
    this.batches++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      if (--this.batches > 0) return;
      if (this.db.open) {
        this.db.pragma(`wal_autocheckpoint = ${this.backstop}`);
        // However few its commits, a batch may have written a long log: it is checkpointed now, off the message path.
        this.queueCheckpoint();
      }
    };
    const timer = setTimeout(release, this.holdLimitMs);
    timer.unref();
    return release;
  }
  /** The connection's automatic checkpoint threshold (pages), restored when the last batch ends. */
  private backstop = 0;

  /**
   * WAL checkpoints off the message path. SQLite's automatic checkpoint runs inside the commit that takes the
   * log past its threshold, so one message in a few hundred paid for copying the log back (several ms). Here
   * the connection's automatic threshold is raised to a backstop (see `openPrisma`), and every
   * CHECKPOINT_EVERY commits a passive checkpoint is queued with setImmediate: it runs once the current
   * message has been handled, while its reply is on the network.
   */
  private committed(): void {
    if (++this.commits < CHECKPOINT_EVERY || this.batches > 0) return;
    this.queueCheckpoint();
  }

  private queueCheckpoint(): void {
    if (this.checkpointScheduled) return;
    this.checkpointScheduled = true;
    setImmediate(() => {
      this.checkpointScheduled = false;
      if (!this.db.open || this.db.inTransaction || this.gate.locked) return;
      this.commits = 0;
      try {
        this.db.pragma("wal_checkpoint(PASSIVE)");
      } catch {
        // A checkpoint that cannot run now (an I/O error, another process's checkpoint) is tried again later.
      }
    }).unref();
  }

  /** Commit the current group's open transaction, if the caller is inside a group of this client. */
  flushGroup(): void {
    const group = groups.getStore();
    if (group?.owner === this) this.finish(group, "COMMIT");
  }
}
