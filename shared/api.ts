/**
 * PereezdApi: what the renderer sees, derived from the contract. buildApi turns a transport
 * (Electron ipcRenderer in preload, fetch/WebSocket in the browser host) into one typed object of
 * methods: `api.invoke['sources:detect']({ paths })`, `api.on['job:progress'](cb)`.
 */
import {
  events,
  invoke,
  type Envelope,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type RemoteError,
} from './ipc-contract.js';

export interface Transport {
  invoke(channel: InvokeChannel, req: unknown): Promise<unknown>;
  on(channel: EventChannel, cb: (payload: unknown) => void): () => void;
}

export type PereezdApi = {
  invoke: { [C in InvokeChannel]: (req: InvokeRequest<C>) => Promise<InvokeResponse<C>> };
  on: { [E in EventChannel]: (cb: (payload: EventPayload<E>) => void) => () => void };
};

export class RemoteCallError extends Error {
  readonly code: RemoteError['code'];
  constructor(err: RemoteError) {
    super(err.message);
    this.name = 'RemoteCallError';
    this.code = err.code;
  }
}

function isEnvelope(v: unknown): v is Envelope<unknown> {
  return typeof v === 'object' && v !== null && 'ok' in v && typeof (v as { ok: unknown }).ok === 'boolean';
}

export function unwrap<T>(v: unknown): T {
  if (!isEnvelope(v)) throw new RemoteCallError({ code: 'failed', message: 'malformed reply from the app core' });
  if (v.ok) return v.value as T;
  throw new RemoteCallError(v.error);
}

export function buildApi(transport: Transport): PereezdApi {
  const inv = {} as Record<string, (req: unknown) => Promise<unknown>>;
  for (const ch of Object.keys(invoke) as InvokeChannel[]) {
    inv[ch] = async (req: unknown) => unwrap(await transport.invoke(ch, req));
  }
  const on = {} as Record<string, (cb: (p: unknown) => void) => () => void>;
  for (const ch of Object.keys(events) as EventChannel[]) {
    on[ch] = (cb) => transport.on(ch, cb);
  }
  return { invoke: Object.freeze(inv), on: Object.freeze(on) } as unknown as PereezdApi;
}
