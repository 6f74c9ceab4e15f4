import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../engine/security/csp.js';
import {
  APP_ENTRY_URL,
  appPaths,
  appResponseHeaders,
  isAppMainFrame,
  isAppUrl,
  isSafeExternalUrl,
  mimeTypeFor,
  resolveAppAsset,
  type FrameLike,
  type WindowLike,
} from './guards.js';

describe('isAppUrl', () => {
  it.each([APP_ENTRY_URL, 'app://pereezd/', 'app://pereezd/assets/index-abc.js?x=1#top'])('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });
  it.each([
    'app://evil/index.html',
    'app://pereezd.evil.com/index.html',
    'app://pereezd:8080/index.html',
    'app://user@pereezd/index.html',
    'app://user:pw@pereezd/index.html',
    'file:///index.html',
    'http://pereezd/index.html',
    'https://pereezd/index.html',
    'pereezd://app/index.html',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
    '',
    'app://pereezd/' + 'a'.repeat(9000),
  ])('rejects %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
  it('rejects non-strings', () => {
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl(null)).toBe(false);
    expect(isAppUrl({ toString: () => APP_ENTRY_URL })).toBe(false);
  });
});

describe('isAppMainFrame', () => {
  const makeWindow = (url = APP_ENTRY_URL) => {
    const mainFrame: FrameLike = { url };
    let destroyed = false;
    const win: WindowLike & { destroy(): void } = {
      isDestroyed: () => destroyed,
      destroy: () => {
        destroyed = true;
      },
      webContents: { mainFrame },
    };
    return { win, mainFrame };
  };

  it('accepts the main frame of our window on app://pereezd', () => {
    const { win, mainFrame } = makeWindow();
    expect(isAppMainFrame(mainFrame, win)).toBe(true);
  });
  it('rejects a null sender frame (frame already gone)', () => {
    expect(isAppMainFrame(null, makeWindow().win)).toBe(false);
    expect(isAppMainFrame(undefined, makeWindow().win)).toBe(false);
  });
  it('rejects when there is no window or it is destroyed', () => {
    const { win, mainFrame } = makeWindow();
    expect(isAppMainFrame(mainFrame, null)).toBe(false);
    win.destroy();
    expect(isAppMainFrame(mainFrame, win)).toBe(false);
  });
  it('rejects a sub-frame even when it shows an app:// URL (identity, not URL, decides)', () => {
    const { win } = makeWindow();
    expect(isAppMainFrame({ url: APP_ENTRY_URL }, win)).toBe(false);
  });
  it('rejects the main frame of another window', () => {
    const a = makeWindow();
    const b = makeWindow();
    expect(isAppMainFrame(b.mainFrame, a.win)).toBe(false);
  });
  it.each(['https://evil.example/', 'app://evil/index.html', 'file:///tmp/x.html', 'about:blank'])(
    'rejects our main frame once it has navigated to %s',
    (url) => {
      const { win, mainFrame } = makeWindow(url);
      expect(isAppMainFrame(mainFrame, win)).toBe(false);
    },
  );
  it('treats a disposed frame (property access throws) as a stranger', () => {
    const frame = {
      get url(): string {
        throw new Error('Render frame was disposed');
      },
    };
    const win: WindowLike = { isDestroyed: () => false, webContents: { mainFrame: frame } };
    expect(isAppMainFrame(frame, win)).toBe(false);
  });
});

describe('isSafeExternalUrl (the openExternal allow-list)', () => {
  it.each(['https://example.org/', 'https://matrix.example.org/_matrix/client/versions', 'https://example.org/a?b=c#d'])(
    'allows %s',
    (url) => expect(isSafeExternalUrl(url)).toBe(true),
  );
  it.each([
    'http://example.org/',
    'file:///etc/passwd',
    'smb://server/share',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'mailto:a@example.org',
    'ms-msdt:/id PCWDiagnostic',
    'app://pereezd/index.html',
    'https://user:pw@example.org/',
    'https://user@example.org/',
    'https:',
    'nonsense',
  ])('refuses %s', (url) => expect(isSafeExternalUrl(url)).toBe(false));
});

describe('resolveAppAsset', () => {
  const root = path.resolve('/srv/app/dist/renderer');

  it('maps the root and index.html to index.html with the HTML type', () => {
    for (const url of ['app://pereezd/', 'app://pereezd', APP_ENTRY_URL, 'app://pereezd/index.html?v=1#x']) {
      expect(resolveAppAsset(url, root)).toEqual({ ok: true, file: path.join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
    }
  });
  it('serves nested assets with their MIME type and decodes ordinary escapes', () => {
    expect(resolveAppAsset('app://pereezd/assets/index-Ab12.js', root)).toEqual({
      ok: true,
      file: path.join(root, 'assets', 'index-Ab12.js'),
      mime: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppAsset('app://pereezd/assets/my%20font.woff2', root)).toEqual({
      ok: true,
      file: path.join(root, 'assets', 'my font.woff2'),
      mime: 'font/woff2',
    });
  });
  it.each([
    'app://evil/index.html',
    'app://pereezd:1/index.html',
    'app://u@pereezd/index.html',
    'file:///srv/app/dist/renderer/index.html',
    'https://pereezd/index.html',
  ])('refuses other origins: %s', (url) => {
    expect(resolveAppAsset(url, root)).toEqual({ ok: false, status: 403 });
  });
  it.each([
    'app://pereezd/../main/electron.cjs',
    'app://pereezd/assets/../../preload/index.cjs',
    'app://pereezd/./index.html',
    'app://pereezd/%2e%2e/main/electron.cjs',
    'app://pereezd/%2E%2E/%2E%2E/package.json',
    'app://pereezd/.%2e/package.json',
    'app://pereezd/assets%2f..%2f..%2fpackage.json',
    'app://pereezd/..%5c..%5cpackage.json',
    'app://pereezd/..\\..\\package.json',
    'app://pereezd/index.html%00.png',
    'app://pereezd/C:/Windows/win.ini',
    'app://pereezd/%E0%A4%A',
  ])('refuses traversal and malformed paths: %s', (url) => {
    expect(resolveAppAsset(url, root)).toMatchObject({ ok: false, status: 400 });
  });
  it('refuses hidden files and directory listings', () => {
    expect(resolveAppAsset('app://pereezd/.env', root)).toEqual({ ok: false, status: 404 });
    expect(resolveAppAsset('app://pereezd/.vite/manifest.json', root)).toEqual({ ok: false, status: 404 });
    expect(resolveAppAsset('app://pereezd/assets/', root)).toEqual({ ok: false, status: 404 });
  });
  it('applies the same rules with Windows paths', () => {
    const winRoot = 'C:\\Program Files\\Pereezd\\resources\\app.asar\\dist\\renderer';
    expect(resolveAppAsset('app://pereezd/assets/a.css', winRoot, path.win32)).toEqual({
      ok: true,
      file: `${winRoot}\\assets\\a.css`,
      mime: 'text/css; charset=utf-8',
    });
    for (const url of ['app://pereezd/..%5Cmain', 'app://pereezd/C:%5Cx', 'app://pereezd/c:/x', 'app://pereezd/a/..\\..\\b']) {
      expect(resolveAppAsset(url, winRoot, path.win32)).toMatchObject({ ok: false, status: 400 });
    }
  });
  it('never returns a file outside the root, whatever the URL (fuzzed segments)', () => {
    const pieces = ['..', '.', '%2e', '%2E%2e', '%2f', '%5c', '\\', 'a', 'assets', '', '%00', 'C:', '~', '%252e%252e'];
    let checked = 0;
    for (const a of pieces) {
      for (const b of pieces) {
        for (const c of pieces) {
          const r = resolveAppAsset(`app://pereezd/${a}/${b}/${c}`, root);
          if (r.ok) {
            expect(path.relative(root, r.file).startsWith('..')).toBe(false);
            expect(path.isAbsolute(path.relative(root, r.file))).toBe(false);
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(pieces.length ** 3);
  });
});

describe('mimeTypeFor and response headers', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.JS', 'text/javascript; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.json', 'application/json; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['a.woff2', 'font/woff2'],
    ['a.wasm', 'application/wasm'],
    ['README', 'application/octet-stream'],
  ])('%s → %s', (file, mime) => expect(mimeTypeFor(file)).toBe(mime));

  it('puts the shared CSP (and nosniff) on every response, with or without a body type', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    for (const h of [appResponseHeaders(), appResponseHeaders('text/html; charset=utf-8')]) {
      expect(h['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(h['X-Content-Type-Options']).toBe('nosniff');
    }
    expect(appResponseHeaders()).not.toHaveProperty('Content-Type');
    expect(appResponseHeaders('image/png')['Content-Type']).toBe('image/png');
  });
});

describe('appPaths', () => {
  it('finds the renderer and the preload under dist/ of the app root (folder or app.asar)', () => {
    expect(appPaths('/opt/Pereezd/resources/app.asar', path.posix)).toEqual({
      rendererDir: '/opt/Pereezd/resources/app.asar/dist/renderer',
      preload: '/opt/Pereezd/resources/app.asar/dist/preload/index.cjs',
    });
  });
});
