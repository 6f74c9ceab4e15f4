import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RemoteCallError } from '../shared/api.js';
import type { JobState } from '../shared/model/index.js';
import { buildWebApi } from './web-transport.js';

/** A stand-in for the browser's WebSocket: the test opens, feeds and drops it. */
class FakeSocket extends EventTarget {
  static all: FakeSocket[] = [];
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeSocket.all.push(this);
  }
  open() {
    this.dispatchEvent(new Event('open'));
  }
  receive(data: unknown) {
    const ev = new Event('message') as Event & { data: unknown };
    Object.defineProperty(ev, 'data', { value: typeof data === 'string' ? data : JSON.stringify(data) });
    this.dispatchEvent(ev);
  }
  drop() {
    this.dispatchEvent(new Event('close'));
  }
  close() {
    this.closed = true;
  }
}

const ORIGIN = 'http://127.0.0.1:4567';
const job: JobState = {
  jobId: '6f1c8a4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  kind: 'inventory',
  phase: 'running',
  progress: { done: 1, total: 2, unit: 'bytes' },
  startedAt: 1,
  updatedAt: 2,
  etaMs: null,
};

function reply(body: unknown, status = 200, statusText = 'OK') {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText, headers: { 'content-type': 'application/json' } });
}

describe('web transport', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('posts the request as JSON to /api/invoke/<channel>, same-origin, and unwraps the envelope', async () => {
    const fetchImpl = vi.fn(async () => reply({ ok: true, value: { sources: [] } }));
    const { api, transport } = buildWebApi({ origin: ORIGIN, fetchImpl, WebSocketImpl: FakeSocket as unknown as typeof WebSocket });
    await expect(api.invoke['sources:detect']({ paths: ['/x'] })).resolves.toEqual({ sources: [] });
    expect(fetchImpl).toHaveBeenCalledWith(`${ORIGIN}/api/invoke/sources:detect`, expect.objectContaining({ method: 'POST', credentials: 'same-origin', body: '{"paths":["/x"]}' }));
    transport.close();
  });

  it('turns an error envelope into a RemoteCallError with its code', async () => {
    const fetchImpl = vi.fn(async () => reply({ ok: false, error: { code: 'not-found', message: 'no such folder' } }, 404, 'Not Found'));
    const { api } = buildWebApi({ origin: ORIGIN, fetchImpl, WebSocketImpl: FakeSocket as unknown as typeof WebSocket });
    const err = await api.invoke['fs:list']({ dir: '/nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteCallError);
    expect(err).toMatchObject({ code: 'not-found', message: 'no such folder' });
  });

  it('reports a non-envelope reply and a network failure as errors, never as success', async () => {
    const html = vi.fn(async () => reply('<html>forbidden</html>', 403, 'Forbidden'));
    const a = buildWebApi({ origin: ORIGIN, fetchImpl: html, WebSocketImpl: FakeSocket as unknown as typeof WebSocket }).api;
    await expect(a.invoke['app:info']({})).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('403') });
    const down = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const b = buildWebApi({ origin: ORIGIN, fetchImpl: down, WebSocketImpl: FakeSocket as unknown as typeof WebSocket }).api;
    await expect(b.invoke['app:info']({})).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('cannot be reached') });
  });

  it('delivers job:progress events from the socket at /api/events, ignoring junk', () => {
    const { api, transport } = buildWebApi({ origin: ORIGIN, WebSocketImpl: FakeSocket as unknown as typeof WebSocket, fetchImpl: vi.fn() });
    const seen: JobState[] = [];
    const off = api.on['job:progress']((s) => seen.push(s));
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('ws://127.0.0.1:4567/api/events');
    ws.open();
    ws.receive({ channel: 'job:progress', payload: job });
    ws.receive('not json');
    ws.receive({ channel: 'evil:channel', payload: job });
    expect(seen).toEqual([job]);
    off();
    ws.receive({ channel: 'job:progress', payload: job });
    expect(seen).toHaveLength(1);
    transport.close();
    expect(ws.closed).toBe(true);
  });

  it('reconnects with growing back-off when dropped, and asks for a resync after reconnecting', () => {
    const onReconnect = vi.fn();
    const onConnectionChange = vi.fn();
    const { api, transport } = buildWebApi({
      origin: ORIGIN,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      fetchImpl: vi.fn(),
      onReconnect,
      onConnectionChange,
      minDelayMs: 100,
      maxDelayMs: 1000,
    });
    api.on['job:progress'](() => undefined);
    FakeSocket.all[0]!.open();
    expect(onReconnect).not.toHaveBeenCalled(); // the first connect is not a reconnect
    expect(onConnectionChange).toHaveBeenLastCalledWith(true);

    FakeSocket.all[0]!.drop();
    expect(onConnectionChange).toHaveBeenLastCalledWith(false);
    vi.advanceTimersByTime(100); // attempt 1 after 50..100 ms
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.drop(); // still down
    vi.advanceTimersByTime(99);
    expect(FakeSocket.all).toHaveLength(2); // attempt 2 waits 100..200 ms
    vi.advanceTimersByTime(101);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2]!.open();
    expect(onReconnect).toHaveBeenCalledTimes(1);
    expect(onConnectionChange).toHaveBeenLastCalledWith(true);

    // After a successful reconnect the back-off starts small again.
    FakeSocket.all[2]!.drop();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(4);

    transport.close();
    FakeSocket.all[3]!.drop();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(4); // closed for good: no more attempts
  });
});
