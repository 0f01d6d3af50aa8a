import { parseArgs } from "node:util";
import { clockFor, planOf, withApp, writeOut, type CliCommand, print } from "./shared.js";

/** `duban chart [--at ISO] [--out FILE.png]`: lights by section, target progress and a burn-down, as a PNG. */
export default {
  name: "chart",
  usage: ["chart [--plan CODE] [--at ISO] [--out FILE.png]"],
  async run(argv, { config }) {
    const { values } = parseArgs({ args: argv, options: { at: { type: "string" }, plan: { type: "string" }, out: { type: "string" } } });
    const clock = clockFor(values.at, config);
    return withApp(config, clock, async (app) => {
      const plan = await planOf(app, values.plan);
      const path = writeOut(values.out, config, await app.reports.chartFile(plan, clock.now()));
      if (path !== "-") print(`已生成 ${path}\n`);
      return 0;
    });
  },
} satisfies CliCommand;
