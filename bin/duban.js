#!/usr/bin/env node
// The `duban` command (`npx duban …` inside the repository): compiled dist/src/cli.js when current, else src/cli.ts through tsx.
import { launch } from "./launch.js";

await launch("src/cli");
