#!/usr/bin/env node
// The `duban` command (`npx duban …` inside the repository): runs src/cli.ts through tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
