// What the running bot and the `duban` commands need (issue 23 §1, a smaller bundle): production `dependencies` are
// exactly the packages the code that runs from dist/ and bin/ imports, so the bundle (npm ci --omit=dev) carries
// them and nothing that only development uses. And a checkout without tsx (a development dependency) whose build
// is stale is refused with a plain message, not a stack trace.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield path;
  }
}

/** Package name of a bare specifier: `@prisma/client/runtime/client` → `@prisma/client`, `echarts/core` → `echarts`. */
const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] ?? spec));

/** The packages each run-time file imports: static imports and re-exports (not `import type`), import(), require and resolve. */
function runtimeImports(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "commands")), ...sources(join(ROOT, "bin"))];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const specs = [
      ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^;"']*?\sfrom\s+)?["']([^"']+)["']/gm)].map((m) => m[1] ?? ""),
      ...[...text.matchAll(/\b(?:import|require|resolve)\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? ""),
    ];
    for (const spec of specs) {
      // A package's name is lower-case (resolve("SIGTERM") in a promise is not an import).
      if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/|$)/.test(spec)) continue;
      const name = packageOf(spec);
      found.set(name, [...(found.get(name) ?? []), relative(ROOT, file)]);
    }
  }
  return found;
}

/** Production packages no run-time file imports by name, and why each is still needed. */
const NEEDED_INDIRECTLY: Record<string, string> = {
  "@matrix-org/matrix-sdk-crypto-nodejs": "matrix-bot-sdk requires it; package.json points it at the local stub (packages/)",
};

/** Development packages that run-time code may import, and where: only on a path the bundle never takes. */
const DEVELOPMENT_FALLBACKS: Record<string, string[]> = {
  tsx: ["bin/launch.js"], // a checkout with a stale dist/ runs the source; the bundle's dist/ is always current
};

describe("production dependencies are what runs", () => {
  const imports = runtimeImports();

  it("every package the running code imports is a production dependency", () => {
    const missing = [...imports]
      .filter(([name, files]) => !(name in pkg.dependencies) && !files.every((f) => DEVELOPMENT_FALLBACKS[name]?.includes(f)))
      .map(([name, files]) => `${name} (${[...new Set(files)].join(", ")})`);
    expect(missing).toEqual([]);
    for (const name of Object.keys(DEVELOPMENT_FALLBACKS)) expect(pkg.devDependencies, name).toHaveProperty(name);
  });

  it("every production dependency is imported by the running code, or says why it is needed", () => {
    // The prisma CLI (prisma generate, at install) and tsx (npm run bench, db:migrate, the checkout's fallback) are
    // development tools: the migration runner uses @prisma/schema-engine-wasm, not the CLI.
    const unused = Object.keys(pkg.dependencies).filter((name) => !imports.has(name) && !(name in NEEDED_INDIRECTLY));
    expect(unused).toEqual([]);
    expect(imports.get("@prisma/schema-engine-wasm")).toContain("src/db/migrate.ts");
  });
});

describe("bin/duban without tsx", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A folder outside the repository with bin/ and a source entry point, and no node_modules (so no tsx). */
  function layout(): string {
    const dir = mkdtempSync(join(tmpdir(), "duban-launch-"));
    dirs.push(dir);
    mkdirSync(join(dir, "bin"));
    for (const f of ["duban.js", "launch.js"]) cpSync(join(ROOT, "bin", f), join(dir, "bin", f));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    mkdirSync(join(dir, "src", "cli"), { recursive: true });
    writeFileSync(join(dir, "src", "cli", "index.ts"), "export async function runCli(): Promise<number> { return 0; }\n");
    return dir;
  }

  it("a stale build is refused with a plain message naming the fix, not a stack trace", () => {
    const dir = layout();
    const r = spawnSync(process.execPath, [join(dir, "bin", "duban.js"), "doctor"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("duban 无法启动：dist/ 中没有最新的编译结果");
    expect(r.stderr).toContain("npm ci");
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|\n\s+at /);
  });

  it("a current build with no commands/ folder (a bundle's layout) runs dist/ without looking for tsx", () => {
    const dir = layout();
    mkdirSync(join(dir, "dist", "src", "cli"), { recursive: true });
    writeFileSync(join(dir, "dist", "src", "cli", "index.js"), 'export async function runCli() { console.log("ran dist"); return 0; }\n');
    writeFileSync(join(dir, "dist", ".built"), "");
    const r = spawnSync(process.execPath, [join(dir, "bin", "duban.js"), "doctor"], { cwd: dir, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ran dist\n");
    expect(r.status).toBe(0);
  });
});
