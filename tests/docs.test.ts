/**
 * The examples in README.md and docs/*.md are run, and their output compared (the convention is in
 * docs/development.md, "Examples in the docs"):
 * - a fenced block whose lines start with `$ npx duban …` is a command-line session: each `$` line is run, and the
 *   lines under it, up to the next `$` line, are its expected output;
 * - a fenced block whose lines start with `> ` is a console session: the `>` lines are typed into one `npm start`
 *   console, and the other lines are the replies expected;
 * - `<!-- example: fresh VAR=value … -->` just before a block starts that block on a new database and/or sets
 *   variables for it;
 * - expected output `(no reply)` means the command prints nothing;
 * - in expected output, a line that is only `…` stands for any number of lines, and `…` inside a line for any
 *   text; dates, times and long hex ids are normalised on both sides.
 * Every other block (a synopsis, a config file, `systemctl …`) is shown, not run. Each file runs on a fresh SQLite
 * database with the bundled plan and the demo directory, its examples in order, at 2024-06-30 10:00 (Beijing)
 * unless an example says `--at` or `DUBAN_NOW=`.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempApp } from "./helpers/temp-app.js";

const ROOT = join(import.meta.dirname, "..");
const NOW = "2024-06-30T10:00:00+08:00";
/** Expected output that says the command prints nothing (chatter in a group room). */
const NO_REPLY = "(no reply)";
const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];

interface Command {
  /** The line as written, without the `$ `. */
  line: string;
  env: Record<string, string>;
  /** Arguments after `npx duban`, or null when the line runs something else (shown, not run). */
  args: string[] | null;
  expected: string[];
}
interface Example {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  kind: "cli" | "console";
  fresh: boolean;
  env: Record<string, string>;
  commands: Command[];
  /** Console: the lines typed, and every reply line expected, in order. */
  input: string[];
  expected: string[];
}

/** Split a shell-like command line: double or single quotes group words; leading `VAR=value` words are the environment. */
function splitCommand(line: string): { env: Record<string, string>; words: string[] } {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= "";
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? "") + ch;
  }
  if (quote) throw new Error(`unclosed quote in: ${line}`);
  if (word !== null) words.push(word);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const w = words.shift()!;
    env[w.slice(0, w.indexOf("="))] = w.slice(w.indexOf("=") + 1);
  }
  return { env, words };
}

function parseMarker(text: string): { fresh: boolean; env: Record<string, string> } {
  const { env, words } = splitCommand(text.replace(/^fresh\b/, "").trim());
  if (words.length) throw new Error(`unknown words in an example marker: ${words.join(" ")}`);
  return { fresh: /^fresh\b/.test(text), env };
}

/** The examples of one Markdown file, in order. */
function extractExamples(file: string, markdown: string): Example[] {
  const lines = markdown.split("\n");
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l));
    let markerAt = i - 1;
    while (markerAt >= 0 && !lines[markerAt]!.trim()) markerAt--;
    const marker = markerAt >= 0 ? /^<!--\s*example:?\s*(.*?)\s*-->$/.exec(lines[markerAt]!.trim()) : null;
    const first = body.find((l) => l.trim());
    const kind = first?.startsWith("$ ") ? "cli" : first?.startsWith("> ") ? "console" : null;
    if (marker && !kind) throw new Error(`${file}:${i + 1}: an example marker before a block that is neither "$ npx duban" nor "> " lines`);
    if (kind) {
      const { fresh, env } = marker ? parseMarker(marker[1]!) : { fresh: false, env: {} };
      const ex: Example = { file, line: i + 1, kind, fresh, env, commands: [], input: [], expected: [] };
      for (const l of body) {
        if (kind === "cli" && l.startsWith("$ ")) {
          const { env: cmdEnv, words } = splitCommand(l.slice(2));
          ex.commands.push({ line: l.slice(2), env: cmdEnv, args: words[0] === "npx" && words[1] === "duban" ? words.slice(2) : null, expected: [] });
        } else if (kind === "console" && l.startsWith("> ")) ex.input.push(l.slice(2));
        else if (kind === "cli") ex.commands.at(-1)!.expected.push(l);
        else ex.expected.push(l);
      }
      out.push(ex);
    }
    i = end;
  }
  return out;
}

