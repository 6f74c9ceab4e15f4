/**
 * The pure checks of the desktop host: which URL is the app, which frame may call IPC, which file the
 * `app://` protocol may serve, which link may leave for the OS browser. Nothing here imports
 * `electron` at runtime (only structural types), so it is unit-tested in plain Node
 * (guards.test.ts) while window.ts, protocol.ts and ipc.ts stay thin wrappers around it.
 */
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../engine/security/csp.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'pereezd';
/** What the window loads; the renderer is served from dist/renderer by protocol.ts. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const MAX_URL_LENGTH = 8192;

function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * `app://pereezd/…` and nothing else: no other host, no port, no credentials. Compared field by
 * field because Node's `URL.origin` is `"null"` for custom schemes.
 */
export function isAppUrl(raw: unknown): boolean {
  const u = parseUrl(raw);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** The part of a WebFrameMain the IPC check reads. */
export interface FrameLike {
  readonly url: string;
}
/** The part of a BrowserWindow the IPC check reads. */
export interface WindowLike {
  isDestroyed(): boolean;
  readonly webContents: { readonly mainFrame: FrameLike };
}

/**
 * An IPC call is answered only when it comes from the main frame of our window showing the app:
 * not from a sub-frame, not from another window, not after a navigation away from `app://pereezd`.
 */
export function isAppMainFrame(frame: FrameLike | null | undefined, win: WindowLike | null | undefined): boolean {
  if (!frame || !win) return false;
  try {
    if (win.isDestroyed()) return false;
    if (frame !== win.webContents.mainFrame) return false;
    return isAppUrl(frame.url);
  } catch {
    // A disposed frame throws on property access: treat it as a stranger.
    return false;
  }
}

/** Protocols `shell.openExternal` may hand to the OS (the allow-list; no file:, smb:, custom handlers). */
const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(['https:']);

/** Links that may open in the OS browser: https only, with a host and without credentials. */
export function isSafeExternalUrl(raw: unknown): boolean {
  const u = parseUrl(raw);
  return u !== null && EXTERNAL_PROTOCOLS.has(u.protocol) && u.hostname !== '' && u.username === '' && u.password === '';
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers of every `app://` response, errors included: the CSP always travels with the bytes. */
export function appResponseHeaders(contentType?: string): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    ...(contentType ? { 'Content-Type': contentType } : {}),
  };
}

export type AssetLookup = { ok: true; file: string; mime: string } | { ok: false; status: 400 | 403 | 404 };

/** Percent-encoded `.`, `/`, `\` and NUL: a legitimate asset URL never needs them. */
const ENCODED_SEPARATOR_OR_DOT = /%(?:2e|2f|5c|00)/i;

/**
 * Maps an `app://pereezd/<path>` request to a file inside `rootDir` (dist/renderer), or refuses it.
 * Refused: other schemes and hosts (403); `..`/`.` segments, backslashes, encoded dots/slashes/NUL,
 * drive letters and malformed escapes (400); hidden files and directories (404). The resolved file
 * is checked to lie inside `rootDir` once more, whatever the checks above missed. `pathApi` is
 * injectable so the tests run the Windows rules on any OS.
 */
export function resolveAppAsset(rawUrl: unknown, rootDir: string, pathApi: path.PlatformPath = path): AssetLookup {
  if (typeof rawUrl !== 'string' || !isAppUrl(rawUrl)) return { ok: false, status: 403 };
  // The raw path, before the URL parser folds `..` segments away: a request that spells out a
  // traversal is refused rather than silently normalised.
  const rawPath = rawUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] ?? '';
  if (rawPath.includes('\\') || ENCODED_SEPARATOR_OR_DOT.test(rawPath)) return { ok: false, status: 400 };
  if (rawPath.split('/').some((s) => s === '.' || s === '..')) return { ok: false, status: 400 };

  let decoded: string;
  try {
    decoded = decodeURIComponent(new URL(rawUrl).pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (/[\0\\:]/.test(decoded)) return { ok: false, status: 400 };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return { ok: false, status: 400 };
  if (segments.some((s) => s.startsWith('.'))) return { ok: false, status: 404 };
  if (segments.length === 0) segments.push('index.html');
  else if (decoded.endsWith('/')) return { ok: false, status: 404 }; // no directory listings

  const root = pathApi.resolve(rootDir);
  const file = pathApi.resolve(root, ...segments);
  const rel = pathApi.relative(root, file);
  if (rel === '' || rel.startsWith('..') || pathApi.isAbsolute(rel)) return { ok: false, status: 403 };
  return { ok: true, file, mime: mimeTypeFor(file) };
}

/**
 * Where the built app lives, from `app.getAppPath()` (the folder or app.asar holding package.json):
 * the renderer the protocol serves, and the preload the window loads by path (never imported).
 */
export function appPaths(appRoot: string, pathApi: path.PlatformPath = path): { rendererDir: string; preload: string } {
  return {
    rendererDir: pathApi.join(appRoot, 'dist', 'renderer'),
    preload: pathApi.join(appRoot, 'dist', 'preload', 'index.cjs'),
  };
}
