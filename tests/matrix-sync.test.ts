import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { LogService, MatrixClient, MemoryStorageProvider } from "matrix-bot-sdk";
import { describe, expect, it } from "vitest";
import { emitSyncEvents } from "../src/transports/matrix-sync-events.js";
import { MatrixSyncLoop, type MatrixEvent, type MatrixSyncLoopOptions, type SyncResponse } from "../src/transports/matrix-sync.js";

const ev = (id: string, extra: Partial<MatrixEvent> = {}): MatrixEvent => ({
  event_id: id,
  type: "m.room.message",
  sender: "@zhang:bureau.local",
  origin_server_ts: 1,
  content: { msgtype: "m.text", body: id },
  ...extra,
});

/** A batch whose one room holds `ids`, answered from `since` with `next`. */
const batchOf = (next: string, ...ids: string[]): SyncResponse => ({
  next_batch: next,
  rooms: { join: { "!r:bureau.local": { timeline: { events: ids.map((id) => ev(id)) } } } },
});

/**
 * A fake homeserver at the loop's seam: /sync from token "tN" answers with the batch ending at "t(N+1)", holding one
 * message "mN"; past the last batch it holds the request open, as a long-poll with nothing new does.
 */
function fakeServer(batches = 3) {
  const sinces: (string | null)[] = [];
  let saved: string | null = "t0";
  const log: string[] = [];
  const fetch = (since: string | null) => {
    sinces.push(since);
    const n = Number(since?.slice(1) ?? 0);
    if (n >= batches) return new Promise<SyncResponse>(() => undefined);
    return Promise.resolve(batchOf(`t${n + 1}`, `m${n}`));
  };
  const tokens = {
    getSyncToken: () => saved,
    setSyncToken: (t: string | null) => {
      log.push(`save ${t}`);
      saved = t;
    },
  };
  return { sinces, log, fetch, tokens, saved: () => saved };
}

const base = (server: ReturnType<typeof fakeServer>, handle: MatrixSyncLoopOptions["handle"]): MatrixSyncLoopOptions => ({
  fetch: server.fetch,
  tokens: server.tokens,
  handle,
  timeoutMs: 1000,
  retryDelay: () => 1,
  fallbackDelayMs: () => 1,
});

const idsOf = (b: SyncResponse) => Object.values(b.rooms?.join ?? {}).flatMap((r) => (r.timeline?.events ?? []).map((e) => e.event_id));

