import { afterEach, describe, expect, it } from 'vitest';
import type { JobState } from '../../shared/model/index.js';
import { isNewerSnapshot, isTerminalPhase, runningJobIds, useJobStore } from './job-store.js';
import { useWizardStore } from './wizard-store.js';

afterEach(() => {
  useWizardStore.setState(useWizardStore.getInitialState(), true);
  useJobStore.setState(useJobStore.getInitialState(), true);
});

const snap = (over: Partial<JobState> = {}): JobState => ({
  jobId: '6f1c8a4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  kind: 'inventory',
  phase: 'running',
  progress: { done: 0, total: 1000, unit: 'bytes' },
  startedAt: 1000,
  updatedAt: 1000,
  etaMs: null,
  ...over,
});

describe('job store', () => {
  it('starts empty', () => {
    expect(useJobStore.getState().jobs).toEqual({});
  });

  it('mirrors a full snapshot per job, replacing (never merging) the previous one', () => {
    const apply = useJobStore.getState().applyJobState;
    apply(snap({ progress: { done: 10, total: 1000, unit: 'bytes', counters: { messages: 5 } } }));
    apply(snap({ updatedAt: 1250, progress: { done: 500, total: 1000, unit: 'bytes' }, etaMs: 800 }));
    const j = useJobStore.getState().jobs[snap().jobId]!;
    expect(j.progress).toEqual({ done: 500, total: 1000, unit: 'bytes' });
    expect(j.etaMs).toBe(800);
  });

  it('keeps jobs apart', () => {
    const apply = useJobStore.getState().applyJobState;
    apply(snap({ jobId: 'a' }));
    apply(snap({ jobId: 'b', phase: 'done', updatedAt: 2000 }));
    expect(Object.keys(useJobStore.getState().jobs).sort()).toEqual(['a', 'b']);
    expect(runningJobIds(useJobStore.getState().jobs)).toEqual(['a']);
  });

  it('ignores a snapshot older than the one it has (an event and a job:get reply racing)', () => {
    const apply = useJobStore.getState().applyJobState;
    apply(snap({ updatedAt: 2000, progress: { done: 700, total: 1000, unit: 'bytes' } }));
    apply(snap({ updatedAt: 1500, progress: { done: 300, total: 1000, unit: 'bytes' } }));
    expect(useJobStore.getState().jobs[snap().jobId]!.progress.done).toBe(700);
  });

  it('never lets a finished job go back to running', () => {
    const apply = useJobStore.getState().applyJobState;
    apply(snap({ phase: 'cancelled', updatedAt: 2000 }));
    apply(snap({ phase: 'running', updatedAt: 3000 }));
    expect(useJobStore.getState().jobs[snap().jobId]!.phase).toBe('cancelled');
  });

  it('accepts the final snapshot even when its clock reads the same', () => {
    const apply = useJobStore.getState().applyJobState;
    apply(snap({ updatedAt: 2000 }));
    apply(snap({ phase: 'done', updatedAt: 2000, etaMs: 0 }));
    expect(useJobStore.getState().jobs[snap().jobId]!.phase).toBe('done');
  });

  it('does not change state (no re-render) for an ignored snapshot', () => {
    const apply = useJobStore.getState().applyJobState;
    apply(snap({ updatedAt: 2000 }));
    const before = useJobStore.getState();
    apply(snap({ updatedAt: 1000 }));
    expect(useJobStore.getState()).toBe(before);
  });

  it('knows terminal phases', () => {
    expect(['queued', 'running', 'done', 'failed', 'cancelled'].map((p) => isTerminalPhase(p as JobState['phase']))).toEqual([false, false, true, true, true]);
    expect(isNewerSnapshot(undefined, snap())).toBe(true);
  });
});
