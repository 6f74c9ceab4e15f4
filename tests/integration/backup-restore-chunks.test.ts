/**
 * Partial restore costs in proportion to what is restored: the zip's central directory is an
 * index, and the age payload is read through a `readAt` that decrypts only the 64 KiB chunks it
 * touches. Counted here with the reader's own chunk counter.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../../main/engine/backup/age-stream.js';
import { runBackup } from '../../main/engine/backup/backup.js';
import { generateKeyPair, type KeyPair } from '../../main/engine/backup/keys.js';
import { listBackup } from '../../main/engine/backup/list.js';
import { runRestore } from '../../main/engine/backup/restore.js';
import { makeTelegramExport, media } from '../helpers/backup-fixtures.js';

const quiet = { progress: { report() {} } };
let dir: string;
let r: KeyPair;
let out: string;
let exportDir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-chunks-'));
  r = await generateKeyPair();
  // ~12 MiB of media in two chats, and a small chat with one small photo.
  exportDir = makeTelegramExport(path.join(dir, 'export'), [
    { id: 1, name: 'Big one', messages: [{ text: 'video', file: media('video/v1.mp4', 6 << 20) }, { text: 'more', file: media('video/v2.mp4', 3 << 20) }] },
    { id: 2, name: 'Small', messages: [{ text: 'hi' }, { text: 'pic', photo: media('photos/small.jpg', 20_000) }] },
    { id: 3, name: 'Big two', messages: [{ text: 'archive', file: media('files/a.bin', 3 << 20) }] },
  ]);
  out = path.join(dir, 'b.msgbak');
  await runBackup({ paths: [exportDir], out, recipients: [{ recipient: r.recipient, role: 'recovery' }] }, quiet, new AbortController().signal);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('partial restore reads only the chunks it needs', () => {
  it('lists the contents from a handful of chunks at the end', async () => {
    const l = await listBackup(out, [r.identity]);
    expect(l.chunks.total).toBeGreaterThan(190);
    expect(l.chunks.decrypted).toBeLessThanOrEqual(4);
  });

  it('restores the small chat by decrypting a few chunks out of ~200', async () => {
    const res = await runRestore({ file: out, to: path.join(dir, 'small'), select: { kind: 'chat', id: 'tg:2' }, identities: [r.identity] }, quiet, new AbortController().signal);
    expect(res.files.some((f) => f.endsWith('media/photos/small.jpg'))).toBe(true);
    expect(res.chunks.total).toBeGreaterThan(190);
    // manifest + central directory + the chat's messages + one 20 KB photo: a few chunks, not the file
    expect(res.chunks.decrypted).toBeLessThanOrEqual(8);
  });

  it('restores a big chat by decrypting about its own size, not the whole backup', async () => {
    const res = await runRestore({ file: out, to: path.join(dir, 'big'), select: { kind: 'chat', id: 'tg:1' }, identities: [r.identity] }, quiet, new AbortController().signal);
    const own = Math.ceil((9 << 20) / CHUNK_SIZE);
    expect(res.chunks.decrypted).toBeGreaterThanOrEqual(own);
    expect(res.chunks.decrypted).toBeLessThanOrEqual(own + 10);
    expect(res.chunks.decrypted).toBeLessThan(res.chunks.total - 40); // the other big chat was not read
    const base = res.files.find((f) => f.endsWith('media/video/v1.mp4'))!;
    expect(readFileSync(path.join(dir, 'big', base)).equals(readFileSync(path.join(exportDir, 'video/v1.mp4')))).toBe(true);
  });
});
