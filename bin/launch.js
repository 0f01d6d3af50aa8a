// Imports an entry point (src/cli/index or src/main) compiled from dist/ when that build is current, else from the
// TypeScript source through tsx, and returns the module. A build is current when dist/.built is newer than every
// file under src/ and commands/, so an edited checkout never runs stale code (npm run build brings dist/ up to date).
// tsx is a development dependency; without it a stale build is refused with a plain message (NO_TSX).
// In the offline bundle (a bundle.json beside package.json, docs/bundle.md) dist/ is all there is, and always current.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function buildIsCurrent() {
  if (existsSync(join(root, "bundle.json"))) return true;
  const stamp = join(root, "dist", ".built");
  if (!existsSync(stamp) || process.env.DUBAN_FROM_SOURCE === "1") return false;
  const built = statSync(stamp).mtimeMs;
  return newestSource(join(root, "src")) <= built && newestSource(join(root, "commands")) <= built;
}

/**
 * tsx is a development dependency: a checkout installed with `npm ci` has it, the bundle does not (and never needs
 * it, dist/ being current there). Without it, a stale or missing build is refused plainly, not with a stack trace.
 */
export const NO_TSX = [
  "duban 无法启动：dist/ 中没有最新的编译结果，而直接运行源代码所需的 tsx（开发依赖）没有安装。",
  "源代码目录请运行 npm ci（安装开发依赖并编译；之后修改源代码再运行 npm run build）；安装包请重新完整解压（见 docs/bundle.md）。",
  "duban cannot start: dist/ holds no current build, and tsx, the development dependency that runs the source, is not installed.",
  "In a checkout, run npm ci (it installs the development dependencies and builds; after an edit, npm run build);",
  "for the bundle, unpack it again in full (see docs/bundle.md).",
].join("\n");

export async function launch(entry) {
  if (buildIsCurrent()) {
    return import(pathToFileURL(join(root, "dist", `${entry}.js`)).href);
  }
  let tsx;
  try {
    tsx = await import("tsx/esm/api");
  } catch (e) {
    if (e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    process.stderr.write(`${NO_TSX}\n`);
    process.exit(1);
  }
  tsx.register();
  return import(pathToFileURL(join(root, `${entry}.ts`)).href);
}
