import { defineConfig } from "vitest/config";

/**
 * Test files that also run against a real PostgreSQL (the "postgres" project): the core, the repositories behind
 * it (on PostgreSQL every repository goes through Prisma), reminders, plans, review, the audit trail and moving
 * data over. Files about SQLite itself (its files, its hand-written SQL, backups) run on SQLite only.
 */
export const POSTGRES_TESTS = [
  "tests/core.test.ts",
  "tests/reminders.test.ts",
  "tests/reminder-sweep.test.ts",
  "tests/notice-upgrade.test.ts",
  "tests/plans.test.ts",
  "tests/review.test.ts",
  "tests/targets.test.ts",
  "tests/permissions.test.ts",
  "tests/confirm.test.ts",
  "tests/digest.test.ts",
  "tests/schedule.test.ts",
  "tests/audit.test.ts",
  "tests/postgres.test.ts",
  "tests/plan-state.property.test.ts",
  "tests/init.test.ts",
  "tests/room-members.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // SQLite files, PostgreSQL and Synapse are real; keep parallelism within the 2-core CI machine.
    maxWorkers: 2,
    // The tests run on the demo (the bundled plan in every new database, the demo directory) unless one says otherwise:
    // a test database has a DATABASE_URL, which alone would mean production mode. Tests of production set DUBAN_DEMO=false.
    env: { CHECKPOINT_DISABLE: "1", TZ: "UTC", DUBAN_DEMO: "true" },
    projects: [
      {
        extends: true,
        test: { name: "sqlite", include: ["tests/**/*.test.ts"], exclude: ["tests/postgres.test.ts"], globalSetup: ["tests/e2e/global-setup.ts"] },
      },
      {
        extends: true,
        // In Beijing time, unlike the sqlite project: a timestamp read as local time instead of UTC would show.
        test: {
          name: "postgres",
          include: POSTGRES_TESTS,
          globalSetup: ["tests/postgres-setup.ts"],
          env: { CHECKPOINT_DISABLE: "1", TZ: "Asia/Shanghai", DUBAN_TEST_DB: "postgres", DUBAN_DEMO: "true" },
        },
      },
    ],
  },
});
