import { parseArgs } from "node:util";
import { runDoctor } from "../ops/doctor.js";
import { CliError, type CliCommand, print } from "./shared.js";

/** `duban doctor`: one line per check; exit 1 when any fails. */
export default {
  name: "doctor",
  usage: ["doctor"],
  async run(argv, { config }) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (positionals.length) throw new CliError(`doctor: unexpected ${positionals.join(" ")}`, { usage: true });
    const checks = await runDoctor(config);
    const mark = { ok: "✓", fail: "✗", skip: "–", warn: "!" } as const;
    for (const c of checks) print(`${mark[c.status]} ${c.name}: ${c.detail}\n`);
    return checks.some((c) => c.status === "fail") ? 1 : 0;
  },
} satisfies CliCommand;
