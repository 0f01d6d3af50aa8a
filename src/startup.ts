// What every process does first, before the configuration is read (src/main.ts, src/cli/index.ts): read the env file,
// and check that the native module was compiled for this Node. Both fail with a plain message, never a stack trace.
import Database from "better-sqlite3";
import { existsSync, readFileSync } from "node:fs";
import { unquote } from "./ops/env-file.js";
import { IN_BUNDLE } from "./paths.js";

/** A start refused for a reason the operator can fix; the message says what, in Chinese and English. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/** Where a bundle looks when DUBAN_ENV_FILE is not set (docs/bundle.md): the file `duban init` writes. */
export const DEFAULT_ENV_FILE = "/etc/duban/duban.env";

/**
 * The variables of an env file: `KEY=value` lines, as systemd's EnvironmentFile and Node's `process.loadEnvFile`
 * read them. Blank lines and `#` comments are skipped; quotes around a value are taken off, and inside double quotes
 * `\"`, `\\`, `\$` and `` \` `` are unescaped (as `duban init` writes them). A line that is not an
 * assignment is refused with its number, so a typo is not silently ignored.
 */
export function parseEnvFile(text: string, file: string): Map<string, string> {
  const vars = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined)
      throw new StartupError(`环境文件 ${file} 第${i + 1}行不是“变量名=值”：${raw}\nthe env file ${file}, line ${i + 1}, is not KEY=value: ${raw}`);
    vars.set(m[1], unquote(m[2]));
  });
  return vars;
}

/**
 * Load the env file into `env`: `DUBAN_ENV_FILE` if set (a missing file is an error), else, in the offline bundle,
 * `/etc/duban/duban.env` when it exists. A variable already in `env` wins. Returns the file read, or null.
 */
export function loadEnvFile(
  env: Record<string, string | undefined>,
  opts: { bundle?: boolean; defaultFile?: string; allowMissing?: boolean } = {},
): string | null {
  const named = env.DUBAN_ENV_FILE?.trim();
  let file: string | null = null;
  if (named) {
    // `duban init` is what writes the file: on a first run it does not exist yet.
    if (!existsSync(named) && opts.allowMissing) return null;
    if (!existsSync(named)) throw new StartupError(`DUBAN_ENV_FILE 指向的文件不存在：${named}\nDUBAN_ENV_FILE names a file that does not exist: ${named}`);
    file = named;
  } else if (opts.bundle ?? IN_BUNDLE) {
    const fallback = opts.defaultFile ?? DEFAULT_ENV_FILE;
    if (existsSync(fallback)) file = fallback;
  }
  if (file === null) return null;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new StartupError(`无法读取环境文件 ${file}：${(e as Error).message}\ncannot read the env file ${file}: ${(e as Error).message}`);
  }
  for (const [key, value] of parseEnvFile(text, file)) if (env[key] === undefined) env[key] = value;
  return file;
}

/** NODE_MODULE_VERSION → Node.js major version (https://nodejs.org/en/download/releases has the whole table). */
const NODE_OF_ABI: Record<number, string> = { 93: "16", 102: "17", 108: "18", 111: "19", 115: "20", 120: "21", 127: "22", 131: "23", 137: "24", 141: "25" };

const nodeOf = (abi: number) => (NODE_OF_ABI[abi] ? `Node.js ${NODE_OF_ABI[abi]}` : "Node.js");

/**
 * Null when better-sqlite3's compiled module loads in this Node; otherwise what is wrong and what to do. The module
 * is compiled for one Node ABI: the bundle's JavaScript run by another Node, or a checkout after switching Node,
 * would otherwise end in a stack trace at the first query.
 */
export function nativeModuleProblem(load: () => void = () => new Database(":memory:").close()): string | null {
  try {
    load();
    return null;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const here = `Node.js ${process.version}`;
    const abi = /NODE_MODULE_VERSION (\d+)\.[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
    if (abi) {
      const built = Number(abi[1]);
      const running = Number(abi[2]);
      return [
        `duban 无法启动：数据库模块 better-sqlite3 是为 ${nodeOf(built)}（模块版本 ${built}）编译的，而正在运行的是 ${here}（模块版本 ${running}）。`,
        "安装包请用它自带的 bin/duban 或 bin/duban-start 运行（不要用系统的 node）；源代码目录请运行 npm rebuild better-sqlite3（或 npm ci）。",
        `duban cannot start: the database module better-sqlite3 was compiled for ${nodeOf(built)} (NODE_MODULE_VERSION ${built}), ` +
          `but this is ${here} (NODE_MODULE_VERSION ${running}).`,
        "In the bundle, run its own bin/duban or bin/duban-start (not the system's node); in a checkout, run npm rebuild better-sqlite3 (or npm ci).",
      ].join("\n");
    }
    const first = message.split("\n")[0];
    return [
      `duban 无法启动：数据库模块 better-sqlite3 无法加载（${here}）：${first}`,
      "安装包请确认系统符合 RELEASE-NOTES.md 的要求；源代码目录请运行 npm rebuild better-sqlite3（或 npm ci）。",
      `duban cannot start: the database module better-sqlite3 does not load in ${here}: ${first}`,
      "For the bundle, check that this system meets RELEASE-NOTES.md; in a checkout, run npm rebuild better-sqlite3 (or npm ci).",
    ].join("\n");
  }
}

/** Read the env file into `env`, then refuse a runtime the native module was not built for. Throws StartupError. */
export function prepareStart(env: Record<string, string | undefined>, opts: { command?: string } = {}): void {
  loadEnvFile(env, { allowMissing: opts.command === "init" });
  const problem = nativeModuleProblem();
  if (problem) throw new StartupError(problem);
}
