/**
 * A complete JSON dump of the database (`dumpDatabase`) and its load into an empty database (`loadDump`).
 *
 * Every table is kept, every column exactly, ids included, so foreign keys, the audit hash chain and chat
 * event ids survive a round trip. Rows are ordered by primary key and keys come in schema order, so
 * `JSON.stringify` of two dumps of the same data is byte-identical (the dump therefore holds no "dumped at").
 *
 * The tables are described once, in `DUMP_TABLES`: insert order (parents before children), primary key and
 * column types. tsc checks that list against the generated client's types, and `checkDumpCoversSchema`
 * checks it at run time against `Prisma.ModelName` and the scalar field lists, so a table or column added
 * to prisma/schema.prisma cannot be left out silently. Everything goes through Prisma's generic model API
 * except the id sequences after a load (`continueSqliteSequences`, `continuePostgresSequences`), which differ by database.
 */
import { onPostgres } from "../db/postgres.js";
import { z } from "zod";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

export const DUMP_FORMAT = "duban-dump";
/**
 * 2: Plan has code, archivedAt, archivedBy, archiveReason (several plans). A version 1 dump loads with them null.
 * 3: Notice (one per message to a unit's rooms) carries the delivery and claims a Reminder row had; a version 1 or 2
 * dump's rows become notices as migration 20261207192913_notices turns a database's (reminderRowsToNotices).
 */
export const DUMP_VERSION = 3;
const PLAN_COLUMNS_SINCE_2 = ["code", "archivedAt", "archivedBy", "archiveReason"] as const;

/**
 * Tables the database fills itself, through triggers: TaskChange (which tasks changed, for the task lists kept
 * in memory). A dump leaves them out, and loading the other tables fills them again.
 */
export const DERIVED_MODELS = ["TaskChange"] as const satisfies readonly Prisma.ModelName[];
type ModelName = Exclude<Prisma.ModelName, (typeof DERIVED_MODELS)[number]>;

/** The column types a dump knows. `?` marks a nullable column. */
type ScalarType = "Int" | "String" | "Boolean" | "DateTime";
export type ColumnType = ScalarType | `${ScalarType}?`;

/** A model's scalar columns with their TypeScript types, as the generated client returns them. */
type Scalars<M extends ModelName> = Prisma.TypeMap["model"][M]["payload"]["scalars"];

/**
 * The column type a TypeScript type stands for; `never` for a type the dump cannot carry yet (BigInt, Decimal,
 * Bytes, Json…), which makes `DUMP_TABLES` fail to compile until the dump learns it.
 */
type ScalarOf<T> = [T] extends [Date] ? "DateTime" : [T] extends [boolean] ? "Boolean" : [T] extends [number] ? "Int" : [T] extends [string] ? "String" : never;
type ColumnOf<T> = null extends T ? `${ScalarOf<Exclude<T, null>>}?` : ScalarOf<T>;

interface TableSpec<M extends ModelName> {
  /** The primary key, in the order rows are sorted by. */
  key: readonly (keyof Scalars<M> & string)[];
  /** `id Int @id @default(autoincrement())`: the sequence must continue after the loaded ids. */
  autoincrement: boolean;
  /** Every scalar column, in schema order (the order of keys in a dumped row). */
  columns: { [K in keyof Scalars<M>]-?: ColumnOf<Scalars<M>[K]> };
}

/**
 * Every table, in foreign-key order (a table comes after the tables it refers to). This is also the order of
 * `tables` in a dump. Keep it in step with prisma/schema.prisma: tsc and `checkDumpCoversSchema` say when it is not.
 */