const until = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe("the Matrix sync loop (MatrixSyncLoop)", () => {
  it("saves a batch's token only after the batch is handled", async () => {
    const server = fakeServer();
    const loop = new MatrixSyncLoop(
      base(server, async (b) => {
        // While a batch is handled, the saved position is still the one it was fetched from.
        server.log.push(`handle ${idsOf(b).join(",")} (saved ${server.saved()})`);
        await new Promise((r) => setTimeout(r, 5));
        server.log.push(`handled ${idsOf(b).join(",")}`);
      }),
    );
    await loop.start();
    await until(() => server.saved() === "t3");
    await loop.stop();
    expect(server.log).toEqual([
      "handle m0 (saved t0)",
      "handled m0",
      "save t1",
      "handle m1 (saved t1)",
      "handled m1",
      "save t2",
      "handle m2 (saved t2)",
      "handled m2",
      "save t3",
    ]);
    expect(server.sinces).toEqual(["t0", "t1", "t2", "t3"]);
  });

  it("fetches a failed batch again from its own token, and saves nothing of it until it is handled", async () => {
    const server = fakeServer();
    const errors: unknown[] = [];
    let failures = 2;
    const loop = new MatrixSyncLoop({
      ...base(server, async (b) => {
        if (idsOf(b).includes("m1") && failures-- > 0) throw new Error("homeserver went away mid-batch");
        server.log.push(`handled ${idsOf(b).join(",")}`);
      }),
      onError: (e) => errors.push(e),
    });
    await loop.start();
    await until(() => server.saved() === "t3");
    await loop.stop();
    expect(server.sinces).toEqual(["t0", "t1", "t1", "t1", "t2", "t3"]);
    expect(server.log).toEqual(["handled m0", "save t1", "handled m1", "save t2", "handled m2", "save t3"]);
    expect(errors).toHaveLength(2);
  });

  it("backs off by the delay the error asks for (a rate limit's retry_after_ms) before trying the same position", async () => {
    const server = fakeServer(1);
    const delays: number[] = [];
    let limited = true;
    const loop = new MatrixSyncLoop({
      ...base(server, async () => undefined),
      fetch: (since) => {
        if (!limited) return server.fetch(since);
        limited = false;
        server.sinces.push(since);
        return Promise.reject(Object.assign(new Error("M_LIMIT_EXCEEDED"), { retryAfterMs: 30 }));
      },
      retryDelay: (e) => (e as { retryAfterMs?: number }).retryAfterMs ?? null,
      onError: (_e, ms) => delays.push(ms),
    });
    const t0 = Date.now();
    await loop.start();
    await loop.synced;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(delays).toEqual([30]);
    // Refused once, then the same position again; then the long-poll after it.
    expect(server.sinces).toEqual(["t0", "t0", "t1"]);
    await loop.stop();
  });

  it("hands the encryption hook a batch's to-device events, device lists and key counts before its room events", async () => {
    const order: string[] = [];
    const toDevice = { type: "m.room_key", sender: "@zhang:bureau.local", content: { algorithm: "m.megolm.v1.aes-sha2" } };
    const batch: SyncResponse = {
      ...batchOf("t1", "m0"),
      to_device: { events: [toDevice] },
      device_lists: { changed: ["@zhang:bureau.local"], left: ["@old:bureau.local"] },
      device_one_time_keys_count: { signed_curve25519: 7 },
      device_unused_fallback_key_types: ["signed_curve25519"],
    };
    const batches = [batch];
    const loop = new MatrixSyncLoop({
      fetch: () => (batches.length ? Promise.resolve(batches.shift()!) : new Promise(() => undefined)),
      tokens: { getSyncToken: () => "t0", setSyncToken: (t) => void order.push(`save ${t}`) },
      encryption: async (data) => {
        expect(data).toEqual({
          toDeviceEvents: [toDevice],
          deviceLists: { changed: ["@zhang:bureau.local"], left: ["@old:bureau.local"] },
          oneTimeKeyCounts: { signed_curve25519: 7 },
          unusedFallbackKeyTypes: ["signed_curve25519"],
        });
        await new Promise((r) => setTimeout(r, 5));
        order.push("encryption");
      },
      handle: async (b) => void order.push(`rooms ${idsOf(b).join(",")}`),
      timeoutMs: 1000,
      retryDelay: () => 1,
    });
    await loop.start();
    await loop.synced;
    await loop.stop();
    expect(order).toEqual(["encryption", "rooms m0", "save t1"]);
  });

  it("stops at once during a long-poll, and waits for the batch being handled", async () => {
    const server = fakeServer(1);
    let finish: () => void = () => undefined;
    let handling = false;
    const loop = new MatrixSyncLoop(
      base(server, async () => {
        handling = true;
        await new Promise<void>((r) => (finish = r));
      }),
    );
    await loop.start();
    await until(() => handling);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(server.saved()).toBe("t1");

    // Now the server holds the /sync open (nothing new): stop() does not wait for it.
    const idle = fakeServer(0);
    const second = new MatrixSyncLoop(base(idle, async () => undefined));
    await second.start();
    await until(() => idle.sinces.length === 1);
    const t0 = Date.now();
    await second.stop();
    expect(Date.now() - t0).toBeLessThan(50);
    expect(idle.saved()).toBe("t0");
  });

  it("resolves synced only once the first batch is handled and saved", async () => {
    const server = fakeServer(1);
    let synced = false;
    const loop = new MatrixSyncLoop(
      base(server, async () => {
        await new Promise((r) => setTimeout(r, 10));
        expect(synced).toBe(false);
      }),
    );
    void loop.synced.then(() => (synced = true));
    await loop.start();
    await loop.synced;
    expect(server.saved()).toBe("t1");
    await loop.stop();
  });
});

