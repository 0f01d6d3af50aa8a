import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "../src/log/logger.js";
import { ensureCrossSigning, type MatrixSend } from "../src/transports/crypto/cross-signing.js";

// The user-interactive auth paths, against a fake homeserver (tests/e2e/matrix-cross-signing.test.ts has the real one).

interface Call {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A homeserver that answers each path from `routes` (a function of the call), and records the calls. */
function fakeServer(routes: Record<string, (call: Call, n: number) => unknown>): { send: MatrixSend; calls: Call[] } {
  const calls: Call[] = [];
  const send: MatrixSend = async (method, path, body) => {
    const call = { method, path, body: (body ?? {}) as Record<string, unknown> };
    calls.push(call);
    const route = routes[path.replace("/_matrix/client/v3/", "")];
    if (!route) throw new Error(`unexpected ${method} ${path}`);
    return route(call, calls.filter((c) => c.path === path).length);
  };
  return { send, calls };
}

const httpError = (statusCode: number, body: unknown) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, body });
const challenge = (stages: string[][]) => httpError(401, { session: "uia-session-1", flows: stages.map((s) => ({ stages: s })), params: {} });
const ok = () => ({});
const noKeys = () => ({ device_keys: {}, master_keys: {}, self_signing_keys: {} });
const keysUploaded = () => ({ one_time_key_counts: { signed_curve25519: 50 } });

function collecting(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    info() {},
    warn: (m, ctx) => void warnings.push(`${m} ${JSON.stringify(ctx ?? {})}`),
    error: (m, ctx) => void errors.push(`${m} ${JSON.stringify(ctx ?? {})}`),
  };
}

const machine = () => sdk.OlmMachine.initialize(new sdk.UserId("@duban:bureau.example"), new sdk.DeviceId("DUBANDEVICE"));

describe("ensureCrossSigning when the homeserver asks who the bot is", () => {
  beforeAll(() => sdk.initAsync());

  it("answers the password challenge with MATRIX_PASSWORD and the server's session, then signs the device", async () => {
    const server = fakeServer({
      "keys/query": noKeys,
      "keys/upload": keysUploaded,
      "keys/device_signing/upload": (call) => {
        if (!call.body.auth) throw challenge([["m.login.password"], ["m.login.sso"]]);
        return ok();
      },
      "keys/signatures/upload": () => ({ failures: {} }),
    });
    const log = collecting();
    expect(await ensureCrossSigning(await machine(), server.send, { password: "s3cret" }, log)).toBe("uploaded");
    const uploads = server.calls.filter((c) => c.path.endsWith("device_signing/upload"));
    expect(uploads).toHaveLength(2);
    expect(uploads[1]!.body.auth).toEqual({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: "@duban:bureau.example" },
      password: "s3cret",
      session: "uia-session-1",
    });
    // The same keys both times, and the device signed after them.
    expect({ ...uploads[1]!.body, auth: undefined }).toEqual({ ...uploads[0]!.body, auth: undefined });
    expect(Object.keys(uploads[0]!.body).sort()).toEqual(["master_key", "self_signing_key", "user_signing_key"]);
    expect(server.calls.at(-1)!.path).toBe("/_matrix/client/v3/keys/signatures/upload");
    expect(log.warnings).toEqual([]);
  });

  it("with an access token only, warns once with the fix and uploads no signatures", async () => {
    const server = fakeServer({
      "keys/query": noKeys,
      "keys/upload": keysUploaded,
      "keys/device_signing/upload": () => {
        throw challenge([["m.login.password"]]);
      },
    });
    const log = collecting();
    expect(await ensureCrossSigning(await machine(), server.send, {}, log)).toBe("needs-password");
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain("set MATRIX_PASSWORD");
    expect(log.errors).toEqual([]);
    expect(server.calls.filter((c) => c.path.endsWith("device_signing/upload"))).toHaveLength(1);
  });

  it("does not send the password when the homeserver does not offer a password login (single sign-on only)", async () => {
    const server = fakeServer({
      "keys/query": noKeys,
      "keys/upload": keysUploaded,
      "keys/device_signing/upload": () => {
        throw challenge([["m.login.sso"]]);
      },
    });
    const log = collecting();
    expect(await ensureCrossSigning(await machine(), server.send, { password: "s3cret" }, log)).toBe("needs-password");
    expect(log.warnings[0]).toContain("m.login.sso");
    expect(JSON.stringify(server.calls)).not.toContain("s3cret");
  });

  it("reports refused signatures instead of claiming the device is signed", async () => {
    const server = fakeServer({
      "keys/query": noKeys,
      "keys/upload": keysUploaded,
      "keys/device_signing/upload": ok,
      "keys/signatures/upload": () => ({ failures: { "@duban:bureau.example": { DUBANDEVICE: { errcode: "M_INVALID_SIGNATURE" } } } }),
    });
    const log = collecting();
    expect(await ensureCrossSigning(await machine(), server.send, {}, log)).toBe("failed");
    expect(log.warnings[0]).toContain("refused some signatures");
  });

  it("when the homeserver already has the store's keys but the device is unsigned, only signs the device", async () => {
    let published: Record<string, unknown> = {};
    let signaturesRefused = true;
    const server = fakeServer({
      "keys/query": () => ({
        master_keys: { "@duban:bureau.example": published.master_key },
        self_signing_keys: { "@duban:bureau.example": published.self_signing_key },
        device_keys: { "@duban:bureau.example": { DUBANDEVICE: { signatures: {} } } },
      }),
      "keys/upload": keysUploaded,
      "keys/device_signing/upload": (call) => {
        published = call.body;
        return ok();
      },
      "keys/signatures/upload": () =>
        signaturesRefused ? { failures: { "@duban:bureau.example": { DUBANDEVICE: { errcode: "M_UNKNOWN" } } } } : { failures: {} },
    });
    const m = await machine();
    // The first start published the keys, but the signature of the device did not go through.
    expect(await ensureCrossSigning(m, server.send, {}, collecting())).toBe("failed");
    signaturesRefused = false;
    server.calls.length = 0;
    const log = collecting();
    expect(await ensureCrossSigning(m, server.send, {}, log)).toBe("uploaded");
    expect(server.calls.map((c) => c.path)).toEqual(["/_matrix/client/v3/keys/query", "/_matrix/client/v3/keys/signatures/upload"]);
    expect(log.warnings).toEqual([]);
  });

  it("never fails the start: an unreachable homeserver is logged without the password", async () => {
    const server = fakeServer({
      "keys/query": () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:8008");
      },
    });
    const log = collecting();
    expect(await ensureCrossSigning(await machine(), server.send, { password: "s3cret" }, log)).toBe("failed");
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]).toContain("the bot still runs");
    expect(log.errors.join("") + log.warnings.join("")).not.toContain("s3cret");
  });
});
