#!/usr/bin/env node
// The `duban` command (`npx duban …` inside the repository): runCli from the compiled dist/src/cli/index.js when
// current, else from src/cli/index.ts through tsx.
import { launch } from "./launch.js";

const { runCli } = await launch("src/cli/index");
process.exitCode = await runCli(process.argv.slice(2));
