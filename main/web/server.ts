/**
 * The loopback host: serves the built renderer on 127.0.0.1 and carries the same contract as the
 * desktop IPC over HTTP (invoke) and a WebSocket (events).
 *
 * Who may talk to it: only a browser that opened the one-time URL. The `?token=` in that URL is
 * exchanged once for an HttpOnly, SameSite=Strict session cookie and then forgotten. Every request
 * must also carry `Host: 127.0.0.1:<port>` (defeats DNS rebinding) and, where browsers send one, the
 * matching `Origin` (defeats cross-site requests). Nothing listens on any other interface.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { isEventChannel, type EventChannel, type EventPayload } from '../../shared/ipc-contract.js';
import { dispatch } from '../engine/dispatch.js';
import { CONTENT_SECURITY_POLICY } from '../engine/security/csp.js';
import { createService, type ServiceDeps } from '../engine/service.js';
import { VERSION } from '../engine/version.js';

export interface WebHostOptions {
  rendererDir: string;
  port?: number;
  locale?: string;
  /** Fixed token (tests); random otherwise. */
  token?: string;
  service?: Partial<Pick<ServiceDeps, 'asOf' | 'now' | 'configDir'>>;
}

export interface WebHost {
  url: string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'pereezd_session';
const MAX_BODY = 1 << 20;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

function secureHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    ...extra,
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const rendererDir = path.resolve(opts.rendererDir);
  let token: string | null = opts.token ?? randomBytes(24).toString('base64url');
  const session = randomBytes(32).toString('base64url');
  const sockets = new Set<WebSocket>();

  const send = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => {
    if (!isEventChannel(channel)) return;
    const msg = JSON.stringify({ channel, payload });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg);
  };
  const { service, dispose } = createService({ host: 'web', send, version: VERSION, ...(opts.locale ? { locale: opts.locale } : {}), ...opts.service });

  let port = 0;
  const hostOk = (req: http.IncomingMessage) => req.headers.host === `127.0.0.1:${port}`;
  const originOk = (req: http.IncomingMessage, required: boolean) => {
    const o = req.headers.origin;
    if (o === undefined) return !required;
    return o === `http://127.0.0.1:${port}`;
  };
  const authed = (req: http.IncomingMessage) => {
    const c = cookieValue(req.headers.cookie, COOKIE);
    return c !== null && sameSecret(c, session);
  };

  const deny = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, secureHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }));
    res.end(text);
  };

  const serveStatic = async (res: http.ServerResponse, urlPath: string) => {
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath);
    } catch {
      return deny(res, 400, 'bad path');
    }
    if (rel.includes('\0')) return deny(res, 400, 'bad path');
    if (rel === '/' || rel === '') rel = '/index.html';
    const full = path.resolve(rendererDir, '.' + path.posix.normalize(rel));
    if (full !== rendererDir && !full.startsWith(rendererDir + path.sep)) return deny(res, 403, 'forbidden');
    const s = await stat(full).catch(() => null);
    if (!s || !s.isFile()) return deny(res, 404, 'not found');
    res.writeHead(200, secureHeaders({ 'Content-Type': MIME[path.extname(full)] ?? 'application/octet-stream', 'Content-Length': String(s.size) }));
    createReadStream(full).pipe(res);
  };

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new Error('request too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!hostOk(req)) return deny(res, 421, 'wrong host');
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const given = url.searchParams.get('token');
      if (req.method === 'GET' && given !== null) {
        if (token !== null && sameSecret(given, token)) {
          token = null; // one-time: the URL cannot be replayed
          res.writeHead(303, secureHeaders({ Location: '/', 'Set-Cookie': `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/` }));
          return res.end();
        }
        if (!authed(req)) return deny(res, 403, 'This link has already been used or is wrong. Start Pereezd again to get a new one.');
        res.writeHead(303, secureHeaders({ Location: '/' }));
        return res.end();
      }
      if (!authed(req)) return deny(res, 401, 'Open the link printed by `npm start` (it works once).');
      if (url.pathname.startsWith('/api/invoke/')) {
        if (req.method !== 'POST') return deny(res, 405, 'POST only');
        if (!originOk(req, true)) return deny(res, 403, 'cross-origin request refused');
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return deny(res, 415, 'JSON only');
        if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) {
          res.writeHead(413, secureHeaders({ 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }));
          return res.end('request too large');
        }
        let raw: unknown;
        try {
          const text = await readBody(req);
          raw = text.length ? JSON.parse(text) : {};
        } catch (err) {
          return deny(res, (err as Error).message === 'request too large' ? 413 : 400, (err as Error).message);
        }
        const channel = decodeURIComponent(url.pathname.slice('/api/invoke/'.length));
        const reply = await dispatch(service, channel, raw);
        res.writeHead(200, secureHeaders({ 'Content-Type': 'application/json; charset=utf-8' }));
        return res.end(JSON.stringify(reply));
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed');
      if (!originOk(req, false)) return deny(res, 403, 'cross-origin request refused');
      return serveStatic(res, url.pathname);
    })().catch((err: unknown) => {
      if (!res.headersSent) deny(res, 500, 'internal error');
      else res.destroy();
      process.stderr.write(`pereezd web host: ${(err as Error).message}\n`);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/api/events' || !hostOk(req) || !originOk(req, true) || !authed(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1003, 'events are one-way')); // the page never sends on this socket
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: opts.port ?? 0, exclusive: true }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: `${origin}/?token=${encodeURIComponent(token ?? '')}`,
    async close() {
      dispose();
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
