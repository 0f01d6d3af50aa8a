import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/index.js";
import { updateEnvText } from "../src/ops/env-file.js";
import { loadEnvFile, nativeModuleProblem, parseEnvFile, prepareStart, StartupError } from "../src/startup.js";

const dir = mkdtempSync(join(tmpdir(), "duban-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("the env file (DUBAN_ENV_FILE, or /etc/duban/duban.env in the bundle)", () => {
  it("reads KEY=value lines as systemd and Node do: comments, blank lines and quotes", () => {
    const vars = parseEnvFile("# 督办\n\nDATABASE_URL=file:/var/lib/duban/duban.db\nDUBAN_LANG=\"zh\"\r\nexport LOG_LEVEL='info'\nEMPTY=\n", "x.env");
    expect(Object.fromEntries(vars)).toEqual({ DATABASE_URL: "file:/var/lib/duban/duban.db", DUBAN_LANG: "zh", LOG_LEVEL: "info", EMPTY: "" });
  });

  it("unescapes inside double quotes as systemd does, so a password duban init wrote comes back as typed", () => {
    const password = 'p@ss "w" $HOME \\ `x` word';
    const text = updateEnvText("", [{ key: "MATRIX_PASSWORD", value: password }]);
    expect(Object.fromEntries(parseEnvFile(text, "x.env"))).toEqual({ MATRIX_PASSWORD: password });
  });

  it("DUBAN_ENV_FILE naming a file that does not exist yet is allowed for duban init, which writes it", () => {
    const env = { DUBAN_ENV_FILE: join(dir, "to-be-written.env") };
    expect(loadEnvFile(env, { bundle: false, allowMissing: true })).toBeNull();
    expect(() => prepareStart({ ...env }, { command: "init" })).not.toThrow();
    expect(() => prepareStart({ ...env }, { command: "doctor" })).toThrow(/DUBAN_ENV_FILE 指向的文件不存在/);
  });

  it("refuses a line that is not an assignment, naming the file and the line", () => {
    expect(() => parseEnvFile("A=1\nMATRIX_HOMESERVER_URL https://matrix.gaj.local\n", "/etc/duban/duban.env")).toThrow(
      /\/etc\/duban\/duban\.env 第2行.*\n.*line 2/,
    );
  });

  it("DUBAN_ENV_FILE: its variables fill in, and a variable already in the environment wins", () => {
    const path = file("a.env", "DATABASE_URL=file:./from-file.db\nDUBAN_LANG=en\n");
    const env: Record<string, string | undefined> = { DUBAN_ENV_FILE: path, DUBAN_LANG: "zh" };
    expect(loadEnvFile(env, { bundle: false })).toBe(path);
    expect(env).toEqual({ DUBAN_ENV_FILE: path, DUBAN_LANG: "zh", DATABASE_URL: "file:./from-file.db" });
  });

  it("DUBAN_ENV_FILE naming a missing file is a clear error, not a silent default", () => {
    const env = { DUBAN_ENV_FILE: join(dir, "nope.env") };
    expect(() => loadEnvFile(env)).toThrow(StartupError);
    expect(() => loadEnvFile(env)).toThrow(/DUBAN_ENV_FILE 指向的文件不存在：.*nope\.env\nDUBAN_ENV_FILE names a file that does not exist/);
  });

  it("the default file is read only in the bundle, and only when it exists", () => {
    const path = file("default.env", "LOG_LEVEL=debug\n");
    const outside: Record<string, string | undefined> = {};
    expect(loadEnvFile(outside, { bundle: false, defaultFile: path })).toBeNull();
    expect(outside).toEqual({});
    const inside: Record<string, string | undefined> = {};
    expect(loadEnvFile(inside, { bundle: true, defaultFile: path })).toBe(path);
    expect(inside).toEqual({ LOG_LEVEL: "debug" });
    expect(loadEnvFile({}, { bundle: true, defaultFile: join(dir, "absent.env") })).toBeNull();
  });

  it("the CLI reads it before the configuration, and a missing one exits 1 with the plain message", async () => {
    const path = file("cli.env", `DATABASE_URL=file:${join(dir, "cli.db")}\nDUBAN_NOW=2025-06-03T09:00:00+08:00\n`);
    const env: Record<string, string | undefined> = { DUBAN_ENV_FILE: path, CHECKPOINT_DISABLE: "1", DUBAN_DEMO: "true" };
    const err: string[] = [];
    const [write, print] = [process.stderr.write, process.stdout.write];
    process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await runCli(["reminders", "--dry-run", "--json"], env)).toBe(0);
      expect(env.DATABASE_URL).toBe(`file:${join(dir, "cli.db")}`);
      expect(await runCli(["doctor"], { DUBAN_ENV_FILE: join(dir, "missing.env") })).toBe(1);
    } finally {
      [process.stderr.write, process.stdout.write] = [write, print];
    }
    expect(err.join("")).toMatch(/^DUBAN_ENV_FILE 指向的文件不存在/);
    expect(err.join("")).not.toMatch(/\n\s+at /);
  });
});

describe("the native module's ABI (better-sqlite3 compiled for another Node)", () => {
  it("loads in this Node", () => {
    expect(nativeModuleProblem()).toBeNull();
  });

  it("names both versions and what to do, in Chinese and English", () => {
    const message = nativeModuleProblem(() => {
      throw new Error(
        "The module '/opt/duban/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\n" +
          "NODE_MODULE_VERSION 127. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing",
      );
    });
    expect(message).toContain("为 Node.js 22（模块版本 127）编译");
    expect(message).toContain(`正在运行的是 Node.js ${process.version}（模块版本 115）`);
    expect(message).toContain("bin/duban");
    expect(message).toContain("npm rebuild better-sqlite3");
    expect(message).toContain("compiled for Node.js 22 (NODE_MODULE_VERSION 127)");
  });

  it("any other load failure (an old libstdc++) is plain too", () => {
    const message = nativeModuleProblem(() => {
      throw new Error("/lib64/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by better_sqlite3.node)");
    });
    expect(message).toMatch(/无法加载.*GLIBCXX_3\.4\.30/);
    expect(message).toContain("RELEASE-NOTES.md");
  });
});

describe("a reader that stops early", () => {
  it("duban doctor | true (a reader gone before the first line): the command stops quietly, no EPIPE stack trace", () => {
    const err = join(dir, "epipe.err");
    const duban = join(import.meta.dirname, "..", "bin", "duban.js");
    const r = spawnSync("sh", ["-c", `"$1" "$2" doctor 2>"$3" | true`, "sh", process.execPath, duban, err], {
      env: { ...process.env, DATABASE_URL: `file:${join(dir, "epipe.db")}` },
    });
    expect(r.status).toBe(0);
    expect(readFileSync(err, "utf8")).toBe("");
  });
});