/** What may differ between runs or machines: dates, times, long hex ids, the temporary folder. */
function normalise(text: string, dir?: string): string[] {
  let t = text;
  if (dir) t = t.split(dir).join(".");
  t = t
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/g, "<time>")
    .replace(/\d{4}-\d{2}-\d{2}/g, "<date>")
    .replace(/(?<![\d:])\d{1,2}:\d{2}(:\d{2})?(?![\d:])/g, "<time>")
    .replace(/\b[0-9a-f]{12,}\b/g, "<hex>")
    .replace(/\b[0-9a-f]{4,}…/g, "<hex>…");
  return t
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether the output lines match the expected ones: a line `…` is any number of lines, `…` within a line any text. */
function matches(expected: string[], actual: string[]): boolean {
  const pattern = expected.map((l) => (l.trim() === "…" ? "(?:[^\\n]*\\n)*?" : `${l.split("…").map(escapeRegExp).join("[^\\n]*")}\\n`)).join("");
  return new RegExp(`^${pattern}$`, "u").test(actual.map((l) => `${l}\n`).join(""));
}

function run(cmd: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, cmd, { cwd: opts.cwd, env: opts.env, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(opts.input ?? "");
  });
}

/**
 * The environment of every example: this machine's, without any duban setting, on the file's database, in demo mode
 * as the default database is (the file's own database would otherwise mean production); an example may say DUBAN_DEMO=false.
 */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(DUBAN_|MATRIX_|DATABASE_URL$|LOG_LEVEL$)/.test(k)) env[k] = v;
  return { ...env, CHECKPOINT_DISABLE: "1", LOG_LEVEL: "silent", DUBAN_NOW: NOW, DATABASE_URL: "file:./duban.db", DUBAN_DEMO: "true", ...extra };
}

function check(where: string, expected: string[], output: string, dir: string) {
  if (expected.filter((l) => l.trim()).join() === NO_REPLY) {
    expect(output, `${where}: the docs show no reply`).toBe("");
    return;
  }
  const want = normalise(expected.join("\n"));
  const got = normalise(output, dir);
  if (!matches(want, got)) expect(got.join("\n"), `${where}: the output differs from the docs (dates, times and ids normalised)`).toBe(want.join("\n"));
}

const examples = DOCS.map((file) => ({ file, examples: extractExamples(file, readFileSync(join(ROOT, file), "utf8")) }));
const dirs: string[] = [];
/** The bundled plan imported into a new database by the tests' own helper, once; each file starts from a copy of it. */
let template: { dir: string };
beforeAll(async () => {
  const app = await tempApp({ at: NOW, database: "sqlite" });
  await app.close();
  template = app;
  dirs.push(app.dir);
}, 60_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the examples in the docs", () => {
  it("has examples to run, and each one names only `npx duban` commands or console input", () => {
    const all = examples.flatMap((f) => f.examples);
    expect(all.length).toBeGreaterThan(5);
    expect(examples.find((f) => f.file === "README.md")!.examples.some((e) => e.kind === "console")).toBe(true);
    for (const e of all) for (const c of e.commands) expect(c.args, `${e.file}:${e.line}: "$ ${c.line}" is not an npx duban command`).not.toBeNull();
  });

  for (const { file, examples: list } of examples.filter((f) => f.examples.length)) {
    describe(file, () => {
      let dir = "";
      /** A fresh database: a copy of the template, in a folder of its own. */
      function freshDatabase() {
        dir = mkdtempSync(join(tmpdir(), "duban-docs-"));
        dirs.push(dir);
        for (const f of readdirSync(template.dir)) if (f.startsWith("duban.db")) copyFileSync(join(template.dir, f), join(dir, f));
        // `npx duban import tests/fixtures/plans/….txt` reads the same file there as in the repository root.
        mkdirSync(join(dir, "tests"));
        symlinkSync(join(ROOT, "tests/fixtures"), join(dir, "tests/fixtures"));
      }

      for (const ex of list) {
        const where = `${file}:${ex.line}`;
        it(`${ex.kind === "cli" ? ex.commands.map((c) => c.line).join(" · ") : `console: ${ex.input.join(" · ")}`} (${where})`, async () => {
          if (!dir || ex.fresh) freshDatabase();
          if (ex.kind === "console") {
            const r = await run([join(ROOT, "bin/start.js")], { cwd: dir, env: baseEnv(ex.env), input: `${ex.input.join("\n")}\n` });
            expect(r.code, `${where}: npm start exited ${r.code}\n${r.stderr}`).toBe(0);
            const [, ...replies] = r.stdout.split("\n"); // the banner
            check(where, ex.expected, replies.join("\n"), dir);
            return;
          }
          for (const c of ex.commands) {
            if (!c.args) continue; // not npx duban: the first test fails on it
            const r = await run([join(ROOT, "bin/duban.js"), ...c.args!], { cwd: dir, env: baseEnv({ ...ex.env, ...c.env }) });
            expect(r.code, `${where}: "$ ${c.line}" exited ${r.code}\n${r.stdout}${r.stderr}`).toBe(0);
            if (c.expected.some((l) => l.trim())) check(`${where} "$ ${c.line}"`, c.expected, r.stdout, dir);
          }
        }, 60_000);
      }
    });
  }
});

