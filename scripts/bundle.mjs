#!/usr/bin/env node
// `npm run bundle`: the offline install bundle, build/duban-<version>-linux-x64.tar.gz (docs/bundle.md). It holds the
// compiled JavaScript, the pinned Node.js (scripts/bundle/node.json), the production node_modules from
// package-lock.json with better-sqlite3 compiled for that Node, the Prisma schema and migrations, the bundled plan,
// the docs, bin/duban and bin/duban-start, RELEASE-NOTES.md, a third-party list (SBOM and THIRD-PARTY.md) and
// SHA256SUMS. The registry is used here, at build time; the unpacked bundle needs no network and no other Node.
//
// Steps: make dist/ current in this tree → fetch and verify Node → `npm ci --omit=dev --ignore-scripts` into a
// staging folder → compile better-sqlite3 against Node's headers (node-gyp --nodedir: nothing downloaded) → copy
// the app → measure the glibc it needs → write the lists → pack with fixed names, times and owners.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildIsCurrent } from "../bin/launch.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pin = JSON.parse(readFileSync(join(root, "scripts", "bundle", "node.json"), "utf8"));
const name = `duban-${pkg.version}`;
const tarball = join(out, `${name}-linux-x64.tar.gz`);
const stage = join(out, "stage");
const top = join(stage, name);

