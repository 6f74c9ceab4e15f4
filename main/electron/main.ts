/**
 * Desktop host entry, bundled to dist/main/electron.cjs. Lifecycle only: the engine does the work
 * (engine/service.ts), ipc.ts/protocol.ts/window.ts hold the boundary rules, guards.ts the checks.
 */
import { app, ipcMain, type BrowserWindow } from 'electron';
import { createService } from '../engine/service.js';
import { createPrintToPdf } from './pdf.js';
import { createPickPaths } from './dialog.js';
import { appPaths } from './guards.js';
import { registerIpc } from './ipc.js';
import { handleAppProtocol, registerAppSchemeAsPrivileged } from './protocol.js';
import { createWindowSender } from './sender.js';
import { createMainWindow, enableSandboxForAllRenderers, hardenWebContents } from './window.js';

export function startDesktop(): void {
  // Before `ready`: these two are refused afterwards.
  enableSandboxForAllRenderers();
  registerAppSchemeAsPrivileged();

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let win: BrowserWindow | null = null;
  const getWindow = () => (win && !win.isDestroyed() ? win : null);

  // Second line of defence: whatever webContents appears (devtools, a window we did not expect),
  // it gets the same no-new-window / no-navigation / no-webview / no-permission rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('second-instance', () => {
    const w = getWindow();
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(() => {
      const paths = appPaths(app.getAppPath());
      handleAppProtocol(paths.rendererDir);
      // app.getLocale() is only reliable after `ready`.
      const locale = app.getLocale();
      const { service, dispose } = createService({
        host: 'electron',
        send: createWindowSender(getWindow),
        version: app.getVersion(),
        locale,
        pickPaths: createPickPaths(getWindow, locale),
        printToPdf: createPrintToPdf(),
      });
      const unregisterIpc = registerIpc({ ipcMain, service, getWindow });

      const openWindow = () => {
        const w = createMainWindow(paths.preload);
        w.on('closed', () => {
          if (win === w) win = null;
        });
        win = w;
      };
      openWindow();
      app.on('activate', () => {
        if (!getWindow()) openWindow();
      });
      app.on('will-quit', () => {
        unregisterIpc();
        dispose();
      });
    })
    .catch((err: unknown) => {
      console.error('[pereezd] startup failed:', err);
      app.exit(1);
    });
}

startDesktop();
