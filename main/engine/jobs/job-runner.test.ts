import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InventoryResult, JobState } from '../../../shared/model/index.js';
import { createJobRunner } from './job-runner.js';

const emptyResult = (): InventoryResult => ({
  sources: [],
  totals: { contacts: 0, chats: 0, messages: 0, events: 0, attachments: 0, attachmentsMissing: 0 },
  asOf: '2026-01-01T00:00:00.000Z',
});

function collect() {
  const sent: JobState[] = [];
  const send = vi.fn((_ch: string, p: unknown) => {
    sent.push(p as JobState);
  });
  return { sent, send: send as unknown as Parameters<typeof createJobRunner>[0]['send'] };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('job runner', () => {
  it('emits full snapshots: running at start, done with the result at the end', async () => {
    const { sent, send } = collect();
    const jobs = createJobRunner({ send });
    const id = jobs.start('inventory', async ({ progress }) => {
      progress.report({ done: 5, total: 10, unit: 'bytes' });
      return emptyResult();
    });
    const final = await jobs.settled(id);
    expect(sent[0]).toMatchObject({ jobId: id, kind: 'inventory', phase: 'running' });
    expect(final?.phase).toBe('done');
    expect(final?.result?.asOf).toBe('2026-01-01T00:00:00.000Z');
    expect(sent.at(-1)).toMatchObject({ phase: 'done', etaMs: 0 });
    // every payload is a complete state, not a delta
    for (const s of sent) expect(Object.keys(s)).toEqual(expect.arrayContaining(['jobId', 'kind', 'phase', 'progress', 'startedAt', 'updatedAt', 'etaMs']));
    expect(jobs.get(id)?.phase).toBe('done');
  });

  it('throttles progress to one snapshot per interval but never drops the last one', async () => {
    vi.useFakeTimers();
    let t = 1_000;
    const { sent, send } = collect();
    const jobs = createJobRunner({ send, now: () => t, throttleMs: 250 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = jobs.start('inventory', async ({ progress }) => {
      for (let i = 1; i <= 100; i++) {
        t += 1; // 100 reports within 100 ms
        progress.report({ done: i, total: 100, unit: 'items' });
      }
      await gate;
      return emptyResult();
    });
    await vi.advanceTimersByTimeAsync(0); // let the job start
    const beforeFlush = sent.filter((s) => s.phase === 'running').length;
    expect(beforeFlush).toBeLessThanOrEqual(2); // start + at most one immediate report
    t += 300;
    await vi.advanceTimersByTimeAsync(300);
    const running = sent.filter((s) => s.phase === 'running');
    expect(running.at(-1)?.progress.done).toBe(100); // the trailing snapshot carries the latest state
    expect(running.length).toBeLessThanOrEqual(3);
    release();
    await vi.runAllTimersAsync();
    await jobs.settled(id);
    expect(sent.at(-1)?.phase).toBe('done');
  });

  it('cancels through the AbortSignal and reports the cancelled phase with the partial result', async () => {
    const { send } = collect();
    const jobs = createJobRunner({ send });
    const id = jobs.start('inventory', async ({ signal }) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      return { ...emptyResult(), totals: { ...emptyResult().totals, messages: 7 } };
    });
    await new Promise((r) => setImmediate(r));
    expect(jobs.cancel(id)).toBe(true);
    const final = await jobs.settled(id);
    expect(final?.phase).toBe('cancelled');
    expect(final?.result?.totals.messages).toBe(7);
    expect(jobs.cancel(id)).toBe(false); // already finished
  });

  it('turns a thrown error into a failed state with a problem, not a crash', async () => {
    const { sent, send } = collect();
    const jobs = createJobRunner({ send });
    const id = jobs.start('inventory', async () => {
      throw new Error('disk on fire');
    });
    const final = await jobs.settled(id);
    expect(final?.phase).toBe('failed');
    expect(final?.error).toMatchObject({ code: 'internal', message: 'disk on fire' });
    expect(sent.at(-1)?.phase).toBe('failed');
  });

  it('computes an ETA from the observed rate', async () => {
    let t = 0;
    const { send } = collect();
    const jobs = createJobRunner({ send, now: () => t, throttleMs: 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = jobs.start('inventory', async ({ progress }) => {
      for (let i = 1; i <= 5; i++) {
        t += 1000;
        progress.report({ done: i * 100, total: 1000, unit: 'bytes' }); // 0.1 unit/ms
      }
      await gate;
      return emptyResult();
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const mid = jobs.get(id);
    expect(mid?.etaMs).toBeGreaterThan(4000);
    expect(mid?.etaMs).toBeLessThan(6000); // 500 left at 0.1/ms = 5000 ms
    release();
    await jobs.settled(id);
  });

  it('answers null for unknown jobs and keeps a bounded number of finished ones', async () => {
    const { send } = collect();
    const jobs = createJobRunner({ send, keepFinished: 2 });
    expect(jobs.get('00000000-0000-4000-8000-000000000000')).toBeNull();
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const id = jobs.start('inventory', async () => emptyResult());
      ids.push(id);
      await jobs.settled(id);
    }
    expect(jobs.get(ids[0]!)).toBeNull();
    expect(jobs.get(ids[3]!)?.phase).toBe('done');
  });

  it('runs jobs of other kinds with a JSON summary in output, never in result', async () => {
    const { sent, send } = collect();
    const jobs = createJobRunner({ send });
    const id = jobs.run('backup', async ({ progress }) => {
      progress.report({ done: 5, total: 10, unit: 'bytes' });
      return { file: '/tmp/x.age', bytes: 10 };
    });
    const final = await jobs.settled(id);
    expect(final?.kind).toBe('backup');
    expect(final?.phase).toBe('done');
    expect(final?.output).toEqual({ file: '/tmp/x.age', bytes: 10 });
    expect(final?.result).toBeUndefined();
    expect(sent.at(-1)?.output).toEqual({ file: '/tmp/x.age', bytes: 10 });
  });
});
