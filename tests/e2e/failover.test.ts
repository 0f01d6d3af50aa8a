import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MatrixClient } from "matrix-bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDatabase, withPgClient } from "../../src/db/postgres.js";
import { runDoctor } from "../../src/ops/doctor.js";
import { readConfig } from "../../src/config.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres-server.js";
import { createMatrixClient, roomEvents, say, waitFor, writeDirectory, type RoomEvent } from "./matrix-fixture.js";
import { startSynapse, type Synapse, type SynapseUser } from "./synapse.js";

/**
 * Three bot processes on one PostgreSQL database and one Synapse: exactly one is active, and when it is killed
 * (SIGKILL) a standby takes over, resuming the Matrix sync and the schedule from the database. Nothing is lost and
 * nothing is sent twice: checked on the rooms' own timelines and in the database.
 */

const ROOT = join(import.meta.dirname, "../..");
const BURST = 100;

interface Instance {
  name: string;
  child: ChildProcessWithoutNullStreams;
  logs: { msg: string; time: number; [k: string]: unknown }[];
  exited: Promise<number | null>;
}

let synapse: Synapse;
let postgres: PostgresServer;
let dbUrl: string;
let users: Record<string, SynapseUser>;
let officer: MatrixClient;
let rooms: { xingzhen: string; office: string };
let dir: string;
let env: Record<string, string>;
const instances: Instance[] = [];

