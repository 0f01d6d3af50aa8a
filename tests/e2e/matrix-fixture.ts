import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MatrixClient } from "matrix-bot-sdk";
import { matrixTransportFor, openApp, type App } from "../../src/app.js";
import { readConfig } from "../../src/config.js";
import { type Clock, fixedClock } from "../../src/core/clock.js";
import type { Logger } from "../../src/log/logger.js";
import type { MatrixTransport, MatrixTransportOptions } from "../../src/transports/matrix.js";
import { quietLogger } from "../helpers/temp-app.js";
import { createMatrixClient, waitFor, type Synapse, type SynapseUser } from "./synapse.js";

export type RoomEvent = {
  event_id: string;
  type: string;
  sender: string;
  content: Record<string, unknown> & {
    body?: string;
    msgtype?: string;
    formatted_body?: string;
    "m.relates_to"?: { "m.in_reply_to"?: { event_id?: string }; rel_type?: string; event_id?: string; key?: string };
    "m.mentions"?: { user_ids?: string[] };
  };
};

/** The newest events of a room, oldest first. */
export async function roomEvents(client: MatrixClient, roomId: string, limit = 200): Promise<RoomEvent[]> {
  const res = (await client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, { dir: "b", limit })) as {
    chunk: RoomEvent[];
  };
  return res.chunk.reverse();
}

/** The bot's notices that reply to `eventId`. */
export async function repliesTo(client: MatrixClient, roomId: string, eventId: string, botId: string): Promise<RoomEvent[]> {
  return (await roomEvents(client, roomId)).filter(
    (e) => e.sender === botId && e.content.msgtype === "m.notice" && e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === eventId,
  );
}

/** Send a text message, retrying the test user's own rate limits. */
export async function say(client: MatrixClient, roomId: string, body: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await client.sendMessage(roomId, { msgtype: "m.text", body });
    } catch (e) {
      const err = e as { errcode?: string; retryAfterMs?: number };
      if (err.errcode !== "M_LIMIT_EXCEEDED" || i > 50) throw e;
      await new Promise((r) => setTimeout(r, err.retryAfterMs ?? 1000));
    }
  }
}

/** Wait for the bot's reply to an event and return it. */
export function replyFrom(client: MatrixClient, roomId: string, eventId: string, botId: string, timeoutMs = 30_000): Promise<RoomEvent> {
  return waitFor(async () => (await repliesTo(client, roomId, eventId, botId))[0], timeoutMs, `bot reply to ${eventId}`);
}

export interface BotUnderTest {
  app: App;
  transport: MatrixTransport;
  dir: string;
  dbUrl: string;
  env: Record<string, string>;
  /** Start a fresh transport over the same database and sync token (a restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** The directory the e2e tests use: 刑侦大队's room, the office's room, and who may invite the bot. */
export function writeDirectory(dir: string, rooms: { xingzhen: string; office: string }, users: Record<string, SynapseUser>): string {
  const file = join(dir, "directory.json");
  writeFileSync(
    file,
    JSON.stringify({
      office: "科技办",
      admins: [users.admin!.userId],
      leaders: [users.leader!.userId],
      units: [
        { name: "科技办", rooms: [rooms.office], members: [users.admin!.userId] },
        { name: "刑侦大队", aliases: ["刑侦"], rooms: [rooms.xingzhen], members: [users.officer!.userId], leaders: [users.leader!.userId] },
        { name: "指挥情报中心", rooms: [] },
        { name: "网安大队", rooms: [] },
      ],
    }),
  );
  return file;
}

/**
 * Run the real bot in-process against the homeserver: real SQLite, real transport, fixed clock (or `app.clock`, e.g. a
 * running one where the transport measures time, and `app.logger` to record what the app and transport log).
 */
export async function startBot(
  synapse: Synapse,
  bot: SynapseUser,
  directoryFile: string,
  allowed: string[],
  at = "2024-06-30T10:00:00+08:00",
  overrides: Partial<MatrixTransportOptions> = {},
  opts: { clock?: Clock; logger?: Logger } = {},
): Promise<BotUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "duban-e2e-"));
  const dbUrl = `file:${join(dir, "duban.db")}`;
  const env = {
    DATABASE_URL: dbUrl,
    // The bundled plan, as on the demo; the directory is the test's own.
    DUBAN_DEMO: "true",
    DUBAN_DIRECTORY: directoryFile,
    // The bursts below come from one officer at one fixed instant.
    DUBAN_RATE_LIMIT: "0",
    MATRIX_HOMESERVER_URL: synapse.url,
    MATRIX_ACCESS_TOKEN: bot.accessToken,
    MATRIX_ALLOWED_INVITERS: allowed.join(","),
  };
  const logger = opts.logger ?? quietLogger;
  const app = await openApp(readConfig(env), opts.clock ?? fixedClock(new Date(at)), { logger, quiet: true });
  const make = () => matrixTransportFor(app, { syncTimeoutMs: 1000, logger, ...overrides });
  const handle: BotUnderTest = {
    app,
    transport: await make(),
    dir,
    dbUrl,
    env,
    async restart() {
      await handle.transport.stop();
      handle.transport = await make();
      await handle.transport.start();
    },
    async stop() {
      await handle.transport.stop();
    },
    async dispose() {
      await handle.transport.stop();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.transport.start();
  return handle;
}

export { createMatrixClient, waitFor };