/** Docs that another change adds: links to them are checked once they exist. */
const PENDING = new Set(["docs/architecture.md"]);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

describe("the links between the docs", () => {
  it("point at files that exist, and at headings that exist in them", () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = readFileSync(join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split("#") as [string, string | undefined];
        const resolved = path ? relative(ROOT, join(ROOT, dirname(file), path)) : file;
        if (!existsSync(join(ROOT, resolved))) {
          if (!PENDING.has(resolved)) broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (!anchor) continue;
        const headings = readFileSync(join(ROOT, resolved), "utf8")
          .replace(/```[\s\S]*?```/g, "")
          .split("\n")
          .filter((l) => /^#{1,6} /.test(l))
          .map((l) => slug(l.replace(/^#+ /, "")));
        if (!headings.includes(anchor)) broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the docs examples' own rules", () => {
  it("splits a command line like a shell, with variables in front", () => {
    expect(splitCommand(`DUBAN_LANG=en npx duban say --as '@zhang:bureau.local' "任务6 进展 60%"`)).toEqual({
      env: { DUBAN_LANG: "en" },
      words: ["npx", "duban", "say", "--as", "@zhang:bureau.local", "任务6 进展 60%"],
    });
  });

  it("reads blocks, markers, commands and expected output", () => {
    const md = [
      "text",
      "<!-- example: fresh DUBAN_CONSOLE_ROOM=xingzhen -->",
      "```text",
      "> 任务6",
      "任务6：…",
      "```",
      "",
      "```console",
      "$ npx duban explain x",
      "意图",
      "$ systemctl start duban",
      "```",
      "```sh",
      "npm ci",
      "```",
    ].join("\n");
    const [a, b, ...rest] = extractExamples("x.md", md);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: "console", line: 3, fresh: true, env: { DUBAN_CONSOLE_ROOM: "xingzhen" }, input: ["任务6"], expected: ["任务6：…"] });
    expect(b!.commands).toEqual([
      { line: "npx duban explain x", env: {}, args: ["explain", "x"], expected: ["意图"] },
      { line: "systemctl start duban", env: {}, args: null, expected: [] },
    ]);
  });

  it("matches `…` as any lines or any text, and normalises dates and times", () => {
    expect(matches(["a", "…", "d…f"], ["a", "b", "c", "def"])).toBe(true);
    expect(matches(["a", "…", "d…f"], ["a", "b", "c", "deg"])).toBe(false);
    expect(matches(["a"], ["a", "b"])).toBe(false);
    expect(normalise("【督办周报】2024-06-03 10:00 至 2024-06-10T10:00:00+08:00 sha256 3f2a9b0c1d2e3f40")).toEqual([
      "【督办周报】<date> <time> 至 <time> sha256 <hex>",
    ]);
  });
});

describe("what the docs say of commands said in a reply", () => {
  /** How docs/reading-messages.md names each command that has forms said in words (its cues' `whole`). */
  const NAMED: Record<string, string> = {
    retract: "**withdrawal**",
    "pause-reminders": "**pausing**",
    "resume-reminders": "**resuming reminders**",
    "request-completion": "**申请办结**",
    complete: "**completing**",
  };

  it("names every command that may be said in words in a reply, and no fewer (review of issue 25)", async () => {
    const { commands } = await import("../commands/index.js");
    const said = commands.filter((c) => c.cues.kind === "task-command" && (c.cues.whole?.length ?? 0) > 0).map((c) => c.name);
    const replies = readFileSync(join(ROOT, "docs/reading-messages.md"), "utf8")
      .split("\n")
      .find((l) => l.includes("**Replies to the bot**"))!;
    for (const name of said) {
      expect(NAMED[name], `a name in the docs for ${name}`).toBeDefined();
      expect(replies).toContain(NAMED[name]);
    }
    expect(replies).not.toContain("only a withdrawal may be said");
  });
});