export const DUMP_TABLES = {
  Plan: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      title: "String",
      issuedOn: "String?",
      importedAt: "DateTime",
      revisedAt: "DateTime?",
      code: "String?",
      archivedAt: "DateTime?",
      archivedBy: "String?",
      archiveReason: "String?",
    },
  },
  Section: {
    key: ["id"],
    autoincrement: true,
    columns: { id: "Int", planId: "Int", ordinal: "Int", label: "String", title: "String" },
  },
  Task: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      planId: "Int",
      sectionId: "Int?",
      number: "Int",
      title: "String",
      description: "String",
      leadUnits: "String",
      responsibleUnits: "String",
      deadlineText: "String",
      deadlineKind: "String",
      deadlineDate: "String?",
      inDocument: "Boolean",
      completedAt: "DateTime?",
      completedBy: "String?",
      remindersPaused: "Boolean",
      pauseReason: "String?",
      originalDeadlineText: "String?",
      originalDeadlineKind: "String?",
      originalDeadlineDate: "String?",
      deadlineChange: "String?",
      unitsAdjusted: "Boolean",
      reviewPending: "String?",
      progress: "Int?",
      lastUpdateAt: "DateTime?",
      updateCount: "Int",
    },
  },
  TaskUnit: {
    key: ["taskId", "role", "position"],
    autoincrement: false,
    columns: { taskId: "Int", unit: "String", role: "String", position: "Int" },
  },
  Update: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      taskId: "Int",
      text: "String",
      percent: "Int?",
      authorId: "String",
      authorUnit: "String?",
      room: "String?",
      transport: "String",
      eventId: "String?",
      createdAt: "DateTime",
      editedAt: "DateTime?",
      retractedAt: "DateTime?",
      revisions: "String",
    },
  },
  ProcessedEvent: {
    key: ["eventId"],
    autoincrement: false,
    columns: { eventId: "String", room: "String", handledAt: "DateTime" },
  },
  Notice: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      kind: "String",
      unit: "String",
      rooms: "String",
      text: "String?",
      dueOn: "String",
      createdAt: "DateTime",
      deliveredAt: "DateTime?",
      attempts: "Int",
      lastError: "String?",
      claimToken: "String?",
      claimedAt: "DateTime?",
      deliveredRooms: "String",
    },
  },
  Reminder: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      key: "String",
      taskId: "Int?",
      kind: "String",
      occurrence: "String",
      createdAt: "DateTime?",
      dueOn: "String?",
      noticeId: "Int",
      note: "String?",
    },
  },
  PendingUpdate: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      eventId: "String?",
      room: "String",
      authorId: "String",
      transport: "String",
      text: "String",
      segments: "String",
      candidates: "String",
      createdAt: "DateTime",
      expiresAt: "DateTime",
      resolvedAt: "DateTime?",
      resolution: "String?",
      resolvedBy: "String?",
      kind: "String",
      request: "String?",
    },
  },
  Setting: {
    key: ["key"],
    autoincrement: false,
    columns: { key: "String", value: "String" },
  },
  Request: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      taskId: "Int",
      kind: "String",
      state: "String",
      note: "String",
      deadlineText: "String?",
      deadlineKind: "String?",
      deadlineDate: "String?",
      requestedBy: "String",
      requesterUnit: "String?",
      room: "String?",
      transport: "String",
      eventId: "String?",
      link: "String?",
      createdAt: "DateTime",
      decidedBy: "String?",
      decidedAt: "DateTime?",
      decisionReason: "String?",
    },
  },
  Evidence: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      taskId: "Int",
      requestId: "Int?",
      fileName: "String",
      mimeType: "String",
      size: "Int",
      sha256: "String",
      path: "String",
      uploader: "String",
      eventId: "String?",
      createdAt: "DateTime",
    },
  },
  DirectoryChange: {
    key: ["id"],
    autoincrement: true,
    columns: { id: "Int", op: "String", user: "String?", room: "String?", unit: "String", role: "String?", by: "String", at: "DateTime" },
  },
  AuditLog: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      at: "DateTime",
      actor: "String",
      actorUnit: "String?",
      action: "String",
      outcome: "String",
      taskId: "Int?",
      taskNumber: "Int?",
      transport: "String?",
      room: "String?",
      eventId: "String?",
      before: "String?",
      after: "String?",
      detail: "String",
      prevHash: "String",
      hash: "String",
    },
  },
  Target: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      taskId: "Int",
      name: "String",
      unit: "String",
      count: "Int",
      due: "String?",
      current: "Int",
      source: "String",
      sourceText: "String?",
      createdAt: "DateTime",
      removedAt: "DateTime?",
    },
  },
  TargetChange: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      targetId: "Int",
      fromCount: "Int",
      toCount: "Int",
      reason: "String?",
      actor: "String",
      actorUnit: "String?",
      updateId: "Int?",
      at: "DateTime",
    },
  },
  Digest: {
    key: ["week"],
    autoincrement: false,
    columns: {
      week: "String",
      createdAt: "DateTime",
      claimToken: "String?",
      claimedAt: "DateTime?",
      deliveredAt: "DateTime?",
      deliveredRooms: "String",
      attempts: "Int",
      lastError: "String?",
    },
  },
  ScheduleItem: {
    key: ["id"],
    autoincrement: true,
    columns: {
      id: "Int",
      key: "String",
      kind: "String",
      dueAt: "DateTime",
      payload: "String",
      createdAt: "DateTime",
      claimToken: "String?",
      claimedAt: "DateTime?",
      doneAt: "DateTime?",
      attempts: "Int",
      lastError: "String?",
    },
  },
} as const satisfies { [M in ModelName]: TableSpec<M> };

