/** Events from the engine to the window (style.md §4 #5): dropped silently once the window is gone. */
import type { BrowserWindow } from 'electron';
import type { SendEvent } from '../engine/progress.js';

/** The part of a BrowserWindow `send` touches (tests pass a fake). */
export type SendTarget = Pick<BrowserWindow, 'isDestroyed'> & { readonly webContents: Pick<BrowserWindow['webContents'], 'send'> };

export function createWindowSender(getWindow: () => SendTarget | null): SendEvent {
  return (channel, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
  };
}