describe("the sync loop over HTTP, against a fake homeserver on loopback", () => {
  it("syncs through the SDK's public doRequest, saves the token after the batch, and stops without waiting out a held long-poll", async () => {
    const requests: URLSearchParams[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (url.pathname !== "/_matrix/client/v3/sync") return void res.writeHead(404).end("{}");
      requests.push(url.searchParams);
      // From t1 on nothing is new: the request is held open, as Synapse holds a long-poll.
      if (url.searchParams.get("since") === "t1") return;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(batchOf("t1", "m0")));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    LogService.muteModule("MatrixHttpClient");
    try {
      const client = new MatrixClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "token", new MemoryStorageProvider());
      const storage = client.storageProvider;
      await storage.setSyncToken("t0");
      const handled: string[] = [];
      const loop = new MatrixSyncLoop({
        fetch: (since, timeout) =>
          client.doRequest("GET", "/_matrix/client/v3/sync", { ...(since ? { since } : {}), filter: 7, timeout }, null, timeout + 30_000),
        tokens: storage,
        handle: async (b) => void handled.push(`${idsOf(b).join(",")} (saved ${await storage.getSyncToken()})`),
        timeoutMs: 30_000,
        retryDelay: () => 1,
      });
      await loop.start();
      await loop.synced;
      expect(handled).toEqual(["m0 (saved t0)"]);
      expect(await storage.getSyncToken()).toBe("t1");
      await until(() => requests.length === 2);
      expect(requests.map((q) => [q.get("since"), q.get("filter"), q.get("timeout")])).toEqual([
        ["t0", "7", "30000"],
        ["t1", "7", "30000"],
      ]);
      const t0 = Date.now();
      await loop.stop();
      expect(Date.now() - t0).toBeLessThan(100);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("walking a sync batch the way matrix-bot-sdk emits it (emitSyncEvents)", () => {
  const me = "@duban:bureau.local";
  const member = (membership: string, age: number, id = `${membership}-${age}`) =>
    ev(id, { type: "m.room.member", state_key: me, sender: "@zhang:bureau.local", content: { membership }, unsigned: { age } });

  it("emits leaves, then our newest invite, then joins and timelines, and tracks the rooms we are in", async () => {
    const batch: SyncResponse = {
      next_batch: "t1",
      account_data: { events: [ev("direct", { type: "m.direct" })] },
      rooms: {
        leave: { "!gone:b": { timeline: { events: [member("leave", 5)] } } },
        invite: { "!new:b": { invite_state: { events: [ev("name", { type: "m.room.name", state_key: "" }), member("invite", 50), member("invite", 3)] } } },
        join: {
          "!joined:b": { timeline: { events: [member("join", 9), ev("hello"), ev("tomb", { type: "m.room.tombstone", state_key: "" })] } },
          "!old:b": { timeline: { events: [member("join", 8, "rejoin"), ev("again")] } },
        },
      },
    };
    const joined = new Set(["!gone:b", "!old:b"]);
    const seen: string[] = [];
    await emitSyncEvents(batch, me, joined, async (name, roomId, event) => void seen.push(`${name} ${roomId ?? "-"} ${event.event_id}`));
    expect(seen).toEqual([
      "account_data - direct",
      "room.leave !gone:b leave-5",
      "room.invite !new:b invite-3",
      "room.join !joined:b join-9",
      "room.event !joined:b join-9",
      "room.message !joined:b hello",
      "room.event !joined:b hello",
      "room.archived !joined:b tomb",
      "room.event !joined:b tomb",
      // Already in the room: our membership event is a room event, not a join.
      "room.event !old:b rejoin",
      "room.message !old:b again",
      "room.event !old:b again",
    ]);
    expect([...joined].sort()).toEqual(["!joined:b", "!old:b"]);
  });
});