function start(name: string): Instance {
  const child = spawn(process.execPath, [join(ROOT, "bin/start.js")], {
    cwd: ROOT,
    env: { ...process.env, ...env, DUBAN_INSTANCE: name },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const inst: Instance = { name, child, logs: [], exited: new Promise((r) => child.once("exit", (code) => r(code))) };
  let buf = "";
  const onData = (chunk: Buffer) => {
    buf += chunk.toString("utf8");
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const entry = JSON.parse(line) as { msg: string; time: string };
        inst.logs.push({ ...entry, time: Date.parse(entry.time) });
      } catch {
        inst.logs.push({ msg: line, time: Date.now() });
      }
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  instances.push(inst);
  return inst;
}

const logged = (inst: Instance, msg: string) => inst.logs.find((l) => l.msg.startsWith(msg));
const describeLogs = () => instances.map((i) => `${i.name}:\n${i.logs.map((l) => `  ${l.msg} ${JSON.stringify(l).slice(0, 300)}`).join("\n")}`).join("\n");

/** The one instance that says it is active and has not been killed. */
async function activeInstance(timeoutMs = 60_000): Promise<Instance> {
  return waitFor(
    () => instances.find((i) => i.child.exitCode === null && i.child.signalCode === null && logged(i, "matrix transport started")),
    timeoutMs,
    `an active instance\n${describeLogs()}`,
  );
}

const botNotices = (events: RoomEvent[]) =>
  events.filter((e) => e.sender === users.bot!.userId && e.type === "m.room.message" && e.content.msgtype === "m.notice");

describe("several instances on PostgreSQL, one active, failover on SIGKILL", () => {
  beforeAll(async () => {
    [synapse, postgres] = await Promise.all([startSynapse(), startPostgres()]);
    await withPgClient(postgres.url, (c) => c.query(`CREATE DATABASE "duban_failover"`));
    dbUrl = withDatabase(postgres.url, "duban_failover");
    users = {
      bot: await synapse.registerUser("duban", { displayName: "督办" }),
      officer: await synapse.registerUser("zhang"),
      leader: await synapse.registerUser("juzhang"),
      admin: await synapse.registerUser("kejiban"),
      synapseAdmin: await synapse.registerUser("synadmin", { admin: true }),
    };
    officer = createMatrixClient(synapse.url, users.officer!.accessToken);
    const admin = createMatrixClient(synapse.url, users.admin!.accessToken);
    const bot = createMatrixClient(synapse.url, users.bot!.accessToken);
    rooms = {
      xingzhen: await officer.createRoom({ name: "刑侦大队", invite: [users.bot!.userId, users.leader!.userId] }),
      office: await admin.createRoom({ name: "科技办", invite: [users.bot!.userId] }),
    };
    // The bot is in its rooms before any instance runs: whichever becomes active finds them joined.
    await bot.joinRoom(rooms.xingzhen);
    await bot.joinRoom(rooms.office);
    await createMatrixClient(synapse.url, users.leader!.accessToken).joinRoom(rooms.xingzhen);
    dir = mkdtempSync(join(tmpdir(), "duban-failover-"));
    env = {
      CHECKPOINT_DISABLE: "1",
      DATABASE_URL: dbUrl,
      // The bundled plan, as on the demo; the directory is the test's own.
      DUBAN_DEMO: "true",
      DUBAN_DIRECTORY: writeDirectory(dir, rooms, users),
      DUBAN_RATE_LIMIT: "0",
      // A working day after the 09:00 run time: the active instance runs that day's reminders when it starts.
      DUBAN_NOW: "2024-12-31T09:00:30+08:00",
      DUBAN_FAILOVER_SECONDS: "30",
      DUBAN_EXPORT_DIR: join(dir, "exports"),
      DUBAN_EVIDENCE_DIR: join(dir, "evidence"),
      // The instances' shared crypto store in the test's own folder, not beside a database file under the repository's
      // data/ (a PostgreSQL URL has none): a store left there by an earlier run is another device's, and no instance starts.
      DUBAN_CRYPTO_STORE_DIR: join(dir, "crypto"),
      MATRIX_HOMESERVER_URL: synapse.url,
      // One account and one access token for all: a message re-sent after a takeover has the same transaction id,
      // which the homeserver deduplicates.
      MATRIX_ACCESS_TOKEN: users.bot!.accessToken,
      MATRIX_ALLOWED_INVITERS: users.admin!.userId,
      LOG_LEVEL: "info",
    };
  }, 180_000);

  afterAll(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill("SIGTERM");
    await Promise.all(instances.map((i) => Promise.race([i.exited, new Promise((r) => setTimeout(r, 10_000))])));
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill("SIGKILL");
    await synapse?.stop();
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("runs one active instance; the killed one's reminder day and burst of updates are each delivered exactly once", async () => {
    // The bot may send one message a second while the day's reminders go out: the run then lasts several seconds,
    // and the kill below lands in its middle (the transport waits out M_LIMIT_EXCEEDED).
    const synapseAdmin = createMatrixClient(synapse.url, users.synapseAdmin!.accessToken);
    const override = `/_synapse/admin/v1/users/${encodeURIComponent(users.bot!.userId)}/override_ratelimit`;
    await synapseAdmin.doRequest("POST", override, null, { messages_per_second: 1, burst_count: 1 });
    // Three at once: one gets the lock, migrates the new database and imports the plan; the others stand by.
    for (const name of ["A", "B", "C"]) start(name);
    const first = await activeInstance(90_000);
    await waitFor(() => instances.filter((i) => i !== first && logged(i, "instance standing by")).length === 2, 30_000, `two standbys\n${describeLogs()}`);
    const checks = await runDoctor(readConfig({ DATABASE_URL: dbUrl, DUBAN_DEMO: "true" }));
    expect(checks.find((c) => c.name.startsWith("实例"))?.detail).toContain(`活动实例 active: ${first.name}`);

    // --- 1. The first active instance is killed while it sends the day's reminders (or just after).
    const reminderSent = waitFor(
      async () => botNotices(await roomEvents(officer, rooms.xingzhen, 50)).find((e) => e.content.body?.startsWith("【督办提醒】")),
      60_000,
      `the first reminder\n${describeLogs()}`,
    );
    await reminderSent;
    let killedAt = Date.now();
    first.child.kill("SIGKILL");
    await first.exited;
    const second = await activeInstance();
    const takeover1 = (logged(second, "instance active")!.time as number) - killedAt;
    // The run was cut in the middle: the new active instance freed what the lost one had claimed and not sent.
    const freed = (logged(second, "instance active")!.freedClaims as { reminders: number }).reminders;
    expect(freed, describeLogs()).toBeGreaterThan(0);
    const ready1 = (logged(second, "matrix transport started")!.time as number) - killedAt;
    expect(takeover1).toBeLessThan(30_000);

    // Every notice of the day is delivered, and each unit's message is in the rooms once.
    await waitFor(
      async () => withPgClient(dbUrl, async (c) => (await c.query(`SELECT count(*)::int AS n FROM "Notice" WHERE "deliveredAt" IS NULL`)).rows[0].n === 0),
      60_000,
      `all reminders delivered\n${describeLogs()}`,
    );
    const units = await withPgClient(dbUrl, async (c) =>
      (await c.query<{ unit: string }>(`SELECT DISTINCT n."unit" FROM "Reminder" r JOIN "Notice" n ON n."id" = r."noticeId"`)).rows.map((r) => r.unit),
    );
    expect(units.length).toBeGreaterThan(1);
    const reminderHeaders = [
      ...botNotices(await roomEvents(officer, rooms.xingzhen, 500)),
      ...botNotices(await roomEvents(createMatrixClient(synapse.url, users.admin!.accessToken), rooms.office, 500)),
    ]
      .map((e) => e.content.body ?? "")
      .map((b) => b.split("\n")[0]!)
      .filter((h) => /^【督办提醒】.+ · \d{4}-\d{2}-\d{2}$|^【督办】科技办 · \d{4}-\d{2}-\d{2}$/.test(h));
    const counts = new Map<string, number>();
    for (const h of reminderHeaders) counts.set(h, (counts.get(h) ?? 0) + 1);
    expect(
      [...counts.values()].every((n) => n === 1),
      JSON.stringify([...counts]),
    ).toBe(true);
    expect(counts.size).toBe(units.length);

    // --- 2. A burst of updates, and the active instance is killed in the middle of it (the test's own rate limits again).
    await synapseAdmin.doRequest("DELETE", override);
    const sent: string[] = [];
    for (let n = 1; n <= BURST; n++) {
      sent.push(await say(officer, rooms.xingzhen, `任务6进展：故障切换测试第${n}条 ${n % 100}%`));
      if (n === BURST / 2) {
        killedAt = Date.now();
        second.child.kill("SIGKILL");
      }
    }
    await second.exited;
    const third = await activeInstance();
    const takeover2 = (logged(third, "instance active")!.time as number) - killedAt;
    const ready2 = (logged(third, "matrix transport started")!.time as number) - killedAt;
    expect(takeover2).toBeLessThan(30_000);

    // Every update is recorded exactly once.
    const recorded = await waitFor(
      async () => {
        const rows = await withPgClient(
          dbUrl,
          async (c) => (await c.query<{ eventId: string }>(`SELECT "eventId" FROM "Update" WHERE "text" LIKE '故障切换测试第%'`)).rows,
        );
        return rows.length >= BURST ? rows : null;
      },
      90_000,
      `${BURST} updates recorded\n${describeLogs()}`,
    );
    expect(recorded).toHaveLength(BURST);
    expect(new Set(recorded.map((r) => r.eventId))).toEqual(new Set(sent));

    // Every update gets exactly one ✅ and one confirmation.
    const timeline = await waitFor(
      async () => {
        const events = await roomEvents(officer, rooms.xingzhen, 1000);
        const confirmations = botNotices(events).filter((e) => sent.includes(e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id ?? ""));
        return confirmations.length >= BURST ? events : null;
      },
      90_000,
      `${BURST} confirmations\n${describeLogs()}`,
    );
    await new Promise((r) => setTimeout(r, 2000)); // anything sent twice would have arrived by now
    const events = await roomEvents(officer, rooms.xingzhen, 1000);
    expect(events.length).toBeGreaterThanOrEqual(timeline.length);
    for (const id of sent) {
      const reactions = events.filter((e) => e.type === "m.reaction" && e.sender === users.bot!.userId && e.content["m.relates_to"]?.event_id === id);
      const replies = botNotices(events).filter((e) => e.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === id);
      expect({ id, reactions: reactions.length, replies: replies.length }).toEqual({ id, reactions: 1, replies: 1 });
    }

    const after = await runDoctor(readConfig({ DATABASE_URL: dbUrl, DUBAN_DEMO: "true" }));
    expect(after.find((c) => c.name.startsWith("实例"))?.detail).toContain(`活动实例 active: ${third.name}`);
    process.stdout.write(
      `failover: takeover (SIGKILL → standby active) ${takeover1} ms and ${takeover2} ms; ` +
        `→ Matrix syncing again ${ready1} ms and ${ready2} ms (DUBAN_FAILOVER_SECONDS=30, standbys poll every 5 s); ` +
        `${freed} reminder rows claimed by the killed instance were freed and sent by the next\n`,
    );
  }, 420_000);
});
