import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../engine/security/csp.js';

const electron = vi.hoisted(() => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
}));
vi.mock('electron', () => electron);

const { createAppRequestHandler, handleAppProtocol, registerAppSchemeAsPrivileged } = await import('./protocol.js');

let dir: string;
let rendererDir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-protocol-'));
  rendererDir = path.join(dir, 'dist', 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Pereezd</title>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(rendererDir, 'assets', 'app.css'), 'body{}');
  // Things next to the renderer that must never be served.
  await writeFile(path.join(dir, 'dist', 'secret.txt'), 'do not serve');
  await writeFile(path.join(rendererDir, '.env'), 'TOKEN=1');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => createAppRequestHandler(rendererDir)(new Request(url, { method }));

describe('app:// scheme registration', () => {
  it('registers app as standard, secure and fetch-capable (before ready)', () => {
    registerAppSchemeAsPrivileged();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });
  it('handles the app scheme with the renderer-folder handler', async () => {
    handleAppProtocol(rendererDir);
    expect(electron.protocol.handle).toHaveBeenCalledTimes(1);
    const [scheme, handler] = electron.protocol.handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    const res = await handler(new Request('app://pereezd/index.html'));
    expect(res.status).toBe(200);
  });
});

describe('app:// request handler', () => {
  it('serves index.html with its type and the CSP', async () => {
    const res = await get('app://pereezd/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Pereezd</title>');
  });
  it('serves / as index.html, and scripts and styles with their types', async () => {
    expect(await (await get('app://pereezd/')).text()).toContain('Pereezd');
    expect((await get('app://pereezd/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://pereezd/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
  it('answers HEAD without a body', async () => {
    const res = await get('app://pereezd/index.html', 'HEAD');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
  it.each([
    ['app://pereezd/missing.js', 404],
    ['app://pereezd/assets', 404], // a directory
    ['app://pereezd/.env', 404],
    // WHATWG URL parsing (Request here, Chromium in the app) folds %2e%2e into `..` and collapses
    // it, so this arrives as app://pereezd/secret.txt: not in the renderer folder.
    ['app://pereezd/%2e%2e/secret.txt', 404],
    ['app://pereezd/assets/..%2f..%2fsecret.txt', 400],
    ['app://other/index.html', 403],
  ])('%s → %i, still with the CSP and nothing from outside the folder', async (url, status) => {
    const res = await get(url);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toBe('');
  });
  it('refuses methods other than GET and HEAD', async () => {
    const res = await get('app://pereezd/index.html', 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});
