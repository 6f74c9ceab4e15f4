// The preload with a stand-in for Electron: proves what reaches the page (methods only, one per
// contract channel) and that nothing of ipcRenderer leaks through.
import { describe, expect, it, vi } from 'vitest';
import { RemoteCallError } from '../shared/api.js';
import { eventChannels, invokeChannels } from '../shared/ipc-contract.js';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), off: vi.fn(), removeListener: vi.fn(), send: vi.fn() },
  webUtils: { getPathForFile: vi.fn(() => '/home/me/export/result.json') },
}));
vi.mock('electron', () => electron);

const { exposed, transport } = await import('./index.js');
const jobId = '0b7c6f0e-8d4a-4f57-9a43-3f1f2b8c9d10';

function leaves(v: unknown, at = 'api'): [string, unknown][] {
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => leaves(x, `${at}.${k}`));
  return [[at, v]];
}

describe('preload', () => {
  it('exposes one object as window.pereezd, made of functions only', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [string, unknown];
    expect(key).toBe('pereezd');
    expect(api).toBe(exposed);
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'on', 'pathForFile']);
    for (const [where, leaf] of leaves(api)) expect(typeof leaf, where).toBe('function');
  });

  it('has exactly the contract channels', () => {
    expect(Object.keys(exposed.invoke).sort()).toEqual([...invokeChannels].sort());
    expect(Object.keys(exposed.on).sort()).toEqual([...eventChannels].sort());
  });

  it('invoke goes through ipcRenderer.invoke and unwraps the envelope', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { cancelled: true } });
    await expect(exposed.invoke['job:cancel']({ jobId })).resolves.toEqual({ cancelled: true });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('job:cancel', { jobId });

    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'rejected-sender', message: 'no' } });
    const err = await exposed.invoke['app:info']({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteCallError);
    expect((err as RemoteCallError).code).toBe('rejected-sender');
  });

  it('listeners get the payload only (never the IpcRendererEvent) and can unsubscribe', () => {
    const cb = vi.fn();
    const off = exposed.on['job:progress'](cb);
    const [channel, listener] = electron.ipcRenderer.on.mock.calls.at(-1) as [string, (...a: unknown[]) => void];
    expect(channel).toBe('job:progress');
    const event = { sender: electron.ipcRenderer, ports: [] };
    listener(event, { jobId, phase: 'running' });
    expect(cb).toHaveBeenCalledWith({ jobId, phase: 'running' });
    expect(cb.mock.calls[0]).toHaveLength(1);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('job:progress', listener);
  });

  it('refuses channels that are not in the contract', async () => {
    electron.ipcRenderer.invoke.mockClear();
    electron.ipcRenderer.on.mockClear();
    await expect(transport.invoke('shell:exec' as never, {})).rejects.toThrow(/unknown channel/);
    expect(() => transport.on('ipc:raw' as never, () => {})).toThrow(/unknown event/);
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('pathForFile asks webUtils for the path of a dropped File', () => {
    const file = { name: 'result.json' } as unknown as File;
    expect(exposed.pathForFile(file)).toBe('/home/me/export/result.json');
    expect(electron.webUtils.getPathForFile).toHaveBeenCalledWith(file);
  });
});
