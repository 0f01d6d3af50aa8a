/**
 * Matrix latency on a real Synapse (issue 11): from an officer's update to the bot's ✅ reaction,
 * for duban and, in the same run, for a bare matrix-bot-sdk echo bot on the same homeserver, and
 * for duban in an end-to-end encrypted room (issue 24).
 *
 *   CHECKPOINT_DISABLE=1 npx tsx bench/matrix.ts [--samples 30] [--warmup 3] [--gap-ms 100] [--json]
 *   npm run bench -- --matrix          (runs `node --import tsx bench/matrix.ts <args>`)
 *
 * One sample: the officer's client takes performance.now() just before its
 * `PUT /rooms/{room}/send/m.room.message/{txn}`; the sample ends when its own `/sync` long-poll
 * (filtered to that room, timeout 30 s, never sleep-polled) returns the bot's `m.reaction` "✅"
 * whose `m.relates_to.event_id` is that message. Before each sample the officer's sync is caught
 * up: a request is in flight with the newest `since`. Duban, the echo bot and encrypted duban
 * alternate (duban i, echo i, encrypted i), after 3 warm-up samples each that are not counted. A
 * sample without its ✅ within 30 s makes the run fail; no figure is ever made up.
 *
 * The encrypted leg: the same officer, from a second device whose OlmMachine (memory store) lives in
 * this process (bench/officer-crypto.ts), sends `m.room.encrypted` to a room created encrypted; the
 * bot decrypts, reacts and replies encrypted, as in production. The officer encrypts its message
 * (and shares its room key) before t0, and the sample ends at the /sync response that carried the
 * bot's encrypted ✅, taken before the officer processes the batch; the officer's decrypting comes
 * after, and a ✅ whose room key came only in a later batch is timed at that later batch. So the
 * figure holds the bot's decrypting, encrypting (key sharing included) and sending, and none of the
 * officer's crypto work. Every ✅ counted is checked to decrypt to the ✅ annotation of that message.
 *
 * Synapse comes from tests/e2e/synapse.ts (or DUBAN_TEST_HOMESERVER_URL); duban runs in this
 * process over a temporary SQLite file with a fixed clock (2024-06-30 10:00 Asia/Shanghai) and
 * DUBAN_RATE_LIMIT=0. With --json the table goes to stderr and the last stdout line is one JSON object.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MatrixClient, SimpleFsStorageProvider } from "matrix-bot-sdk";
import { OfficerCrypto, type SyncCrypto } from "./officer-crypto.js";
import { matrixTransportFor, openApp, type App } from "../src/app.js";
import type { Logger } from "../src/log/logger.js";
import { fixedClock } from "../src/core/clock.js";
import { readConfig } from "../src/config.js";
import type { MatrixTransport } from "../src/transports/matrix.js";
import { startSynapse, uniqueLocalpart, waitFor, type Synapse, type SynapseUser } from "../tests/e2e/synapse.js";

const { values: args } = parseArgs({
  options: {
    samples: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    "gap-ms": { type: "string", default: "100" },
    json: { type: "boolean", default: false },
  },
  allowPositionals: false,
});
const SAMPLES = Number(args.samples);
const WARMUP = Number(args.warmup);
const GAP_MS = Number(args["gap-ms"]);
const JSON_OUT = args.json!;
for (const [name, v, min] of [
  ["--samples", SAMPLES, 1],
  ["--warmup", WARMUP, 0],
  ["--gap-ms", GAP_MS, 0],
] as const) {
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}`);
}

/** The bot's instant: inside the plan, never the wall clock. */
const AT = "2024-06-30T10:00:00+08:00";
/** A sample whose ✅ has not come back by then fails the run. */
const SAMPLE_TIMEOUT_MS = 30_000;
/** Long-poll timeout of every /sync here: the officer's, duban's (its production default) and the echo bot's (the SDK default). */
const SYNC_TIMEOUT_MS = 30_000;
const GOAL = 1.2;
const CHECK = "✅";

const progress = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// The officer's side: a hand-written /sync long-poll loop for one room, and a raw PUT to send

