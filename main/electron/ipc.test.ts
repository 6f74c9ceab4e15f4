import { describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../../shared/ipc-contract.js';
import type { Service } from '../engine/service.js';
import { APP_ENTRY_URL, type FrameLike, type WindowLike } from './guards.js';
import { registerIpc, type InvokeHandler } from './ipc.js';

function setup() {
  const handlers = new Map<string, InvokeHandler>();
  const ipcMain = {
    handle: vi.fn((channel: string, h: InvokeHandler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    }),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  };
  const calls: { channel: string; req: unknown }[] = [];
  const service = Object.fromEntries(
    invokeChannels.map((channel) => [
      channel,
      async (req: unknown) => {
        calls.push({ channel, req });
        return { from: channel };
      },
    ]),
  ) as unknown as Service;
  const mainFrame: FrameLike = { url: APP_ENTRY_URL };
  const win: WindowLike = { isDestroyed: () => false, webContents: { mainFrame } };
  const unregister = registerIpc({ ipcMain: ipcMain as never, service, getWindow: () => win });
  const handler = (channel: string) => {
    const h = handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h;
  };
  return { handlers, ipcMain, calls, mainFrame, handler, unregister };
}

const jobId = '0b7c6f0e-8d4a-4f57-9a43-3f1f2b8c9d10';

describe('registerIpc', () => {
  it('registers exactly one handler per invoke channel of the contract, and nothing else', () => {
    const { handlers, ipcMain } = setup();
    expect([...handlers.keys()].sort()).toEqual([...invokeChannels].sort());
    expect(ipcMain.handle).toHaveBeenCalledTimes(invokeChannels.length);
  });

  it('dispatches a valid request from the app main frame to the service, in an envelope', async () => {
    const { handler, mainFrame, calls } = setup();
    await expect(handler('job:get')({ senderFrame: mainFrame }, { jobId })).resolves.toEqual({ ok: true, value: { from: 'job:get' } });
    expect(calls).toEqual([{ channel: 'job:get', req: { jobId } }]);
  });

  it.each([
    ['no frame', null],
    ['a sub-frame on app://pereezd', { url: APP_ENTRY_URL }],
    ['a frame on another origin', { url: 'https://evil.example/' }],
  ])('rejects %s before validating or calling the service', async (_what, senderFrame) => {
    const { handler, calls } = setup();
    for (const channel of invokeChannels) {
      const reply = await handler(channel)({ senderFrame }, { jobId });
      expect(reply).toMatchObject({ ok: false, error: { code: 'rejected-sender' } });
    }
    expect(calls).toEqual([]);
  });

  it('rejects our main frame once it has navigated off app://pereezd', async () => {
    const { handler, mainFrame, calls } = setup();
    (mainFrame as { url: string }).url = 'https://evil.example/';
    await expect(handler('app:info')({ senderFrame: mainFrame }, {})).resolves.toMatchObject({ error: { code: 'rejected-sender' } });
    expect(calls).toEqual([]);
  });

  it('rejects every sender once the window is gone', async () => {
    const handlers = new Map<string, InvokeHandler>();
    const frame: FrameLike = { url: APP_ENTRY_URL };
    registerIpc({
      ipcMain: { handle: (c: string, h: InvokeHandler) => handlers.set(c, h), removeHandler: () => {} } as never,
      service: {} as Service,
      getWindow: () => null,
    });
    await expect(handlers.get('app:info')?.({ senderFrame: frame }, {})).resolves.toMatchObject({ error: { code: 'rejected-sender' } });
  });

  it('returns invalid-request for a malformed payload from a trusted sender (contract validation runs)', async () => {
    const { handler, mainFrame, calls } = setup();
    await expect(handler('job:cancel')({ senderFrame: mainFrame }, { jobId: 'not-a-uuid' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    await expect(handler('app:info')({ senderFrame: mainFrame }, { extra: 1 })).resolves.toMatchObject({ error: { code: 'invalid-request' } });
    expect(calls).toEqual([]);
  });

  it('the returned function removes every handler it added', () => {
    const { handlers, unregister, ipcMain } = setup();
    unregister();
    expect(handlers.size).toBe(0);
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(invokeChannels.length);
  });
});
