/**
 * Backups written in format 1 (blobs only by SHA-256, index before blobs) stay readable: a real
 * file made by the last version that wrote it (tests/fixtures/backup-format1) is listed, fully
 * verified and restored — all of it, and one chat whose picture lives inside an original zip.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIdentityFile } from './keys.js';
import { listBackup } from './list.js';
import { chatEntryName } from './manifest.js';
import { runRestore } from './restore.js';
import { verifyBackup } from './verify.js';

const fixture = path.resolve(__dirname, '../../../tests/fixtures/backup-format1');
const file = path.join(fixture, 'format1.msgbak');
const identities = parseIdentityFile(readFileSync(path.join(fixture, 'identity.txt'), 'utf8'));
const quiet = { progress: { report() {} } };
const live = () => new AbortController().signal;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-format1-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a format 1 backup', () => {
  it('is listed and verifies (quick against its side file, and full)', async () => {
    const l = await listBackup(file, identities);
    expect(l.counts).toMatchObject({ sources: 2, originalFiles: 4, blobs: 3, attachments: { distinct: 2, asBlobs: 1, inArchives: 1 } });
    expect(l.chats.map((c) => c.id).sort()).toEqual(['tg:11', 'tg:21']);
    expect(await verifyBackup(file, { mode: 'quick' }, quiet, live())).toMatchObject({ ok: true, sideFile: 'match' });
    const full = await verifyBackup(file, { mode: 'full', identities }, quiet, live());
    expect(full.problems).toEqual([]);
    expect(full.ok).toBe(true);
    expect(full.entries.checked).toBe(full.entries.total);
  });

  it('restores every original byte for byte, and one chat with the picture inside the zip', async () => {
    const to = path.join(dir, 'all');
    const res = await runRestore({ file, to, select: { kind: 'all' }, identities }, quiet, live());
    expect(res.problems).toEqual([]);
    const originals = res.files.filter((f) => f.startsWith('originals/')).sort();
    expect(originals).toEqual([
      'originals/0-folder-export/photos/a-copy.jpg',
      'originals/0-folder-export/photos/a.jpg',
      'originals/0-folder-export/result.json',
      'originals/1-export.zip/export.zip',
    ]);
    const a = readFileSync(path.join(to, 'originals/0-folder-export/photos/a.jpg'));
    expect(a.length).toBe(3000);
    expect(readFileSync(path.join(to, 'originals/0-folder-export/photos/a-copy.jpg')).equals(a)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(to, 'originals/0-folder-export/result.json'), 'utf8')).chats.list[0].name).toBe('Анна');
    const chat = await runRestore({ file, to: path.join(dir, 'chat'), select: { kind: 'chat', id: 'tg:21' }, identities }, quiet, live());
    expect(chat.problems).toEqual([]);
    const base = path.basename(chatEntryName('tg:21'), '.jsonl');
    const z1 = readFileSync(path.join(dir, 'chat', base, 'media/photos/z1.jpg'));
    const rows = readFileSync(path.join(to, 'index/attachments.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.find((r) => r.at === 'archive').sha256).toBe(sha(z1));
  });
});
