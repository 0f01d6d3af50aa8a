import { parseArgs } from "node:util";
import type { ReportKind } from "../core/command.js";
import { CliError, checkYear, clockFor, planOf, withApp, writeOut, type CliCommand, print } from "./shared.js";

/** `duban report --year 2024 | --midterm | --final [--at ISO] [--out FILE.docx]`: a review document, or its data with --json. */
export default {
  name: "report",
  usage: ["report --year 2024 | --midterm | --final [--plan CODE] [--at ISO] [--out FILE.docx]"],
  async run(argv, { config }) {
    const { values } = parseArgs({
      args: argv,
      options: {
        year: { type: "string" },
        plan: { type: "string" },
        midterm: { type: "boolean", default: false },
        final: { type: "boolean", default: false },
        at: { type: "string" },
        out: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    const chosen = [values.year !== undefined, values.midterm, values.final].filter(Boolean).length;
    if (chosen !== 1) throw new CliError("report: 请选择一种报告：--year 2024、--midterm 或 --final", { usage: true });
    checkYear(values.year);
    const kind: ReportKind = values.midterm ? { kind: "midterm" } : values.final ? { kind: "final" } : { kind: "year", year: Number(values.year) };
    const clock = clockFor(values.at, config);
    return withApp(config, clock, async (app) => {
      const plan = await planOf(app, values.plan);
      if (values.json) {
        print(`${JSON.stringify(await app.reports.report(plan, kind, clock.now()), null, 2)}\n`);
        return 0;
      }
      const path = writeOut(values.out, config, await app.reports.reportFile(plan, kind, clock.now()));
      if (path !== "-") print(`已生成 ${path}\n`);
      return 0;
    });
  },
} satisfies CliCommand;
