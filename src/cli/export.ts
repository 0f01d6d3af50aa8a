import { parseArgs } from "node:util";
import { EXPORT_FORMATS, type ExportFormat } from "../core/command.js";
import { CliError, clockFor, planOf, withApp, writeOut, type CliCommand, print } from "./shared.js";

/** `duban export --format xlsx|csv|ics|json [--at ISO] [--out FILE]`: the plan's tasks, updates and scorecard as a file. */
export default {
  name: "export",
  usage: ["export [--format xlsx|csv|ics|json] [--plan CODE] [--at ISO] [--out FILE]"],
  async run(argv, { config }) {
    const { values } = parseArgs({
      args: argv,
      options: { format: { type: "string", default: "xlsx" }, at: { type: "string" }, plan: { type: "string" }, out: { type: "string" } },
    });
    const format = values.format as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new CliError(`--format: 不支持“${values.format}”，可选 ${EXPORT_FORMATS.join("、")}`);
    const clock = clockFor(values.at, config);
    return withApp(config, clock, async (app) => {
      const plan = await planOf(app, values.plan);
      const path = writeOut(values.out, config, await app.reports.exportFile(plan, format, clock.now()));
      if (path !== "-") print(`已导出 ${path}\n`);
      return 0;
    });
  },
} satisfies CliCommand;