type SyncEvent = {
  event_id: string;
  type: string;
  sender: string;
  content: {
    msgtype?: string;
    "m.relates_to"?: { rel_type?: string; event_id?: string; key?: string; "m.in_reply_to"?: { event_id?: string } };
  };
};
type SyncBody = SyncCrypto & { next_batch: string; rooms?: { join?: Record<string, { timeline?: { limited?: boolean; events?: SyncEvent[] } }> } };

/** The clear `m.relates_to` of an event: an encrypted event's decrypted content carries none (it stays outside). */
type Relation = NonNullable<SyncEvent["content"]["m.relates_to"]>;

/**
 * Long-polls `/sync` for one room and notes, with performance.now() as the response is parsed,
 * when the bot's ✅ annotation (and its reply notice) to each event arrived. With `crypto`, the
 * officer's device: each batch's to-device messages go to it after the time is taken, and the
 * bot's `m.room.encrypted` events are decrypted then (one whose key has not come yet waits for a
 * later batch, and takes that batch's time).
 */
class RoomWatcher {
  private since = "";
  private inFlight = false;
  private stopped = false;
  private error: Error | null = null;
  private readonly abort = new AbortController();
  private readonly filter: string;
  private readonly reactions = new Map<string, number>();
  private readonly replies = new Map<string, number>();
  private readonly waiters = new Set<{ check: () => boolean; reject: (e: Error) => void }>();
  private loop: Promise<void> = Promise.resolve();
  /** The bot's encrypted events not decrypted yet (their room key has not come). */
  private undecrypted: SyncEvent[] = [];
  /** The bot's ✅ events as they were on the server, for the check that they were encrypted. */
  readonly reactionTypes = new Map<string, string>();

  constructor(
    private readonly url: string,
    private readonly token: string,
    readonly roomId: string,
    private readonly botId: string,
    private readonly crypto?: OfficerCrypto,
  ) {
    // Only this room's timeline: no presence, account data, receipts or typing.
    this.filter = JSON.stringify({
      presence: { not_types: ["*"] },
      account_data: { not_types: ["*"] },
      room: {
        rooms: [roomId],
        timeline: { limit: 100 },
        state: { lazy_load_members: true },
        ephemeral: { not_types: ["*"] },
        account_data: { not_types: ["*"] },
      },
    });
  }

  /** An initial sync (timeout 0) for the starting token, then the long-poll loop. */
  async start(): Promise<void> {
    this.since = (await this.sync(null, 0)).next_batch;
    this.loop = this.run();
  }

