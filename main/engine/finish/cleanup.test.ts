import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackupCatalog } from '../services/backup-catalog.js';
import { listCleanup, runCleanup, scanForPlaintext } from './cleanup.js';

function setup() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pereezd-cu-'));
  const cfg = path.join(root, 'cfg');
  const tmp = path.join(root, 'tmp');
  const work = path.join(cfg, 'clean', '0123456789abcdef');
  mkdirSync(path.join(work, '.convert-x'), { recursive: true });
  writeFileSync(path.join(work, 'messages.jsonl'), `${JSON.stringify({ chat: 'tg:1', id: '1', sentAt: '2024-01-01T00:00:00Z', text: 'a secret sentence about the harbour' })}\n`);
  writeFileSync(path.join(work, 'accounting.json'), '{}');
  mkdirSync(path.join(tmp, 'pereezd-backup-999999-dead'), { recursive: true });
  mkdirSync(path.join(tmp, `pereezd-backup-${process.pid}-live`), { recursive: true });
  mkdirSync(path.join(tmp, 'someone-else'), { recursive: true });
  writeFileSync(path.join(cfg, 'settings.json.partial'), '{}');
  return { root, cfg, tmp, work };
}

describe('clean-up', () => {
  it('lists only the app\'s own folders; a running backup\'s staging and protected paths stay', async () => {
    const { cfg, tmp, work, root } = setup();
    const backup = path.join(root, 'b.msgbak');
    writeFileSync(backup, 'age');
    writeFileSync(`${backup}.partial`, 'half');
    await createBackupCatalog(cfg).update((c) => {
      c.backups.push({
        file: backup, sideFile: `${backup}.json`, created: 'x', size: 3, sha256: 'a'.repeat(64), counts: { sources: 1, originalFiles: 1, contacts: 0, chats: 0, messages: 0, attachments: 0 },
        opensWith: ['recovery'], recoveryFingerprint: null, keychainFingerprint: null, verified: { written: null, quick: null, full: null, sample: null }, recoveryTestedAt: null, copies: [],
      });
    });
    const list = await listCleanup({ configDir: cfg, tmpDir: tmp, alive: (pid) => pid === process.pid });
    const byPath = new Map(list.map((e) => [e.path, e.kind]));
    expect(byPath.get(work)).toBe('clean-work');
    expect(byPath.get(path.join(tmp, 'pereezd-backup-999999-dead'))).toBe('backup-staging');
    expect(byPath.get(`${backup}.partial`)).toBe('partial-backup');
    expect(byPath.get(path.join(cfg, 'settings.json.partial'))).toBe('partial-file');
    expect(byPath.has(path.join(tmp, `pereezd-backup-${process.pid}-live`))).toBe(false);
    expect(byPath.has(path.join(tmp, 'someone-else'))).toBe(false);
    expect(byPath.has(backup)).toBe(false);
    // A protected export inside a listed folder keeps that folder.
    const guarded = await listCleanup({ configDir: cfg, tmpDir: tmp, protect: [path.join(work, 'messages.jsonl')] });
    expect(guarded.some((e) => e.path === work)).toBe(false);
  });

  it('dry run removes nothing; a real run removes, keeps the backup, refuses unlisted paths, and the scan comes back clean', async () => {
    const { cfg, tmp, work, root } = setup();
    const dry = await runCleanup({ configDir: cfg, tmpDir: tmp, dryRun: true });
    expect(dry.removed.length).toBeGreaterThan(0);
    expect(existsSync(work)).toBe(true);
    await expect(runCleanup({ configDir: cfg, tmpDir: tmp, only: [root] })).rejects.toThrow(/not among/);
    const before = await scanForPlaintext([cfg]);
    expect(before.hits.map((h) => h.marker)).toContain('model-message');
    const r = await runCleanup({ configDir: cfg, tmpDir: tmp });
    expect(existsSync(work)).toBe(false);
    expect(r.scan!.hits).toEqual([]);
    expect(existsSync(path.join(cfg, 'finish', '0123456789abcdef', 'clean-accounting.json'))).toBe(true);
  });

  it('the scan finds a sampled message text anywhere in the app folders, naming the file, not the text', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pereezd-scan-'));
    writeFileSync(path.join(d, 'leftover.bin'), Buffer.concat([Buffer.alloc(3 << 20, 1), Buffer.from('a secret sentence about the harbour')]));
    const r = await scanForPlaintext([d], { samples: ['a secret sentence about the harbour'] });
    expect(r.hits).toEqual([{ path: path.join(d, 'leftover.bin'), marker: 'message-text' }]);
  });
});
