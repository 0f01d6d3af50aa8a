#!/usr/bin/env node
// Compiles src/ and commands/ to dist/ (tsconfig.build.json), so `npm start` and `npx duban` start without
// transpiling. Run by postinstall after `prisma generate`, and by `npm run build`. TypeScript, like the prisma CLI
// and tsx, is a development dependency: a checkout is installed with `npm ci`, and a server without development
// tools runs the offline bundle (docs/bundle.md). Without TypeScript it says so and exits 0, keeping dist/.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  console.warn("duban: TypeScript is not installed; not compiling (install the development dependencies: npm ci)");
  process.exit(0);
}
rmSync(join(root, "dist"), { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);
// The launchers run dist/ only while it is newer than every source file (see bin/launch.js).
writeFileSync(join(root, "dist", ".built"), `${new Date().toISOString()}\n`);
