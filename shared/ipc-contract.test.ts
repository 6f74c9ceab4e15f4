import { describe, expect, it } from 'vitest';
import { buildApi, RemoteCallError, type Transport } from './api.js';
import { eventChannels, invoke, invokeChannels, isInvokeChannel, parseRequest } from './ipc-contract.js';

describe('the channel table', () => {
  it('names every channel domain:verb in lower case', () => {
    for (const ch of [...invokeChannels, ...eventChannels]) expect(ch).toMatch(/^[a-z]+:[a-z]+(-[a-z]+)*$/);
  });

  it('rejects unknown channels, including prototype keys', () => {
    expect(isInvokeChannel('sources:detect')).toBe(true);
    expect(isInvokeChannel('toString')).toBe(false);
    expect(isInvokeChannel('__proto__')).toBe(false);
    expect(isInvokeChannel(42)).toBe(false);
  });

  it('validates requests strictly: no extra keys, bounded sizes, right types', () => {
    expect(parseRequest('sources:detect', { paths: ['/a'] })).toEqual({ ok: true, value: { paths: ['/a'] } });
    expect(parseRequest('sources:detect', { paths: [] }).ok).toBe(false);
    expect(parseRequest('sources:detect', { paths: Array(201).fill('/a') }).ok).toBe(false);
    expect(parseRequest('sources:detect', { paths: ['x'.repeat(4097)] }).ok).toBe(false);
    expect(parseRequest('sources:detect', { paths: ['/a'], extra: true }).ok).toBe(false);
    expect(parseRequest('job:cancel', { jobId: 'not-a-uuid' }).ok).toBe(false);
    expect(parseRequest('app:info', null).ok).toBe(false);
    const bad = parseRequest('sources:pick', { mode: 'everything' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining('sources:pick') } });
  });

  it('every invoke entry has a request schema', () => {
    for (const ch of invokeChannels) expect(typeof invoke[ch].req.safeParse).toBe('function');
  });
});

describe('buildApi', () => {
  const fakeTransport = (reply: unknown) => {
    const calls: [string, unknown][] = [];
    const listeners = new Map<string, ((p: unknown) => void)[]>();
    const t: Transport = {
      async invoke(ch, req) {
        calls.push([ch, req]);
        return reply;
      },
      on(ch, cb) {
        listeners.set(ch, [...(listeners.get(ch) ?? []), cb]);
        return () => listeners.set(ch, (listeners.get(ch) ?? []).filter((x) => x !== cb));
      },
    };
    return { t, calls, listeners };
  };

  it('derives one method per invoke channel and one subscription per event', () => {
    const api = buildApi(fakeTransport({ ok: true, value: null }).t);
    expect(Object.keys(api.invoke).sort()).toEqual([...invokeChannels].sort());
    expect(Object.keys(api.on).sort()).toEqual([...eventChannels].sort());
    expect(Object.isFrozen(api.invoke)).toBe(true);
  });

  it('unwraps ok envelopes and throws typed errors for failed ones', async () => {
    const ok = fakeTransport({ ok: true, value: { sources: [] } });
    await expect(buildApi(ok.t).invoke['sources:detect']({ paths: ['/x'] })).resolves.toEqual({ sources: [] });
    expect(ok.calls).toEqual([['sources:detect', { paths: ['/x'] }]]);
    const failed = fakeTransport({ ok: false, error: { code: 'unsupported', message: 'no dialog' } });
    const err = await buildApi(failed.t).invoke['sources:pick']({ mode: 'files' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteCallError);
    expect(err).toMatchObject({ code: 'unsupported', message: 'no dialog' });
    const garbage = fakeTransport('surprise');
    await expect(buildApi(garbage.t).invoke['app:info']({})).rejects.toMatchObject({ code: 'failed' });
  });

  it('subscriptions can be undone', () => {
    const f = fakeTransport(null);
    const api = buildApi(f.t);
    const seen: unknown[] = [];
    const off = api.on['job:progress']((p) => seen.push(p));
    for (const cb of f.listeners.get('job:progress') ?? []) cb({ phase: 'running' });
    off();
    for (const cb of f.listeners.get('job:progress') ?? []) cb({ phase: 'done' });
    expect(seen).toEqual([{ phase: 'running' }]);
  });
});
