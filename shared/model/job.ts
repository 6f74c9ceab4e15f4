import { z } from 'zod';
import { ProblemSchema } from './problem.js';
import { InventoryResultSchema } from './source.js';

/** One kind per long operation; each area starts its own (clean, backup…, upload…). */
export const JobKindSchema = z.enum(['inventory', 'clean', 'backup', 'verify', 'restore', 'copy', 'upload', 'verify-target', 'report']);
export type JobKind = z.infer<typeof JobKindSchema>;

/** A job's closing summary: plain JSON only (it crosses IPC in every final snapshot). */
export const JobOutputSchema = z.record(z.string(), z.json());
export type JobOutput = z.infer<typeof JobOutputSchema>;

export const JobPhaseSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobPhase = z.infer<typeof JobPhaseSchema>;

export const JobProgressSchema = z.object({
  done: z.number().nonnegative(),
  /** null while the total is unknown. */
  total: z.number().nonnegative().nullable(),
  unit: z.enum(['bytes', 'items']),
  /** What is being worked on (a file path), for the status line. */
  current: z.string().optional(),
  /** Live counters for the UI while reading. */
  counters: z.record(z.string(), z.number()).optional(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

/** The complete state of a job: the only thing `job:progress` carries (never deltas). */
export const JobStateSchema = z.object({
  jobId: z.string(),
  kind: JobKindSchema,
  phase: JobPhaseSchema,
  progress: JobProgressSchema,
  startedAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().optional(),
  /** Milliseconds left, from the observed rate; null while unknown. */
  etaMs: z.number().nonnegative().nullable(),
  /** Set when phase is `done` (or `cancelled` with what was read so far). */
  result: InventoryResultSchema.optional(),
  /**
   * Set when a non-inventory job is `done`: a small JSON summary (counts, paths, ids). Big results
   * (review tables, reports) are fetched through the area's own channel, not carried in every snapshot.
   */
  output: JobOutputSchema.optional(),
  error: ProblemSchema.optional(),
});
export type JobState = z.infer<typeof JobStateSchema>;
