/**
 * The checks `duban init` makes against the homeserver before it writes anything: the server answers as a Matrix
 * homeserver, the bot's credentials are good (and a token is the bot's own), and the bot is in the office's room or
 * can join it. Plain HTTP through an injected `fetch`; every failure is a `HomeserverCheckError` with a Chinese
 * message that says what to fix.
 */

/** What `fetch` is to these checks: the global one, or a test's. */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

/** A check that failed; `message` is for the operator, in Chinese. */
export class HomeserverCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HomeserverCheckError";
  }
}

const TIMEOUT_MS = 15_000;

/** TLS error codes of Node's TLS layer that mean "this certificate is not trusted here". */
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
]);

function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why a request never got an answer, in Chinese: `networkProblem(url, e)`. */
export function networkProblem(url: string, e: unknown): string {
  const code = causeCode(e);
  const name = (e as { name?: string })?.name;
  if (name === "TimeoutError" || name === "AbortError" || code === "UND_ERR_CONNECT_TIMEOUT")
    return `连接 ${url} 超时：服务器没有应答。请检查地址、端口和防火墙。`;
  if (code === "ECONNREFUSED") return `无法连接 ${url}：连接被拒绝（服务器未运行，或端口不对）。`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `无法连接 ${url}：找不到这个主机名（请检查地址，或本机的 DNS/hosts 设置）。`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `无法连接 ${url}：网络不可达。`;
  if (code && UNTRUSTED.has(code))
    return (
      `无法与 ${url} 建立安全连接：服务器的证书不受信任（${code}）。如果服务器使用局内自建的证书颁发机构（CA），` +
      `请把 CA 证书（PEM 格式）放到本机，并设置环境变量 NODE_EXTRA_CA_CERTS=/path/to/ca.pem 后重新运行。`
    );
  if (code === "CERT_HAS_EXPIRED") return `无法与 ${url} 建立安全连接：服务器的证书已过期（${code}）。请联系服务器管理员更新证书。`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `无法与 ${url} 建立安全连接：证书上的主机名与地址不符（${code}）。请使用证书上写的主机名。`;
  if (code === "EPROTO" || code?.startsWith("ERR_SSL") || code?.startsWith("ERR_TLS"))
    return `无法与 ${url} 建立安全连接（${code}）。地址是 https:// 吗？服务器若只提供 http，请用 http://。`;
  // fetch's own message is "fetch failed"; its cause says what happened ("bad port", "other side closed").
  const cause = (e as { cause?: unknown })?.cause;
  const detail = cause instanceof Error ? cause.message : e instanceof Error ? e.message : String(e);
  return `无法连接 ${url}：${code ? `${code}，` : ""}${detail}`;
}

