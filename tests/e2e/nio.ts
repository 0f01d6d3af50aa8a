/**
 * An independent end-to-end encrypted Matrix client for the tests: matrix-nio[e2e] (vodozemac) in
 * Python, one long-running process per user (tests/e2e/nio_client.py), driven over JSON lines.
 *
 *   const officer = await NioClient.start(synapse.url);
 *   await officer.login(user.userId, user.password);
 *   const { roomId } = await officer.createRoom({ name: "刑侦大队", encrypted: true, invite: [bot.userId] });
 *   await officer.waitJoined(roomId, bot.userId);
 *   const eventId = await officer.send(roomId, "任务6：完成了");
 *   const reply = await officer.waitMessage(roomId, { from: bot.userId, replyTo: eventId });
 *   await officer.close();
 *
 * nio is installed in Synapse's venv by scripts/install-synapse.sh. Each client keeps its key store in
 * its own temp folder and syncs in the background, so keys flow while the test waits. A failed
 * command rejects with nio's reason; `close()` (or the test process ending) ends the process.
 *
 * Late keys: `holdKeys(room, user)` makes the next message in the room use a new room key whose
 * to-device messages for `user` are kept back; `releaseKeys(room)` sends them, `dropKeys(room)` never does.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { synapseVenv } from "./synapse.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "nio_client.py");

/** A timeline event as the nio client sees it, decrypted when it could be. */
export interface NioEvent {
  event_id: string;
  sender: string;
  /** The decrypted event's type ("m.room.message", "m.reaction"), or "m.room.encrypted" while nio has no key. */
  type: string;
  /** True when the event came encrypted and nio decrypted it. */
  decrypted: boolean;
  body: string | null;
  msgtype: string | null;
  formatted_body: string | null;
  relates_to: { "m.in_reply_to"?: { event_id?: string }; rel_type?: string; event_id?: string; key?: string } | null;
  content: Record<string, unknown>;
}

export interface WaitMessageOptions {
  from?: string;
  contains?: string;
  replyTo?: string;
  /** Only events after this one in the room's timeline. */
  after?: string;
  /** Checked in TypeScript over the room's messages, in addition to the filters above. */
  predicate?: (e: NioEvent) => boolean;
  timeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  cmd: string;
}

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHook = false;

