import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { parse as parseYaml } from "yaml";
import type { Clock } from "../core/clock.js";
import { applyMigrations, sqlitePathFromUrl } from "../db/migrate.js";
import { isPostgresUrl, withPgClient } from "../db/postgres.js";
import { closePrisma, openPrisma } from "../db/prisma-client.js";
import { directorySkeleton, mergeDirectory, planUnits, type SkeletonInput } from "../directory/directory-skeleton.js";
import { DirectoryError, validateDirectory } from "../directory/directory.js";
import { parseEnvText, updateEnvText, type EnvChange } from "../ops/env-file.js";
import {
  checkHomeserver,
  checkPasswordLogin,
  checkRoom,
  checkToken,
  HomeserverCheckError,
  logout,
  normaliseHomeserverUrl,
  roomProblem,
  userIdProblem,
  type FetchLike,
} from "../ops/homeserver-check.js";
import type { ParsedPlan } from "../plan/types.js";
import { prismaRepositories } from "../repositories/index.js";
import { terminalSafe } from "../util/terminal-text.js";
import { placedProblems } from "../plan/plan-document.js";
import { readPlan } from "./import.js";
import { linePrompter, type Prompter } from "./prompt.js";
import { CliError, cliActor, clockFor, type CliCommand, type Env } from "./shared.js";

export const DEFAULT_ENV_FILE = "/etc/duban/duban.env";
export const DEFAULT_DATABASE = "/var/lib/duban/duban.db";
const DEFAULT_OFFICE = "科技办";

/** What `duban init` runs with: the streams, the network and the clock, so a test can drive it. */
export interface InitDeps {
  env: Env;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  fetch: FetchLike;
  clock: Clock;
}

const ENDED_HINT = "（不经提问运行时，请用参数给出各项并加 --yes）";

/** An answer that cannot be used, when there is nobody to ask again: exit 1, nothing written. */
class InitAbort extends Error {}

type Secret = { kind: "password" | "token"; value: string };

/** A URL's password hidden: `postgresql://duban:******@db.local/duban`. */
const maskUrl = (url: string) => url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]+):[^@/]*@/i, "$1:******@");
const mask = (key: string, value: string) => (/PASSWORD|TOKEN/.test(key) ? "******" : maskUrl(value));

/** A SQLite path or URL, or a PostgreSQL URL, as DATABASE_URL: `databaseUrlOf("/var/lib/duban/duban.db")` → `file:/var/lib/duban/duban.db`. */
export function databaseUrlOf(answer: string): { url: string } | { problem: string } {
  const a = answer.trim();
  if (isPostgresUrl(a)) return { url: a };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a)) return { problem: `“${a}”不是 SQLite 文件路径，也不是 postgresql:// 地址` };
  const path = a.startsWith("file:") ? a.slice("file:".length) : a;
  if (!path || path === ":memory:") return { problem: "请给出 SQLite 数据库文件的路径，例如 /var/lib/duban/duban.db" };
  return { url: `file:${resolve(path)}` };
}

/** Whether a file can be created at `path`: its nearest existing folder is writable. */
function creatableProblem(path: string): string | null {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return `${dir} 是文件，不是文件夹：请换一个路径`;
  try {
    accessSync(dir, constants.W_OK);
    return null;
  } catch {
    return `无法在 ${dir} 下创建文件（没有写权限）：请换一个路径，或以有权限的用户运行`;
  }
}

/** The plans already in a database, without migrating or changing it: title → code. */
async function importedPlans(url: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (isPostgresUrl(url)) {
    await withPgClient(url, async (c) => {
      const exists = (await c.query<{ t: string | null }>(`SELECT to_regclass('"Plan"')::text AS t`)).rows[0]?.t;
      if (!exists) return;
      for (const r of (await c.query<{ title: string; code: string | null }>('SELECT "title", "code" FROM "Plan"')).rows) out.set(r.title, r.code);
    });
    return out;
  }
  const path = sqlitePathFromUrl(url);
  if (!existsSync(path)) return out;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const has = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Plan'").get();
    if (has) for (const r of db.prepare('SELECT title, code FROM "Plan"').all() as { title: string; code: string | null }[]) out.set(r.title, r.code);
  } finally {
    db.close();
  }
  return out;
}