  private async sync(since: string | null, timeout: number): Promise<SyncBody> {
    const q = new URLSearchParams({ filter: this.filter, timeout: String(timeout) });
    if (since) q.set("since", since);
    const res = await fetch(`${this.url}/_matrix/client/v3/sync?${q}`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal: this.abort.signal,
    });
    const body = (await res.json()) as SyncBody & { errcode?: string; error?: string };
    if (!res.ok) throw new Error(`officer /sync failed: ${res.status} ${body.errcode ?? ""} ${body.error ?? ""}`);
    return body;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let body: SyncBody;
      this.inFlight = true;
      this.notify();
      try {
        body = await this.sync(this.since, SYNC_TIMEOUT_MS);
      } catch (e) {
        this.inFlight = false;
        if (this.stopped) return;
        return this.fail(e instanceof Error ? e : new Error(String(e)));
      }
      const at = performance.now();
      this.inFlight = false;
      const room = body.rooms?.join?.[this.roomId];
      if (room?.timeline?.limited) return this.fail(new Error(`officer /sync of ${this.roomId} came back limited: events were skipped`));
      try {
        if (this.crypto) await this.crypto.onSync(body);
        const bots = (room?.timeline?.events ?? []).filter((e) => e.sender === this.botId);
        for (const e of [...this.undecrypted.splice(0), ...bots]) {
          if (e.type !== "m.room.encrypted" || !this.crypto) {
            this.note(e.type, e.type, e.content["m.relates_to"], at);
            continue;
          }
          const clear = await this.crypto.decrypt(this.roomId, e).catch(() => null);
          if (!clear) this.undecrypted.push(e);
          // The relation stays outside the encryption (as Element reads it); the key and type are inside.
          else this.note(e.type, clear.type, (clear.content["m.relates_to"] as Relation | undefined) ?? e.content["m.relates_to"], at);
        }
      } catch (e) {
        return this.fail(e instanceof Error ? e : new Error(String(e)));
      }
      this.since = body.next_batch;
      this.notify();
    }
  }

  /** A bot event (its type on the server, its clear type and relation) that arrived at `at`. */
  private note(serverType: string, type: string, rel: Relation | undefined, at: number): void {
    if (type === "m.reaction" && rel?.rel_type === "m.annotation" && rel.key === CHECK && rel.event_id && !this.reactions.has(rel.event_id)) {
      this.reactions.set(rel.event_id, at);
      this.reactionTypes.set(rel.event_id, serverType);
    }
    const replyTo = rel?.["m.in_reply_to"]?.event_id;
    if (type === "m.room.message" && replyTo && !this.replies.has(replyTo)) this.replies.set(replyTo, at);
  }

  private notify(): void {
    for (const w of this.waiters) if (w.check()) this.waiters.delete(w);
  }

  private fail(e: Error): void {
    this.error = e;
    for (const w of this.waiters) w.reject(e);
    this.waiters.clear();
  }

  private until<T>(what: string, value: () => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.error) return reject(this.error);
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${what} did not arrive within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        check: () => {
          const v = value();
          if (v === undefined) return false;
          clearTimeout(timer);
          resolve(v);
          return true;
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      if (!waiter.check()) this.waiters.add(waiter);
    });
  }

  /** Resolves once a /sync is in flight with the newest `since` (nothing received is left unprocessed). */
  caughtUp(): Promise<true> {
    return this.until(`a caught-up /sync of ${this.roomId}`, () => (this.inFlight ? true : undefined), SAMPLE_TIMEOUT_MS);
  }

  /** performance.now() of the /sync response that carried the bot's ✅ on `eventId`. */
  reaction(eventId: string): Promise<number> {
    return this.until(`the ${CHECK} reaction to ${eventId} in ${this.roomId}`, () => this.reactions.get(eventId), SAMPLE_TIMEOUT_MS);
  }

  /** performance.now() of the /sync response that carried the bot's reply notice to `eventId`. */
  reply(eventId: string): Promise<number> {
    return this.until(`the reply to ${eventId} in ${this.roomId}`, () => this.replies.get(eventId), SAMPLE_TIMEOUT_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop.catch(() => undefined);
  }
}

let txnCounter = 0;

/**
 * Send the officer's message with a raw PUT; t0 is taken just before the request. With `crypto`, the message is
 * encrypted (and the room key shared) first, outside the measured time.
 */
async function put(
  url: string,
  token: string,
  roomId: string,
  body: string,
  crypto?: { officer: OfficerCrypto; members: string[] },
): Promise<{ eventId: string; t0: number }> {
  const txn = `bench-${process.pid}-${Date.now()}-${++txnCounter}`;
  const clear = { msgtype: "m.text", body };
  const [type, content] = crypto
    ? ["m.room.encrypted", await crypto.officer.encrypt(roomId, "m.room.message", clear, crypto.members)]
    : ["m.room.message", clear];
  const endpoint = `${url}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${type}/${txn}`;
  const init = {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(content),
  };
  const t0 = performance.now();
  const res = await fetch(endpoint, init);
  const json = (await res.json()) as { event_id?: string; errcode?: string; error?: string };
  // A rate-limited send would be a slow sample for the wrong reason: stop instead.
  if (!res.ok || !json.event_id) throw new Error(`officer's send failed: ${res.status} ${json.errcode ?? ""} ${json.error ?? ""}`);
  return { eventId: json.event_id, t0 };
}

// ---------------------------------------------------------------------------
// Figures

type Figures = { p50: number; p90: number; min: number; max: number; all: number[] };

/** Percentile with linear interpolation between closest ranks. */
function percentile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const round = (x: number) => Math.round(x * 100) / 100;

function figures(all: number[]): Figures {
  const s = [...all].sort((a, b) => a - b);
  return { p50: round(percentile(s, 0.5)), p90: round(percentile(s, 0.9)), min: round(s[0]!), max: round(s[s.length - 1]!), all: all.map(round) };
}

