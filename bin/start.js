#!/usr/bin/env node
// `npm start`: compiled dist/src/main.js when current, else src/main.ts through tsx.
import { launch } from "./launch.js";

await launch("src/main");
