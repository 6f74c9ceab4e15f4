/**
 * Synapse with its DEFAULT rate limits (rc_message 0.2/s, burst 10) and a non-admin user: after more than
 * ten quick sends a real 429 arrives with Retry-After; the client waits and resends the same txnId, and
 * /messages shows every message exactly once. Also: the harness survives restart() and kill() (kill -9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatrixClient } from '../../main/engine/matrix/client.js';
import { startSynapse, type RegisteredUser, type Synapse } from '../helpers/synapse.js';

describe('429 from a real Synapse with default limits', () => {
  let hs: Synapse;
  let carol: RegisteredUser;
  beforeAll(async () => {
    hs = await startSynapse({ profile: 'default' });
    carol = await hs.register('carol', { admin: false });
    console.log(`synapse (default profile) started in ${hs.startupSeconds.toFixed(1)} s`);
  });
  afterAll(async () => {
    await hs?.stop();
  });

  it('waits on 429 (Retry-After), resends the same txnId and leaves no duplicates', { timeout: 180_000 }, async () => {
    const seen: { url: string; status: number; retryAfter: string | null; retryAfterMs: number | null }[] = [];
    const recording = (async (url: string, init: RequestInit) => {
      const res = await fetch(url, init);
      let retryAfterMs: number | null = null;
      if (res.status === 429) retryAfterMs = ((await res.clone().json()) as { retry_after_ms?: number }).retry_after_ms ?? null;
      seen.push({ url, status: res.status, retryAfter: res.headers.get('retry-after'), retryAfterMs });
      return res;
    }) as unknown as typeof fetch;
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: carol.accessToken, userId: carol.userId, fetchImpl: recording });
    const { room_id } = await c.createRoom({ name: 'rate limits' });
    const n = 12;
    const t0 = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await c.sendEvent(room_id, 'm.room.message', `rl-${i}`, { msgtype: 'm.text', body: `msg ${i}` })).event_id);
    const took = (Date.now() - t0) / 1000;
    const limited = seen.filter((s) => s.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((s) => s.retryAfter !== null && Number(s.retryAfter) >= 1 && (s.retryAfterMs ?? 0) > 0)).toBe(true);
    // Every 429 was followed by the same URL (same txnId) until it succeeded.
    for (const [i, s] of seen.entries()) if (s.status === 429) expect(seen[i + 1]!.url).toBe(s.url);
    expect(new Set(ids).size).toBe(n);
    expect(c.stats.rateLimited).toBe(limited.length);
    console.log(`${n} sends with default limits: ${limited.length} × 429, ${took.toFixed(1)} s`);

    const bodies: string[] = [];
    for await (const page of c.allMessages(room_id, { dir: 'f', limit: 1000, filter: { types: ['m.room.message'] } })) bodies.push(...page.map((e) => String(e.content.body)));
    expect(bodies).toEqual(Array.from({ length: n }, (_, i) => `msg ${i}`));
  });

  it('keeps its data across restart() and kill() (kill -9) + restart()', async () => {
    const dave = await hs.register('dave');
    const who = () => fetch(`${hs.baseUrl}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${dave.accessToken}` } });
    await hs.restart();
    expect((await who()).status).toBe(200);
    hs.kill();
    await expect(fetch(`${hs.baseUrl}/health`)).rejects.toThrow();
    await hs.restart();
    expect(((await (await who()).json()) as { user_id: string }).user_id).toBe('@dave:localhost');
    console.log(`synapse restart: ${hs.startupSeconds.toFixed(1)} s`);
  });
});
