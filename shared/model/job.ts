import { z } from 'zod';
import { ProblemSchema } from './problem.js';
import { InventoryResultSchema } from './source.js';

export const JobKindSchema = z.enum(['inventory']);
export type JobKind = z.infer<typeof JobKindSchema>;

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
  error: ProblemSchema.optional(),
});
export type JobState = z.infer<typeof JobStateSchema>;