async function request(
  fetchFn: FetchLike,
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const url = `${base}${path}`;
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchFn(url, {
      method,
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    throw new HomeserverCheckError(networkProblem(base, e));
  }
  const text = await res.text().catch(() => "");
  let json: Record<string, unknown> | null = null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

const errcode = (json: Record<string, unknown> | null) => (typeof json?.errcode === "string" ? json.errcode : "");
const errtext = (json: Record<string, unknown> | null) => (typeof json?.error === "string" ? json.error : "");

/** A homeserver URL as the operator typed it, checked and without a trailing slash: `homeserverUrlProblem("matrix.local")` → a reason. */
export function normaliseHomeserverUrl(input: string): { url: string } | { problem: string } {
  const s = input.trim().replace(/\/+$/, "");
  if (!/^https?:\/\/[^\s/]+/.test(s))
    return { problem: `“${input.trim()}”不是有效的服务器地址：请以 https:// 或 http:// 开头，例如 https://matrix.bureau.local` };
  try {
    const u = new URL(s);
    if (u.search || u.hash) return { problem: `服务器地址不应带 ? 或 # 部分：${s}` };
  } catch {
    return { problem: `“${input.trim()}”不是有效的服务器地址，例如 https://matrix.bureau.local` };
  }
  return { url: s };
}

/** GET /_matrix/client/versions: the server answers, and as a Matrix homeserver. Returns the versions it speaks. */
export async function checkHomeserver(fetchFn: FetchLike, base: string): Promise<string[]> {
  const { status, json } = await request(fetchFn, base, "GET", "/_matrix/client/versions");
  const versions = Array.isArray(json?.versions) ? (json.versions as unknown[]).filter((v): v is string => typeof v === "string") : null;
  if (status !== 200 || !versions)
    throw new HomeserverCheckError(
      `${base} 可以连接，但不像 Matrix 服务器（/_matrix/client/versions 应答 HTTP ${status}）。请填写客户端访问的地址（Element 里“主服务器”的地址）。`,
    );
  return versions;
}

/** A user id as typed is usable: `@localpart:server` or a bare localpart. */
export function userIdProblem(user: string): string | null {
  const u = user.trim();
  if (/^@[a-z0-9._=\-/+]+:[^\s:]+(:\d+)?$/i.test(u) || /^[a-z0-9._=\-/+]+$/i.test(u)) return null;
  return `“${u}”不是有效的 Matrix 用户 ID，例如 @duban:bureau.local`;
}

/**
 * Log in with a password, as the bot will at every start, and return a short-lived token and the user id the
 * server says it is; `logout` ends that session again so the check leaves no device behind.
 */
export async function checkPasswordLogin(fetchFn: FetchLike, base: string, user: string, password: string): Promise<{ userId: string; token: string }> {
  const { status, json } = await request(fetchFn, base, "POST", "/_matrix/client/v3/login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user: user.trim() }, password, initial_device_display_name: "duban init" },
  });
  if (status === 200 && typeof json?.access_token === "string" && typeof json.user_id === "string") return { userId: json.user_id, token: json.access_token };
  if (status === 403 || errcode(json) === "M_FORBIDDEN")
    throw new HomeserverCheckError(`登录失败：用户 ${user} 不存在或密码错误（${errcode(json) || status}）。`);
  if (status === 429) throw new HomeserverCheckError("登录失败：服务器说尝试太频繁（M_LIMIT_EXCEEDED），请稍后再试。");
  if (errcode(json) === "M_USER_DEACTIVATED") throw new HomeserverCheckError(`登录失败：账号 ${user} 已被停用。`);
  throw new HomeserverCheckError(`登录失败：服务器应答 HTTP ${status} ${errcode(json)} ${errtext(json)}`.trim());
}

/** End the session the check opened (best effort). */
export async function logout(fetchFn: FetchLike, base: string, token: string): Promise<void> {
  await request(fetchFn, base, "POST", "/_matrix/client/v3/logout", { token, body: {} }).catch(() => undefined);
}

/** GET /account/whoami with a token: whose token it is. A token of another user than `expected` is refused. */
export async function checkToken(fetchFn: FetchLike, base: string, token: string, expected?: string): Promise<string> {
  const { status, json } = await request(fetchFn, base, "GET", "/_matrix/client/v3/account/whoami", { token });
  if (status === 401 || errcode(json) === "M_UNKNOWN_TOKEN" || errcode(json) === "M_MISSING_TOKEN")
    throw new HomeserverCheckError(`访问令牌无效或已失效（${errcode(json) || status}）：请重新获取机器人账号的令牌。`);
  if (status !== 200 || typeof json?.user_id !== "string")
    throw new HomeserverCheckError(`无法核对访问令牌：服务器应答 HTTP ${status} ${errcode(json)} ${errtext(json)}`.trim());
  const userId = json.user_id;
  const want = expected?.trim();
  if (want && (want.startsWith("@") ? userId !== want : userId.slice(1).split(":")[0] !== want))
    throw new HomeserverCheckError(`这个访问令牌属于 ${userId}，不是机器人账号 ${want}：请换用机器人账号的令牌。`);
  return userId;
}

/** A room id or alias as typed is usable: `!abc:server` (`!abc` in room version 12, which has no server part) or `#name:server`. */
export function roomProblem(room: string): string | null {
  if (/^![^\s:]+(:\S+)?$/.test(room.trim()) || /^#[^\s:]+:\S+$/.test(room.trim())) return null;
  return `“${room.trim()}”不是群的 ID 或别名：群 ID 形如 !AbCdEf:bureau.local，别名形如 #kejiban:bureau.local（在 Element 的“群设置 → 高级”里可以看到）`;
}

/**
 * The bot is in the room, or joins it now (an invitation or a public room lets it); returns the room id.
 * An alias is resolved first. A room the bot cannot see or join is refused with what to do.
 */
export async function checkRoom(fetchFn: FetchLike, base: string, token: string, room: string): Promise<{ roomId: string; joinedNow: boolean }> {
  let roomId = room.trim();
  if (roomId.startsWith("#")) {
    const r = await request(fetchFn, base, "GET", `/_matrix/client/v3/directory/room/${encodeURIComponent(roomId)}`, { token });
    if (r.status === 404) throw new HomeserverCheckError(`群别名 ${roomId} 不存在：请检查拼写，或改填群 ID（!开头）。`);
    if (r.status !== 200 || typeof r.json?.room_id !== "string")
      throw new HomeserverCheckError(`无法解析群别名 ${roomId}：服务器应答 HTTP ${r.status} ${errcode(r.json)}`.trim());
    roomId = r.json.room_id;
  }
  const joined = await request(fetchFn, base, "GET", "/_matrix/client/v3/joined_rooms", { token });
  const rooms = Array.isArray(joined.json?.joined_rooms) ? (joined.json.joined_rooms as unknown[]) : [];
  if (rooms.includes(roomId)) return { roomId, joinedNow: false };
  const j = await request(fetchFn, base, "POST", `/_matrix/client/v3/join/${encodeURIComponent(room.trim())}`, { token, body: {} });
  if (j.status === 200) return { roomId, joinedNow: true };
  if (j.status === 403 || j.status === 404)
    throw new HomeserverCheckError(`机器人看不到也加入不了群 ${room.trim()}（${errcode(j.json) || j.status}）：请在这个群里邀请机器人账号，然后重新运行。`);
  throw new HomeserverCheckError(`机器人无法加入群 ${room.trim()}：服务器应答 HTTP ${j.status} ${errcode(j.json)} ${errtext(j.json)}`.trim());
}
