/**
 * Secure window defaults in one place (style.md §4 #6). This is the only `new BrowserWindow` of the
 * app; every webContents, ours or not, also gets `hardenWebContents` from main.ts.
 */
import { app, BrowserWindow, shell, type WebContents } from 'electron';
import { APP_ENTRY_URL, isAppUrl, isSafeExternalUrl } from './guards.js';

/** Sandbox every renderer, whatever a later webPreferences says. Must run before `ready`. */
export function enableSandboxForAllRenderers(): void {
  app.enableSandbox();
}

/** The only way a URL reaches `shell.openExternal`: through the https allow-list. */
export function openExternalSafely(url: string): boolean {
  if (!isSafeExternalUrl(url)) return false;
  shell.openExternal(url).catch((err: unknown) => console.warn('[pereezd] openExternal failed:', err));
  return true;
}

const hardened = new WeakSet<WebContents>();

/**
 * No new windows (a safe https link goes to the OS browser instead), no navigation or redirect off
 * `app://pereezd` (this is also what stops a file or link dropped on the window from replacing the
 * app), no <webview>, and every permission request and check denied. Idempotent.
 */
export function hardenWebContents(contents: WebContents): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);

  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
  const stayInApp = (event: { readonly url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());

  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

/** Creates the app window on `app://pereezd/index.html`; `preload` is dist/preload/index.cjs. */
export function createMainWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1180,
    height: 800,
    minWidth: 860,
    minHeight: 600,
    show: false,
    title: 'Pereezd',
    webPreferences: {
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: !app.isPackaged,
      preload,
    },
  });
  hardenWebContents(win.webContents);
  win.once('ready-to-show', () => win.show());
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => console.error('[pereezd] could not load the UI:', err));
  return win;
}
