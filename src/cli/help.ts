import type { CliCommand } from "./shared.js";

/** `duban help` (`--help`, `-h`): the usage text, exit 0. */
export default {
  name: "help",
  aliases: ["--help", "-h"],
  usage: [],
  async run(_argv, { usage }) {
    process.stdout.write(`${usage}\n`);
    return 0;
  },
} satisfies CliCommand;
