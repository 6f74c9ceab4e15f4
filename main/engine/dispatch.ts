/** Validates a raw request against the contract and runs the service: the one path every host uses. */
import { isInvokeChannel, parseRequest, type Envelope, type RemoteError } from '../../shared/ipc-contract.js';
import type { Service } from './service.js';

export async function dispatch(service: Service, channel: unknown, raw: unknown): Promise<Envelope<unknown>> {
  if (!isInvokeChannel(channel)) return { ok: false, error: { code: 'invalid-request', message: `unknown channel ${String(channel).slice(0, 64)}` } };
  const req = parseRequest(channel, raw);
  if (!req.ok) return req;
  try {
    const handler = service[channel] as (r: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(req.value) };
  } catch (err) {
    return { ok: false, error: toRemoteError(err) };
  }
}

function toRemoteError(err: unknown): RemoteError {
  const e = err as NodeJS.ErrnoException & { code?: string };
  if (e?.code === 'unsupported') return { code: 'unsupported', message: e.message };
  if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return { code: 'not-found', message: e.message };
  return { code: 'failed', message: err instanceof Error ? err.message : String(err) };
}