function step(what) {
  console.log(`bundle: ${what}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** The commit time, for the files' times in the tarball (SOURCE_DATE_EPOCH wins, as reproducible builds expect). */
function sourceDateEpoch() {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" }).trim());
  } catch {
    return 0;
  }
}

function commit() {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** 1. The compiled JavaScript and the generated Prisma clients in this tree, as postinstall makes them. */
function buildApp() {
  const client = join(root, "src", "generated", "prisma", "client.ts");
  if (!existsSync(client) || statSync(client).mtimeMs < statSync(join(root, "prisma", "schema.prisma")).mtimeMs) {
    step("generating the Prisma clients");
    run(process.execPath, [join(root, "scripts", "prisma-generate.mjs")], { cwd: root });
  }
  if (!buildIsCurrent()) {
    step("compiling (npm run build)");
    run(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root });
  }
  if (!buildIsCurrent()) throw new Error("dist/ is not current after the build (is TypeScript installed? npm ci first)");
}

/** 2. The pinned Node.js package from the registry, checked against the integrity in scripts/bundle/node.json. */
function fetchNode() {
  const cache = join(out, "cache");
  mkdirSync(cache, { recursive: true });
  const file = join(cache, `${pin.package}-${pin.version}.tgz`);
  if (!existsSync(file)) {
    step(`fetching ${pin.package}@${pin.version} (npm pack)`);
    run("npm", ["pack", `${pin.package}@${pin.version}`, "--pack-destination", cache, "--silent"], { cwd: cache });
  }
  const [algorithm, expected] = pin.integrity.split(/-(.*)/s);
  const actual = createHash(algorithm).update(readFileSync(file)).digest("base64");
  if (actual !== expected) {
    rmSync(file);
    throw new Error(`${file}: integrity ${algorithm}-${actual} is not the pinned ${pin.integrity}; the download was removed`);
  }
  const dir = join(cache, `${pin.package}-${pin.version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  run("tar", ["xzf", file, "-C", dir, "--strip-components=1"]);
  return dir;
}

/** node-gyp as npm ships it: beside the npm that runs this script, or npm's global install. */
function nodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  try {
    const npmRoot = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
    candidates.push(join(npmRoot, "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  } catch {}
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`node-gyp not found (looked at ${candidates.join(", ")})`);
  return found;
}

/** 3. Production node_modules from package-lock.json, better-sqlite3 compiled for the bundled Node. */
async function installModules(nodeDir) {
  step("installing production dependencies (npm ci --omit=dev --ignore-scripts)");
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(root, f), join(top, f));
  cpSync(join(root, "packages"), join(top, "packages"), { recursive: true });
  run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: top,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  pruneUnreachable();
  await trimPackages();
  // A file: dependency is installed as a symlink; the bundle carries a copy, so nothing points outside node_modules.
  // The .bin folders (links to the packages' command-line tools, some of them just pruned) are left out.
  dereferenceLinks(join(top, "node_modules"));

  const node = join(nodeDir, "bin", "node");
  const sqlite = join(top, "node_modules", "better-sqlite3");
  const built = join(sqlite, "build", "Release", "better_sqlite3.node");
  // The compiled module is kept per (better-sqlite3, Node) pair: a rebuild of the same tree compiles nothing.
  const sqliteVersion = JSON.parse(readFileSync(join(sqlite, "package.json"), "utf8")).version;
  const cached = join(out, "cache", `better-sqlite3-${sqliteVersion}-node-${pin.version}.node`);
  if (!existsSync(cached)) {
    step(`compiling better-sqlite3 ${sqliteVersion} for Node ${pin.version} (node-gyp --nodedir, no download; a few minutes)`);
    run(node, [nodeGyp(), "rebuild", "--release", `--nodedir=${nodeDir}`, "--jobs=max"], {
      cwd: sqlite,
      env: { ...process.env, npm_config_nodedir: nodeDir, npm_config_build_from_source: "true" },
    });
    cpSync(built, cached);
  } else step(`better-sqlite3 ${sqliteVersion} for Node ${pin.version}: compiled before (${relative(root, cached)})`);
  // Only the module itself goes in: the build's objects are large and hold this machine's paths.
  rmSync(join(sqlite, "build"), { recursive: true, force: true });
  mkdirSync(dirname(built), { recursive: true });
  cpSync(cached, built);
  run(node, ["-e", "new (require('better-sqlite3'))(':memory:').close()"], { cwd: top });
  // Encrypted rooms (docs/encryption.md): the WebAssembly crypto with its .wasm file, and the IndexedDB its store runs on.
  const wasm = join(top, "node_modules", "@matrix-org", "matrix-sdk-crypto-wasm", "pkg", "matrix_sdk_crypto_wasm_bg.wasm");
  if (!existsSync(wasm)) throw new Error(`the bundle lacks ${relative(top, wasm)}: encrypted rooms would not work`);
  run(node, ["--input-type=module", "-e", "await import('fake-indexeddb'); await (await import('@matrix-org/matrix-sdk-crypto-wasm')).initAsync()"], {
    cwd: top,
  });
}

/**
 * Removes what `npm ci --omit=dev` installs but nothing at run time can reach. npm keeps a package marked
 * `devOptional` (a development dependency that a production package names as an optional peer): so the `prisma`
 * CLI and `typescript`, optional peers of @prisma/client, came in with their own dependencies (pglite, effect,
 * Prisma Studio…), though duban never loads them. The kept set is what the root's `dependencies` reach through
 * `dependencies`, `optionalDependencies` and required `peerDependencies`, resolved as Node resolves them.
 */
function pruneUnreachable() {
  const lock = JSON.parse(readFileSync(join(top, "package-lock.json"), "utf8")).packages;
  const resolve = (from, dep) => {
    for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf("/node_modules/")))) {
      const path = at ? `${at}/node_modules/${dep}` : `node_modules/${dep}`;
      if (lock[path]) return path;
      if (!at) return null;
    }
  };
  const kept = new Set();
  const visit = (path) => {
    if (kept.has(path)) return;
    kept.add(path);
    const entry = lock[path];
    if (!entry) throw new Error(`${path} is not in package-lock.json`);
    if (entry.link) return visit(entry.resolved);
    const optionalPeer = (dep) => entry.peerDependenciesMeta?.[dep]?.optional;
    const deps = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((dep) => !optionalPeer(dep)),
    ];
    for (const dep of deps) {
      const found = resolve(path, dep);
      if (found) visit(found);
      else if (!entry.optionalDependencies?.[dep]) throw new Error(`${path || "duban"}: ${dep} is not in package-lock.json`);
    }
  };
  const root = lock[""];
  for (const dep of Object.keys({ ...root.dependencies, ...root.optionalDependencies })) visit(resolve("", dep));
  const removed = [];
  for (const path of Object.keys(lock)) {
    if (!path.startsWith("node_modules/") || kept.has(path) || !existsSync(join(top, path))) continue;
    rmSync(join(top, path), { recursive: true, force: true });
    removed.push(path.replace(/^.*node_modules\//, ""));
  }
  step(`left out ${removed.length} packages no production dependency needs: ${removed.sort().join(", ")}`);
}

/**
 * Leaves out the parts of three large production packages that duban never loads (docs/bundle.md has the figures):
 * the font weights the chart does not use (it names two of nine, src/reports/chart.ts chartFontFiles); echarts'
 * dist/, the single-file builds for require("echarts") and browsers (duban imports the ES modules: echarts/core,
 * echarts/charts… in lib/); and the Prisma query compilers for other databases. tests/bundle.test.ts draws the
 * chart and queries SQLite from the bundle.
 */
async function trimPackages() {
  // The bundle's own copy of the code, resolving its packages from the bundle's node_modules.
  const { chartFontFiles } = await import(pathToFileURL(join(top, "dist", "src", "reports", "chart.js")).href);
  const fonts = join(top, "node_modules", "@expo-google-fonts", "noto-sans-sc");
  // Each file is <the package>/<weight>/<file>.ttf, wherever this checkout's node_modules resolves to.
  const used = new Set(chartFontFiles().map((f) => f.split("/").at(-2)));
  const weights = readdirSync(fonts).filter((f) => /^\d00[A-Za-z]+$/.test(f));
  if (![...used].every((w) => weights.includes(w))) throw new Error(`the chart's fonts (${[...used].join(", ")}) are not in ${fonts}`);
  const left = weights.filter((w) => !used.has(w));
  for (const w of left) rmSync(join(fonts, w), { recursive: true });
  rmSync(join(top, "node_modules", "echarts", "dist"), { recursive: true });
  // @prisma/client carries a query compiler for each database Prisma supports, in two sizes, as CommonJS and ES
  // modules, with source maps; the generated clients import the ones for SQLite and PostgreSQL.
  const runtime = join(top, "node_modules", "@prisma", "client", "runtime");
  const imported = new Set();
  for (const file of files(join(root, "dist", "src", "generated")))
    for (const m of readFileSync(file, "utf8").matchAll(/@prisma\/client\/runtime\/(query_compiler_[\w.-]+)["']/g)) imported.add(m[1]);
  if (imported.size === 0) throw new Error("dist/src/generated imports no query compiler: has Prisma's generated client changed?");
  const compilers = readdirSync(runtime).filter((f) => f.startsWith("query_compiler_"));
  for (const f of compilers) if (!imported.has(f)) rmSync(join(runtime, f));
  for (const f of readdirSync(runtime)) if (f.endsWith(".map")) rmSync(join(runtime, f));
  step(
    `left out the font weights the chart does not use (${left.join(", ")}), echarts/dist, and Prisma's query ` +
      `compilers but the ${imported.size} the generated clients import, with @prisma/client's source maps`,
  );
}

function dereferenceLinks(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === ".bin") rmSync(path, { recursive: true, force: true });
    else if (entry.isSymbolicLink()) {
      const target = realpathSync(path);
      rmSync(path);
      cpSync(target, path, { recursive: true, dereference: true });
    } else if (entry.isDirectory()) dereferenceLinks(path);
  }
}

/**
 * The compiled code, copied from this tree's dist/ once, first, and checked: every later step reads the bundle's copy,
 * so the bundle holds one consistent build even if dist/ in the tree is rebuilt meanwhile.
 */
function copyCompiled() {
  step("copying the compiled JavaScript");
  cpSync(join(root, "dist"), join(top, "dist"), { recursive: true });
  const entries = ["src/cli/index.js", "src/main.js", "src/reports/chart.js"];
  const missing = entries.filter((f) => !existsSync(join(top, "dist", f)));
  if (missing.length > 0) throw new Error(`dist/ in this tree is incomplete (no ${missing.join(", ")}): run npm run build, then bundle again`);
}

/** 4. The app: Prisma files, the bundled plan and demo directory, docs, launchers, the Node binary. */
function copyApp(nodeDir) {
  step("copying the app");
  // The build's stamp holds the time of the build; the bundle's holds the commit's, like every file's time in it.
  writeFileSync(join(top, "dist", ".built"), `${new Date(sourceDateEpoch() * 1000).toISOString()}\n`);
  cpSync(join(root, "prisma"), join(top, "prisma"), { recursive: true, filter: (src) => !/\.db(-wal|-shm)?$/.test(src) });
  for (const f of ["src/plan/bundled", "src/directory/demo-directory.yaml", "docs", "README.md"]) cpSync(join(root, f), join(top, f), { recursive: true });
  mkdirSync(join(top, "bin"), { recursive: true });
  for (const f of ["duban.js", "start.js", "launch.js"]) cpSync(join(root, "bin", f), join(top, "bin", f));
  mkdirSync(join(top, "node", "bin"), { recursive: true });
  cpSync(join(nodeDir, "bin", "node"), join(top, "node", "bin", "node"));
  cpSync(join(nodeDir, "LICENSE"), join(top, "node", "LICENSE"));
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** 5. The newest glibc symbol version any binary in the bundle asks for: the oldest glibc the bundle runs on. */
function glibcMinimum() {
  const versions = { GLIBC: [2, 17], GLIBCXX: [3, 4, 0], CXXABI: [1, 3, 0] };
  const newer = (a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    return false;
  };
  const binaries = [];
  for (const file of files(top)) {
    if (lstatSync(file).isSymbolicLink()) continue;
    const head = Buffer.alloc(4);
    const bytes = readFileSync(file);
    bytes.copy(head, 0, 0, 4);
    if (head.toString("latin1") !== "\x7fELF") continue;
    binaries.push(relative(top, file));
    for (const m of bytes.toString("latin1").matchAll(/\b(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+)+)\b/g)) {
      const v = m[2].split(".").map(Number);
      if (newer(v, versions[m[1]])) versions[m[1]] = v;
    }
  }
  return { glibc: versions.GLIBC.join("."), glibcxx: versions.GLIBCXX.join("."), cxxabi: versions.CXXABI.join("."), binaries };
}

function licenceOf(p) {
  if (typeof p.license === "string") return p.license;
  if (p.license && typeof p.license === "object") return p.license.type ?? "UNKNOWN";
  if (Array.isArray(p.licenses)) return p.licenses.map((l) => (typeof l === "string" ? l : l.type)).join(" OR ");
  return "UNKNOWN";
}

/** 6. The third-party list: npm's SBOM (CycloneDX) and a table read from every installed package.json. */
function thirdParty() {
  step("writing the SBOM and THIRD-PARTY.md");
  const rows = new Map();
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(".")) continue;
      if (entry.startsWith("@")) {
        walk(join(dir, entry));
        continue;
      }
      const at = join(dir, entry);
      const manifest = join(at, "package.json");
      if (existsSync(manifest)) {
        const p = JSON.parse(readFileSync(manifest, "utf8"));
        if (p.name && p.version) rows.set(`${p.name}@${p.version}`, { name: p.name, version: p.version, licence: licenceOf(p) });
      }
      walk(join(at, "node_modules"));
    }
  };
  walk(join(top, "node_modules"));
  // npm's SBOM of the whole lockfile, cut to the packages installed here: `npm sbom --omit=dev` decides by itself
  // what production is, and left out better-sqlite3 once `prisma` (which names it as an optional peer) became a
  // development dependency, while it kept packages pruneUnreachable leaves out. The bundle's SBOM and
  // THIRD-PARTY.md list the same packages: what is in node_modules (and the local packages/ it copies).
  const sbom = execFileSync("npm", ["sbom", "--package-lock-only", "--sbom-format=cyclonedx"], {
    cwd: top,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const bom = JSON.parse(sbom);
  const local = new Set(
    Object.keys(JSON.parse(readFileSync(join(top, "package-lock.json"), "utf8")).packages)
      .filter((k) => k && !k.startsWith("node_modules/"))
      .map((k) => k.split("/").pop()),
  );
  const inBundle = (ref) => ref === bom.metadata.component["bom-ref"] || rows.has(ref) || local.has(ref.replace(/@[^@]*$/, ""));
  bom.components = bom.components.filter((c) => inBundle(c["bom-ref"]));
  bom.dependencies = bom.dependencies.filter((d) => inBundle(d.ref)).map((d) => ({ ...d, dependsOn: d.dependsOn.filter(inBundle) }));
  // npm stamps the SBOM with the time and a random serial number; the commit's time and a serial derived from the
  // content keep the same tree's bundle the same.
  bom.metadata.timestamp = new Date(sourceDateEpoch() * 1000).toISOString();
  delete bom.serialNumber;
  const hex = createHash("sha256").update(JSON.stringify(bom)).digest("hex");
  bom.serialNumber = `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  writeFileSync(join(top, "sbom.cdx.json"), `${JSON.stringify(bom, null, 2)}\n`);
  const list = [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
  const lines = [
    `# Third-party software in ${name}`,
    "",
    "Generated by `npm run bundle` (scripts/bundle.mjs) from the package.json of every package in node_modules; the",
    "same packages, with their checksums, are in sbom.cdx.json (CycloneDX, from `npm sbom` on package-lock.json).",
    "",
    `Node.js ${pin.version} (the official linux-x64 build, node/bin/node): MIT and the licences of its bundled`,
    "components, in full in node/LICENSE.",
    "",
    `${list.length} packages:`,
    "",
    "| Package | Version | Licence |",
    "| ------- | ------- | ------- |",
    ...list.map((r) => `| ${r.name} | ${r.version} | ${r.licence} |`),
    "",
  ];
  writeFileSync(join(top, "THIRD-PARTY.md"), lines.join("\n"));
  return list;
}