// ---------------------------------------------------------------------------
// Setup

function writeDirectory(file: string, rooms: string[], users: { admin: SynapseUser; leader: SynapseUser; officer: SynapseUser }): void {
  // As in tests/e2e/matrix-fixture.ts: the officer belongs to 刑侦大队 (a lead unit of task 6), whose rooms are the measured ones.
  writeFileSync(
    file,
    JSON.stringify({
      office: "科技办",
      admins: [users.admin.userId],
      leaders: [users.leader.userId],
      units: [
        { name: "科技办", rooms: [], members: [users.admin.userId] },
        { name: "刑侦大队", aliases: ["刑侦"], rooms, members: [users.officer.userId], leaders: [users.leader.userId] },
        { name: "指挥情报中心", rooms: [] },
        { name: "网安大队", rooms: [] },
      ],
    }),
  );
}

/** Duban's errors are collected: any of them fails the run. */
const dubanErrors: string[] = [];
const dubanLogger: Logger = {
  info() {},
  warn() {},
  error(msg, ctx) {
    dubanErrors.push(`${msg} ${JSON.stringify(ctx)}`);
  },
};

// ---------------------------------------------------------------------------
// Main

interface Result {
  samples: number;
  warmup: number;
  duban: Figures;
  echo: Figures;
  /** Informational: from the send to the /sync that carried duban's reply notice. */
  dubanReply: Figures;
  /** Duban in an encrypted room (see the header for what the figure holds). */
  dubanEncrypted: Figures;
  dubanEncryptedReply: Figures;
  ratio: number;
  /** dubanEncrypted p50 ÷ duban p50: what encryption adds to the same bot in the same run. */
  encryptedRatio: number;
  goal: number;
  machine: { cpu: string; cores: number; node: string };
  homeserver: string;
}

