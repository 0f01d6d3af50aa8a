import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const PRELOAD = join(ROOT, "tests/helpers/no-network.mjs");

/**
 * The bot talks to nothing but its chat server. With every other socket failing loudly (and Prisma's
 * CHECKPOINT_DISABLE unset, so a telemetry call would show), the console and the CLI attempt none.
 */
describe("no network except the chat server", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-no-net-"));
  const attempts = join(dir, "attempts.log");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `file:${join(dir, "duban.db")}`,
      NO_NET_LOG: attempts,
      DUBAN_NOW: "2024-12-31T10:00:00+08:00",
      LOG_LEVEL: "info",
    };
    delete e.CHECKPOINT_DISABLE;
    return e;
  };

  it("the preload does catch an attempt (so silence below means something)", async () => {
    await run(
      process.execPath,
      ["--import", PRELOAD, "-e", "fetch('http://example.invalid/').catch(() => {}); require('node:net').connect(80, '203.0.113.1').on('error', () => {});"],
      { env: env() },
    );
    expect(readFileSync(attempts, "utf8")).toMatch(/fetch http:\/\/example\.invalid\/[\s\S]*tcp 203\.0\.113\.1:80/);
    rmSync(attempts);
  });

  it("the console and the CLI make no connection at all", async () => {
    const child = spawn(process.execPath, ["--import", PRELOAD, "--import", "tsx", "src/main.ts"], { cwd: ROOT, env: env() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdin.end("任务6进展：保密测试独特文本甲乙丙 60%\n任务6\n总览\n提醒预览\n");
    expect(await new Promise((r) => child.on("close", r))).toBe(0);
    expect(stdout).toContain("已记录任务6");
    const bin = join(ROOT, "bin/duban.js");
    for (const args of [
      ["say", "任务6"],
      ["reminders", "--dry-run"],
      ["audit", "--verify"],
      ["doctor"],
      ["backup", join(dir, "b.db")],
      ["explain", "任务6进展 60%"],
    ])
      await run(process.execPath, ["--import", PRELOAD, bin, ...args], { cwd: ROOT, env: env() });
    expect(existsSync(attempts) ? readFileSync(attempts, "utf8") : "").toBe("");
    // Message bodies stay out of logs above debug.
    expect(stderr).not.toContain("保密测试独特文本甲乙丙");
    expect(stderr).toContain('"level":"info"');
  }, 60_000);
});
