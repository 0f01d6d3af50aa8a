#!/usr/bin/env node
// Fails when a git-tracked .ts/.mjs/.js/.cjs file (outside src/generated) has a line wider than the formatter's
// width, biome.json's formatter.lineWidth. Biome wraps code but never breaks a long string, regex or comment, so
// such lines get past `biome check`; this catches them. Width is counted in characters (code points), not bytes.
// Run by `npm run lint` after biome.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const width = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")).formatter?.lineWidth;
if (!Number.isInteger(width) || width <= 0) {
  console.error("check-line-width: biome.json has no formatter.lineWidth");
  process.exit(2);
}

const files = execFileSync("git", ["ls-files", "-z", "--", "*.ts", "*.mjs", "*.js", "*.cjs"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 })
  .split("\0")
  .filter((f) => f && !f.startsWith("src/generated/"));

const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch (e) {
    if (e.code === "ENOENT") continue; // tracked but deleted in the work tree
    throw e;
  }
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const length = [...lines[i].replace(/\r$/, "")].length;
    if (length > width) long.push(`${file}:${i + 1}: ${length}`);
  }
}

if (long.length) {
  console.error(`${long.length} line(s) longer than ${width} characters (biome.json formatter.lineWidth):`);
  for (const l of long) console.error(`  ${l}`);
  process.exit(1);
}
