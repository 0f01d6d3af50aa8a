import { parseArgs } from "node:util";
import { digestLines } from "../reports/text.js";
import { clockFor, planOf, withApp, type CliCommand, print } from "./shared.js";

/** `duban digest [--at ISO] [--json]`: the weekly digest for the 7 days ending at --at (or now). */
export default {
  name: "digest",
  usage: ["digest [--plan CODE] [--at ISO] [--json]"],
  async run(argv, { config }) {
    const { values } = parseArgs({ args: argv, options: { at: { type: "string" }, plan: { type: "string" }, json: { type: "boolean", default: false } } });
    const clock = clockFor(values.at, config);
    return withApp(config, clock, async (app) => {
      const plan = await planOf(app, values.plan);
      const digest = await app.reports.digest(plan, clock.now());
      print(values.json ? `${JSON.stringify(digest, null, 2)}\n` : `${digestLines(digest).join("\n")}\n`);
      return 0;
    });
  },
} satisfies CliCommand;