/** The tables in foreign-key order. */
export const DUMP_TABLE_ORDER = Object.keys(DUMP_TABLES) as ModelName[];

/**
 * An occurrence (Reminder) as a dump holds it: with its unit, createdAt and dueOn, as every version of the dump has.
 * The database holds none of them where they are its notice's (slim occurrences, migration …_slim_occurrences): a
 * dump writes the values they stand for, and a load stores them slim again, so the format did not change.
 */
export const DUMPED_REMINDER_COLUMNS = {
  id: "Int",
  key: "String",
  taskId: "Int?",
  unit: "String",
  kind: "String",
  occurrence: "String",
  createdAt: "DateTime",
  dueOn: "String",
  noticeId: "Int",
  note: "String?",
} as const satisfies Record<string, ColumnType>;

/** A row as it appears in a dump: DateTime columns as ISO 8601 strings, the rest as they are. */
type DumpRowOf<M extends ModelName> = { [K in keyof Scalars<M>]: Scalars<M>[K] extends infer V ? (V extends Date ? string : V) : never };
type ValueOf<T extends ColumnType> =
  | (T extends `Int${string}` ? number : T extends `Boolean${string}` ? boolean : string)
  | (T extends `${string}?` ? null : never);
type DumpedReminder = { -readonly [K in keyof typeof DUMPED_REMINDER_COLUMNS]: ValueOf<(typeof DUMPED_REMINDER_COLUMNS)[K]> };

export interface Dump {
  format: typeof DUMP_FORMAT;
  version: typeof DUMP_VERSION;
  tables: { [M in ModelName]: M extends "Reminder" ? DumpedReminder[] : DumpRowOf<M>[] };
}

/** A dump that cannot be loaded, or a database it cannot be loaded into; the message says why (in Chinese). */
export class DumpError extends Error {
  override name = "DumpError";
}

type Row = Record<string, unknown>;
type Client = PrismaClient | Prisma.TransactionClient;

/** The part of a model delegate the dump uses, the same for every model. */
interface Delegate {
  findMany(args: { orderBy: Record<string, "asc">[] }): Prisma.PrismaPromise<Row[]>;
  createMany(args: { data: Row[] }): Prisma.PrismaPromise<{ count: number }>;
  count(): Prisma.PrismaPromise<number>;
}

function delegate(db: Client, model: ModelName): Delegate {
  const property = (model.charAt(0).toLowerCase() + model.slice(1)) as Uncapitalize<ModelName>;
  return db[property] as unknown as Delegate;
}

function columnsOf(model: ModelName): [string, ColumnType][] {
  return Object.entries(DUMP_TABLES[model].columns) as [string, ColumnType][];
}

/** The columns of a table's rows in a dump, in order: the schema's, except an occurrence's (DUMPED_REMINDER_COLUMNS). */
export function dumpedColumns(model: ModelName): [string, ColumnType][] {
  return model === "Reminder" ? Object.entries(DUMPED_REMINDER_COLUMNS) : columnsOf(model);
}

/**
 * Throw unless `DUMP_TABLES` has exactly the models and columns of the generated client, so a table or column
 * added to the schema is never silently left out of a dump. Arguments default to the client's runtime lists.
 */
