/**
 * One `ipcMain.handle` per invoke channel of the contract (looped over the table: no channel string
 * is written here). Each handler checks the sender first (style.md §4 #2), then runs the same
 * validation + service call as every other host (engine/dispatch.ts). Replies are envelopes.
 */
import type { IpcMain } from 'electron';
import { invokeChannels, type Envelope, type InvokeChannel } from '../../shared/ipc-contract.js';
import { dispatch } from '../engine/dispatch.js';
import type { Service } from '../engine/service.js';
import { isAppMainFrame, type FrameLike, type WindowLike } from './guards.js';

export type InvokeHandler = (event: { readonly senderFrame: FrameLike | null }, raw?: unknown) => Promise<Envelope<unknown>>;

export function createInvokeHandler(channel: InvokeChannel, service: Service, getWindow: () => WindowLike | null): InvokeHandler {
  return async (event, raw) => {
    if (!isAppMainFrame(event.senderFrame, getWindow())) {
      return { ok: false, error: { code: 'rejected-sender', message: `${channel}: rejected sender` } };
    }
    return dispatch(service, channel, raw);
  };
}

/** `ipcMain` is passed in (main.ts gives the real one) so this module runs in tests without Electron. */
export function registerIpc(opts: {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  service: Service;
  getWindow: () => WindowLike | null;
}): () => void {
  for (const channel of invokeChannels) {
    opts.ipcMain.handle(channel, createInvokeHandler(channel, opts.service, opts.getWindow));
  }
  return () => {
    for (const channel of invokeChannels) opts.ipcMain.removeHandler(channel);
  };
}
