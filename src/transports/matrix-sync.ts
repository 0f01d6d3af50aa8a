/** Raw Matrix event, as the client-server API delivers it. */
export type MatrixEvent = {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  state_key?: string;
  redacts?: string;
  unsigned?: { age?: number };
  content: Record<string, unknown> & {
    body?: string;
    msgtype?: string;
    membership?: string;
    redacts?: string;
    "m.relates_to"?: { rel_type?: string; event_id?: string; key?: string; "m.in_reply_to"?: { event_id?: string } };
    "m.new_content"?: { body?: string };
    url?: string;
    filename?: string;
    info?: { mimetype?: string; size?: number };
    "m.mentions"?: { user_ids?: string[] };
  };
};

/** One room's timeline in a sync batch. `limited`: more events arrived than the batch holds; `prev_batch` reaches back to them. */
export type SyncTimeline = { limited?: boolean; prev_batch?: string; events?: MatrixEvent[] };

/** The parts of a `/sync` response (one batch) that duban reads. */
export type SyncResponse = {
  next_batch: string;
  account_data?: { events?: MatrixEvent[] };
  to_device?: { events?: Record<string, unknown>[] };
  device_lists?: { changed?: string[]; left?: string[] };
  device_one_time_keys_count?: Record<string, number>;
  device_unused_fallback_key_types?: string[];
  "org.matrix.msc2732.device_unused_fallback_key_types"?: string[];
  rooms?: {
    join?: Record<string, { timeline?: SyncTimeline; account_data?: { events?: MatrixEvent[] } }>;
    invite?: Record<string, { invite_state?: { events?: MatrixEvent[] } }>;
    leave?: Record<string, { timeline?: SyncTimeline; account_data?: { events?: MatrixEvent[] } }>;
  };
};

/**
 * What end-to-end encryption needs from one batch, before any room event of it is read: the to-device messages
 * (room keys among them), whose devices changed, and how many one-time keys the server still holds.
 */
export type SyncEncryptionData = {
  toDeviceEvents: Record<string, unknown>[];
  deviceLists: { changed: string[]; left: string[] };
  oneTimeKeyCounts: Record<string, number>;
  /** Absent when the server does not report it (then fallback keys are not known to be used up). */
  unusedFallbackKeyTypes?: string[];
};

/** Where the sync position is kept; matrix-bot-sdk's storage providers fit. */
export interface SyncTokenStore {
  getSyncToken(): string | null | Promise<string | null>;
  setSyncToken(token: string | null): unknown;
}

export interface MatrixSyncLoopOptions {
  /** GET /sync from `since` (null: from the start), the server holding the request up to `timeoutMs` for new events. */
  fetch(since: string | null, timeoutMs: number): Promise<SyncResponse>;
  tokens: SyncTokenStore;
  /** The rooms of one batch: invites, joins, timelines. A throw leaves its token unsaved, so the batch is fetched again. */
  handle(batch: SyncResponse): Promise<void>;
  /** Encryption's share of each batch, awaited before `handle`. A throw fails the batch like one from `handle`. */
  encryption?: (data: SyncEncryptionData) => Promise<void>;
  /** Long-poll timeout of /sync. */
  timeoutMs: number;
  /** How long to wait after `error` (rate limit, outage); null when it is not known to pass, and `fallbackDelayMs` applies. */
  retryDelay(error: unknown, attempt: number): number | null;
  /** Wait after an error retryDelay does not know; 5–15 s by default, as matrix-bot-sdk waits. */
  fallbackDelayMs?: () => number;
  /** Told of each failed fetch or batch, and how long the loop waits before trying the same position again. */
  onError?(error: unknown, delayMs: number): void;
}

/** What encryption needs from a batch, read the way matrix-bot-sdk 0.8 reads it (the fallback key types under either name). */
export function encryptionDataOf(batch: SyncResponse): SyncEncryptionData {
  const fallback = batch["org.matrix.msc2732.device_unused_fallback_key_types"] ?? batch.device_unused_fallback_key_types;
  return {
    toDeviceEvents: batch.to_device?.events ?? [],
    deviceLists: { changed: batch.device_lists?.changed ?? [], left: batch.device_lists?.left ?? [] },
    oneTimeKeyCounts: batch.device_one_time_keys_count ?? {},
    ...(fallback ? { unusedFallbackKeyTypes: fallback } : {}),
  };
}

/**
 * The Matrix sync loop, owned here rather than borrowed from matrix-bot-sdk's private methods. Each turn fetches
 * one batch from the saved position, hands its encryption data and then its rooms to the handlers, and saves the
 * batch's token only after both return: a crash or a failure re-delivers the batch, from its own token, rather
 * than losing it. `stop()` does not wait for a pending long-poll (its answer is dropped, unhandled and unsaved),
 * only for the batch being handled.
 */
export class MatrixSyncLoop {
  private running: Promise<void> | null = null;
  private stopping = false;
  /** Whoever waits on a request or a back-off, to be woken by stop(). */
  private readonly waiting = new Set<() => void>();
  private markSynced: () => void = () => undefined;
  /** Resolves once the first batch of this run is handled and its token saved. */
  readonly synced: Promise<void> = new Promise((resolve) => (this.markSynced = resolve));

  constructor(private readonly opts: MatrixSyncLoopOptions) {}

  /** Read the saved position and start syncing from it; returns once the loop runs. */
  async start(): Promise<void> {
    if (this.running) return;
    const since = (await this.opts.tokens.getSyncToken()) || null;
    this.running = this.run(since);
  }

  /** End the loop: a pending long-poll is abandoned, a batch being handled is waited for. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.waiting) wake();
    await this.running;
  }

  private async run(since: string | null): Promise<void> {
    for (let attempt = 0; !this.stopping; ) {
      try {
        const request = this.opts.fetch(since, this.opts.timeoutMs);
        request.catch(() => undefined); // abandoned when stopping: its failure must not go unhandled
        const batch = await this.unlessStopped(request);
        if (batch === null) return;
        await this.opts.encryption?.(encryptionDataOf(batch));
        await this.opts.handle(batch);
        await this.opts.tokens.setSyncToken(batch.next_batch);
        since = batch.next_batch;
        attempt = 0;
        this.markSynced();
      } catch (e) {
        if (this.stopping) return;
        const delay = this.opts.retryDelay(e, attempt++) ?? (this.opts.fallbackDelayMs ?? (() => 5000 + Math.random() * 10_000))();
        this.opts.onError?.(e, delay);
        await this.pause(delay);
      }
    }
  }

  /**
   * The promise's value, or null as soon as stop() is called. (Not a race with one long-lived "stopped" promise:
   * every race would stay attached to it, and keep its batch in memory, for as long as the loop runs.)
   */
  private unlessStopped<T>(p: Promise<T>): Promise<T | null> {
    if (this.stopping) return Promise.resolve(null);
    return new Promise<T | null>((resolve, reject) => {
      const wake = () => resolve(null);
      this.waiting.add(wake);
      p.then(resolve, reject).finally(() => this.waiting.delete(wake));
    });
  }

  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await this.unlessStopped(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))));
    clearTimeout(timer);
  }
}
