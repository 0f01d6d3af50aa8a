// Imports an entry point (src/cli/index or src/main) compiled from dist/ when that build is current, else from the
// TypeScript source through tsx, and returns the module. A build is current when dist/.built is newer than every
// file under src/ and commands/, so an edited checkout never runs stale code (npm run build brings dist/ up to date).
// In the offline bundle (a bundle.json beside package.json, docs/bundle.md) dist/ is all there is, and always current.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestSource(dir) {
  let newest = 0;
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

export async function launch(entry) {
  if (buildIsCurrent()) {
    return import(pathToFileURL(join(root, "dist", `${entry}.js`)).href);
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import(pathToFileURL(join(root, `${entry}.ts`)).href);
}
