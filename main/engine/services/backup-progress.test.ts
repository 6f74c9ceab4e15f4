import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../../shared/model/index.js';
import type { BackupProgress } from '../backup/backup.js';
import { BACKUP_STAGES, combinedBackupProgress, PROGRESS_SCALE } from './backup-progress.js';
import { mergeSourceOptions } from './backup.js';

function collect(sources: number) {
  const seen: JobProgress[] = [];
  const p = combinedBackupProgress({ report: (x) => seen.push(x) }, sources);
  return { seen, report: (x: Omit<BackupProgress, 'unit'>) => p.report({ unit: 'bytes', ...x }) };
}

describe('one progress figure for a whole backup', () => {
  it('only grows across stages that each start again from zero, and ends at the full scale', () => {
    const { seen, report } = collect(2);
    report({ step: 'prepare', done: 0, total: null });
    report({ step: 'read', done: 50, total: 100 });
    report({ step: 'read', done: 100, total: 100 });
    report({ step: 'read', done: 10, total: 400 }); // the second export starts
    report({ step: 'read', done: 400, total: 400 });
    report({ step: 'index', done: 5000, total: null });
    report({ step: 'hash', done: 0, total: 1000 });
    report({ step: 'hash', done: 1000, total: 1000 });
    report({ step: 'write', done: 10, total: 2000 });
    report({ step: 'write', done: 2000, total: 2000 });
    report({ step: 'verify', done: 0, total: 2000 });
    report({ step: 'verify', done: 2000, total: 2000 });
    const dones = seen.map((s) => s.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(seen.every((s) => s.total === PROGRESS_SCALE && s.unit === 'items')).toBe(true);
    expect(dones.at(-1)).toBe(PROGRESS_SCALE);
    // The first export half read is a quarter of the reading share (two exports).
    expect(seen[1]!.done).toBe(Math.round(0.25 * 0.3 * PROGRESS_SCALE));
    // The stage and its own figures ride along.
    expect(seen.map((s) => BACKUP_STAGES[s.counters!.stage!])).toEqual(['prepare', 'read', 'read', 'read', 'read', 'index', 'hash', 'hash', 'write', 'write', 'verify', 'verify']);
    expect(seen[8]!.counters).toMatchObject({ stageDone: 10, stageTotal: 2000 });
    expect(seen[5]!.counters).toMatchObject({ stageTotal: -1 });
  });

  it('passes the readers counters and the current file through', () => {
    const { seen, report } = collect(1);
    report({ step: 'read', done: 1, total: 2, current: '/x/result.json', counters: { messages: 7 } });
    expect(seen[0]).toMatchObject({ current: '/x/result.json', counters: { messages: 7, stage: 1 } });
  });
});

describe('one set of answers for every export of a backup', () => {
  it('merges answers that agree and refuses answers that differ', () => {
    expect(mergeSourceOptions(undefined)).toEqual({});
    expect(mergeSourceOptions({ '/a': { dateOrder: 'dmy' }, '/b': { timeZone: 'Europe/Moscow' } })).toEqual({ dateOrder: 'dmy', timeZone: 'Europe/Moscow' });
    expect(mergeSourceOptions({ '/a': { dateOrder: 'dmy', timeZone: 'UTC' }, '/b': { dateOrder: 'dmy', timeZone: 'UTC' } })).toEqual({ dateOrder: 'dmy', timeZone: 'UTC' });
    expect(mergeSourceOptions({ '/a': { dateOrder: 'dmy' }, '/b': { dateOrder: 'mdy' } })).toBeNull();
    expect(mergeSourceOptions({ '/a': { timeZone: 'UTC' }, '/b': { timeZone: 'Europe/Berlin' } })).toBeNull();
  });
});
