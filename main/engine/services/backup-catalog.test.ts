import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogFile, createBackupCatalog, findRecord, MAX_RECORDS, type CatalogRecord } from './backup-catalog.js';

const temps: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pereezd-catalog-'));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const rec = (file: string): CatalogRecord => ({
  file,
  sideFile: `${file}.json`,
  created: '2024-05-01T00:00:00.000Z',
  size: 1,
  sha256: 'b'.repeat(64),
  counts: { sources: 1, originalFiles: 1, contacts: 0, chats: 0, messages: 0, attachments: 0 },
  opensWith: ['recovery'],
  recoveryFingerprint: '0123456789abcdef',
  keychainFingerprint: null,
  verified: { written: null, quick: null, full: null, sample: null },
  recoveryTestedAt: null,
  copies: [{ file: `/copy${file}`, sideFile: `/copy${file}.json`, verifiedAt: '2024-05-01T00:00:00.000Z' }],
});

describe('the backup catalogue', () => {
  it('starts empty, saves changes (0600), and serialises concurrent updates', async () => {
    const dir = tmp();
    const c = createBackupCatalog(dir);
    expect((await c.read()).backups).toEqual([]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.update((x) => void x.backups.push(rec(`/b/${i}.msgbak`)))));
    const back = await createBackupCatalog(dir).read();
    expect(back.backups.map((b) => b.file).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/b/${i}.msgbak`).sort());
    expect(statSync(catalogFile(dir)).mode & 0o777).toBe(0o600);
    expect(findRecord(back, '/copy/b/3.msgbak')?.file).toBe('/b/3.msgbak');
    expect(findRecord(back, '/nowhere.msgbak')).toBeUndefined();
  });

  it('forgets the oldest records beyond the limit', async () => {
    const c = createBackupCatalog(tmp());
    await c.update((x) => {
      for (let i = 0; i < MAX_RECORDS + 5; i++) x.backups.push(rec(`/b/${i}.msgbak`));
    });
    const back = await c.read();
    expect(back.backups).toHaveLength(MAX_RECORDS);
    expect(back.backups[0]!.file).toBe('/b/5.msgbak');
  });

  it('sets a damaged file aside and starts again, never failing the step', async () => {
    const dir = tmp();
    writeFileSync(catalogFile(dir), '{"format":"pereezd-backup-catalog","formatVersion":1,"backups":[{"file":1}]}');
    const c = createBackupCatalog(dir);
    expect((await c.read()).backups).toEqual([]);
    expect(existsSync(catalogFile(dir))).toBe(false);
    expect(readdirSync(dir).some((n) => n.startsWith('backup-catalog.json.damaged-'))).toBe(true);
    await c.update((x) => void x.backups.push(rec('/b/x.msgbak')));
    expect(JSON.parse(readFileSync(catalogFile(dir), 'utf8')).backups).toHaveLength(1);
  });

  it('refuses to save a record that does not fit the schema (nothing half-written)', async () => {
    const dir = tmp();
    const c = createBackupCatalog(dir);
    await expect(c.update((x) => void x.backups.push({ ...rec('/b/x.msgbak'), sha256: 'not-hex' }))).rejects.toThrow();
    expect(existsSync(catalogFile(dir))).toBe(false);
  });
});
