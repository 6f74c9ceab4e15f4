import http from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../main/web/server.js';
import type { JobState } from '../../shared/model/index.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const TOKEN = 'test-token-0123456789abcdef';
let host: WebHost;
let cookie = '';
let rendererDir: string;
let configDir: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-renderer-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Pereezd</title>');
  mkdirSync(path.join(rendererDir, 'assets'));
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(os.tmpdir(), 'pereezd-secret-outside.txt'), 'secret');
  configDir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-config-'));
  host = await startWebHost({ rendererDir, token: TOKEN, locale: 'ru-RU', service: { configDir } });
});

afterAll(async () => {
  await host.close();
});

const invoke = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  request(host.port, {
    method: 'POST',
    path: `/api/invoke/${channel}`,
    headers: { Cookie: cookie, Origin: host.origin, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('loopback web host', () => {
  it('listens on 127.0.0.1 only, on a random port, and prints a tokened URL', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
  });

  it('refuses everything before the token is exchanged', async () => {
    expect((await request(host.port, { path: '/' })).status).toBe(401);
    expect((await request(host.port, { path: '/?token=wrong' })).status).toBe(403);
    expect((await invoke('app:info', {})).status).toBe(401);
  });

  it('exchanges the one-time token for an HttpOnly SameSite=Strict cookie, then forgets it', async () => {
    const first = await request(host.port, { path: `/?token=${TOKEN}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    cookie = setCookie.split(';')[0]!;
    const replay = await request(host.port, { path: `/?token=${TOKEN}` });
    expect(replay.status).toBe(403);
    expect(replay.headers['set-cookie']).toBeUndefined();
  });

  it('serves the renderer with the strict CSP and security headers', async () => {
    const r = await request(host.port, { path: '/', headers: { Cookie: cookie } });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Pereezd</title>');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['content-security-policy']).toContain("object-src 'none'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const js = await request(host.port, { path: '/assets/app.js', headers: { Cookie: cookie } });
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('refuses a wrong Host header (DNS rebinding) and cross-origin calls', async () => {
    expect((await request(host.port, { path: '/', headers: { Cookie: cookie, Host: `localhost:${host.port}` } })).status).toBe(421);
    expect((await request(host.port, { path: '/', headers: { Cookie: cookie, Host: `evil.example:${host.port}` } })).status).toBe(421);
    expect((await invoke('app:info', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    const noOrigin = await request(host.port, { method: 'POST', path: '/api/invoke/app:info', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{}' });
    expect(noOrigin.status).toBe(403);
    expect((await invoke('app:info', {}, { 'Content-Type': 'text/plain' })).status).toBe(415);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../pereezd-secret-outside.txt', '/%2e%2e/pereezd-secret-outside.txt', '/assets/../../pereezd-secret-outside.txt', '/..%2fpereezd-secret-outside.txt']) {
      const r = await request(host.port, { path: p, headers: { Cookie: cookie } });
      expect(r.status, p).not.toBe(200);
      expect(r.body).not.toContain('secret');
    }
  });

  it('carries the contract: valid calls answer, invalid ones get a typed error', async () => {
    const info = JSON.parse((await invoke('app:info', {})).body);
    expect(info).toMatchObject({ ok: true, value: { host: 'web', locale: 'ru-RU', nativeDialog: false } });
    const bad = JSON.parse((await invoke('sources:detect', { paths: [] })).body);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const extra = JSON.parse((await invoke('app:info', { sneaky: 1 })).body);
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const unknown = JSON.parse((await invoke('fs:delete', {})).body);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const pick = JSON.parse((await invoke('sources:pick', { mode: 'files' })).body);
    expect(pick).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    // an oversized request is refused before it is read (413, or the connection is cut while the
    // client is still sending), and the host keeps serving afterwards
    const big = await invoke('sources:detect', { paths: ['x'.repeat(2 << 20)] }).then((r) => r.status, (e: NodeJS.ErrnoException) => e.code);
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(big);
    expect(JSON.parse((await invoke('app:info', {})).body).ok).toBe(true);
  });

  it('lists folders for the in-app browser', async () => {
    const r = JSON.parse((await invoke('fs:list', { dir: rendererDir })).body);
    expect(r.ok).toBe(true);
    expect(r.value.dir).toBe(rendererDir);
    expect(r.value.entries.map((e: { name: string; kind: string }) => `${e.kind}:${e.name}`)).toEqual(['folder:assets', 'file:index.html']);
  });

  it('refuses WebSocket upgrades without the session or from another origin', async () => {
    const attempt = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('error', () => resolve('refused'));
      });
    expect(await attempt({ Origin: host.origin })).toBe('refused');
    expect(await attempt({ Origin: 'http://evil.example', Cookie: cookie })).toBe('refused');
    expect(await attempt({ Origin: host.origin, Cookie: cookie })).toBe('open');
  });

  it('pushes job:progress snapshots over the WebSocket until the job is done', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers: { Origin: host.origin, Cookie: cookie } });
    await new Promise((r) => ws.once('open', r));
    const states: JobState[] = [];
    const finished = new Promise<JobState>((resolve) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { channel: string; payload: JobState };
        expect(msg.channel).toBe('job:progress');
        states.push(msg.payload);
        if (['done', 'failed', 'cancelled'].includes(msg.payload.phase)) resolve(msg.payload);
      });
    });
    const start = JSON.parse((await invoke('inventory:start', { paths: [rendererDir] })).body);
    expect(start.ok).toBe(true);
    const final = await finished;
    ws.close();
    expect(final.jobId).toBe(start.value.jobId);
    expect(final.phase).toBe('done');
    // a folder that is not an export: recognised as nothing, with a problem, and no crash
    expect(final.result?.sources[0]).toMatchObject({ format: null, problems: [expect.objectContaining({ code: 'not-recognised' })] });
    const got = JSON.parse((await invoke('job:get', { jobId: start.value.jobId })).body);
    expect(got.value.phase).toBe('done');
  });

  it('keeps the user\'s choices in the app core, so they survive a restart on a new port', async () => {
    const saved = JSON.parse((await invoke('settings:set', { excludedChats: ['tg:42'], language: 'ru' })).body);
    expect(saved).toEqual({ ok: true, value: { excludedChats: ['tg:42'], language: 'ru' } });
    expect(JSON.parse((await invoke('settings:set', { excludedChats: 'tg:42' })).body)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const second = await startWebHost({ rendererDir, token: 'second-token-0123456789', service: { configDir } });
    try {
      expect(second.port).not.toBe(host.port);
      const login = await request(second.port, { path: '/?token=second-token-0123456789' });
      const cookie2 = (login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
      const r = await request(second.port, {
        method: 'POST',
        path: '/api/invoke/settings:get',
        headers: { Cookie: cookie2, Origin: second.origin, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(JSON.parse(r.body)).toEqual({ ok: true, value: { excludedChats: ['tg:42'], language: 'ru' } });
    } finally {
      await second.close();
    }
  });
});
