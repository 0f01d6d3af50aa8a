/**
 * The import rules of the house (docs/architecture.md, issue 21): which room may import which.
 * tests/architecture.test.ts runs them on src/ and commands/ (and on a small fixture tree, to show they bite);
 * by hand: `npx depcruise --config .dependency-cruiser.cjs src commands`.
 *
 * Type-only imports count (`tsPreCompilationDeps: true`): a type from the database in the core ties the core to
 * the database as surely as a value does. Paths are relative to the folder cruised from (the repository, or the
 * fixture's root), so patterns are anchored with ^; packages are matched by their resolved path, which runs
 * through a node_modules folder wherever that is.
 */

/** The database: our adapters and generated client, Prisma, and the SQLite and PostgreSQL drivers. */
const DATABASE = ["^src/db/", "^src/generated/", "(^|/)node_modules/(@prisma/|\\.prisma/|prisma/|better-sqlite3/|pg/|@types/(better-sqlite3|pg)/)"];

/** The database and the repositories over it: what only the wiring (main.ts, app.ts, the CLI) and src/ops may reach. */
const STORAGE = ["^src/repositories/", ...DATABASE];

module.exports = {
  forbidden: [
    {
      name: "core-stays-inside",
      comment:
        "The core (src/core) knows no transport, repository, database or report code: " +
        "it declares ports (Repositories, ReportsPort…) and the wiring (src/app.ts) hands it their implementations.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: ["^src/transports/", "^src/reports/", ...STORAGE] },
    },
    {
      name: "commands-through-ports",
      comment:
        "Commands, reminders and the scheduler reach storage only through the core's ports (ctx.repos, the Repositories " +
        "interfaces), never a repository or the database itself.",
      severity: "error",
      from: { path: ["^commands/", "^src/reminders/", "^src/schedule/"] },
      to: { path: STORAGE },
    },
    {
      name: "transports-no-storage",
      comment:
        "A transport knows its chat protocol and the core's types: no repository, no database " +
        "(the wiring hands it a group-commit function and the core's SettingsStore port).",
      severity: "error",
      from: { path: "^src/transports/" },
      to: { path: STORAGE },
    },
    {
      name: "no-circular",
      comment: "No module reaches itself through its imports, type-only imports included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "resolvable",
      comment: "Every import resolves to a file: one the cruiser cannot resolve is invisible to the rules above.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // The generated Prisma client is a target of the rules, not a subject: it is not ours and it imports itself in circles.
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    // Keep type-only imports (`import type`, `import("pg").Client`): without it 545 of the 718 imports are seen.
    // An import written `./x.js` resolves to `./x.ts` with no further option (dependency-cruiser does what
    // TypeScript's NodeNext resolution does); the rule "resolvable" fails if that ever stops.
    tsPreCompilationDeps: true,
    // Package subpaths resolve through their `exports` map, for require() as for import (opencc-js/t2cn).
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["require", "node", "default"] },
  },
};
