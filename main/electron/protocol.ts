/**
 * The `app://pereezd/` scheme the UI is served from (style.md §4 #6): privileged like a real origin
 * (standard, secure, fetch), but answering only with files of the built renderer, each with the CSP.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, appResponseHeaders, resolveAppAsset } from './guards.js';

/** Must run before `app` is ready (Electron only accepts privileged schemes then). */
export function registerAppSchemeAsPrivileged(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

type ReadAsset = (file: string) => Promise<Uint8Array<ArrayBuffer>>;

const readAsset: ReadAsset = (file) => readFile(file);

/** The request handler, separate from `protocol.handle` so it runs in tests with plain Request/Response. */
export function createAppRequestHandler(rendererDir: string, read: ReadAsset = readAsset): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { ...appResponseHeaders(), Allow: 'GET, HEAD' } });
    }
    const asset = resolveAppAsset(request.url, rendererDir);
    if (!asset.ok) return new Response(null, { status: asset.status, headers: appResponseHeaders() });
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await read(asset.file);
    } catch {
      // Missing file, or a directory (EISDIR): the same answer, nothing about the disk leaks.
      return new Response(null, { status: 404, headers: appResponseHeaders() });
    }
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: appResponseHeaders(asset.mime) });
  };
}

/** After `ready`: serve `rendererDir` (dist/renderer) on `app://pereezd/`. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir));
}
