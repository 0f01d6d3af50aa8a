// `node --import ./tests/helpers/log-imports.mjs …`: appends every module URL the process imports, one a line, to the
// file named by DUBAN_TEST_IMPORT_LOG, so a test can see what a command loaded (tests/startup-cost.test.ts) without
// timing it. ESM imports go through the resolve hook (registered here, run in Node's hooks thread); CommonJS
// requires are listed from require.cache when the process exits.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { isMainThread } from "node:worker_threads";

let log = null;

/** The hooks thread's side: told the file by register's data. */
export function initialize(data) {
  log = data.file;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}

if (isMainThread && process.env.DUBAN_TEST_IMPORT_LOG) {
  const file = process.env.DUBAN_TEST_IMPORT_LOG;
  register(import.meta.url, { data: { file } });
  const require = createRequire(import.meta.url);
  process.on("exit", () => appendFileSync(file, `${Object.keys(require.cache).join("\n")}\n`));
}