export function checkDumpCoversSchema(
  models: readonly string[] = Object.values(Prisma.ModelName).filter((m) => !(DERIVED_MODELS as readonly string[]).includes(m)),
  scalarFields: (model: string) => readonly string[] | undefined = (m) => {
    const e = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[`${m}ScalarFieldEnum`];
    return e && Object.values(e);
  },
): void {
  const known = new Set<string>(DUMP_TABLE_ORDER);
  const unknown = models.filter((m) => !known.has(m));
  if (unknown.length > 0)
    throw new Error(
      `The database dump does not know the model(s) ${unknown.join(", ")} of the generated Prisma client: ` +
        `add them to DUMP_TABLES in src/reports/dump.ts (in foreign-key order) before dumping or loading.`,
    );
  const gone = DUMP_TABLE_ORDER.filter((m) => !models.includes(m));
  if (gone.length > 0) throw new Error(`DUMP_TABLES in src/reports/dump.ts lists model(s) ${gone.join(", ")} that the generated Prisma client does not have.`);
  for (const model of DUMP_TABLE_ORDER) {
    const fields = scalarFields(model);
    if (!fields) throw new Error(`The generated Prisma client has no scalar field list for model ${model}.`);
    const listed = columnsOf(model).map(([name]) => name);
    const missing = fields.filter((f) => !listed.includes(f));
    const extra = listed.filter((f) => !fields.includes(f));
    if (missing.length > 0 || extra.length > 0)
      throw new Error(
        `DUMP_TABLES.${model} in src/reports/dump.ts is out of step with the generated Prisma client` +
          (missing.length ? `; columns not in the dump: ${missing.join(", ")}` : "") +
          (extra.length ? `; columns the client does not have: ${extra.join(", ")}` : "") +
          ".",
      );
  }
}

/** One row for the dump: the columns in schema order, DateTime as ISO strings. */
function dumpRow(model: ModelName, row: Row): Row {
  const out: Row = {};
  for (const [name, type] of dumpedColumns(model)) {
    if (!(name in row)) throw new Error(`Prisma returned a ${model} row without column ${name}.`);
    const v = row[name];
    out[name] = v instanceof Date ? v.toISOString() : v;
    if (v === null ? !type.endsWith("?") : type.startsWith("DateTime") ? !(v instanceof Date) : typeof v !== jsType(type))
      throw new Error(`Column ${model}.${name} returned ${String(v)}, which does not fit its type ${type}.`);
  }
  return out;
}

function jsType(type: ColumnType): "number" | "string" | "boolean" {
  return type.startsWith("Int") ? "number" : type.startsWith("Boolean") ? "boolean" : "string";
}

/**
 * Every row of every table, ordered by primary key, with every column (ids included) and DateTime columns as
 * ISO strings. All tables are read in one transaction, so the dump is a consistent snapshot.
 */
export async function dumpDatabase(db: PrismaClient): Promise<Dump> {
  checkDumpCoversSchema();
  const reads = DUMP_TABLE_ORDER.map((model) => delegate(db, model).findMany({ orderBy: DUMP_TABLES[model].key.map((k) => ({ [k]: "asc" as const })) }));
  const results = await db.$transaction(reads);
  const tables: Record<string, Row[]> = {};
  const notices = new Map(results[DUMP_TABLE_ORDER.indexOf("Notice")]!.map((n) => [n.id, n]));
  DUMP_TABLE_ORDER.forEach((model, i) => {
    // Sorted again here, in JavaScript's string order: the database orders text keys by its collation, which differs between
    // SQLite and a PostgreSQL created with a locale, and the dump must be the same whatever it came from.
    const key = DUMP_TABLES[model].key;
    const rows = model === "Reminder" ? results[i]!.map((r) => withNoticeValues(r, notices.get(r.noticeId))) : results[i]!;
    tables[model] = rows.map((row) => dumpRow(model, row)).sort((a, b) => compareKeys(a, b, key));
  });
  return { format: DUMP_FORMAT, version: DUMP_VERSION, tables: tables as unknown as Dump["tables"] };
}

/** An occurrence with the unit, createdAt and dueOn it stands for: its notice's where it holds none of its own. */
function withNoticeValues(r: Row, notice: Row | undefined): Row {
  if (!notice) throw new Error(`Reminder ${String(r.id)} refers to notice ${String(r.noticeId)}, which the dump did not read.`);
  const { id, key, taskId, kind, occurrence, createdAt, dueOn, noticeId, note } = r;
  return { id, key, taskId, unit: notice.unit, kind, occurrence, createdAt: createdAt ?? notice.createdAt, dueOn: dueOn ?? notice.dueOn, noticeId, note };
}