/** Copy `file` aside before it is rewritten: `duban.env.bak-20261207T113000Z`; returns the copy's path. */
function backup(file: string, clock: Clock): string {
  const stamp = clock
    .now()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  let copy = `${file}.bak-${stamp}`;
  for (let i = 2; existsSync(copy); i++) copy = `${file}.bak-${stamp}-${i}`;
  copyFileSync(file, copy);
  chmodSync(copy, 0o600);
  return copy;
}

/** Write `text` to `file` (mode 0600) through a temporary file, so a reader never sees half of it. */
function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The walk through a new deployment (or a re-run over one): every answer asked, checked, then everything written at the end. */
export async function runInit(argv: string[], deps: InitDeps): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      homeserver: { type: "string" },
      user: { type: "string" },
      password: { type: "string" },
      token: { type: "string" },
      "password-file": { type: "string" },
      "token-file": { type: "string" },
      database: { type: "string" },
      plan: { type: "string" },
      office: { type: "string" },
      "office-room": { type: "string" },
      admin: { type: "string", multiple: true },
      "env-file": { type: "string" },
      "directory-file": { type: "string" },
      yes: { type: "boolean", short: "y", default: false },
    },
  });
  if (values.password !== undefined || values.token !== undefined)
    throw new CliError("init: 不要在命令行上给出密码或令牌（会留在 shell 历史和进程列表里）：请用 --password-file 或 --token-file，或按提示输入");
  if (values["password-file"] !== undefined && values["token-file"] !== undefined) throw new CliError("init: --password-file 和 --token-file 只能给一个");

  const out = (text: string) => deps.output.write(terminalSafe(text));
  const prompter: Prompter | null = values.yes ? null : linePrompter(deps.input, deps.output);
  let loginToken: string | null = null;
  let base = "";
  try {
    return await walk();
  } catch (e) {
    if (e instanceof InitAbort) {
      out(`duban init: ${e.message}\n未写入任何文件。\n`);
      return 1;
    }
    throw e;
  } finally {
    if (loginToken) await logout(deps.fetch, base, loginToken);
    prompter?.close();
  }

  /**
   * One answer: the flag's if given (checked once), else asked until `check` accepts it; with --yes or at the end
   * of piped input, the default or a failure. `check` returns a Chinese reason to refuse, or the value to keep.
   */
  async function answer<T>(
    label: string,
    opts: { flag?: string; fallback?: string; shownFallback?: string; secret?: boolean; check: (a: string) => Promise<T | { problem: string }> },
  ): Promise<T> {
    const isProblem = (r: T | { problem: string }): r is { problem: string } => typeof r === "object" && r !== null && "problem" in r;
    const tryOnce = async (a: string) => {
      try {
        return await opts.check(a);
      } catch (e) {
        if (e instanceof HomeserverCheckError || e instanceof CliError) return { problem: e.message };
        throw e;
      }
    };
    if (opts.flag !== undefined || prompter === null) {
      const given = opts.flag ?? opts.fallback;
      if (given === undefined) throw new InitAbort(`${label}：没有给出，也没有可用的默认值（请用对应的参数给出）`);
      const r = await tryOnce(given);
      if (isProblem(r)) throw new InitAbort(`${label}：${r.problem}`);
      if (!opts.secret) out(`${label}：${opts.flag === undefined && opts.shownFallback ? opts.shownFallback : maskUrl(given)}\n`);
      return r;
    }
    for (;;) {
      const shown = opts.shownFallback ?? opts.fallback;
      const typed = await prompter.ask(`${label}${shown !== undefined && shown !== "" ? ` [${shown}]` : ""}：`, { secret: opts.secret });
      if (typed === null) throw new InitAbort(`${label}：输入已结束${ENDED_HINT}`);
      // A password is taken as typed, spaces and all.
      const a = typed.trim() === "" ? opts.fallback : opts.secret ? typed : typed.trim();
      if (a === undefined) {
        out("  请填写。\n");
        continue;
      }
      const r = await tryOnce(a);
      if (!isProblem(r)) return r;
      out(`  ✗ ${r.problem}\n`);
    }
  }

  /** A yes/no question; the default is taken on an empty answer and with --yes. */
  async function confirm(question: string, def: boolean): Promise<boolean> {
    if (prompter === null) {
      out(`${question} ${def ? "是" : "否"}（--yes：默认）\n`);
      return def;
    }
    for (;;) {
      const typed = await prompter.ask(`${question} [${def ? "Y/n" : "y/N"}]：`);
      if (typed === null) throw new InitAbort(`${question}：输入已结束${ENDED_HINT}`);
      const a = typed.trim().toLowerCase();
      if (a === "") return def;
      if (["y", "yes", "是", "好", "确认"].includes(a)) return true;
      if (["n", "no", "否", "不"].includes(a)) return false;
      out("  请回答 y（是）或 n（否）。\n");
    }
  }

  async function walk(): Promise<number> {
    out("duban init：配置一个新的部署（再次运行时，直接回车保留方括号里的现有值）。\n\n");
    // DUBAN_ENV_FILE, the file the app loads, names it too: Node 20 takes `--env-file` after the script for its own option.
    const envFile = resolve(values["env-file"] ?? deps.env.DUBAN_ENV_FILE ?? DEFAULT_ENV_FILE);
    if (existsSync(envFile) && !statSync(envFile).isFile()) throw new InitAbort(`配置文件 ${envFile} 不是文件：请换一个路径`);
    const existingEnvText = existsSync(envFile) ? readFileSync(envFile, "utf8") : null;
    const existing = existingEnvText === null ? {} : parseEnvText(existingEnvText);
    if (existingEnvText !== null) {
      out(`已有配置文件 ${envFile}：\n`);
      for (const [k, v] of Object.entries(existing)) out(`  ${k}=${mask(k, v)}\n`);
    } else {
      const problem = creatableProblem(envFile);
      if (problem) throw new InitAbort(`配置文件 ${envFile}：${problem}`);
    }
    const directoryFile = resolve(values["directory-file"] ?? existing.DUBAN_DIRECTORY ?? join(dirname(envFile), "directory.yaml"));
    if (existsSync(directoryFile) && !statSync(directoryFile).isFile()) throw new InitAbort(`名录 ${directoryFile} 不是文件：请换一个路径`);
    const existingDirText = existsSync(directoryFile) ? readFileSync(directoryFile, "utf8") : null;
    const dirProblem = existingDirText === null ? creatableProblem(directoryFile) : null;
    if (dirProblem) throw new InitAbort(`名录 ${directoryFile}：${dirProblem}`);
    let existingDir: ReturnType<typeof validateDirectory> | null = null;
    if (existingDirText !== null) {
      try {
        existingDir = validateDirectory(parseYaml(existingDirText), directoryFile);
      } catch (e) {
        const why = e instanceof DirectoryError ? e.problems.join("；") : (e as Error).message;
        throw new InitAbort(`已有的名录 ${directoryFile} 有错误，请先改正：${why}`);
      }
      const rooms = existingDir.units.reduce((n, u) => n + u.rooms.length, 0);
      const people = existingDir.units.reduce((n, u) => n + u.members.length + u.leaders.length, 0);
      out(`已有名录 ${directoryFile}：${existingDir.units.length}个单位，${rooms}个群，${people}人次；只会补充，不会删除。\n`);
    }
    if (existingEnvText !== null || existingDirText !== null) out("\n");

    // 1. The homeserver and the bot's credentials, checked at once.
    out("【1/4】Matrix 服务器和机器人账号\n");
    base = await answer("Matrix 服务器地址", {
      flag: values.homeserver,
      fallback: existing.MATRIX_HOMESERVER_URL,
      check: async (a) => {
        const n = normaliseHomeserverUrl(a);
        if ("problem" in n) return n;
        const versions = await checkHomeserver(deps.fetch, n.url);
        out(`  ✓ 服务器可以连接（Matrix ${versions.at(-1) ?? ""}）\n`);
        return n.url;
      },
    });
    const fromFile = (file: string, what: string): string => {
      try {
        return readFileSync(file, "utf8").replace(/\r?\n$/, "");
      } catch (e) {
        throw new InitAbort(`无法读取${what}文件 ${file}：${(e as Error).message}`);
      }
    };
    const flagSecret: Secret | null =
      values["password-file"] !== undefined
        ? { kind: "password", value: fromFile(values["password-file"], "密码") }
        : values["token-file"] !== undefined
          ? { kind: "token", value: fromFile(values["token-file"], "令牌") }
          : null;
    const existingSecret: Secret | null = existing.MATRIX_ACCESS_TOKEN
      ? { kind: "token", value: existing.MATRIX_ACCESS_TOKEN }
      : existing.MATRIX_PASSWORD
        ? { kind: "password", value: existing.MATRIX_PASSWORD }
        : null;
    // Account, way of logging in and secret are asked together, and again together when the server refuses them
    // (the account may be what was wrong): what was just typed is the default, so Enter keeps it.
    let userId = "";
    let tried: { user?: string; kind?: Secret["kind"] } = {};
    let secret: Secret | null = null;
    while (secret === null) {
      const user = await answer("机器人账号（用户 ID，如 @duban:bureau.local）", {
        flag: values.user,
        fallback: tried.user ?? existing.MATRIX_USER,
        check: async (a) => {
          const p = userIdProblem(a);
          return p ? { problem: p } : a.trim();
        },
      });
      const kind: Secret["kind"] =
        flagSecret?.kind ??
        (await answer("用密码还是访问令牌登录？1 = 密码，2 = 访问令牌", {
          fallback: (tried.kind ?? existingSecret?.kind) === "token" ? "2" : "1",
          check: async (a) => (a === "1" || a === "密码" ? "password" : a === "2" || a === "令牌" ? "token" : { problem: "请回答 1（密码）或 2（访问令牌）" }),
        }));
      const keep = existingSecret?.kind === kind ? existingSecret.value : undefined;
      const given = await answer<Secret>(kind === "password" ? "机器人密码" : "访问令牌", {
        flag: flagSecret?.value,
        fallback: keep,
        shownFallback: keep === undefined ? undefined : "回车保留现有的",
        secret: true,
        check: async (value) => (!value ? { problem: "不能为空" } : /[\r\n]/.test(value) ? { problem: "不能含换行" } : { kind, value }),
      });
      try {
        if (kind === "password") {
          const login = await checkPasswordLogin(deps.fetch, base, user, given.value);
          loginToken = login.token;
          userId = login.userId;
        } else userId = await checkToken(deps.fetch, base, given.value, user);
        secret = given;
      } catch (e) {
        if (!(e instanceof HomeserverCheckError)) throw e;
        // From flags or with --yes there is nobody to ask: the run ends, writing nothing.
        if (prompter === null || (values.user !== undefined && flagSecret !== null)) throw new InitAbort(e.message);
        out(`  ✗ ${e.message}请重新填写账号和${kind === "password" ? "密码" : "令牌"}（回车保留刚才填的账号）。\n`);
        tried = { user, kind };
      }
    }
    const kind = secret.kind;
    out(`  ✓ 已${kind === "password" ? "登录" : "核对令牌"}：${userId}\n`);

    // 2. The database and the plan: a dry run first, then the import after confirmation (done at the end).
    out("\n【2/4】数据库和方案\n");
    const databaseUrl = await answer("数据库（SQLite 文件路径，或 postgresql:// 地址）", {
      flag: values.database,
      fallback: existing.DATABASE_URL ?? DEFAULT_DATABASE,
      shownFallback: maskUrl(existing.DATABASE_URL ?? DEFAULT_DATABASE),
      check: async (a) => {
        const d = databaseUrlOf(a);
        if ("problem" in d) return d;
        if (isPostgresUrl(d.url)) {
          try {
            await withPgClient(d.url, async (c) => c.query("SELECT 1"));
          } catch (e) {
            return { problem: `无法连接 PostgreSQL：${(e as Error).message}` };
          }
        } else {
          const path = sqlitePathFromUrl(d.url);
          if (existsSync(path) && !statSync(path).isFile()) return { problem: `${path} 不是文件` };
          const p = existsSync(path) ? null : creatableProblem(path);
          if (p) return { problem: p };
        }
        return d.url;
      },
    });
    const plans = await importedPlans(databaseUrl).catch(() => new Map<string, string | null>());
    if (plans.size > 0) out(`  数据库里已有方案：${[...plans.keys()].map((t) => `《${t}》`).join("、")}\n`);
    const planRequired = existingDir === null;
    const parsed: ParsedPlan | null = await answer(planRequired ? "方案文件（.docx 或文本）" : "方案文件（.docx 或文本；回车跳过）", {
      flag: values.plan,
      fallback: planRequired ? undefined : "",
      shownFallback: planRequired ? undefined : "",
      check: async (a): Promise<ParsedPlan | null | { problem: string }> => {
        if (a === "") return null;
        const { parsed: p, document } = await readPlan(a);
        out(`  试导入（未写入）《${p.plan.title}》：${p.sections.length}个部分，${p.tasks.length}项任务，${planUnits(p).length}个单位。\n`);
        for (const w of p.warnings) out(`  警告：${w}\n`);
        if (p.tasks.length === 0) return { problem: "这份文件里没有读到任何任务" };
        // The same refusal as `import`: a task without a lead unit or a deadline would refuse every report later.
        const problems = placedProblems(p, document);
        if (problems.length > 0) {
          for (const q of problems) out(`  ${q.place}：${q.message}\n`);
          return {
            problem: `方案有${problems.length}处问题（见上），请在文件中补全后重试（格式说明见 docs/plan-format.md）；确需先导入不完整的方案，先运行 duban import 文件 --allow-incomplete，再运行 duban init`,
          };
        }
        return p;
      },
    });
    let importIt = false;
    if (parsed) {
      const already = plans.has(parsed.plan.title);
      importIt = already
        ? await confirm(`《${parsed.plan.title}》已导入（计划代码 ${plans.get(parsed.plan.title) ?? "无"}）。重新导入（更新任务，已有进展不变）？`, false)
        : await confirm("导入这份方案？", true);
    }

    // 3. The office and its room, which the bot must be in.
    out("\n【3/4】办公室和它的群\n");
    const office = await answer("办公室（管理方案的单位）名称", {
      flag: values.office,
      fallback: existingDir?.office ?? DEFAULT_OFFICE,
      check: async (a) => (a.length > 40 ? { problem: "名称太长" } : a),
    });
    const currentRoom = existingDir?.unit(office)?.rooms[0];
    const officeRoom = await answer("办公室的群（群 ID 或别名）", {
      flag: values["office-room"],
      fallback: currentRoom,
      check: async (a) => {
        const p = roomProblem(a);
        if (p) return { problem: p };
        const token = secret.kind === "token" ? secret.value : loginToken!;
        const r = await checkRoom(deps.fetch, base, token, a);
        out(`  ✓ 机器人${r.joinedNow ? "已加入" : "在"}这个群里（${r.roomId}）\n`);
        return r.roomId;
      },
    });
    const admins = await answer("管理员的用户 ID（办公室的人，可在群里绑定群；多个用空格分隔，可留空）", {
      flag: values.admin?.join(" "),
      fallback: existingDir?.data.admins.join(" ") ?? "",
      check: async (a) => {
        const ids = a.split(/[\s,，、]+/).filter(Boolean);
        const bad = ids.find((id) => !id.startsWith("@") || userIdProblem(id));
        return bad ? { problem: `“${bad}”不是完整的用户 ID，例如 @kejiban:bureau.local` } : ids;
      },
    });

    // 4. What will be written, then written.
    const skeleton: SkeletonInput = { office, officeRoom, admins, units: parsed ? planUnits(parsed) : [], planTitle: parsed?.plan.title };
    let directoryText: string;
    const dirNotes: string[] = [];
    if (existingDirText === null) {
      directoryText = directorySkeleton(skeleton);
      dirNotes.push(`${skeleton.units.length + (skeleton.units.includes(office) ? 0 : 1)}个单位，群和人员待填写`);
    } else {
      const m = mergeDirectory(existingDirText, skeleton);
      if (m.officeRoomProblem) throw new InitAbort(m.officeRoomProblem);
      directoryText = m.text;
      if (m.addedUnits.length) dirNotes.push(`补充单位：${m.addedUnits.join("、")}`);
      if (m.addedAdmins.length) dirNotes.push(`补充管理员：${m.addedAdmins.join("、")}`);
      if (m.officeRoomAdded) dirNotes.push(`${office}的群加上 ${officeRoom}`);
    }
    try {
      validateDirectory(parseYaml(directoryText), directoryFile);
    } catch (e) {
      if (e instanceof DirectoryError) throw new InitAbort(`生成的名录有错误：${e.problems.join("；")}`);
      throw e;
    }
    const envChanges: EnvChange[] = [
      { key: "DUBAN_DEMO", value: "false", comment: "正式环境：不导入演示方案，不用演示名录" },
      { key: "DATABASE_URL", value: databaseUrl, comment: "数据库：SQLite 文件（file:路径），或 postgresql:// 地址" },
      { key: "DUBAN_DIRECTORY", value: directoryFile, comment: "单位名录：各单位的群和人员" },
      { key: "MATRIX_HOMESERVER_URL", value: base, comment: "Matrix 服务器地址" },
      { key: "MATRIX_USER", value: userId, comment: "机器人账号" },
      secret.kind === "password"
        ? { key: "MATRIX_PASSWORD", value: secret.value, comment: "机器人密码（本文件因此只许运行 duban 的用户读取）" }
        : { key: "MATRIX_PASSWORD", value: null },
      secret.kind === "token"
        ? { key: "MATRIX_ACCESS_TOKEN", value: secret.value, comment: "机器人的访问令牌（本文件因此只许运行 duban 的用户读取）" }
        : { key: "MATRIX_ACCESS_TOKEN", value: null },
    ];
    const heading =
      existingEnvText === null
        ? `# duban 的配置，由 duban init 写于 ${deps.clock.now().toISOString().slice(0, 16).replace("T", " ")} UTC。\n` +
          "# 每行一个 KEY=value；改动后重启服务（systemctl restart duban）生效。\n\n"
        : existingEnvText;
    const envText = updateEnvText(heading, envChanges);
    const envChanged = envText !== existingEnvText;
    const dirChanged = directoryText !== existingDirText;

    out("\n【4/4】将要写入：\n");
    if (importIt && parsed) out(`  · 导入《${parsed.plan.title}》到 ${maskUrl(databaseUrl)}\n`);
    if (envChanged) {
      const changedKeys = envChanges.filter((c) => (existing[c.key] ?? null) !== c.value).map((c) => (c.value === null ? `删除 ${c.key}` : c.key));
      out(
        `  · ${existingEnvText === null ? "新建" : "修改"}配置文件 ${envFile}（权限 0600）${existingEnvText === null ? "" : `：${changedKeys.join("、")}`}\n`,
      );
    }
    if (dirChanged) out(`  · ${existingDirText === null ? "新建" : "修改"}名录 ${directoryFile}：${dirNotes.join("；") || "格式整理"}\n`);
    if (!envChanged && !dirChanged && !importIt) {
      out("  没有要改动的内容。\n");
      return 0;
    }
    if (existingEnvText !== null || existingDirText !== null) out("  改动前的文件先备份为 .bak-时间 文件。\n");
    if (!(await confirm("确认写入？", true))) {
      out("未写入任何文件。\n");
      return 1;
    }

    if (importIt && parsed) {
      await applyMigrations(databaseUrl);
      if (!isPostgresUrl(databaseUrl)) chmodSync(sqlitePathFromUrl(databaseUrl), 0o600);
      const db = await openPrisma(databaseUrl);
      try {
        const report = await prismaRepositories(db).plans.importPlan(parsed, deps.clock.now(), cliActor(deps.env));
        out(
          `✓ 已导入《${parsed.plan.title}》：新增${report.created.length}项，更新${report.updated.length}项，未变${report.unchanged.length}项；计划代码 ${report.code}\n`,
        );
      } finally {
        await closePrisma(db);
      }
    }
    if (dirChanged) {
      if (existingDirText !== null) out(`  备份：${backup(directoryFile, deps.clock)}\n`);
      writePrivate(directoryFile, directoryText);
      out(`✓ 已写入名录 ${directoryFile}\n`);
    }
    if (envChanged) {
      if (existingEnvText !== null) out(`  备份：${backup(envFile, deps.clock)}\n`);
      writePrivate(envFile, envText);
      out(`✓ 已写入配置文件 ${envFile}\n`);
    }
    out(
      "\n下一步：\n" +
        `  1. 把机器人邀请进各单位的工作群，由管理员在群里发“绑定本群 单位名”（推荐），或在 ${directoryFile} 里填写群和人员；\n` +
        `  2. 检查：DUBAN_ENV_FILE=${envFile} npx duban doctor\n` +
        "  3. 启动服务：systemctl start duban（见 docs/deploy.md）\n",
    );
    return 0;
  }
}

/** `duban init`: the guided setup of a new deployment, in Chinese; run again, it changes only what is confirmed. */
export default {
  name: "init",
  usage: [
    "init [--env-file PATH] [--homeserver URL] [--user ID] [--password-file F|--token-file F] [--database PATH|URL] [--plan FILE]",
    "init … [--office NAME] [--office-room ROOM] [--admin ID …] [--directory-file PATH] [--yes]   (首次部署 / guided setup)",
  ],
  async run(argv, { config, env }) {
    return runInit(argv, {
      env,
      input: process.stdin,
      output: process.stdout,
      fetch: (url, init) => fetch(url, init),
      clock: clockFor(undefined, config),
    });
  },
} satisfies CliCommand;
