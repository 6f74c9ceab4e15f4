// The desktop entry with stand-ins for Electron and the engine service: proves the lifecycle order
// (sandbox + privileged scheme before ready, single instance) and what is wired on ready.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../../shared/ipc-contract.js';

type FakeWindow = EventEmitter & Record<'loadURL' | 'restore' | 'focus', ReturnType<typeof vi.fn>>;

const h = vi.hoisted(() => {
  let resolveReady: () => void = () => {};
  const windows: { options: { webPreferences: { preload: string } }; win: FakeWindow }[] = [];
  return {
    windows,
    ready: () => resolveReady(),
    resetReady: () => new Promise<void>((r) => (resolveReady = r)),
    electron: {} as Record<string, unknown>,
    createService: vi.fn(),
    dispose: vi.fn(),
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: EE } = await import('node:events');
  const { vi: v } = await import('vitest');
  const app = Object.assign(new EE(), {
    isPackaged: false,
    enableSandbox: v.fn(),
    requestSingleInstanceLock: v.fn(() => true),
    quit: v.fn(),
    exit: v.fn(),
    whenReady: v.fn(),
    getAppPath: () => '/opt/pereezd/app.asar',
    getLocale: () => 'ru',
    getVersion: () => '1.2.3',
  });
  const BrowserWindow = v.fn(function (options: { webPreferences: { preload: string } }) {
    const wc = Object.assign(new EE(), {
      setWindowOpenHandler: v.fn(),
      session: { setPermissionRequestHandler: v.fn(), setPermissionCheckHandler: v.fn() },
    });
    const win = Object.assign(new EE(), {
      webContents: wc,
      isDestroyed: () => false,
      isMinimized: () => true,
      restore: v.fn(),
      focus: v.fn(),
      show: v.fn(),
      loadURL: v.fn(async () => {}),
    });
    h.windows.push({ options, win });
    return win;
  });
  Object.assign(h.electron, {
    app,
    BrowserWindow,
    ipcMain: { handle: v.fn(), removeHandler: v.fn() },
    protocol: { registerSchemesAsPrivileged: v.fn(), handle: v.fn() },
    shell: { openExternal: v.fn() },
    dialog: { showOpenDialog: v.fn() },
  });
  return h.electron;
});
vi.mock('../engine/service.js', () => ({ createService: h.createService }));

type Fn = ReturnType<typeof vi.fn>;
const e = () =>
  h.electron as {
    app: EventEmitter & Record<'enableSandbox' | 'requestSingleInstanceLock' | 'quit' | 'whenReady', Fn>;
    ipcMain: Record<'handle' | 'removeHandler', Fn>;
    protocol: Record<'registerSchemesAsPrivileged' | 'handle', Fn>;
  };

async function start({ lock = true } = {}) {
  vi.resetModules();
  h.windows.length = 0;
  h.createService.mockReset().mockReturnValue({ service: {}, jobs: {}, dispose: h.dispose });
  const ready = h.resetReady();
  await import('electron'); // materialise the mock before touching it
  const { app, ipcMain, protocol } = e();
  app.removeAllListeners();
  for (const f of [app.enableSandbox, app.quit, ipcMain.handle, ipcMain.removeHandler, protocol.registerSchemesAsPrivileged, protocol.handle]) f.mockClear();
  app.requestSingleInstanceLock.mockReset().mockReturnValue(lock);
  app.whenReady.mockReset().mockReturnValue(ready);
  await import('./main.js');
}
const becomeReady = async () => {
  h.ready();
  await new Promise((r) => setTimeout(r, 0));
};

beforeEach(() => {
  h.dispose.mockClear();
});

describe('desktop entry (main.ts)', () => {
  it('sandboxes all renderers and registers the privileged app:// scheme before ready', async () => {
    await start();
    const { app, protocol } = e();
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    const readyAt = app.whenReady.mock.invocationCallOrder[0] ?? 0;
    expect(app.enableSandbox.mock.invocationCallOrder[0]).toBeLessThan(readyAt);
    expect(protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(readyAt);
    expect(h.windows).toHaveLength(0);
  });

  it('quits at once when another instance holds the lock', async () => {
    await start({ lock: false });
    const { app } = e();
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(app.whenReady).not.toHaveBeenCalled();
  });

  it('on ready: serves app://, registers one IPC handler per channel, creates the service and the window', async () => {
    await start();
    await becomeReady();
    const { ipcMain, protocol } = e();
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(ipcMain.handle.mock.calls.map((c) => c[0]).sort()).toEqual([...invokeChannels].sort());
    expect(h.createService).toHaveBeenCalledWith(
      expect.objectContaining({ host: 'electron', version: '1.2.3', locale: 'ru', send: expect.any(Function), pickPaths: expect.any(Function), printToPdf: expect.any(Function) }),
    );
    expect(h.windows).toHaveLength(1);
    expect(h.windows[0]?.options.webPreferences.preload).toMatch(/app\.asar[\\/]dist[\\/]preload[\\/]index\.cjs$/);
    expect(h.windows[0]?.win.loadURL).toHaveBeenCalledWith('app://pereezd/index.html');
  });

  it('quits when all windows are closed, except on macOS; re-opens a window on activate', async () => {
    await start();
    await becomeReady();
    const { app } = e();
    const platform = Object.getOwnPropertyDescriptor(process, 'platform');
    try {
      Object.defineProperty(process, 'platform', { value: 'darwin' });
      app.emit('window-all-closed');
      expect(app.quit).not.toHaveBeenCalled();
      h.windows[0]?.win.emit('closed');
      app.emit('activate');
      expect(h.windows).toHaveLength(2);
      Object.defineProperty(process, 'platform', { value: 'linux' });
      app.emit('window-all-closed');
      expect(app.quit).toHaveBeenCalledTimes(1);
    } finally {
      if (platform) Object.defineProperty(process, 'platform', platform);
    }
  });

  it('hardens every webContents created later (second line of defence)', async () => {
    await start();
    const { app } = e();
    const wc = Object.assign(new EventEmitter(), {
      setWindowOpenHandler: vi.fn(),
      session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() },
    });
    app.emit('web-contents-created', {}, wc);
    expect(wc.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(wc.listenerCount('will-navigate')).toBe(1);
    expect(wc.listenerCount('will-attach-webview')).toBe(1);
  });

  it('focuses the existing window when a second instance starts; cleans up on quit', async () => {
    await start();
    await becomeReady();
    const { app, ipcMain } = e();
    app.emit('second-instance');
    expect(h.windows[0]?.win.restore).toHaveBeenCalled();
    expect(h.windows[0]?.win.focus).toHaveBeenCalled();
    app.emit('will-quit');
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(invokeChannels.length);
    expect(h.dispose).toHaveBeenCalledTimes(1);
  });
});
