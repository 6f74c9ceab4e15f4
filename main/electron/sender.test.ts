import { describe, expect, it, vi } from 'vitest';
import type { JobState } from '../../shared/model/index.js';
import { createWindowSender, type SendTarget } from './sender.js';

describe('createWindowSender', () => {
  const payload = { jobId: 'j' } as unknown as JobState;

  it('forwards events to the current window', () => {
    const send = vi.fn();
    const win: SendTarget = { isDestroyed: () => false, webContents: { send } };
    createWindowSender(() => win)('job:progress', payload);
    expect(send).toHaveBeenCalledWith('job:progress', payload);
  });

  it('drops events when there is no window or it is destroyed (jobs outlive windows)', () => {
    const send = vi.fn();
    expect(() => createWindowSender(() => null)('job:progress', payload)).not.toThrow();
    createWindowSender(() => ({ isDestroyed: () => true, webContents: { send } }))('job:progress', payload);
    expect(send).not.toHaveBeenCalled();
  });

  it('asks for the window on every event, so a re-created window (macOS activate) receives them', () => {
    const first = vi.fn();
    const second = vi.fn();
    let current: SendTarget = { isDestroyed: () => false, webContents: { send: first } };
    const send = createWindowSender(() => current);
    send('job:progress', payload);
    current = { isDestroyed: () => false, webContents: { send: second } };
    send('job:progress', payload);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });
});