function compareKeys(a: Row, b: Row, key: readonly string[]): number {
  for (const k of key) {
    const x = a[k] as string | number;
    const y = b[k] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

// ---- loading ----

function columnSchema(type: ColumnType): z.ZodType {
  const base = type.replace("?", "") as ScalarType;
  const s =
    base === "Int"
      ? z.number().int()
      : base === "Boolean"
        ? z.boolean()
        : base === "String"
          ? z.string()
          : z.iso.datetime({ error: "不是 ISO 8601 时间（如 2024-06-30T02:00:00.000Z）" }).transform((v) => new Date(v));
  return type.endsWith("?") ? s.nullable() : s;
}

const rowSchemas = Object.fromEntries(
  DUMP_TABLE_ORDER.map((model) => [model, z.array(z.strictObject(Object.fromEntries(dumpedColumns(model).map(([name, type]) => [name, columnSchema(type)]))))]),
);

const tablesSchema = z.strictObject(rowSchemas);

/** Check a parsed JSON value is a dump this program can load; returns the rows with DateTime columns as Date. */
function parseDump(dump: unknown): Record<ModelName, Row[]> {
  if (typeof dump !== "object" || dump === null || Array.isArray(dump))
    throw new DumpError(`不是督办数据导出文件：应为含 format、version、tables 的 JSON 对象，导入已取消`);
  const { format, version, tables } = dump as { format?: unknown; version?: unknown; tables?: unknown };
  if (format !== DUMP_FORMAT) throw new DumpError(`不是督办数据导出文件：format 为 ${JSON.stringify(format) ?? "（缺失）"}，应为 "${DUMP_FORMAT}"，导入已取消`);
  if (version !== DUMP_VERSION && version !== 1 && version !== 2)
    throw new DumpError(`导出文件的版本 ${JSON.stringify(version) ?? "（缺失）"} 不受支持（本程序读取版本 1 至 ${DUMP_VERSION}），导入已取消`);
  // A dump from before notices: each message's reminder rows become one notice and its occurrences.
  if (version !== DUMP_VERSION && typeof tables === "object" && tables !== null && Array.isArray((tables as Record<string, unknown>).Reminder))
    reminderRowsToNotices(tables as Record<string, unknown>);
  // A dump from before plan codes: its plans get codes when the app next opens the database (ensureCodes).
  if (version === 1 && typeof tables === "object" && tables !== null && Array.isArray((tables as Record<string, unknown>).Plan))
    for (const row of (tables as { Plan: unknown[] }).Plan)
      if (typeof row === "object" && row !== null) for (const c of PLAN_COLUMNS_SINCE_2) if (!(c in row)) (row as Record<string, unknown>)[c] = null;
  // A dump from before target requests: each pending question was an update asked about.
  if (typeof tables === "object" && tables !== null && Array.isArray((tables as Record<string, unknown>).PendingUpdate))
    for (const row of (tables as { PendingUpdate: unknown[] }).PendingUpdate)
      if (typeof row === "object" && row !== null && !("kind" in row)) Object.assign(row, { kind: "update", request: null });
  // A dump from before the scheduler's agenda: it starts empty, and the scheduler adds its runs' next occurrences.
  if (typeof tables === "object" && tables !== null && !Array.isArray(tables) && !("ScheduleItem" in tables))
    (tables as Record<string, unknown>).ScheduleItem = [];
  const extraKeys = Object.keys(dump).filter((k) => !["format", "version", "tables"].includes(k));
  if (extraKeys.length > 0) throw new DumpError(`导出文件含有未知的字段：${extraKeys.join("、")}，导入已取消`);
  if (typeof tables !== "object" || tables === null || Array.isArray(tables)) throw new DumpError(`导出文件的 tables 不是对象，导入已取消`);
  const unknownTables = Object.keys(tables).filter((t) => !(DUMP_TABLE_ORDER as string[]).includes(t));
  if (unknownTables.length > 0) throw new DumpError(`导出文件含有未知的表：${unknownTables.join("、")}，导入已取消`);
  const missing = DUMP_TABLE_ORDER.filter((t) => !(t in tables));
  if (missing.length > 0) throw new DumpError(`导出文件缺少表：${missing.join("、")}，导入已取消`);
  const parsed = tablesSchema.safeParse(tables);
  if (!parsed.success) {
    const shown = parsed.error.issues.slice(0, 5).map((i) => {
      const [table, row, column] = i.path.map(String);
      const where = [table, row === undefined ? undefined : `第 ${Number(row) + 1} 行`, column].filter((p) => p !== undefined).join(" ");
      return `${where}：${i.message}`;
    });
    const more = parsed.error.issues.length > shown.length ? `（另有 ${parsed.error.issues.length - shown.length} 处）` : "";
    throw new DumpError(`导出文件的数据不正确，导入已取消：${shown.join("；")}${more}`);
  }
  const rows = parsed.data as Record<ModelName, Row[]>;
  renameReportReminders(rows.Reminder);
  slimOccurrences(rows);
  return rows;
}

/**
 * Occurrences as the database holds them: without their unit, which must be their notice's, and with createdAt and
 * dueOn NULL where they are their notice's (slim occurrences); a dump of the loaded database writes them back as they
 * were. An occurrence of a notice the dump lacks, or of another unit than its notice's, is refused.
 */
function slimOccurrences(rows: Record<ModelName, Row[]>): void {
  const notices = new Map(rows.Notice.map((n) => [n.id, n]));
  rows.Reminder.forEach((r, i) => {
    const notice = notices.get(r.noticeId);
    const where = `导出文件的数据不正确，导入已取消：Reminder 第 ${i + 1} 行`;
    if (!notice) throw new DumpError(`${where} noticeId：没有编号为 ${String(r.noticeId)} 的 Notice`);
    if (r.unit !== notice.unit)
      throw new DumpError(`${where} unit：“${String(r.unit)}”不是其 Notice ${String(r.noticeId)} 的单位“${String(notice.unit)}”（一条通知只发给一个单位）`);
    delete r.unit;
    if ((r.createdAt as Date).getTime() === (notice.createdAt as Date).getTime()) r.createdAt = null;
    if (r.dueOn === notice.dueOn) r.dueOn = null;
  });
}

/**
 * Reminder rows of a dump taken before the kind "report" became "report-due" get the new kind, and the key built
 * from it (taskId:unit:kind:occurrence), as migration 20261207085441_reminder_kind_report_due does to a database:
 * a reminder the dump says was sent is then not sent again. Today's dumps hold no "report" row.
 */
function renameReportReminders(rows: Row[]): void {
  for (const r of rows) {
    if (r.kind !== "report") continue;
    if (r.taskId !== null && r.key === `${r.taskId}:${r.unit}:report:${r.occurrence}`) r.key = `${r.taskId}:${r.unit}:report-due:${r.occurrence}`;
    r.kind = "report-due";
  }
}

/** The delivery state of a reminder row before notices: the rows of one message share it (and their unit). */
const DELIVERY_COLUMNS = ["unit", "deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms"] as const;

/**
 * Reminder rows of a dump taken before notices (version 1 or 2) become a Notice table and occurrences, as migration
 * 20261207192913_notices does to a database: rows alike in unit and delivery make one notice, numbered by its lowest
 * row, which keeps their delivery, rooms reached, error and claim; its addressed rooms are unknown ("[]"). A malformed
 * row is left for the checks to name.
 */
function reminderRowsToNotices(tables: Record<string, unknown>): void {
  const rows = tables.Reminder as unknown[];
  if ("Notice" in tables || !rows.every((r) => typeof r === "object" && r !== null)) return;
  const notices = new Map<string, Row>();
  const byId = [...(rows as Row[])].sort((a, b) => Number(a.id) - Number(b.id));
  for (const r of byId) {
    const group = JSON.stringify(DELIVERY_COLUMNS.map((c) => r[c] ?? null));
    let notice = notices.get(group);
    if (!notice) {
      notice = {
        id: r.id,
        kind: "reminder",
        unit: r.unit,
        rooms: "[]",
        text: null,
        dueOn: r.dueOn,
        createdAt: r.createdAt,
        deliveredAt: r.deliveredAt ?? null,
        attempts: r.attempts,
        lastError: r.lastError ?? null,
        claimToken: r.claimToken ?? null,
        claimedAt: r.claimedAt ?? null,
        deliveredRooms: r.deliveredRooms,
      };
      notices.set(group, notice);
    }
    if (typeof r.dueOn === "string" && typeof notice.dueOn === "string" && r.dueOn < notice.dueOn) notice.dueOn = r.dueOn;
    if (typeof r.createdAt === "string" && typeof notice.createdAt === "string" && r.createdAt < notice.createdAt) notice.createdAt = r.createdAt;
    for (const c of ["deliveredAt", "attempts", "lastError", "claimToken", "claimedAt", "deliveredRooms"]) delete r[c];
    Object.assign(r, { noticeId: notice.id, note: null });
  }
  tables.Notice = [...notices.values()].sort((a, b) => Number(a.id) - Number(b.id));
}

/** Rows per createMany: well under SQLite's bound-parameter limit for the widest table. */
const CHUNK_ROWS = 500;

/**
 * Load a dump into an empty database: check its shape, refuse unless the database holds no rows at all, then
 * insert every row with its own ids, parents before children, in one transaction (nothing is kept on failure),
 * and move the id sequences past the loaded ids. Returns the number of rows inserted.
 */
export async function loadDump(db: PrismaClient, dump: unknown): Promise<{ rows: number }> {
  checkDumpCoversSchema();
  const tables = parseDump(dump);
  const load = async (tx: Prisma.TransactionClient) => {
    await refuseUnlessEmpty(tx);
    let rows = 0;
    for (const model of DUMP_TABLE_ORDER) {
      const data = tables[model];
      for (let i = 0; i < data.length; i += CHUNK_ROWS) {
        rows += (await delegate(tx, model).createMany({ data: data.slice(i, i + CHUNK_ROWS) })).count;
      }
    }
    const counters = DUMP_TABLE_ORDER.filter((m) => DUMP_TABLES[m].autoincrement);
    if (onPostgres(db)) await continuePostgresSequences(tx, counters);
    else await continueSqliteSequences(tx, counters);
    return { rows };
  };
  try {
    // A big dump takes a while; nothing else should be writing to a database being restored anyway.
    return await db.$transaction(load, { maxWait: 30_000, timeout: 30 * 60_000 });
  } catch (e) {
    if (e instanceof DumpError) throw e;
    // A foreign key or unique constraint the dump breaks: the transaction is rolled back, nothing is kept.
    throw new DumpError(`导入失败，已全部撤销，数据库未作改动：${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Throw, naming what is there, unless every table is empty. */
async function refuseUnlessEmpty(tx: Prisma.TransactionClient): Promise<void> {
  const counts = new Map<ModelName, number>();
  for (const model of DUMP_TABLE_ORDER) counts.set(model, await delegate(tx, model).count());
  const plans = counts.get("Plan") ?? 0;
  const updates = counts.get("Update") ?? 0;
  const audit = counts.get("AuditLog") ?? 0;
  const others = [...counts].filter(([m, n]) => n > 0 && m !== "Plan" && m !== "Update" && m !== "AuditLog");
  if (plans + updates + audit + others.length === 0) return;
  const rest = others.length > 0 ? `，另有 ${others.map(([m, n]) => `${m} ${n} 行`).join("、")}` : "";
  throw new DumpError(
    `目标数据库不是空的：已有 ${plans} 个计划、${updates} 条进展、${audit} 条留痕${rest}，导入已取消。` +
      `请导入到新建的空数据库（只执行过迁移，未启动过督办）。`,
  );
}

/**
 * SQLite only: make each AUTOINCREMENT sequence (sqlite_sequence) continue after the highest loaded id, so new
 * rows get fresh ids. (SQLite already raises it on an explicit id; this makes sure, whatever the insert path.)
 * PostgreSQL's counterpart is continuePostgresSequences.
 */
export async function continueSqliteSequences(tx: Prisma.TransactionClient, models: readonly ModelName[]): Promise<void> {
  for (const model of models) {
    // `model` comes from DUMP_TABLES, never from the dump, so quoting it into the SQL is safe.
    const table = `"${model}"`;
    await tx.$executeRawUnsafe(
      `UPDATE sqlite_sequence SET seq = (SELECT MAX(id) FROM ${table}) WHERE name = ? AND seq < (SELECT MAX(id) FROM ${table})`,
      model,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO sqlite_sequence (name, seq) SELECT ?, MAX(id) FROM ${table} ` +
        `WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?) HAVING MAX(id) IS NOT NULL`,
      model,
      model,
    );
  }
}

/**
 * PostgreSQL: rows inserted with their own ids leave each SERIAL sequence where it was, so the next insert would
 * collide with a loaded id. Move each sequence to the highest loaded id (an empty table leaves it alone).
 */
export async function continuePostgresSequences(tx: Prisma.TransactionClient, models: readonly ModelName[]): Promise<void> {
  for (const model of models) {
    // `model` comes from DUMP_TABLES, never from the dump, so quoting it into the SQL is safe.
    await tx.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"${model}"', 'id'), MAX("id")) FROM "${model}" HAVING MAX("id") IS NOT NULL`);
  }
}
