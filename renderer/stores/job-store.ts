/**
 * A mirror of main's JobState, one entry per job. Main always sends complete snapshots, so the
 * mirror never merges: it replaces. ONE writer, `applyJobState`, called only by api-client.ts (on
 * `job:progress` and after `job:get`); components only read.
 */
import { create } from 'zustand';
import type { JobPhase, JobState } from '../../shared/model/index.js';

const TERMINAL: ReadonlySet<JobPhase> = new Set(['done', 'failed', 'cancelled']);

export function isTerminalPhase(phase: JobPhase): boolean {
  return TERMINAL.has(phase);
}

export interface JobStoreState {
  jobs: Record<string, JobState>;
  /** Replace the mirror of one job with a newer full snapshot; stale or out-of-order ones are ignored. */
  applyJobState: (state: JobState) => void;
}

/** Whether `next` should replace `current` (snapshots can arrive out of order: event vs. `job:get` reply). */
export function isNewerSnapshot(current: JobState | undefined, next: JobState): boolean {
  if (!current) return true;
  // A finished job never goes back to running, whatever the clock says.
  if (isTerminalPhase(current.phase) && !isTerminalPhase(next.phase)) return false;
  if (!isTerminalPhase(current.phase) && isTerminalPhase(next.phase)) return true;
  return next.updatedAt >= current.updatedAt;
}

export const useJobStore = create<JobStoreState>()((set) => ({
  jobs: {},
  applyJobState: (state) =>
    set((s) => (isNewerSnapshot(s.jobs[state.jobId], state) ? { jobs: { ...s.jobs, [state.jobId]: state } } : s)),
}));

/** Ids of jobs the mirror believes are still running (to resync after a reconnect). */
export function runningJobIds(jobs: Record<string, JobState>): string[] {
  return Object.values(jobs)
    .filter((j) => !isTerminalPhase(j.phase))
    .map((j) => j.jobId);
}
