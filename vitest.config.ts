import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // SQLite files and Synapse are real; keep parallelism within the 2-core CI machine.
    maxWorkers: 2,
    env: { CHECKPOINT_DISABLE: "1", TZ: "UTC" },
  },
});
