import { describe, expect, it } from 'vitest';
import { MatrixClient, MatrixError, redact } from './client.js';

type Call = { url: string; method: string; body: string | undefined; auth: string | undefined };

function fakeFetch(answers: (() => Response | Error)[]) {
  const calls: Call[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', body: init.body as string | undefined, auth: (init.headers as Record<string, string>).authorization });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    const r = next();
    if (r instanceof Error) throw r;
    return r;
  }) as unknown as typeof fetch;
  return { calls, impl };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('MatrixClient retries', () => {
  it('on 429 waits max(Retry-After, retry_after_ms) + jitter and resends the same request', async () => {
    const { calls, impl } = fakeFetch([
      json(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 120 }, { 'retry-after': '0' }),
      json(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 10 }, { 'retry-after': '1' }),
      json(200, { event_id: '$e' }),
    ]);
    const logs: string[] = [];
    const c = new MatrixClient({ baseUrl: 'http://hs', accessToken: 'SECRET', fetchImpl: impl, random: () => 0.5, retry: { jitterMs: 100 }, log: (l) => logs.push(l) });
    const t0 = Date.now();
    const r = await c.sendEvent('!r:hs', 'm.room.message', 'mig-1', { body: 'x' });
    const took = Date.now() - t0;
    expect(r.event_id).toBe('$e');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((x) => `${x.method} ${x.url} ${x.body}`)).size).toBe(1);
    expect(calls[0]!.url).toBe('http://hs/_matrix/client/v3/rooms/!r%3Ahs/send/m.room.message/mig-1');
    // 120 + 50 (jitter) for the first, 1000 (Retry-After) + 50 for the second.
    expect(took).toBeGreaterThanOrEqual(1200);
    expect(c.stats.rateLimited).toBe(2);
    expect(c.stats.rateLimitWaitMs).toBe(170 + 1050);
    expect(logs.join('\n')).not.toContain('SECRET');
  });

  it('backs off on 5xx and network errors, then gives up with an error naming the endpoint', async () => {
    const { calls, impl } = fakeFetch([
      () => new TypeError('fetch failed'),
      json(502, { errcode: 'M_UNKNOWN' }),
      json(503, {}),
      json(500, {}),
    ]);
    const c = new MatrixClient({ baseUrl: 'http://hs', accessToken: 't', fetchImpl: impl, retry: { maxFailures: 3, baseDelayMs: 5, jitterMs: 1 } });
    const err = (await c.joinedRooms().catch((e: unknown) => e)) as MatrixError;
    expect(err).toBeInstanceOf(MatrixError);
    expect(err.endpoint).toBe('GET /_matrix/client/v3/joined_rooms');
    expect(err.status).toBe(500);
    expect(err.attempts).toBe(4);
    expect(err.message).toBe('GET /_matrix/client/v3/joined_rooms: HTTP 500 (after 4 attempts)');
    expect(calls).toHaveLength(4);
  });

  it('recovers when the server comes back within the attempts', async () => {
    const { calls, impl } = fakeFetch([() => new TypeError('fetch failed'), json(200, { joined_rooms: ['!a:hs'] })]);
    const c = new MatrixClient({ baseUrl: 'http://hs', accessToken: 't', fetchImpl: impl, retry: { baseDelayMs: 1, jitterMs: 1 } });
    expect(await c.joinedRooms()).toEqual(['!a:hs']);
    expect(calls).toHaveLength(2);
    expect(c.stats.failures).toBe(1);
  });

  it('does not resend createRoom after a network error (the room may exist)', async () => {
    const { calls, impl } = fakeFetch([() => new TypeError('socket hang up'), json(200, { room_id: '!x:hs' })]);
    const c = new MatrixClient({ baseUrl: 'http://hs', accessToken: 't', fetchImpl: impl, retry: { baseDelayMs: 1 } });
    await expect(c.createRoom({ name: 'x' })).rejects.toThrow(/^POST \/_matrix\/client\/v3\/createRoom: network error: socket hang up/);
    expect(calls).toHaveLength(1);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const { impl } = fakeFetch([json(429, { retry_after_ms: 60_000 })]);
    const c = new MatrixClient({ baseUrl: 'http://hs', accessToken: 't', fetchImpl: impl });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled by test')), 50);
    const t0 = Date.now();
    await expect(c.joinedRooms(ac.signal)).rejects.toThrow('cancelled by test');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('gives up after too many 429s with a rate-limited error', async () => {
    const { impl } = fakeFetch(Array.from({ length: 4 }, () => json(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1 })));
    const c = new MatrixClient({ baseUrl: 'http://hs', accessToken: 't', fetchImpl: impl, retry: { max429: 2, jitterMs: 1 } });
    const err = (await c.whoami().catch((e: unknown) => e)) as MatrixError;
    expect(err.kind).toBe('rate-limited');
    expect(err.message).toMatch(/^GET \/_matrix\/client\/v3\/account\/whoami: still rate-limited \(429 M_LIMIT_EXCEEDED\) after 3 waits/);
  });

  it('adds user_id (appservice) and ts only where asked', async () => {
    const { calls, impl } = fakeFetch([json(200, { event_id: '$1' }), json(200, { joined_rooms: [] })]);
    const c = new MatrixClient({ baseUrl: 'http://hs', accessToken: 'as', fetchImpl: impl }).as('@mig_bob:hs');
    await c.sendEvent('!r:hs', 'm.room.message', 't1', { body: 'x' }, { ts: 1556704800000 });
    await c.joinedRooms();
    expect(calls[0]!.url).toBe('http://hs/_matrix/client/v3/rooms/!r%3Ahs/send/m.room.message/t1?user_id=%40mig_bob%3Ahs&ts=1556704800000');
    expect(calls[1]!.url).toBe('http://hs/_matrix/client/v3/joined_rooms?user_id=%40mig_bob%3Ahs');
  });
});

describe('redact', () => {
  it('removes tokens from URLs, headers and JSON', () => {
    expect(redact('GET /x?access_token=syt_abc&y=1')).toBe('GET /x?access_token=<redacted>&y=1');
    expect(redact('authorization: Bearer syt_abc.def')).toBe('authorization: Bearer <redacted>');
    expect(redact('{"access_token":"syt_1","as_token":"zzz","password":"pw","x":1}')).toBe(
      '{"access_token":"<redacted>","as_token":"<redacted>","password":"<redacted>","x":1}',
    );
  });
});