export class NioClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: string | undefined;
  userId = "";
  deviceId = "";

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    /** The client's temp folder: its nio store and its log (nio.log). */
    readonly dir: string,
  ) {}

  /** Start a nio client process for one user (not logged in yet). */
  static start(homeserverUrl: string): NioClient {
    const dir = mkdtempSync(join(tmpdir(), "duban-nio-"));
    const python = join(synapseVenv(), "bin", "python");
    if (!existsSync(python)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `The encrypted test client needs matrix-nio[e2e] in ${synapseVenv()}: run \`bash scripts/install-synapse.sh\` (or set DUBAN_SYNAPSE_VENV).`,
      );
    }
    const logFile = join(dir, "nio.log");
    const child = spawn(python, ["-u", SCRIPT, "--homeserver", homeserverUrl, "--store", join(dir, "store")], {
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const client = new NioClient(child, dir);
    live.add(child);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      });
    }
    const log = createWriteStream(logFile);
    child.stderr.pipe(log);
    child.on("error", (err) => client.fail(`nio client could not start (${python}): ${err.message}; run \`bash scripts/install-synapse.sh\``));
    child.on("exit", (code, signal) => {
      live.delete(child);
      client.fail(`nio client exited (${code ?? signal})`);
    });
    // A write to a process that just died: its exit handler says why.
    child.stdin.on("error", () => {});
    createInterface({ input: child.stdout }).on("line", (line) => client.onLine(line));
    return client;
  }

  private onLine(line: string): void {
    let msg: { id?: number; ok?: boolean; result?: unknown; error?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      process.stderr.write(`nio client wrote a non-protocol line: ${line}\n`);
      return;
    }
    const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
    if (!p) {
      process.stderr.write(`nio client answered an unknown request: ${line}\n`);
      return;
    }
    this.pending.delete(msg.id!);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(`nio ${p.cmd} (${this.userId || "not logged in"}): ${msg.error}`));
  }

  private fail(why: string): void {
    if (this.exited) return;
    this.exited = why;
    const tail = this.logTail();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`nio ${p.cmd}: ${why}\n${tail}`));
      this.pending.delete(id);
    }
  }

  /** The last lines of the client's stderr log, for error messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(join(this.dir, "nio.log"), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** One request, one response. Rejects with nio's error, or when the process dies or does not answer in time. */
  request<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`nio ${cmd}: ${this.exited}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`nio ${cmd} (${this.userId}): no answer within ${timeoutMs} ms\n${this.logTail()}`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, cmd });
      this.child.stdin.write(`${JSON.stringify({ id, cmd, args })}\n`);
    });
  }

  async login(userId: string, password: string): Promise<{ user_id: string; device_id: string; ed25519: string }> {
    const r = await this.request<{ user_id: string; device_id: string; ed25519: string }>("login", { user_id: userId, password }, 60_000);
    this.userId = r.user_id;
    this.deviceId = r.device_id;
    return r;
  }

  /** Create a room as Element does: encrypted from its first state (m.room.encryption), a direct chat when isDirect. */
  async createRoom(opts: { name: string; encrypted?: boolean; invite?: string[]; isDirect?: boolean }): Promise<string> {
    const r = await this.request<{ room_id: string }>(
      "create_room",
      { name: opts.name, encrypted: opts.encrypted ?? true, invite: opts.invite ?? [], is_direct: opts.isDirect ?? false },
      30_000,
    );
    return r.room_id;
  }

  async join(roomId: string): Promise<void> {
    await this.request("join", { room_id: roomId });
  }

  async waitJoined(roomId: string, userId: string, timeoutMs = 30_000): Promise<void> {
    await this.request("wait_joined", { room_id: roomId, user_id: userId, timeout_ms: timeoutMs }, timeoutMs + 10_000);
  }

  /** Send a text message (encrypted when the room is); returns its event id. */
  async send(roomId: string, body: string, replyTo?: string): Promise<string> {
    const r = await this.request<{ event_id: string }>("send", { room_id: roomId, body, ...(replyTo ? { reply_to: replyTo } : {}) }, 60_000);
    return r.event_id;
  }

  /** The room's timeline as nio has seen it since login, oldest first. */
  messages(roomId: string): Promise<NioEvent[]> {
    return this.request<NioEvent[]>("messages", { room_id: roomId });
  }

  /** Wait for an m.room.message matching the filters (and the predicate, if any). */
  async waitMessage(roomId: string, opts: WaitMessageOptions = {}): Promise<NioEvent> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const filters = {
      room_id: roomId,
      ...(opts.from ? { sender: opts.from } : {}),
      ...(opts.contains ? { contains: opts.contains } : {}),
      ...(opts.replyTo ? { reply_to: opts.replyTo } : {}),
      ...(opts.after ? { after: opts.after } : {}),
    };
    if (!opts.predicate) return this.request<NioEvent>("wait_message", { ...filters, timeout_ms: timeoutMs }, timeoutMs + 10_000);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await this.messages(roomId);
      const afterIndex = opts.after ? all.findIndex((e) => e.event_id === opts.after) : -1;
      const hit = all
        .slice(afterIndex + 1)
        .find(
          (e) =>
            e.type === "m.room.message" &&
            (!opts.from || e.sender === opts.from) &&
            (!opts.contains || (e.body ?? "").includes(opts.contains)) &&
            (!opts.replyTo || e.relates_to?.["m.in_reply_to"]?.event_id === opts.replyTo) &&
            opts.predicate!(e),
        );
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`nio waitMessage (${this.userId}): no matching message in ${roomId} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Wait for a reaction with `key` on `eventId` (the bot's ✅); in an encrypted room it must decrypt. */
  waitReaction(roomId: string, eventId: string, key: string, opts: { from?: string; timeoutMs?: number } = {}): Promise<NioEvent> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    return this.request<NioEvent>(
      "wait_reaction",
      { room_id: roomId, event_id: eventId, key, ...(opts.from ? { sender: opts.from } : {}), timeout_ms: timeoutMs },
      timeoutMs + 10_000,
    );
  }

  /** The active devices of `userId` as this client knows them (it queries keys first when it needs to). */
  devices(userId: string): Promise<{ device_id: string; ed25519: string; deleted: boolean }[]> {
    return this.request("devices", { user_id: userId });
  }

  /** From now on, the room key of the next message in `roomId` is not sent to `userId`'s devices. */
  async holdKeys(roomId: string, userId: string): Promise<void> {
    await this.request("hold_keys", { room_id: roomId, user_id: userId });
  }

  /** Send the room keys held back for `roomId`; returns how many to-device messages went out. */
  async releaseKeys(roomId: string): Promise<number> {
    return (await this.request<{ released: number }>("release_keys", { room_id: roomId })).released;
  }

  /** Forget the held room keys for good, and use a new room key for the next message. */
  async dropKeys(roomId: string): Promise<number> {
    return (await this.request<{ dropped: number }>("drop_keys", { room_id: roomId })).dropped;
  }

  /** Log out of nothing, just stop: ends the sync and the process, and removes the temp folder (unless DUBAN_KEEP_SYNAPSE_DIR). */
  async close(): Promise<void> {
    if (!this.exited) {
      await this.request("close", {}, 10_000).catch(() => {});
      const gone = new Promise<void>((r) => (this.child.exitCode !== null || this.child.signalCode !== null ? r() : this.child.once("exit", () => r())));
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      this.child.stdin.end();
      await gone;
      clearTimeout(timer);
    }
    if (!process.env.DUBAN_KEEP_SYNAPSE_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** An event as the homeserver stored it (Synapse's `event_json` table). */
export interface ServerEvent {
  event_id: string;
  room_id: string;
  type: string;
  json: string;
}

/** Every event the homeserver's own database holds for these rooms (a Synapse the harness started). */
export function serverEvents(synapseDir: string, roomIds: string[]): ServerEvent[] {
  const db = new Database(join(synapseDir, "homeserver.db"), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(`SELECT event_id, room_id, json FROM event_json WHERE room_id IN (${roomIds.map(() => "?").join(",")}) ORDER BY rowid`)
      .all(...roomIds) as { event_id: string; room_id: string; json: string }[];
    return rows.map((r) => ({ ...r, type: (JSON.parse(r.json) as { type: string }).type }));
  } finally {
    db.close();
  }
}

/**
 * The homeserver's database files (homeserver.db and its journal) that contain `text`, as UTF-8 or as a JSON
 * string escape: a byte search, so no table or index is overlooked.
 */
export function serverFilesContaining(synapseDir: string, text: string): string[] {
  const needles = [Buffer.from(text, "utf8"), Buffer.from(JSON.stringify(text).slice(1, -1), "utf8")];
  const asciiEscaped = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  needles.push(Buffer.from(asciiEscaped, "utf8"));
  return readdirSync(synapseDir)
    .filter((f) => f.startsWith("homeserver.db"))
    .filter((f) => {
      const bytes = readFileSync(join(synapseDir, f));
      return needles.some((n) => bytes.includes(n));
    });
}
