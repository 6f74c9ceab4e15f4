/**
 * A small typed client for the Matrix client-server API over fetch (../shared/reference/matrix.md §2–6).
 * No SDK: unencrypted rooms only need plain HTTP.
 *
 * Retries: 429 → wait max(Retry-After, retry_after_ms) + jitter, then resend the SAME request (same path,
 * so the same txnId); 5xx and network errors → capped exponential back-off. Attempts are bounded and the
 * last failure is thrown as a MatrixError naming the endpoint — never a silent give-up. Requests that are
 * not idempotent (createRoom) can opt out of automatic resending; the caller then checks what happened.
 * Every call takes an AbortSignal. Log lines never carry the access token (see redact()).
 */
import { createHash } from 'node:crypto';

export interface RetryPolicy {
  /** Rate-limited answers (429) tolerated per request before giving up. */
  max429: number;
  /** 5xx / network failures tolerated per request before giving up. */
  maxFailures: number;
  /** First back-off after a 5xx or network error (ms); doubles each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Added to every wait: random in [0, jitterMs). */
  jitterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { max429: 200, maxFailures: 8, baseDelayMs: 500, maxDelayMs: 30_000, jitterMs: 250 };

export type MatrixErrorKind = 'http' | 'network' | 'rate-limited' | 'bad-response';

/** A failed Matrix call, after retries: names the endpoint (never the token). */
export class MatrixError extends Error {
  readonly kind: MatrixErrorKind;
  readonly endpoint: string;
  readonly status: number | null;
  readonly errcode: string | null;
  readonly attempts: number;
  /** Discovery: no candidate answered at all (nothing listening, network down). */
  unreachable = false;
  constructor(kind: MatrixErrorKind, endpoint: string, detail: string, o: { status?: number | null; errcode?: string | null; attempts: number; cause?: unknown }) {
    super(`${endpoint}: ${detail}${o.attempts > 1 ? ` (after ${o.attempts} attempts)` : ''}`, o.cause ? { cause: o.cause } : undefined);
    this.name = 'MatrixError';
    this.kind = kind;
    this.endpoint = endpoint;
    this.status = o.status ?? null;
    this.errcode = o.errcode ?? null;
    this.attempts = o.attempts;
  }
}

/** Removes access tokens from anything that might be logged (URLs, headers, JSON bodies). */
export function redact(text: string): string {
  return text
    .replace(/(access_token=)[^&\s"']+/gi, '$1<redacted>')
    .replace(/(Bearer\s+)[^\s"',]+/gi, '$1<redacted>')
    .replace(/("(?:access_token|as_token|hs_token|refresh_token|password)"\s*:\s*")[^"]*(")/gi, '$1<redacted>$2');
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Raw bytes with their content type (media upload). */
  raw?: { data: Uint8Array; contentType: string };
  signal?: AbortSignal;
  /** Resend automatically after network errors / 5xx (default true). False for non-idempotent calls. */
  resend?: boolean;
  /** No Authorization header (login, versions). */
  anonymous?: boolean;
  /** Return the Response (for downloads) instead of parsed JSON. */
  response?: boolean;
  /** Application-service timestamp massaging (?ts=), only for send and state. */
  ts?: number;
}

export interface MatrixClientOptions {
  baseUrl: string;
  accessToken?: string;
  userId?: string;
  deviceId?: string;
  /** Application-service identity assertion: every request carries ?user_id=. */
  asUserId?: string;
  retry?: Partial<RetryPolicy>;
  /** Receives one redacted line per retry / failure. */
  log?: (line: string) => void;
  /** Injected for tests. */
  fetchImpl?: typeof fetch;
  random?: () => number;
  /** Counts what happened (rate-limited waits, resends), for progress and tests. */
  stats?: ClientStats;
  /** Told of every 429 with the wait it causes (ms), also when the client then gives up (for the UI). */
  onRateLimited?: (waitMs: number) => void;
}

export interface ClientStats {
  requests: number;
  rateLimited: number;
  rateLimitWaitMs: number;
  failures: number;
}

export const newStats = (): ClientStats => ({ requests: 0, rateLimited: 0, rateLimitWaitMs: 0, failures: 0 });

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface LoginResult {
  user_id: string;
  access_token: string;
  device_id: string;
  well_known?: { 'm.homeserver'?: { base_url?: string } };
}

export interface RoomEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  unsigned?: Record<string, unknown>;
}

export interface MessagesPage {
  chunk: RoomEvent[];
  start: string;
  end?: string;
}

export interface RoomEventFilter {
  types?: string[];
  not_types?: string[];
  senders?: string[];
  limit?: number;
}

export interface CreateRoomRequest {
  name?: string;
  topic?: string;
  preset?: 'private_chat' | 'trusted_private_chat' | 'public_chat';
  visibility?: 'private' | 'public';
  is_direct?: boolean;
  invite?: string[];
  initial_state?: { type: string; state_key: string; content: Record<string, unknown> }[];
  creation_content?: Record<string, unknown>;
  power_level_content_override?: Record<string, unknown>;
}

export interface UserDirectoryResult {
  limited: boolean;
  results: { user_id: string; display_name?: string; avatar_url?: string }[];
}

const enc = encodeURIComponent;

/** `mxc://server/id` → [server, id]; throws on anything else. */
export function parseMxc(mxc: string): [string, string] {
  const m = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/.exec(mxc);
  if (!m) throw new Error(`not a Matrix content URI: ${mxc.slice(0, 100)}`);
  return [m[1]!, m[2]!];
}

/** The server part of a user id: `@bob:example.org` → `example.org`. */
export function serverOf(userId: string): string {
  const i = userId.indexOf(':');
  if (!userId.startsWith('@') || i < 2) throw new Error(`not a Matrix user id: ${userId.slice(0, 100)} (expected @name:server)`);
  return userId.slice(i + 1);
}

/**
 * Homeserver discovery: `https://<server>/.well-known/matrix/client` → m.homeserver.base_url; checked with
 * /versions. Accepts a full URL (used as is when it answers /versions) or a server name / user id.
 */
export async function discoverHomeserver(input: string, signal?: AbortSignal, fetchImpl: typeof fetch = fetch, o: { attempts?: number; delayMs?: number } = {}): Promise<string> {
  const attempts = Math.max(1, o.attempts ?? 5);
  for (let i = 1; ; i++) {
    try {
      return await discoverOnce(input, signal, fetchImpl);
    } catch (err) {
      // Unreachable (a homeserver restarting, a network blip): try again a few times, then say so.
      if (!(err instanceof MatrixError) || !err.unreachable || i >= attempts) throw err;
      await sleep((o.delayMs ?? 500) * 2 ** (i - 1), signal);
    }
  }
}

async function discoverOnce(input: string, signal: AbortSignal | undefined, fetchImpl: typeof fetch): Promise<string> {
  const trimmed = input.trim();
  const candidates: string[] = [];
  if (/^https?:\/\//i.test(trimmed)) candidates.push(trimmed.replace(/\/+$/, ''));
  else {
    const server = trimmed.startsWith('@') ? serverOf(trimmed) : trimmed;
    candidates.push(`https://${server}`);
  }
  const tried: string[] = [];
  let reachable = false;
  for (const base of candidates) {
    try {
      const wk = await fetchImpl(`${base}/.well-known/matrix/client`, { signal: signal ?? null, redirect: 'follow' });
      reachable = true;
      if (wk.ok) {
        const body = (await wk.json()) as { 'm.homeserver'?: { base_url?: unknown } };
        const url = body['m.homeserver']?.base_url;
        if (typeof url === 'string' && /^https?:\/\//i.test(url)) {
          const u = url.replace(/\/+$/, '');
          if (await answersVersions(u, signal, fetchImpl)) return u;
          tried.push(`${u} (from ${base}/.well-known/matrix/client) does not answer /_matrix/client/versions`);
          continue;
        }
      }
    } catch (err) {
      signal?.throwIfAborted();
      tried.push(`${base}/.well-known/matrix/client: ${(err as Error).message}`);
    }
    if (await answersVersions(base, signal, fetchImpl)) return base;
    tried.push(`${base} does not answer /_matrix/client/versions`);
  }
  const err = new MatrixError('network', 'discovery', `no Matrix homeserver found for ${trimmed}: ${tried.join('; ')}`, { attempts: 1 });
  err.unreachable = !reachable;
  return Promise.reject(err);
}

async function answersVersions(base: string, signal: AbortSignal | undefined, fetchImpl: typeof fetch): Promise<boolean> {
  try {
    const r = await fetchImpl(`${base}/_matrix/client/versions`, { signal: signal ?? null });
    if (!r.ok) return false;
    const b = (await r.json()) as { versions?: unknown };
    return Array.isArray(b.versions);
  } catch {
    signal?.throwIfAborted();
    return false;
  }
}

export class MatrixClient {
  readonly baseUrl: string;
  accessToken: string | undefined;
  userId: string | undefined;
  deviceId: string | undefined;
  readonly asUserId: string | undefined;
  readonly stats: ClientStats;
  private readonly retry: RetryPolicy;
  private readonly log: (line: string) => void;
  private readonly fetchImpl: typeof fetch;
  private readonly random: () => number;
  private readonly onRateLimited: (waitMs: number) => void;

  constructor(o: MatrixClientOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    this.accessToken = o.accessToken;
    this.userId = o.userId ?? o.asUserId;
    this.deviceId = o.deviceId;
    this.asUserId = o.asUserId;
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.log = o.log ?? (() => {});
    this.fetchImpl = o.fetchImpl ?? fetch;
    this.random = o.random ?? Math.random;
    this.stats = o.stats ?? newStats();
    this.onRateLimited = o.onRateLimited ?? (() => {});
  }

  /** The same connection acting as another appservice user (?user_id=). */
  as(userId: string): MatrixClient {
    return new MatrixClient({
      baseUrl: this.baseUrl, accessToken: this.accessToken, asUserId: userId, retry: this.retry, log: this.log, fetchImpl: this.fetchImpl,
      random: this.random, stats: this.stats,
    });
  }

  /** One API call with the retry rules of this file. `path` starts with /_matrix or /_synapse. */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const endpoint = `${method} ${path.replace(/\?.*$/, '')}`;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) query.set(k, String(v));
    if (this.asUserId) query.set('user_id', this.asUserId);
    if (o.ts !== undefined) query.set('ts', String(Math.trunc(o.ts)));
    const qs = query.toString();
    const url = `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
    const headers: Record<string, string> = {};
    if (!o.anonymous) {
      if (!this.accessToken) throw new MatrixError('http', endpoint, 'not signed in (no access token)', { attempts: 0 });
      headers.authorization = `Bearer ${this.accessToken}`;
    }
    let body: RequestInit['body'] | undefined;
    if (o.raw) {
      headers['content-type'] = o.raw.contentType;
      body = o.raw.data as unknown as RequestInit['body'];
    } else if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.body);
    }
    let limited = 0;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      o.signal?.throwIfAborted();
      this.stats.requests++;
      let res: Response;
      try {
        res = await this.fetchImpl(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: o.signal ?? null });
      } catch (err) {
        o.signal?.throwIfAborted();
        failures++;
        this.stats.failures++;
        const detail = `network error: ${(err as Error).message}${(err as { cause?: { code?: string } }).cause?.code ? ` (${(err as { cause: { code: string } }).cause.code})` : ''}`;
        if (o.resend === false || failures > this.retry.maxFailures) {
          throw new MatrixError('network', endpoint, detail, { attempts: attempt, cause: err });
        }
        const wait = this.backoff(failures);
        this.log(redact(`${endpoint}: ${detail}; retrying in ${wait} ms`));
        await sleep(wait, o.signal);
        continue;
      }
      if (res.ok) {
        if (o.response) return res as unknown as T;
        const text = await res.text();
        try {
          return (text ? JSON.parse(text) : {}) as T;
        } catch (err) {
          throw new MatrixError('bad-response', endpoint, `HTTP ${res.status} with a body that is not JSON`, { status: res.status, attempts: attempt, cause: err });
        }
      }
      const text = await res.text().catch(() => '');
      let errcode: string | null = null;
      let message = '';
      let retryAfterMs = 0;
      try {
        const j = JSON.parse(text) as { errcode?: string; error?: string; retry_after_ms?: number };
        errcode = typeof j.errcode === 'string' ? j.errcode : null;
        message = typeof j.error === 'string' ? j.error : '';
        if (typeof j.retry_after_ms === 'number' && Number.isFinite(j.retry_after_ms)) retryAfterMs = j.retry_after_ms;
      } catch {
        message = text.slice(0, 200);
      }
      if (res.status === 429) {
        limited++;
        const header = res.headers.get('retry-after');
        const headerMs = header && /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : header ? Math.max(0, Date.parse(header) - Date.now()) || 0 : 0;
        const wait = Math.min(Math.max(headerMs, retryAfterMs, 100), 10 * 60_000) + Math.floor(this.random() * this.retry.jitterMs);
        this.onRateLimited(wait);
        if (limited > this.retry.max429) {
          throw new MatrixError('rate-limited', endpoint, `still rate-limited (429 ${errcode ?? ''}) after ${limited} waits`, { status: 429, errcode, attempts: attempt });
        }
        this.stats.rateLimited++;
        this.stats.rateLimitWaitMs += wait;
        this.log(redact(`${endpoint}: rate-limited (429), waiting ${wait} ms, then the same request again`));
        await sleep(wait, o.signal);
        continue;
      }
      if (res.status >= 500 && o.resend !== false && failures < this.retry.maxFailures) {
        failures++;
        this.stats.failures++;
        const wait = this.backoff(failures);
        this.log(redact(`${endpoint}: HTTP ${res.status} ${errcode ?? ''}; retrying in ${wait} ms`));
        await sleep(wait, o.signal);
        continue;
      }
      throw new MatrixError('http', endpoint, `HTTP ${res.status}${errcode ? ` ${errcode}` : ''}${message ? `: ${redact(message)}` : ''}`, { status: res.status, errcode, attempts: attempt });
    }
  }

  private backoff(n: number): number {
    return Math.min(this.retry.baseDelayMs * 2 ** (n - 1), this.retry.maxDelayMs) + Math.floor(this.random() * this.retry.jitterMs);
  }

  // ---- discovery, sign-in ------------------------------------------------------------------

  versions(signal?: AbortSignal): Promise<{ versions: string[]; unstable_features?: Record<string, boolean> }> {
    return this.request('GET', '/_matrix/client/versions', { anonymous: true, signal });
  }

  /** Password or token login; reuses `deviceId` so txnId scopes survive a new sign-in (§4). */
  async login(
    cred: { password: string; user: string } | { token: string },
    o: { deviceId?: string; deviceName?: string; signal?: AbortSignal } = {},
  ): Promise<LoginResult> {
    const body: Record<string, unknown> =
      'password' in cred
        ? { type: 'm.login.password', identifier: { type: 'm.id.user', user: cred.user }, password: cred.password }
        : { type: 'm.login.token', token: cred.token };
    if (o.deviceId) body.device_id = o.deviceId;
    body.initial_device_display_name = o.deviceName ?? 'Pereezd migration';
    const r = await this.request<LoginResult>('POST', '/_matrix/client/v3/login', { body, anonymous: true, signal: o.signal, resend: false });
    this.accessToken = r.access_token;
    this.userId = r.user_id;
    this.deviceId = r.device_id;
    return r;
  }

  async whoami(signal?: AbortSignal): Promise<{ user_id: string; device_id?: string }> {
    const r = await this.request<{ user_id: string; device_id?: string }>('GET', '/_matrix/client/v3/account/whoami', { signal });
    if (!this.asUserId) {
      this.userId = r.user_id;
      if (r.device_id) this.deviceId = r.device_id;
    }
    return r;
  }

  async logout(signal?: AbortSignal): Promise<void> {
    await this.request('POST', '/_matrix/client/v3/logout', { body: {}, signal });
    this.accessToken = undefined;
  }

  private me(): string {
    if (!this.userId) throw new Error('user id unknown: call whoami() or login() first');
    return this.userId;
  }

  // ---- rooms ------------------------------------------------------------------------------

  /** Not resent automatically (a lost answer may still have created the room): the caller checks, then retries. */
  createRoom(req: CreateRoomRequest, signal?: AbortSignal): Promise<{ room_id: string }> {
    return this.request('POST', '/_matrix/client/v3/createRoom', { body: req, signal, resend: false });
  }

  async joinedRooms(signal?: AbortSignal): Promise<string[]> {
    return (await this.request<{ joined_rooms: string[] }>('GET', '/_matrix/client/v3/joined_rooms', { signal })).joined_rooms;
  }

  join(roomIdOrAlias: string, signal?: AbortSignal): Promise<{ room_id: string }> {
    return this.request('POST', `/_matrix/client/v3/join/${enc(roomIdOrAlias)}`, { body: {}, signal });
  }

  async invite(roomId: string, userId: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { body: { user_id: userId }, signal });
  }

  /** PUT /send with the caller's txnId: resending it returns the same event (within Synapse's dedup window). */
  sendEvent(roomId: string, type: string, txnId: string, content: Record<string, unknown>, o: { signal?: AbortSignal; ts?: number } = {}): Promise<{ event_id: string }> {
    return this.request('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`, { body: content, signal: o.signal, ts: o.ts });
  }

  sendState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>, o: { signal?: AbortSignal; ts?: number } = {}): Promise<{ event_id: string }> {
    return this.request('PUT', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { body: content, signal: o.signal, ts: o.ts });
  }

  /** One state event's content, or null when the room has none of that type/key. */
  async getState<T = Record<string, unknown>>(roomId: string, type: string, stateKey = '', signal?: AbortSignal): Promise<T | null> {
    try {
      return await this.request<T>('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`, { signal });
    } catch (err) {
      if (err instanceof MatrixError && err.status === 404) return null;
      throw err;
    }
  }

  getAllState(roomId: string, signal?: AbortSignal): Promise<RoomEvent[]> {
    return this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/state`, { signal });
  }

  getEvent(roomId: string, eventId: string, signal?: AbortSignal): Promise<RoomEvent> {
    return this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(eventId)}`, { signal });
  }

  /** One page of /messages (limit capped at 1000 as Synapse does). */
  messages(roomId: string, o: { from?: string; dir?: 'b' | 'f'; limit?: number; filter?: RoomEventFilter; signal?: AbortSignal } = {}): Promise<MessagesPage> {
    return this.request('GET', `/_matrix/client/v3/rooms/${enc(roomId)}/messages`, {
      query: {
        dir: o.dir ?? 'b',
        limit: Math.min(Math.max(1, o.limit ?? 100), 1000),
        ...(o.from ? { from: o.from } : {}),
        ...(o.filter ? { filter: JSON.stringify(o.filter) } : {}),
      },
      signal: o.signal,
    });
  }

  /** Every event of a room, pages of `limit`, until the server returns no `end` token. */
  async *allMessages(roomId: string, o: { dir?: 'b' | 'f'; limit?: number; filter?: RoomEventFilter; signal?: AbortSignal } = {}): AsyncGenerator<RoomEvent[]> {
    let from: string | undefined;
    for (;;) {
      const page = await this.messages(roomId, { ...o, ...(from ? { from } : {}) });
      if (page.chunk.length) yield page.chunk;
      if (!page.end || page.end === from) return;
      from = page.end;
    }
  }

  // ---- account data -----------------------------------------------------------------------

  async getAccountData<T = Record<string, unknown>>(type: string, signal?: AbortSignal): Promise<T | null> {
    try {
      return await this.request<T>('GET', `/_matrix/client/v3/user/${enc(this.me())}/account_data/${enc(type)}`, { signal });
    } catch (err) {
      if (err instanceof MatrixError && err.status === 404) return null;
      throw err;
    }
  }

  async setAccountData(type: string, content: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/user/${enc(this.me())}/account_data/${enc(type)}`, { body: content, signal });
  }

  async getRoomAccountData<T = Record<string, unknown>>(roomId: string, type: string, signal?: AbortSignal): Promise<T | null> {
    try {
      return await this.request<T>('GET', `/_matrix/client/v3/user/${enc(this.me())}/rooms/${enc(roomId)}/account_data/${enc(type)}`, { signal });
    } catch (err) {
      if (err instanceof MatrixError && err.status === 404) return null;
      throw err;
    }
  }

  async setRoomAccountData(roomId: string, type: string, content: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/user/${enc(this.me())}/rooms/${enc(roomId)}/account_data/${enc(type)}`, { body: content, signal });
  }

  async setRoomTag(roomId: string, tag: string, signal?: AbortSignal): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/user/${enc(this.me())}/rooms/${enc(roomId)}/tags/${enc(tag)}`, { body: {}, signal });
  }

  /** m.direct: { userId: [roomId…] }. */
  async getDirect(signal?: AbortSignal): Promise<Record<string, string[]>> {
    return (await this.getAccountData<Record<string, string[]>>('m.direct', signal)) ?? {};
  }

  /** Adds roomId under userId in m.direct (read-modify-write; keeps what other clients put there). */
  async addDirect(userId: string, roomId: string, signal?: AbortSignal): Promise<void> {
    const direct = await this.getDirect(signal);
    const list = Array.isArray(direct[userId]) ? direct[userId] : [];
    if (list.includes(roomId)) return;
    await this.setAccountData('m.direct', { ...direct, [userId]: [...list, roomId] }, signal);
  }

  // ---- people -----------------------------------------------------------------------------

  userDirectorySearch(term: string, limit = 10, signal?: AbortSignal): Promise<UserDirectoryResult> {
    return this.request('POST', '/_matrix/client/v3/user_directory/search', { body: { search_term: term, limit }, signal });
  }

  async profile(userId: string, signal?: AbortSignal): Promise<{ displayname?: string; avatar_url?: string } | null> {
    try {
      return await this.request('GET', `/_matrix/client/v3/profile/${enc(userId)}`, { signal });
    } catch (err) {
      if (err instanceof MatrixError && err.status === 404) return null;
      throw err;
    }
  }

  async setDisplayName(userId: string, displayname: string, signal?: AbortSignal): Promise<void> {
    await this.request('PUT', `/_matrix/client/v3/profile/${enc(userId)}/displayname`, { body: { displayname }, signal });
  }

  // ---- media ------------------------------------------------------------------------------

  async mediaConfig(signal?: AbortSignal): Promise<{ 'm.upload.size'?: number }> {
    try {
      return await this.request('GET', '/_matrix/client/v1/media/config', { signal });
    } catch (err) {
      if (err instanceof MatrixError && (err.status === 404 || err.status === 400)) return this.request('GET', '/_matrix/media/v3/config', { signal });
      throw err;
    }
  }

  /** POST /_matrix/media/v3/upload → mxc:// URI. */
  async uploadMedia(data: Uint8Array, o: { contentType: string; filename?: string; signal?: AbortSignal }): Promise<string> {
    const r = await this.request<{ content_uri: string }>('POST', '/_matrix/media/v3/upload', {
      raw: { data, contentType: o.contentType || 'application/octet-stream' },
      query: o.filename ? { filename: o.filename } : {},
      signal: o.signal,
    });
    parseMxc(r.content_uri);
    return r.content_uri;
  }

  /** Authenticated download (client/v1/media/download): the Response, body unread. */
  downloadMedia(mxc: string, signal?: AbortSignal): Promise<Response> {
    const [server, id] = parseMxc(mxc);
    return this.request<Response>('GET', `/_matrix/client/v1/media/download/${enc(server)}/${enc(id)}`, { signal, response: true });
  }

  /** Downloads and hashes (SHA-256, hex) without keeping the file in memory. */
  async mediaSha256(mxc: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
    const res = await this.downloadMedia(mxc, signal);
    const h = createHash('sha256');
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        h.update(chunk);
        size += chunk.byteLength;
      }
    }
    return { sha256: h.digest('hex'), size };
  }
}
