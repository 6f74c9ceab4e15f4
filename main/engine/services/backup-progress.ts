/**
 * One progress figure for a whole backup. The engine reports each of its stages on its own scale
 * (reading each export, hashing, indexing, writing, verifying), so its `done` falls back to zero
 * at every stage; a bar and an ETA need one figure that only grows. Each stage gets a share of
 * the work measured on typical exports (reading parses every message and hashes attachments;
 * writing and verifying stream every byte once), and `done` is the finished shares plus the
 * current stage's fraction, on a fixed scale. The stage and its own figures ride in `counters`,
 * so the window can say what is being done now.
 */
import { BACKUP_STAGES, type BackupStage } from '../../../shared/ipc/backup.js';
import type { JobProgress } from '../../../shared/model/index.js';
import type { BackupProgress, BackupStep } from '../backup/backup.js';
import type { IProgress } from '../progress.js';

// The contract's stages are exactly the engine's steps.
const sameStages: [BackupStage, BackupStep] extends [BackupStep, BackupStage] ? true : never = true;
void sameStages;
export { BACKUP_STAGES };

// Since backup format 2 the hash pass reads only files another file has the size of (possible
// duplicates); most bytes are read once, while writing.
const WEIGHT: Record<BackupStep, number> = { prepare: 0, read: 0.3, index: 0.05, hash: 0.05, write: 0.4, verify: 0.2, copy: 0 };
/** `total` of the combined figure. */
export const PROGRESS_SCALE = 10_000;

/**
 * Wraps `sink` so it receives one growing figure. `sources`: how many exports are read one
 * after the other in the `read` stage (each reports from zero again).
 */
export function combinedBackupProgress(sink: IProgress<JobProgress>, sources: number): IProgress<BackupProgress> {
  const order = BACKUP_STAGES as readonly BackupStep[];
  const offset = new Map<BackupStep, number>();
  let acc = 0;
  for (const s of order) {
    offset.set(s, acc);
    acc += WEIGHT[s];
  }
  const totalWeight = acc;
  let best = 0;
  let readIndex = 0;
  let lastRead: { done: number; total: number | null } | null = null;
  return {
    report(p) {
      let fraction = p.total && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      if (p.step === 'read') {
        // A new export starts: its figures start again from zero (or its total differs).
        if (lastRead && (p.done < lastRead.done || p.total !== lastRead.total)) readIndex = Math.min(readIndex + 1, Math.max(0, sources - 1));
        lastRead = { done: p.done, total: p.total };
        fraction = (readIndex + fraction) / Math.max(1, sources);
      }
      const overall = ((offset.get(p.step) ?? 0) + WEIGHT[p.step] * fraction) / totalWeight;
      best = Math.max(best, Math.round(overall * PROGRESS_SCALE));
      const counters: Record<string, number> = {};
      for (const [k, v] of Object.entries(p.counters ?? {})) if (typeof v === 'number') counters[k] = v;
      counters.stage = order.indexOf(p.step);
      counters.stageDone = p.done;
      counters.stageTotal = p.total ?? -1;
      sink.report({ done: best, total: PROGRESS_SCALE, unit: 'items', ...(p.current ? { current: p.current } : {}), counters });
    },
  };
}
