#!/usr/bin/env node
// The `duban` command (`npx duban …` inside the repository): runCli from the compiled dist/src/cli/index.js when
// current, else from src/cli/index.ts through tsx.
import { launch } from "./launch.js";

// A reader that stops early (`duban directory | head`) closes the pipe: stop quietly, as other commands do, not
// with an EPIPE stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const { runCli } = await launch("src/cli/index");
process.exitCode = await runCli(process.argv.slice(2));
