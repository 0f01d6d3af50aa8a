import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** One id per test run, so that test files can share what one of them built (the offline bundle). */
    testRunId: string;
  }
}

/**
 * Provision Synapse and matrix-nio (the encrypted test client) for the Matrix end-to-end tests before any test runs, so `npm test`
 * works on a fresh machine. Fast when the venv is cached under .cache/. Fails loudly, never skips.
 */
export default function setup(project: TestProject): void {
  project.provide("testRunId", randomUUID());
  if (process.env.DUBAN_TEST_HOMESERVER_URL) return;
  const script = join(import.meta.dirname, "../../scripts/install-synapse.sh");
  const r = spawnSync("bash", [script], { stdio: "inherit" });
  if (r.status !== 0)
    throw new Error(
      `Synapse could not be provisioned for the Matrix end-to-end tests (scripts/install-synapse.sh exited ${r.status}). ` +
        "It needs python3 with venv and access to PyPI; or point DUBAN_TEST_HOMESERVER_URL and DUBAN_TEST_REGISTRATION_SECRET at a running homeserver.",
    );
}
