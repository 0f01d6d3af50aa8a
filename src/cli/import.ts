import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import { applyMigrations } from "../db/migrate.js";
import { closePrisma, openPrisma } from "../db/prisma-client.js";
import { PlanCodeError } from "../plan/plan-code.js";
import { AUTO_NUMBERING_HINT, placedProblems, readPlanFileDocument, type PlanDocument } from "../plan/plan-document.js";
import { parsePlan, PlanParseError } from "../plan/plan-parser.js";
import type { ParsedPlan } from "../plan/types.js";
import { DumpError, loadDump } from "../reports/dump.js";
import { CliError, cliActor, clockFor, withRepos, type CliCommand, print } from "./shared.js";

function planJson(parsed: ParsedPlan, document: PlanDocument) {
  return {
    format: document.kind,
    plan: { title: parsed.plan.title, issuedOn: parsed.plan.issuedOn },
    sections: parsed.sections.map((s) => ({ ordinal: s.ordinal, label: s.label, title: s.title })),
    tasks: parsed.tasks.map((t) => ({
      number: t.number,
      title: t.title,
      section: t.section,
      leadUnits: t.leadUnits,
      responsibleUnits: t.responsibleUnits,
      deadline: t.deadline,
      targets: t.targets.map(({ name, count, unit, due }) => ({ name, count, unit, due })),
    })),
    warnings: parsed.warnings,
    problems: placedProblems(parsed, document),
  };
}

/** `import --dump FILE`: a complete JSON dump (export --format json) into an empty database; the bundled plan is not imported first. */
async function importDump(file: string, config: Config): Promise<number> {
  let dump: unknown;
  try {
    dump = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`无法读取导出文件 ${file}：${(e as Error).message}`);
  }
  await applyMigrations(config.databaseUrl);
  const db = await openPrisma(config.databaseUrl);
  try {
    const { rows } = await loadDump(db, dump);
    print(`已从 ${file} 导入 ${rows} 行数据。\n`);
    return 0;
  } catch (e) {
    if (e instanceof DumpError) throw new CliError(e.message);
    throw e;
  } finally {
    await closePrisma(db);
  }
}

/** A plan document read and parsed, as `import` reads it (`duban init` reads the plan through it too); a CliError says why not. */
export async function readPlan(file: string): Promise<{ parsed: ParsedPlan; document: PlanDocument }> {
  let document: PlanDocument | null = null;
  try {
    document = await readPlanFileDocument(file).catch((e) => {
      if (e instanceof PlanParseError) throw e;
      throw new CliError(`无法读取文件 ${file}：${(e as Error).message}`);
    });
    return { parsed: parsePlan(document.text), document };
  } catch (e) {
    if (!(e instanceof PlanParseError)) throw e;
    const numbered = document?.autoNumbered.length ? `（有${document.autoNumbered.length}段用了 Word 自动编号。${AUTO_NUMBERING_HINT}）` : "";
    throw new CliError(`${file}：${e.message}${numbered}。未写入任何数据。`);
  }
}

/**
 * `duban import FILE [--code CODE] [--dry-run] [--allow-incomplete]`: a plan document (.docx or text) parsed and
 * imported, or re-imported over itself. A plan with incomplete tasks is refused, line by line, unless `--allow-incomplete`.
 */
export default {
  name: "import",
  usage: [
    "import FILE [--code CODE] [--dry-run] [--allow-incomplete] [--json] [--at ISO-DATETIME]",
    "import --dump FILE            (a json export, into an empty database)",
  ],
  async run(argv, { config, env }) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean", default: false },
        "allow-incomplete": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        at: { type: "string" },
        dump: { type: "string" },
        code: { type: "string" },
      },
    });
    if (values.dump !== undefined) return importDump(values.dump, config);
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new CliError("import: 请给出一个计划文件 / give one plan file", { usage: true });
    const { parsed, document } = await readPlan(file);
    const dryRun = values["dry-run"];
    const problems = placedProblems(parsed, document);
    if (problems.length > 0 && !values["allow-incomplete"]) {
      if (values.json) {
        print(`${JSON.stringify({ ...planJson(parsed, document), refused: true, ...(dryRun ? { dryRun: true } : {}) }, null, 2)}\n`);
        return 2;
      }
      throw new CliError(refusal(file, parsed, problems, document, dryRun));
    }
    const clock = clockFor(values.at, config);
    const options = values.code === undefined ? {} : { code: values.code };
    const report = dryRun
      ? null
      : await withRepos(config, clock, (repos) => repos.plans.importPlan(parsed, clock.now(), cliActor(env), options)).catch((e) => {
          if (e instanceof PlanCodeError) throw new CliError(`import: ${e.message}。未写入任何数据。`);
          throw e;
        });
    if (values.json) {
      print(`${JSON.stringify({ ...planJson(parsed, document), ...(report ? { import: report } : { dryRun: true }) }, null, 2)}\n`);
      return 0;
    }
    const out: string[] = [];
    out.push(`${dryRun ? "试导入（未写入）" : "已导入"}《${parsed.plan.title}》：${parsed.sections.length}个部分，${parsed.tasks.length}项任务。`);
    if (report) {
      out.push(`计划代码：${report.code}（在群里这样指明计划：${report.code} 任务1）`);
      out.push(`新增${report.created.length}项，更新${report.updated.length}项，未变${report.unchanged.length}项。`);
      if (report.missing.length) out.push(`文件中已没有的任务（保留，未删除）：${report.missing.join("、")}`);
    }
    // An operator who imports before `duban init` (no env file yet) lands in the demo database, beside the demo plan.
    if (config.demo) {
      const why = env.DATABASE_URL ? "DUBAN_DEMO=true" : "未设置 DATABASE_URL";
      const where = `${dryRun ? "正式导入时会导入到" : "已导入到"}演示数据库 ${config.databaseUrl}，与演示方案并列`;
      out.push(`注意：这是演示模式（${why}），${where}。正式部署请先运行 duban init（或设置 DATABASE_URL 和 DUBAN_DEMO=false），再导入。`);
    }
    for (const w of parsed.warnings) out.push(`警告：${w}`);
    if (document.autoNumbered.length > 0) out.push(`警告：有${document.autoNumbered.length}段用了 Word 自动编号，${AUTO_NUMBERING_HINT}`);
    print(`${out.join("\n")}\n`);
    return 0;
  },
} satisfies CliCommand;

/** Why a plan with incomplete tasks is not imported: every problem on its own line, then what to do. */
function refusal(file: string, parsed: ParsedPlan, problems: { place: string; message: string }[], document: PlanDocument, dryRun: boolean): string {
  return [
    `${file}：《${parsed.plan.title}》有${problems.length}处问题，${dryRun ? "正式导入时会被拒绝" : "未写入任何数据"}：`,
    ...problems.map((p) => `${p.place}：${p.message}`),
    ...(document.autoNumbered.length > 0 ? [`${AUTO_NUMBERING_HINT}。`] : []),
    "牵头单位决定谁来报进展、提醒发给谁，完成时限决定何时提醒、何时算逾期。请在文件中补全后重新导入；",
    "确需先导入、以后再补，加 --allow-incomplete（这些问题照样列为警告）。格式说明见 docs/plan-format.md。",
  ].join("\n");
}