async function main(): Promise<Result> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-matrix-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    progress("starting Synapse…");
    const synapse: Synapse = await startSynapse();
    cleanups.push(() => synapse.stop());
    progress(`Synapse at ${synapse.url}${synapse.external ? " (external)" : ` (up in ${synapse.startupMs} ms)`}`);
    const reg = (p: string, displayName?: string) => synapse.registerUser(uniqueLocalpart(p), displayName ? { displayName } : {});
    const users = {
      bot: await reg("duban", "督办"),
      echo: await reg("echo"),
      officer: await reg("zhang"),
      leader: await reg("juzhang"),
      admin: await reg("kejiban"),
    };
    const url = synapse.url;
    const officerToken = users.officer.accessToken;
    const asUser = (u: SynapseUser) => new MatrixClient(url, u.accessToken);
    const officer = asUser(users.officer);
    const leader = asUser(users.leader);

    // Two rooms of three members each: officer + bot + leader (a group room, as in the e2e fixture).
    const dubanRoom = await officer.createRoom({ name: "刑侦大队", invite: [users.bot.userId, users.leader.userId] });
    const echoRoom = await officer.createRoom({ name: "echo", invite: [users.echo.userId, users.leader.userId] });
    // The third, encrypted from its creation as Element makes a private room.
    const encryptedRoom = await officer.createRoom({
      name: "刑侦大队（加密）",
      invite: [users.bot.userId, users.leader.userId],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    for (const room of [dubanRoom, echoRoom, encryptedRoom]) await leader.joinRoom(room);

    // The officer's second device, with keys: the one that sends in the encrypted room.
    const login = await fetch(`${url}/_matrix/client/v3/login`, {
      method: "POST",
      body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: users.officer.localpart }, password: users.officer.password }),
    });
    const device = (await login.json()) as { access_token?: string; device_id?: string };
    if (!device.access_token || !device.device_id) throw new Error(`the officer's second login failed: ${login.status} ${JSON.stringify(device)}`);
    const e2eToken = device.access_token;

    // Duban: the real app and Matrix transport, as tests/e2e/matrix-fixture.ts starts them (encryption on, the default).
    const directoryFile = join(dir, "directory.json");
    writeDirectory(directoryFile, [dubanRoom, encryptedRoom], users);
    const env = {
      DATABASE_URL: `file:${join(dir, "duban.db")}`,
      DUBAN_DEMO: "true",
      DUBAN_DIRECTORY: directoryFile,
      DUBAN_RATE_LIMIT: "0",
      MATRIX_HOMESERVER_URL: url,
      MATRIX_ACCESS_TOKEN: users.bot.accessToken,
      MATRIX_ALLOWED_INVITERS: users.officer.userId,
    };
    const app: App = await openApp(readConfig(env), fixedClock(new Date(AT)), { logger: dubanLogger, quiet: true });
    cleanups.push(() => app.close());
    const transport: MatrixTransport = await matrixTransportFor(app, { syncTimeoutMs: SYNC_TIMEOUT_MS, logger: dubanLogger });
    cleanups.push(() => transport.stop());
    await transport.start();
    await transport.synced;
    await waitFor(
      async () => {
        const joined = await transport.client.getJoinedRooms();
        return joined.includes(dubanRoom) && joined.includes(encryptedRoom);
      },
      30_000,
      "duban joined its rooms",
    );
    const officerCrypto = await OfficerCrypto.open(url, e2eToken, users.officer.userId, device.device_id);
    cleanups.push(() => officerCrypto.close());
    const encryptedMembers = [users.officer.userId, users.bot.userId, users.leader.userId];

    // The echo bot: bare matrix-bot-sdk, ✅ on every message from someone else, the same payload as duban's react().
    const echo = new MatrixClient(url, users.echo.accessToken, new SimpleFsStorageProvider(join(dir, "echo-sync.json")));
    echo.syncingTimeout = SYNC_TIMEOUT_MS;
    const echoErrors: string[] = [];
    echo.on("room.message", (roomId: string, event: { event_id: string; sender: string }) => {
      if (event.sender === users.echo.userId) return;
      echo
        .sendEvent(roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: event.event_id, key: CHECK } })
        .catch((e: unknown) => echoErrors.push(e instanceof Error ? e.message : String(e)));
    });
    await echo.joinRoom(echoRoom);
    await echo.start();
    cleanups.push(() => echo.stop());

    const watchers = {
      duban: new RoomWatcher(url, officerToken, dubanRoom, users.bot.userId),
      echo: new RoomWatcher(url, officerToken, echoRoom, users.echo.userId),
      encrypted: new RoomWatcher(url, e2eToken, encryptedRoom, users.bot.userId, officerCrypto),
    };
    for (const w of Object.values(watchers)) {
      await w.start();
      cleanups.push(() => w.stop());
    }

    const one = async (bot: "duban" | "echo" | "encrypted", text: string): Promise<{ ms: number; replyMs?: number }> => {
      const w = watchers[bot];
      await w.caughtUp();
      const { eventId, t0 } =
        bot === "encrypted"
          ? await put(url, e2eToken, w.roomId, text, { officer: officerCrypto, members: encryptedMembers })
          : await put(url, officerToken, w.roomId, text);
      const at = await w.reaction(eventId);
      const sent = w.reactionTypes.get(eventId);
      if (bot === "encrypted" && sent !== "m.room.encrypted") throw new Error(`duban's ✅ in the encrypted room came as ${sent}, not encrypted`);
      // duban also answers in text (the ✅ goes first); waiting for it keeps that send out of the next sample.
      if (bot === "echo") return { ms: at - t0 };
      const reply = await w.reply(eventId);
      return { ms: at - t0, replyMs: reply - t0 };
    };

    const results = { duban: [] as number[], echo: [] as number[], dubanReply: [] as number[], encrypted: [] as number[], encryptedReply: [] as number[] };
    const total = WARMUP + SAMPLES;
    progress(`${WARMUP} warm-up + ${SAMPLES} samples per bot, alternating duban / echo / duban in the encrypted room…`);
    for (let i = 0; i < total; i++) {
      const warm = i < WARMUP;
      const n = warm ? i + 1 : i - WARMUP + 1;
      const text = warm ? `任务6进展：延迟测试预热第${n}次 60%` : `任务6进展：延迟测试第${n}次 60%`;
      await sleep(GAP_MS);
      const d = await one("duban", text);
      await sleep(GAP_MS);
      const e = await one("echo", text);
      await sleep(GAP_MS);
      const x = await one("encrypted", warm ? `任务6进展：加密延迟测试预热第${n}次 60%` : `任务6进展：加密延迟测试第${n}次 60%`);
      if (!warm) {
        results.duban.push(d.ms);
        results.echo.push(e.ms);
        results.encrypted.push(x.ms);
        if (d.replyMs !== undefined) results.dubanReply.push(d.replyMs);
        if (x.replyMs !== undefined) results.encryptedReply.push(x.replyMs);
      }
      progress(
        `  ${warm ? "warm-up" : "sample"} ${n}: duban ${d.ms.toFixed(1)} ms (reply ${d.replyMs?.toFixed(1) ?? "none"}), echo ${e.ms.toFixed(1)} ms, ` +
          `encrypted ${x.ms.toFixed(1)} ms (reply ${x.replyMs?.toFixed(1) ?? "none"})`,
      );
    }

    // Every update must really be recorded, and neither bot may have failed along the way.
    const stored = await app.db.update.count({ where: { text: { contains: "延迟测试" } } });
    if (stored !== 2 * total) throw new Error(`duban recorded ${stored} of the ${2 * total} updates`);
    if (dubanErrors.length) throw new Error(`duban logged errors during the run:\n${dubanErrors.join("\n")}`);
    if (echoErrors.length) throw new Error(`the echo bot failed to react:\n${echoErrors.join("\n")}`);
    if (results.dubanReply.length !== SAMPLES) throw new Error(`duban's reply notice came back for ${results.dubanReply.length} of ${SAMPLES} samples`);
    if (results.encryptedReply.length !== SAMPLES)
      throw new Error(`duban's encrypted reply came back for ${results.encryptedReply.length} of ${SAMPLES} samples`);

    const duban = figures(results.duban);
    const echoFig = figures(results.echo);
    const encrypted = figures(results.encrypted);
    return {
      samples: SAMPLES,
      warmup: WARMUP,
      duban,
      echo: echoFig,
      dubanReply: figures(results.dubanReply),
      dubanEncrypted: encrypted,
      dubanEncryptedReply: figures(results.encryptedReply),
      ratio: round(duban.p50 / echoFig.p50),
      encryptedRatio: round(encrypted.p50 / duban.p50),
      goal: GOAL,
      machine: { cpu: cpus()[0]?.model ?? "?", cores: cpus().length, node: process.version },
      homeserver: synapse.external ? "external" : "synapse (tests/e2e/synapse.ts)",
    };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        progress(`clean-up: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}

function table(r: Result): string {
  const row = (cells: (string | number)[]) => cells.map((c, i) => (i === 0 ? String(c).padEnd(22) : String(c).padStart(9))).join(" ");
  const f = (x: number) => x.toFixed(1);
  const line = (name: string, x: Figures) => row([name, x.all.length, f(x.p50), f(x.p90), f(x.min), f(x.max)]);
  return [
    `machine: ${r.machine.cpu}, ${r.machine.cores} cores, node ${r.machine.node}; ${r.homeserver}`,
    "",
    row(["bot", "samples", "p50 ms", "p90 ms", "min ms", "max ms"]),
    line("duban", r.duban),
    line("echo (matrix-bot-sdk)", r.echo),
    line("(duban reply notice)", r.dubanReply),
    line("duban, encrypted room", r.dubanEncrypted),
    line("(encrypted reply)", r.dubanEncryptedReply),
    "",
    `duban p50 ÷ echo p50 = ${r.ratio.toFixed(2)}× (goal ≤ ${GOAL}×)`,
    `duban encrypted p50 ÷ duban unencrypted p50 = ${r.encryptedRatio.toFixed(2)}×`,
  ].join("\n");
}

// Ctrl-C: exit through the 'exit' hooks, which kill Synapse (tests/e2e/synapse.ts).
process.on("SIGINT", () => process.exit(130));

let code = 0;
try {
  const r = await main();
  if (JSON_OUT) {
    progress(table(r));
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    process.stdout.write(`${table(r)}\n`);
  }
} catch (e) {
  progress(`bench/matrix.ts failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  code = 1;
}
// The SDK's stopped clients may still hold a long-poll open; do not wait for it.
process.stdout.write("", () => process.exit(code));
