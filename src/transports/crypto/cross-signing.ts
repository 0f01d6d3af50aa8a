import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import type { Logger } from "../../log/logger.js";

/**
 * The request function the crypto engine uses: resolves to the response (parsed JSON or its text) and rejects on a
 * non-2xx status with an error carrying `statusCode` and the parsed `body`, as matrix-bot-sdk's `doRequest` does.
 */
export type MatrixSend = (method: string, path: string, body: unknown) => Promise<unknown>;

/** How the bot may prove it is itself when the homeserver asks (user-interactive auth): its password, if it has one. */
export interface CrossSigningAuth {
  password?: string;
}

/**
 * What `ensureCrossSigning` did: the keys were already in place, it uploaded them, it could not because the server
 * wants the password and there is none, or something else went wrong (logged).
 */
export type CrossSigningOutcome = "present" | "uploaded" | "needs-password" | "failed";

/** What the homeserver holds for the bot's own user: its master and self-signing keys, and whether they sign the device. */
interface ServerView {
  master?: string;
  selfSigning?: string;
  deviceSigned: boolean;
}

const KEYS_QUERY = "/_matrix/client/v3/keys/query";
const SIGNING_KEYS_UPLOAD = "/_matrix/client/v3/keys/device_signing/upload";
const SIGNATURES_UPLOAD = "/_matrix/client/v3/keys/signatures/upload";
const KEYS_UPLOAD = "/_matrix/client/v3/keys/upload";

/** What Element shows while the bot's device is not cross-signed, and the fix; one sentence for the log. */
export const NOT_CROSS_SIGNED_HINT =
  'Element marks the bot\'s encrypted messages with a red shield ("Encrypted by a device not verified by its owner") and ' +
  'people who turned on "exclude insecure devices" cannot read them; set MATRIX_PASSWORD (once is enough) and restart so ' +
  "that duban can cross-sign its device";

/**
 * Make sure the bot's device is cross-signed by its own user: creates the bot's cross-signing keys when its store has
 * none, uploads them (with the password when the homeserver asks for user-interactive auth) and signs the device.
 * Idempotent: when the homeserver already has the store's master key and it signs this device, it only asks
 * `/keys/query` once. Never throws: a start without cross-signing still works, so problems are logged.
 */
export async function ensureCrossSigning(machine: sdk.OlmMachine, send: MatrixSend, auth: CrossSigningAuth, logger: Logger): Promise<CrossSigningOutcome> {
  const userId = machine.userId.toString();
  const deviceId = machine.deviceId.toString();
  try {
    const status = await machine.crossSigningStatus();
    const complete = status.hasMaster && status.hasSelfSigning && status.hasUserSigning;
    status.free();
    const server = await queryOwnKeys(send, userId, deviceId);
    const local = complete ? await localMasterKey(machine, userId) : undefined;
    if (local && server.master === local && server.deviceSigned) return "present";

    // No keys in the store (a first start, or a new store): a new identity. Keys in the store that the server lacks:
    // upload those same keys again (an earlier upload was refused, or someone replaced them on the server).
    const reset = !local;
    if (server.master && server.master !== local)
      logger.warn(
        reset
          ? "Matrix cross-signing: the homeserver holds cross-signing keys for the bot that its crypto store does not have " +
              "(a new or lost store); replacing them, so anyone who had verified the bot must verify it again"
          : "Matrix cross-signing: the homeserver holds other cross-signing keys for the bot than its crypto store; uploading the store's keys again",
        { userId, deviceId },
      );
    const requests = await machine.bootstrapCrossSigning(reset);
    try {
      const upload = requests.uploadKeysRequest as sdk.KeysUploadRequest | undefined;
      if (upload) await machine.markRequestAsSent(upload.id, upload.type, asText(await send("POST", KEYS_UPLOAD, JSON.parse(upload.body))));
      // The server may already have these very keys (an earlier start stopped before signing the device): then only sign.
      if (reset || server.master !== local) {
        const signingKeys = JSON.parse(requests.uploadSigningKeysRequest.body) as Record<string, unknown>;
        if (!(await uploadSigningKeys(send, signingKeys, userId, auth, logger, deviceId))) return "needs-password";
      }
      const signatures = requests.uploadSignaturesRequest;
      const response = await send("POST", SIGNATURES_UPLOAD, JSON.parse(signatures.body));
      if (signatures.id) await machine.markRequestAsSent(signatures.id, signatures.type, asText(response));
      const failures = (asObject(response).failures ?? {}) as Record<string, unknown>;
      if (Object.keys(failures).length) {
        logger.warn("Matrix cross-signing: the homeserver refused some signatures", { userId, deviceId, failures });
        return "failed";
      }
    } finally {
      requests.free();
    }
    const master = await localMasterKey(machine, userId);
    logger.info("Matrix cross-signing: the bot's device is now signed by its own cross-signing keys", { userId, deviceId, masterKey: master });
    return "uploaded";
  } catch (e) {
    logger.error(`Matrix cross-signing failed; the bot still runs. ${NOT_CROSS_SIGNED_HINT}`, { userId, deviceId, error: describe(e) });
    return "failed";
  }
}