function releaseNotes(glibc, packages, nodeModuleVersion) {
  writeFileSync(
    join(top, "RELEASE-NOTES.md"),
    [
      `# duban ${pkg.version}`,
      "",
      `- Version: ${pkg.version} (commit ${commit()})`,
      `- Node.js: ${pin.version} (in node/bin/node; NODE_MODULE_VERSION ${nodeModuleVersion})`,
      `- Platform: Linux x86-64 (amd64) with glibc ${glibc.glibc} or newer, and libstdc++ with GLIBCXX_${glibc.glibcxx}`,
      "  (GCC 11 or newer's C++ library). Both measured at build time from the bundle's binaries.",
      "- Not supported: arm64 (aarch64), musl (Alpine), other operating systems.",
      `- Third-party packages: ${packages.length}, listed in THIRD-PARTY.md and sbom.cdx.json.`,
      "",
      "Install by unpacking; run bin/duban and bin/duban-start. Checksums of every file: SHA256SUMS",
      "(`sha256sum -c SHA256SUMS` inside this folder). See docs/bundle.md.",
      "",
    ].join("\n"),
  );
}

function sha256(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** 7. SHA256SUMS of every file, then the tarball: sorted names, the commit's time, owner root. */
function pack() {
  step("writing SHA256SUMS");
  const sums = [];
  for (const file of files(top)) {
    if (lstatSync(file).isSymbolicLink()) throw new Error(`unexpected symlink in the bundle: ${relative(top, file)} → ${readlinkSync(file)}`);
    sums.push(`${sha256(file)}  ${relative(top, file)}`);
  }
  writeFileSync(join(top, "SHA256SUMS"), `${sums.join("\n")}\n`);
  step(`packing ${relative(root, tarball)}`);
  rmSync(tarball, { force: true });
  const epoch = sourceDateEpoch();
  const tar = spawnSync(
    "sh",
    [
      "-c",
      'tar --sort=name --mtime="@$1" --owner=0 --group=0 --numeric-owner --mode=u+w,go-w -C "$2" -cf - "$3" | gzip -n > "$4"',
      "sh",
      String(epoch),
      stage,
      name,
      tarball,
    ],
    { stdio: "inherit" },
  );
  if (tar.status !== 0) throw new Error("tar failed");
  writeFileSync(join(out, "SHA256SUMS"), `${sha256(tarball)}  ${relative(out, tarball)}\n`);
}

async function main() {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(`the bundle is built for linux-x64 only (this is ${process.platform}-${process.arch})`);
  buildApp();
  const nodeDir = fetchNode();
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(top, { recursive: true });
  copyCompiled();
  await installModules(nodeDir);
  copyApp(nodeDir);
  const nodeModuleVersion = execFileSync(join(top, "node", "bin", "node"), ["-p", "process.versions.modules"], { encoding: "utf8" }).trim();
  const glibc = glibcMinimum();
  const packages = thirdParty();
  // bundle.json marks the folder as a bundle (src/paths.ts IN_BUNDLE, bin/launch.js) and says what it was built with.
  const info = {
    name: "duban",
    version: pkg.version,
    platform: "linux-x64",
    node: pin.version,
    nodeModuleVersion: Number(nodeModuleVersion),
    glibc: glibc.glibc,
    glibcxx: glibc.glibcxx,
    commit: commit(),
  };
  writeFileSync(join(top, "bundle.json"), `${JSON.stringify(info, null, 2)}\n`);
  releaseNotes(glibc, packages, nodeModuleVersion);
  for (const f of ["duban", "duban-start"]) {
    cpSync(join(root, "scripts", "bundle", `${f}.sh`), join(top, "bin", f));
    chmodSync(join(top, "bin", f), 0o755);
  }
  writeFileSync(join(top, "bin", "preflight.sh"), readFileSync(join(root, "scripts", "bundle", "preflight.sh"), "utf8").replace("@GLIBC_MIN@", glibc.glibc));
  pack();
  rmSync(stage, { recursive: true, force: true });
  rmSync(nodeDir, { recursive: true, force: true });
  console.log(`bundle: ${relative(root, tarball)} (Node ${pin.version}, glibc ${glibc.glibc} or newer, ${packages.length} third-party packages)`);
}

await main();
