import { describe, expect, it } from "vitest";
import type { App } from "../src/app.js";
import { cliCommands, commandTable, usageText } from "../src/cli/index.js";
import { assertPlanActive, CliError, planOf, type CliCommand } from "../src/cli/shared.js";
import type { PlanRecord } from "../src/core/model.js";

const cmd = (name: string, aliases?: string[]): CliCommand => ({ name, ...(aliases ? { aliases } : {}), usage: [name], run: async () => 0 });

function plan(id: number, code: string, archived = false): PlanRecord {
  const at = new Date("2024-01-01T00:00:00Z");
  return {
    id,
    title: `计划${id}`,
    issuedOn: null,
    importedAt: at,
    revisedAt: null,
    code,
    archivedAt: archived ? at : null,
    archivedBy: null,
    archiveReason: null,
  };
}

/** Just what planOf reads of an App: the language and the plans. */
function appWith(plans: PlanRecord[], lang: "zh" | "en" = "zh"): App {
  return { config: { lang }, repos: { plans: { plans: async () => plans } } } as unknown as App;
}

async function planError(app: App, code?: string): Promise<string> {
  const e = await planOf(app, code).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CliError);
  return (e as CliError).message;
}

describe("the command line's subcommand table", () => {
  it("has every subcommand under its name, and help under --help and -h", () => {
    const table = commandTable(cliCommands);
    for (const name of ["say", "explain", "import", "audit", "evidence", "directory", "backup", "restore", "doctor", "reminders", "digest"])
      expect(table.get(name)?.name).toBe(name);
    for (const name of ["scorecard", "report", "export", "chart", "help"]) expect(table.get(name)?.name).toBe(name);
    expect(table.get("--help")?.name).toBe("help");
    expect(table.get("-h")?.name).toBe("help");
  });

  it("rejects a name taken twice, as a name or as an alias", () => {
    expect(() => commandTable([cmd("a"), cmd("a")])).toThrow(/duplicate CLI command name: a/);
    expect(() => commandTable([cmd("a", ["-a"]), cmd("b", ["-a"])])).toThrow(/duplicate CLI command name: -a/);
  });

  it("builds the usage text from each subcommand's usage lines, in table order", () => {
    expect(usageText([cmd("a"), cmd("b")])).toBe(
      "用法 / usage:\n  npx duban a\n  npx duban b\nEvery command honours DATABASE_URL, DUBAN_DIRECTORY, DUBAN_LANG and DUBAN_NOW.",
    );
    expect(usageText(cliCommands).split("\n")[1]).toBe('  npx duban say [--as USER] [--room ROOM] [--at ISO-DATETIME] [--json] "MESSAGE"');
  });
});

describe("which plan a command-line call is about", () => {
  it("takes the plan --plan names, archived or not, else the only plan in progress", async () => {
    expect((await planOf(appWith([plan(1, "科技兴警", true), plan(2, "智慧警务")]), "科技兴警")).id).toBe(1);
    expect((await planOf(appWith([plan(1, "科技兴警", true), plan(2, "智慧警务")]), undefined)).id).toBe(2);
  });

  it("asks for --plan when several plans are in progress, listing them", async () => {
    expect(await planError(appWith([plan(1, "科技兴警"), plan(2, "智慧警务")]))).toBe(
      "有多个计划在执行，请用 --plan 指定其一：\n• 科技兴警《计划1》\n• 智慧警务《计划2》",
    );
  });

  it("names an unknown --plan and lists the plans there are", async () => {
    expect(await planError(appWith([plan(1, "科技兴警", true)]), "无此计划")).toBe(
      "--plan: 没有代码为“无此计划”的计划。现有计划：\n• 科技兴警《计划1》（已归档）",
    );
  });

  it("says when every plan is archived, and when there is none", async () => {
    expect(await planError(appWith([plan(1, "科技兴警", true)]))).toBe("没有在执行的计划（都已归档），请用 --plan 指定计划代码");
    expect(await planError(appWith([]))).toBe("数据库中还没有计划，请先 npx duban import FILE");
  });

  it("answers in English with DUBAN_LANG=en", async () => {
    expect(await planError(appWith([plan(1, "科技兴警"), plan(2, "智慧警务")], "en"))).toBe(
      "Several plans are in progress; name one with --plan:\n• 科技兴警 计划1\n• 智慧警务 计划2",
    );
    expect(() => assertPlanActive(appWith([], "en"), plan(1, "科技兴警", true))).toThrow('Plan "科技兴警" is archived: it can be queried, not changed');
  });

  it("refuses to change an archived plan", () => {
    expect(() => assertPlanActive(appWith([]), plan(1, "科技兴警", true))).toThrow("计划“科技兴警”已归档，只能查询，不能再更改");
    expect(() => assertPlanActive(appWith([]), plan(2, "智慧警务"))).not.toThrow();
  });
});