/**
 * POST the public cross-signing keys, answering the homeserver's user-interactive auth with the password.
 * Returns false (after a warning) when the homeserver wants a password the bot does not have or rejects it.
 */
async function uploadSigningKeys(
  send: MatrixSend,
  keys: Record<string, unknown>,
  userId: string,
  auth: CrossSigningAuth,
  logger: Logger,
  deviceId: string,
): Promise<boolean> {
  let challenge: UiaChallenge;
  try {
    await send("POST", SIGNING_KEYS_UPLOAD, keys);
    return true;
  } catch (e) {
    const c = uiaChallenge(e);
    if (!c) throw e;
    challenge = c;
  }
  if (!auth.password) {
    logger.warn(
      "Matrix cross-signing: the homeserver asks for the bot's password to publish its cross-signing keys, " +
        `and duban has only an access token. ${NOT_CROSS_SIGNED_HINT}`,
      { userId, deviceId },
    );
    return false;
  }
  if (!challenge.flows.some((f) => f.length === 1 && f[0] === "m.login.password")) {
    logger.warn(
      `Matrix cross-signing: the homeserver does not accept a password for this (it offers ${JSON.stringify(challenge.flows)}). ${NOT_CROSS_SIGNED_HINT}`,
      {
        userId,
        deviceId,
      },
    );
    return false;
  }
  try {
    await send("POST", SIGNING_KEYS_UPLOAD, {
      ...keys,
      auth: { type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password: auth.password, session: challenge.session },
    });
    return true;
  } catch (e) {
    if (!uiaChallenge(e)) throw e;
    logger.warn(`Matrix cross-signing: the homeserver refused MATRIX_PASSWORD. ${NOT_CROSS_SIGNED_HINT}`, { userId, deviceId });
    return false;
  }
}

interface UiaChallenge {
  session?: string;
  flows: string[][];
}

/** The user-interactive auth challenge in a 401 answer (`{session, flows: [{stages}]}`), or undefined for any other error. */
function uiaChallenge(e: unknown): UiaChallenge | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const err = e as { statusCode?: unknown; status?: unknown; body?: unknown };
  if ((err.statusCode ?? err.status) !== 401) return undefined;
  const body = asObject(err.body);
  if (!Array.isArray(body.flows)) return undefined;
  const flows = body.flows.map((f) =>
    Array.isArray((f as { stages?: unknown })?.stages) ? ((f as { stages: unknown[] }).stages.map(String) as string[]) : [],
  );
  return { session: typeof body.session === "string" ? body.session : undefined, flows };
}

/** Ask the homeserver what it holds for the bot's own user. */
async function queryOwnKeys(send: MatrixSend, userId: string, deviceId: string): Promise<ServerView> {
  const r = asObject(await send("POST", KEYS_QUERY, { device_keys: { [userId]: [deviceId] } }));
  const master = onlyKey(asObject(r.master_keys)[userId]);
  const selfSigning = onlyKey(asObject(r.self_signing_keys)[userId]);
  const device = asObject(asObject(asObject(r.device_keys)[userId])[deviceId]);
  const signatures = asObject(asObject(device.signatures)[userId]);
  return { master, selfSigning, deviceSigned: selfSigning !== undefined && typeof signatures[`ed25519:${selfSigning}`] === "string" };
}

/** The public master key the machine holds for its own user (after a bootstrap, or as the server last told it). */
async function localMasterKey(machine: sdk.OlmMachine, userId: string): Promise<string | undefined> {
  const identity = await machine.getIdentity(new sdk.UserId(userId));
  if (!identity) return undefined;
  try {
    return onlyKey(JSON.parse(identity.masterKey));
  } finally {
    identity.free();
  }
}

/** The one public key of a cross-signing key object (`{keys: {"ed25519:<pub>": "<pub>"}}`). */
function onlyKey(key: unknown): string | undefined {
  const values = Object.values(asObject(asObject(key).keys));
  return typeof values[0] === "string" ? values[0] : undefined;
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v === "string") {
    try {
      return asObject(JSON.parse(v));
    } catch {
      return {};
    }
  }
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function asText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v ?? {});
}

function describe(e: unknown): string {
  if (typeof e === "object" && e !== null && "statusCode" in e)
    return `HTTP ${(e as { statusCode: unknown }).statusCode} ${JSON.stringify((e as { body?: unknown }).body ?? "")}`;
  return e instanceof Error ? e.message : String(e);
}
