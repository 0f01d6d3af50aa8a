import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";
import { z } from "zod";
import { parseInstant } from "./core/clock.js";
import { isPostgresUrl } from "./db/postgres.js";

export const DEMO_DIRECTORY = join(REPO_ROOT, "src/directory/demo-directory.yaml");
export const BUNDLED_PLAN = join(REPO_ROOT, "src/plan/bundled/mingxi-2023-2025.txt");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .default("file:./data/duban.db")
    .refine(
      (v) => v.startsWith("file:") || isPostgresUrl(v),
      "must be a SQLite URL such as file:./data/duban.db, or a PostgreSQL one such as postgresql://duban:password@db.local:5432/duban",
    ),
  DUBAN_DIRECTORY: optional,
  DUBAN_LANG: z.enum(["zh", "en"], { message: 'must be "zh" or "en"' }).default("zh"),
  DUBAN_NOW: optional.refine((v) => v === undefined || parseInstant(v) !== null, "must be an ISO date-time such as 2024-06-30T10:00:00+08:00"),
  DUBAN_CONSOLE_USER: optional,
  DUBAN_CONSOLE_ROOM: z.string().default("console"),
  DUBAN_WARN_DAYS: positiveInt(30),
  DUBAN_STALE_DAYS: positiveInt(30),
  DUBAN_MAX_MESSAGE_LENGTH: positiveInt(4000),
  DUBAN_CONFIRM_HOURS: positiveInt(24),
  DUBAN_BUNDLED_PLAN: optional,
  DUBAN_DEMO: z
    .enum(["true", "false", "1", "0", ""], {
      message: 'must be "true" (the demo: the bundled plan and directory) or "false" (production: an empty database, your own directory)',
    })
    .optional(),
  MATRIX_HOMESERVER_URL: optional.refine((v) => v === undefined || /^https?:\/\//.test(v), "must start with http:// or https://"),
  MATRIX_ACCESS_TOKEN: optional,
  MATRIX_USER: optional,
  MATRIX_PASSWORD: optional,
  MATRIX_ALLOWED_INVITERS: optional,
  MATRIX_STORAGE_FILE: optional,
  DUBAN_ENCRYPTION: z.enum(["true", "false", "1", "0", ""], { message: 'must be "true" or "false"' }).default("true"),
  DUBAN_CRYPTO_STORE_DIR: optional,
  DUBAN_CRYPTO_STORE_KEY: optional.refine(
    (v) => v === undefined || Buffer.from(v, "base64").length === 32,
    "must be 32 bytes in base64 (make one with: openssl rand -base64 32)",
  ),
  DUBAN_REMINDERS: optional,
  DUBAN_SCORECARD: optional,
  DUBAN_EXPORT_DIR: optional,
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "must be one of fatal, error, warn, info, debug, trace, silent" })
    .default("info"),
  DUBAN_RATE_LIMIT: z.coerce.number().int().min(0).default(20),
  DUBAN_EVENT_RETENTION_DAYS: positiveInt(90),
  DUBAN_OPEN_QUERIES: z.enum(["true", "false", "1", "0", ""], { message: 'must be "true" or "false"' }).default("false"),
  DUBAN_EVIDENCE_DIR: optional,
  DUBAN_EVIDENCE_MAX_MB: positiveInt(20),
  DUBAN_INSTANCE: optional.refine(
    (v) => v === undefined || /^[\x21-\x7e]{1,40}$/.test(v),
    "must be 1–40 ASCII letters, digits or signs, without spaces (PostgreSQL shows it to `npx duban doctor`)",
  ),
  DUBAN_FAILOVER_SECONDS: positiveInt(30),
});

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every setting.`);
    this.name = "ConfigError";
  }
}

/**
 * Demo mode: the bundled plan is imported into a new database and the demo directory stands in for an unset
 * DUBAN_DIRECTORY. On with DUBAN_DEMO=true, or with the default demo database (DATABASE_URL unset) unless
 * DUBAN_DEMO=false; off for any DATABASE_URL the operator sets: `isDemo({ DATABASE_URL: "file:/srv/duban.db" })` is false.
 */
export function isDemo(env: { DATABASE_URL?: string | undefined; DUBAN_DEMO?: string | undefined }): boolean {
  const flag = env.DUBAN_DEMO?.trim();
  if (flag) return flag === "true" || flag === "1";
  return env.DATABASE_URL === undefined;
}

function toConfig(e: z.infer<typeof envSchema>, demo: boolean) {
  const matrix =
    e.MATRIX_HOMESERVER_URL !== undefined
      ? {
          homeserverUrl: e.MATRIX_HOMESERVER_URL,
          accessToken: e.MATRIX_ACCESS_TOKEN,
          user: e.MATRIX_USER,
          password: e.MATRIX_PASSWORD,
          allowedInviters: (e.MATRIX_ALLOWED_INVITERS ?? "").split(/[,\s]+/).filter(Boolean),
          storageFile: e.MATRIX_STORAGE_FILE,
          /** End-to-end encryption (issue 24, docs/encryption.md): on unless DUBAN_ENCRYPTION=false. */
          encryption: e.DUBAN_ENCRYPTION !== "false" && e.DUBAN_ENCRYPTION !== "0",
          /** The crypto store's folder: DUBAN_CRYPTO_STORE_DIR, else `<database file>.crypto/` (see cryptoStoreDirFor). */
          cryptoStoreDir: e.DUBAN_CRYPTO_STORE_DIR,
          /** The crypto store's 32-byte key in base64; unset, a key file beside the store is made at first start. */
          cryptoStoreKey: e.DUBAN_CRYPTO_STORE_KEY,
        }
      : null;
  return {
    databaseUrl: e.DATABASE_URL,
    /** Demo mode (see isDemo): the bundled plan on first start, the demo directory when DUBAN_DIRECTORY is unset. */
    demo,
    /** DUBAN_DIRECTORY; unset, the demo directory in demo mode and none in production (see requireDirectory). */
    directoryFile: e.DUBAN_DIRECTORY ?? (demo ? DEMO_DIRECTORY : null),
    usingDemoDirectory: e.DUBAN_DIRECTORY === undefined && demo,
    lang: e.DUBAN_LANG,
    now: e.DUBAN_NOW ? parseInstant(e.DUBAN_NOW) : null,
    consoleUser: e.DUBAN_CONSOLE_USER,
    consoleRoom: e.DUBAN_CONSOLE_ROOM,
    thresholds: { warnDays: e.DUBAN_WARN_DAYS, staleDays: e.DUBAN_STALE_DAYS },
    maxMessageLength: e.DUBAN_MAX_MESSAGE_LENGTH,
    confirmHours: e.DUBAN_CONFIRM_HOURS,
    bundledPlan: e.DUBAN_BUNDLED_PLAN ?? BUNDLED_PLAN,
    remindersFile: e.DUBAN_REMINDERS,
    /** Weights for the unit scorecard (YAML `weights:`); none: raw figures only. */
    scorecardFile: e.DUBAN_SCORECARD,
    /** Where the console writes files (exports, reports, charts); default `<database file>.exports/`. */
    exportDir: e.DUBAN_EXPORT_DIR,
    logLevel: e.LOG_LEVEL,
    changesPerMinute: e.DUBAN_RATE_LIMIT,
    eventRetentionDays: e.DUBAN_EVENT_RETENTION_DAYS,
    openQueries: e.DUBAN_OPEN_QUERIES === "true" || e.DUBAN_OPEN_QUERIES === "1",
    /** Default: a folder next to the database, `<database file>.evidence/`. */
    evidenceDir: e.DUBAN_EVIDENCE_DIR,
    evidenceMaxMb: e.DUBAN_EVIDENCE_MAX_MB,
    /** Several instances on PostgreSQL: this one's name, and how soon a standby takes over from a lost active one. */
    instance: e.DUBAN_INSTANCE,
    failoverSeconds: e.DUBAN_FAILOVER_SECONDS,
    matrix,
    repoRoot: REPO_ROOT,
  };
}

/** Read and check the configuration once at start: `readConfig(process.env)`. Names every bad key and how to fix it. */
export function readConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const problems: string[] = [];
  const e = parsed.data;
  if (e.MATRIX_HOMESERVER_URL && !e.MATRIX_ACCESS_TOKEN && !(e.MATRIX_USER && e.MATRIX_PASSWORD))
    problems.push("MATRIX_ACCESS_TOKEN: required with MATRIX_HOMESERVER_URL (or set MATRIX_USER and MATRIX_PASSWORD to log in)");
  if (!e.MATRIX_HOMESERVER_URL && (e.MATRIX_ACCESS_TOKEN || e.MATRIX_USER))
    problems.push("MATRIX_HOMESERVER_URL: required when MATRIX_ACCESS_TOKEN or MATRIX_USER is set, e.g. http://127.0.0.1:8008");
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(e, isDemo(env));
}

/**
 * The directory file, or a ConfigError for a production deployment without one: the demo directory's fictional
 * @…:bureau.local admins must never run a real bureau's bot. Commands that need no directory (import, doctor,
 * backup, restore) do not call it.
 */
export function requireDirectory(config: Pick<Config, "directoryFile">): string {
  if (config.directoryFile !== null) return config.directoryFile;
  throw new ConfigError([
    "DUBAN_DIRECTORY: 未设置。生产模式（设置了 DATABASE_URL，且 DUBAN_DEMO 未设置或为 false）不使用演示名录：" +
      "请运行 duban init 生成本局的名录，或把 DUBAN_DIRECTORY 设为本局的名录文件（如 /etc/duban/directory.yaml）；只是试用请设 DUBAN_DEMO=true。" +
      " / not set. Production mode (DATABASE_URL set, DUBAN_DEMO unset or false) never loads the demo directory, whose fictional users are admins: " +
      "run duban init to write the bureau's directory, or set DUBAN_DIRECTORY to it (e.g. /etc/duban/directory.yaml); DUBAN_DEMO=true runs the demo.",
  ]);
}
