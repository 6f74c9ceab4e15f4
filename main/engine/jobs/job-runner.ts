/**
 * Job registry: one AbortController and the latest complete JobState per job. Progress reaches the
 * host as full snapshots (never deltas) at most every `throttleMs`, and at once on phase change,
 * error and finish. `get` returns the latest snapshot so a reloaded renderer can resync.
 */
import { randomUUID } from 'node:crypto';
import type { InventoryResult, JobKind, JobOutput, JobProgress, JobState, Problem } from '../../../shared/model/index.js';
import type { IProgress, SendEvent } from '../progress.js';

export interface JobContext {
  signal: AbortSignal;
  progress: IProgress<JobProgress>;
}

export type JobWork = (ctx: JobContext) => Promise<InventoryResult>;
/** Work of any other kind: resolves with a small JSON summary (JobState.output). */
export type JobOutputWork = (ctx: JobContext) => Promise<JobOutput>;

export interface JobRunnerOptions {
  send: SendEvent;
  now?: () => number;
  throttleMs?: number;
  /** Finished jobs kept for `job:get` (oldest dropped first). */
  keepFinished?: number;
}

export interface JobRunner {
  start(kind: 'inventory', work: JobWork): string;
  /** Start a job of another kind; its summary lands in `output`. */
  run(kind: Exclude<JobKind, 'inventory'>, work: JobOutputWork): string;
  get(jobId: string): JobState | null;
  cancel(jobId: string): boolean;
  /** Resolves when the job has finished (any terminal phase). */
  settled(jobId: string): Promise<JobState | null>;
  /** Cancel everything (host shutting down). */
  dispose(): void;
}

interface Entry {
  state: JobState;
  controller: AbortController;
  lastSent: number;
  timer: ReturnType<typeof setTimeout> | null;
  done: Promise<void>;
  /** Rate estimate: exponentially smoothed units per ms. */
  rate: number | null;
  lastSample: { t: number; done: number } | null;
}

const TERMINAL = new Set(['done', 'failed', 'cancelled']);

export function createJobRunner({ send, now = Date.now, throttleMs = 250, keepFinished = 20 }: JobRunnerOptions): JobRunner {
  const jobs = new Map<string, Entry>();

  const emit = (e: Entry) => {
    if (e.timer) {
      clearTimeout(e.timer);
      e.timer = null;
    }
    e.lastSent = now();
    send('job:progress', structuredClone(e.state));
  };

  const emitThrottled = (e: Entry) => {
    const wait = e.lastSent + throttleMs - now();
    if (wait <= 0) return emit(e);
    if (!e.timer) e.timer = setTimeout(() => emit(e), wait);
  };

  const prune = () => {
    const finished = [...jobs.values()].filter((e) => TERMINAL.has(e.state.phase));
    for (const e of finished.slice(0, Math.max(0, finished.length - keepFinished))) jobs.delete(e.state.jobId);
  };

  const updateEta = (e: Entry, p: JobProgress) => {
    const t = now();
    if (e.lastSample && p.done > e.lastSample.done && t > e.lastSample.t) {
      const r = (p.done - e.lastSample.done) / (t - e.lastSample.t);
      e.rate = e.rate === null ? r : e.rate * 0.7 + r * 0.3;
    }
    if (!e.lastSample || t - e.lastSample.t >= 100) e.lastSample = { t, done: p.done };
    e.state.etaMs = p.total !== null && e.rate && e.rate > 0 ? Math.max(0, Math.round((p.total - p.done) / e.rate)) : null;
  };

  const launch = (kind: JobKind, work: (ctx: JobContext) => Promise<Pick<JobState, 'result' | 'output'>>): string => {
    const jobId = randomUUID();
    const controller = new AbortController();
    const t = now();
    const entry: Entry = {
      state: { jobId, kind, phase: 'running', progress: { done: 0, total: null, unit: 'bytes' }, startedAt: t, updatedAt: t, etaMs: null },
      controller,
      lastSent: 0,
      timer: null,
      done: Promise.resolve(),
      rate: null,
      lastSample: null,
    };
    jobs.set(jobId, entry);
    emit(entry);
    const progress: IProgress<JobProgress> = {
      report(p) {
        if (TERMINAL.has(entry.state.phase)) return;
        updateEta(entry, p);
        entry.state.progress = p;
        entry.state.updatedAt = now();
        emitThrottled(entry);
      },
    };
    const finish = (patch: Partial<JobState>) => {
      Object.assign(entry.state, patch, { updatedAt: now(), finishedAt: now(), etaMs: patch.phase === 'done' ? 0 : null });
      emit(entry);
      prune();
    };
    // Run on the next turn so `start` returns the id before the first await inside `work`.
    entry.done = new Promise<void>((r) => setImmediate(r))
      .then(() => work({ signal: controller.signal, progress }))
      .then(
        (out) => finish({ phase: controller.signal.aborted ? 'cancelled' : 'done', ...out }),
        (err: unknown) => {
          if (controller.signal.aborted) return finish({ phase: 'cancelled' });
          finish({ phase: 'failed', error: toProblem(err) });
        },
      );
    return jobId;
  };

  return {
    start(kind, work) {
      return launch(kind, async (ctx) => ({ result: await work(ctx) }));
    },
    run(kind, work) {
      return launch(kind, async (ctx) => ({ output: await work(ctx) }));
    },
    get(jobId) {
      const e = jobs.get(jobId);
      return e ? structuredClone(e.state) : null;
    },
    cancel(jobId) {
      const e = jobs.get(jobId);
      if (!e || TERMINAL.has(e.state.phase)) return false;
      e.controller.abort(new DOMException('cancelled by the user', 'AbortError'));
      return true;
    },
    async settled(jobId) {
      const e = jobs.get(jobId);
      if (!e) return null;
      await e.done;
      return structuredClone(e.state);
    },
    dispose() {
      for (const e of jobs.values()) {
        if (!TERMINAL.has(e.state.phase)) e.controller.abort();
        if (e.timer) clearTimeout(e.timer);
      }
    },
  };
}

function toProblem(err: unknown): Problem {
  const message = err instanceof Error ? err.message : String(err);
  return { file: '', code: 'internal', severity: 'error', message };
}
