/**
 * The sandboxed preload (bundled to dist/preload/index.cjs; it may only `require('electron')`).
 * It builds the contract-derived api over ipcRenderer and exposes methods only (style.md §4 #11):
 * no ipcRenderer, no generic send, and listeners never see the IpcRendererEvent.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { buildApi, type Transport } from '../shared/api.js';
import { EXPOSED_API_KEY, type ExposedApi } from '../shared/exposed-api.js';
import { isEventChannel, isInvokeChannel } from '../shared/ipc-contract.js';

export const transport: Transport = {
  invoke(channel, req) {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error(`unknown channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, req);
  },
  on(channel, cb) {
    if (!isEventChannel(channel)) throw new Error(`unknown event ${String(channel)}`);
    if (typeof cb !== 'function') throw new TypeError(`${channel}: listener must be a function`);
    const listener = (_event: IpcRendererEvent, payload: unknown) => cb(payload);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  },
};

const api = buildApi(transport);

export const exposed: ExposedApi<File> = {
  invoke: api.invoke,
  on: api.on,
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld(EXPOSED_API_KEY, exposed);
