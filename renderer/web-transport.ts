/**
 * The browser host's transport: the same contract as Electron IPC, carried over the loopback web
 * host. Calls are `POST /api/invoke/<channel>` with the request as JSON and an Envelope back;
 * events arrive over one WebSocket at `/api/events` as `{"channel","payload"}`. The session cookie
 * (set when the page was opened with its one-time token) rides along on both, same-origin.
 *
 * The socket reconnects with back-off when dropped; `onReconnect` lets the client re-fetch full
 * job snapshots it may have missed meanwhile (never deltas).
 */
import { buildApi, type PereezdApi, type Transport } from '../shared/api.js';
import { isEventChannel, type EventChannel, type Envelope, type InvokeChannel } from '../shared/ipc-contract.js';

export interface WebTransportOptions {
  /** Page origin, e.g. `http://127.0.0.1:4321`; defaults to `location.origin`. */
  origin?: string;
  /** Called after the event socket came back (not on the first connect). */
  onReconnect?: () => void;
  /** Called whenever the event socket goes up or down. */
  onConnectionChange?: (connected: boolean) => void;
  fetchImpl?: typeof fetch;
  WebSocketImpl?: typeof WebSocket;
  /** Back-off bounds in ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface WebTransport extends Transport {
  /** Close the socket for good (page unload, tests). */
  close(): void;
}

function failure(message: string): Envelope<never> {
  return { ok: false, error: { code: 'failed', message } };
}

export function createWebTransport(opts: WebTransportOptions = {}): WebTransport {
  const origin = opts.origin ?? globalThis.location.origin;
  const doFetch = opts.fetchImpl ?? globalThis.fetch.bind(globalThis);
  const WS = opts.WebSocketImpl ?? globalThis.WebSocket;
  const minDelay = opts.minDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

  let socket: WebSocket | null = null;
  let everOpened = false;
  let closed = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const wsUrl = () => {
    const u = new URL('/api/events', origin);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    // Exponential back-off with jitter, so a restarted host is not hammered.
    const base = Math.min(maxDelay, minDelay * 2 ** attempt);
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    if (closed || socket) return;
    let ws: WebSocket;
    try {
      ws = new WS(wsUrl());
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.addEventListener('open', () => {
      const again = everOpened;
      everOpened = true;
      attempt = 0;
      opts.onConnectionChange?.(true);
      if (again) opts.onReconnect?.();
    });
    ws.addEventListener('message', (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let msg: unknown;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null) return;
      const { channel, payload } = msg as { channel?: unknown; payload?: unknown };
      if (!isEventChannel(channel)) return;
      for (const cb of [...(listeners.get(channel) ?? [])]) cb(payload);
    });
    ws.addEventListener('close', () => {
      if (socket === ws) socket = null;
      if (closed) return;
      opts.onConnectionChange?.(false);
      scheduleReconnect();
    });
    // An error is always followed by close; reconnecting happens there.
    ws.addEventListener('error', () => undefined);
  };

  return {
    async invoke(channel: InvokeChannel, req: unknown): Promise<unknown> {
      let res: Response;
      try {
        res = await doFetch(new URL(`/api/invoke/${channel}`, origin).toString(), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(req ?? {}),
        });
      } catch (err) {
        return failure(`${channel}: the app core cannot be reached (${err instanceof Error ? err.message : String(err)})`);
      }
      const text = await res.text().catch(() => '');
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = undefined;
      }
      if (typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean') return body;
      // Not an envelope (a proxy page, an expired session): say what came back instead of guessing.
      return failure(`${channel}: HTTP ${res.status} ${res.statusText}`.trim());
    },
    on(channel: EventChannel, cb: (payload: unknown) => void): () => void {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(cb);
      connect();
      return () => {
        set.delete(cb);
      };
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      socket?.close();
      socket = null;
    },
  };
}

/** The whole PereezdApi over the loopback web host. */
export function buildWebApi(opts: WebTransportOptions = {}): { api: PereezdApi; transport: WebTransport } {
  const transport = createWebTransport(opts);
  return { api: buildApi(transport), transport };
}
