/**
 * The officer's end-to-end encryption in bench/matrix.ts's encrypted leg: an OlmMachine of
 * `@matrix-org/matrix-sdk-crypto-wasm` on its memory store (nothing written to disk), driven with plain fetch the way
 * src/transports/crypto/engine.ts drives the bot's. It encrypts the officer's message before the sample's clock
 * starts, and decrypts the bot's ✅ after the clock has stopped, so its own work is not counted as the bot's.
 */
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";

/** The crypto parts of a /sync response. */
export interface SyncCrypto {
  to_device?: { events?: unknown[] };
  device_lists?: { changed?: string[]; left?: string[] };
  device_one_time_keys_count?: Record<string, number>;
  device_unused_fallback_key_types?: string[];
}

const enc = encodeURIComponent;

export class OfficerCrypto {
  /** A FIFO lock: one machine call that makes requests at a time (as the bot's engine). */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly machine: sdk.OlmMachine,
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** A new device for `userId` (its id from the registration), its keys uploaded. */
  static async open(url: string, token: string, userId: string, deviceId: string): Promise<OfficerCrypto> {
    await sdk.initAsync();
    const machine = await sdk.OlmMachine.initialize(new sdk.UserId(userId), new sdk.DeviceId(deviceId));
    const officer = new OfficerCrypto(machine, url, token);
    await officer.locked(() => officer.flush());
    return officer;
  }

  /** A /sync batch's to-device messages (the bot's room keys), device lists and key counts. */
  onSync(body: SyncCrypto): Promise<void> {
    return this.locked(async () => {
      await this.machine.receiveSyncChanges(
        JSON.stringify(body.to_device?.events ?? []),
        new sdk.DeviceLists(
          (body.device_lists?.changed ?? []).map((u) => new sdk.UserId(u)),
          (body.device_lists?.left ?? []).map((u) => new sdk.UserId(u)),
        ),
        new Map(Object.entries(body.device_one_time_keys_count ?? {})),
        body.device_unused_fallback_key_types ? new Set(body.device_unused_fallback_key_types) : undefined,
      );
      await this.flush();
    });
  }

  /** The `m.room.encrypted` content of a message for a room of `members`, the room key shared with all their devices. */
  encrypt(roomId: string, type: string, content: unknown, members: string[]): Promise<Record<string, unknown>> {
    return this.locked(async () => {
      const users = () => members.map((u) => new sdk.UserId(u));
      await this.machine.updateTrackedUsers(users());
      await this.flush();
      const claim = await this.machine.getMissingSessions(users());
      if (claim) await this.send(claim);
      const settings = new sdk.EncryptionSettings();
      settings.sharingStrategy = sdk.CollectStrategy.allDevices();
      for (const req of await this.machine.shareRoomKey(new sdk.RoomId(roomId), users(), settings)) await this.send(req);
      const encrypted = await this.machine.encryptRoomEvent(new sdk.RoomId(roomId), type, JSON.stringify(content));
      await this.flush();
      return JSON.parse(encrypted) as Record<string, unknown>;
    });
  }

  /** The clear type and content of a room event; throws when it cannot be decrypted. */
  decrypt(roomId: string, event: unknown): Promise<{ type: string; content: Record<string, unknown> }> {
    return this.locked(async () => {
      const d = await this.machine.decryptRoomEvent(
        JSON.stringify({ ...(event as object), room_id: roomId }),
        new sdk.RoomId(roomId),
        new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted),
      );
      return JSON.parse(d.event) as { type: string; content: Record<string, unknown> };
    });
  }

  close(): Promise<void> {
    return this.locked(async () => this.machine.close());
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async flush(): Promise<void> {
    for (const req of await this.machine.outgoingRequests()) await this.send(req);
  }

  private async send(request: { id?: string; type: sdk.RequestType; body: string }): Promise<void> {
    const req = request as typeof request & { event_type?: string; txn_id?: string; room_id?: string };
    let method = "POST";
    let path: string;
    switch (req.type) {
      case sdk.RequestType.KeysUpload:
        path = "/_matrix/client/v3/keys/upload";
        break;
      case sdk.RequestType.KeysQuery:
        path = "/_matrix/client/v3/keys/query";
        break;
      case sdk.RequestType.KeysClaim:
        path = "/_matrix/client/v3/keys/claim";
        break;
      case sdk.RequestType.SignatureUpload:
        path = "/_matrix/client/v3/keys/signatures/upload";
        break;
      case sdk.RequestType.ToDevice:
        method = "PUT";
        path = `/_matrix/client/v3/sendToDevice/${enc(String(req.event_type))}/${enc(String(req.txn_id))}`;
        break;
      case sdk.RequestType.RoomMessage:
        method = "PUT";
        path = `/_matrix/client/v3/rooms/${enc(String(req.room_id))}/send/${enc(String(req.event_type))}/${enc(String(req.txn_id))}`;
        break;
      default:
        throw new Error(`officer crypto: a request of type ${req.type} the bench does not send`);
    }
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: req.body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`officer crypto: ${method} ${path} failed: ${res.status} ${text}`);
    if (req.id) await this.machine.markRequestAsSent(req.id, req.type, text);
  }
}
