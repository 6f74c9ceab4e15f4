// window.ts with a stand-in for Electron (the binary cannot run in unit tests): proves the options the
// window is created with and the rules every webContents gets.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type RequestHandler = (wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void;
type CheckHandler = (...args: unknown[]) => boolean;

class FakeSession {
  requestHandler: RequestHandler | null = null;
  checkHandler: CheckHandler | null = null;
  setPermissionRequestHandler(h: RequestHandler) {
    this.requestHandler = h;
  }
  setPermissionCheckHandler(h: CheckHandler) {
    this.checkHandler = h;
  }
}

class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  session = new FakeSession();
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
}

const electron = vi.hoisted(() => {
  const created: { options: Record<string, unknown>; win: unknown }[] = [];
  return {
    created,
    app: { isPackaged: false, enableSandbox: vi.fn() },
    shell: { openExternal: vi.fn(async () => {}) },
    BrowserWindow: vi.fn(),
  };
});
vi.mock('electron', () => electron);

const { createMainWindow, enableSandboxForAllRenderers, hardenWebContents, openExternalSafely } = await import('./window.js');

function navEvent(url: string) {
  return { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

beforeEach(() => {
  electron.created.length = 0;
  electron.shell.openExternal.mockClear();
  electron.BrowserWindow.mockImplementation(function (this: unknown, options: Record<string, unknown>) {
    const win = Object.assign(new EventEmitter(), {
      webContents: new FakeWebContents(),
      show: vi.fn(),
      loadURL: vi.fn(async () => {}),
    });
    electron.created.push({ options, win });
    return win;
  });
});

describe('createMainWindow', () => {
  it('creates the window sandboxed, isolated, without Node, with the preload by path', () => {
    createMainWindow('/app/dist/preload/index.cjs');
    expect(electron.created).toHaveLength(1);
    const prefs = electron.created[0]?.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      preload: '/app/dist/preload/index.cjs',
    });
  });

  it('allows devtools only in an unpackaged (development) app', () => {
    electron.app.isPackaged = true;
    createMainWindow('/p.cjs');
    electron.app.isPackaged = false;
    createMainWindow('/p.cjs');
    expect(electron.created.map((c) => (c.options.webPreferences as { devTools: boolean }).devTools)).toEqual([false, true]);
  });

  it('loads app://pereezd/index.html and shows the window once it has painted', () => {
    const win = createMainWindow('/p.cjs') as unknown as { loadURL: ReturnType<typeof vi.fn>; show: ReturnType<typeof vi.fn>; emit(e: string): void };
    expect(win.loadURL).toHaveBeenCalledWith('app://pereezd/index.html');
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledTimes(1);
  });

  it('hardens its own webContents', () => {
    const win = createMainWindow('/p.cjs') as unknown as { webContents: FakeWebContents };
    expect(win.webContents.windowOpenHandler).not.toBeNull();
    expect(win.webContents.listenerCount('will-navigate')).toBe(1);
  });
});

describe('enableSandboxForAllRenderers', () => {
  it('calls app.enableSandbox()', () => {
    enableSandboxForAllRenderers();
    expect(electron.app.enableSandbox).toHaveBeenCalledTimes(1);
  });
});

describe('hardenWebContents', () => {
  const harden = () => {
    const wc = new FakeWebContents();
    hardenWebContents(wc as never);
    return wc;
  };

  it('denies every new window; only a safe https link goes to the OS browser', () => {
    const wc = harden();
    for (const url of ['https://example.org/help', 'http://example.org/', 'file:///etc/passwd', 'app://pereezd/index.html', 'javascript:1']) {
      expect(wc.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(electron.shell.openExternal.mock.calls).toEqual([['https://example.org/help']]);
  });

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: stays on app://pereezd, blocks everything else', (event) => {
    const wc = harden();
    const inside = navEvent('app://pereezd/index.html');
    wc.emit(event, inside);
    expect(inside.defaultPrevented).toBe(false);
    for (const url of ['https://evil.example/', 'file:///home/me/export.zip', 'app://other/index.html', 'about:blank']) {
      const e = navEvent(url);
      wc.emit(event, e);
      expect(e.defaultPrevented).toBe(true);
    }
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('blocks <webview> attachment', () => {
    const wc = harden();
    const e = navEvent('');
    wc.emit('will-attach-webview', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });

  it('denies every permission request and check', () => {
    const wc = harden();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem']) {
      const cb = vi.fn();
      wc.session.requestHandler?.(wc, permission, cb, {});
      expect(cb).toHaveBeenCalledWith(false);
      expect(wc.session.checkHandler?.(wc, permission, 'app://pereezd', {})).toBe(false);
    }
  });

  it('is idempotent (main.ts also applies it to every webContents)', () => {
    const wc = harden();
    hardenWebContents(wc as never);
    expect(wc.listenerCount('will-navigate')).toBe(1);
  });
});

describe('openExternalSafely', () => {
  it('passes only allow-listed URLs to shell.openExternal', () => {
    expect(openExternalSafely('https://example.org/')).toBe(true);
    expect(openExternalSafely('file:///C:/Windows/System32/calc.exe')).toBe(false);
    expect(openExternalSafely('ms-settings:')).toBe(false);
    expect(electron.shell.openExternal.mock.calls).toEqual([['https://example.org/']]);
  });
});
