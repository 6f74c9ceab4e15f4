/**
 * Cancelling a restore started through the Backup step's channel (`backup:restore`), against the
 * real Secret Service of scripts/with-keyring.sh and a real backup made by the service: the job ends
 * `cancelled` (no output), no `.partial` file is left in the new folder, nothing outside that folder
 * is touched, and the audit journal records the restore as cancelled in an unbroken chain.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTelegramExport } from '../../../tests/helpers/backup-fixtures.js';
import { requireKeyringSession } from '../../../tests/helpers/keyring-session.js';
import { OsKeychain } from '../backup/secret-store.js';
import { dispatch } from '../dispatch.js';
import { verifyAuditChain } from '../finish/audit.js';
import { createJobRunner } from '../jobs/job-runner.js';
import type { Service } from '../service.js';
import { createSettingsStore } from '../settings.js';
import { createBackupService } from './backup.js';

const temps: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('cancelling a restore midway', () => {
  it('ends the job cancelled, leaves no .partial file, and the audit journal says cancelled', async () => {
    requireKeyringSession();
    const configDir = tmp('pereezd-rst-config-');
    const send = (() => undefined) as Parameters<typeof createJobRunner>[0]['send'];
    const jobs = createJobRunner({ send, throttleMs: 20 });
    const store = new OsKeychain(`com.pereezd.test-restore-${randomUUID()}`);
    const area = { deps: { host: 'web' as const, send, version: 'test' }, jobs, settings: createSettingsStore(configDir), configDir };
    const service = createBackupService(area, { store, scryptLogN: 10, stagingDir: tmp('pereezd-rst-staging-') }) as unknown as Service;
    const call = async <T>(channel: string, req: unknown): Promise<T> => {
      const env = await dispatch(service, channel, req);
      if (!env.ok) throw new Error(`${channel}: ${env.error.code} ${env.error.message}`);
      return env.value as T;
    };

    // A backup with enough incompressible bytes that restoring everything takes a while.
    const root = tmp('pereezd-rst-data-');
    const exp = makeTelegramExport(path.join(root, 'export'), [{ id: 9, name: 'Big', messages: [{ text: 'x' }] }]);
    mkdirSync(path.join(exp, 'files'));
    const chunk = randomBytes(1 << 20);
    for (let f = 0; f < 4; f++) writeFileSync(path.join(exp, 'files', `video-${f}.bin`), Buffer.concat(Array.from({ length: 24 }, (_, i) => Buffer.concat([chunk, Buffer.from([f, i])]))));
    const dest = path.join(root, 'dest');
    mkdirSync(dest);
    const b = await call<{ ok: true; jobId: string; file: string }>('backup:start', { paths: [exp], dest: { dir: dest, name: 'big.msgbak' } });
    expect(b.ok).toBe(true);
    expect((await jobs.settled(b.jobId))?.phase).toBe('done');

    const into = tmp('pereezd-rst-into-');
    writeFileSync(path.join(into, 'keep.txt'), 'mine');
    const r = await call<{ ok: true; jobId: string; to: string }>('backup:restore', { file: b.file, select: { kind: 'all' }, into });
    expect(r.ok).toBe(true);
    expect(path.dirname(r.to)).toBe(into);
    // Cancel once some bytes of the originals were written.
    await expect
      .poll(() => (jobs.get(r.jobId)?.progress.unit === 'bytes' && (jobs.get(r.jobId)?.progress.done ?? 0) > 0) || jobs.get(r.jobId)?.phase !== 'running', { timeout: 60_000, interval: 10 })
      .toBe(true);
    expect(jobs.get(r.jobId)?.phase).toBe('running');
    expect(jobs.cancel(r.jobId)).toBe(true);
    const state = await jobs.settled(r.jobId);
    expect(state?.phase).toBe('cancelled');
    expect(state?.output ?? null).toBeNull();

    // No half-written file stays behind; what was beside the new folder is untouched.
    const left = existsSync(r.to) ? readdirSync(r.to, { recursive: true }).map(String) : [];
    expect(left.filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(readdirSync(into).sort()).toEqual(existsSync(r.to) ? ['keep.txt', path.basename(r.to)].sort() : ['keep.txt']);
    expect(readFileSync(path.join(into, 'keep.txt'), 'utf8')).toBe('mine');

    const journal = path.join(configDir, 'audit.jsonl');
    const ops = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string; outcome: string; refs: Record<string, unknown> });
    expect(ops.filter((o) => o.op === 'restore')).toEqual([expect.objectContaining({ outcome: 'cancelled', refs: { file: b.file, to: r.to } })]);
    expect(await verifyAuditChain(journal)).toMatchObject({ ok: true, records: ops.length });
  });
});
