import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root: the nearest folder above this module whose package.json is duban's. The same whether the
 * code runs from `src/` through tsx or compiled from `dist/src/`.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "duban") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find duban's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const REPO_ROOT = findRoot();

/** True in the offline bundle (`npm run bundle`), whose folder has a bundle.json beside package.json (docs/bundle.md). */
export const IN_BUNDLE = existsSync(join(REPO_ROOT, "bundle.json"));
