import { parseArgs } from "node:util";
import { scorecardLines } from "../reports/text.js";
import { CliError, checkYear, clockFor, planOf, withApp, type CliCommand, print } from "./shared.js";

/** `duban scorecard [--year 2024] [--unit U] [--json] [--at ISO]`: each unit's raw figures for the yearly assessment (综合考评). */
export default {
  name: "scorecard",
  usage: ["scorecard [--plan CODE] [--year 2024] [--unit UNIT] [--at ISO] [--json]"],
  async run(argv, { config }) {
    const { values } = parseArgs({
      args: argv,
      options: {
        year: { type: "string" },
        unit: { type: "string" },
        at: { type: "string" },
        plan: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    checkYear(values.year);
    const clock = clockFor(values.at, config);
    return withApp(config, clock, async (app) => {
      const plan = await planOf(app, values.plan);
      let unit: string | null = null;
      if (values.unit !== undefined) {
        const known = app.directory.unit(values.unit);
        if (!known) throw new CliError(`没有找到单位“${values.unit}”。可选：${app.directory.units.map((u) => u.name).join("、")}`);
        unit = known.name;
      }
      const card = await app.reports.scorecard(plan, values.year === undefined ? null : Number(values.year), clock.now());
      if (values.json) {
        const rows = unit ? card.rows.filter((r) => r.unit === unit) : card.rows;
        print(`${JSON.stringify({ ...card, rows }, null, 2)}\n`);
      } else print(`${scorecardLines(card, unit ?? undefined).join("\n")}\n`);
      return 0;
    });
  },
} satisfies CliCommand;
