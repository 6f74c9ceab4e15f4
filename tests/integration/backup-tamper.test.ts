/**
 * A backup that was changed in any way is rejected, with a message that says so: 1000 random
 * single-byte changes anywhere in the file (header, nonce, chunks, tags), truncations, swapped,
 * dropped, duplicated and appended chunks. A small backup (a few chunks) keeps this fast.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateHeader } from '../../main/engine/backup/age-header.js';
import { SEALED_CHUNK_SIZE, STREAM_NONCE_SIZE } from '../../main/engine/backup/age-stream.js';
import { runBackup } from '../../main/engine/backup/backup.js';
import { generateKeyPair, type KeyPair } from '../../main/engine/backup/keys.js';
import { runRestore } from '../../main/engine/backup/restore.js';
import { verifyBackup } from '../../main/engine/backup/verify.js';
import { makeTelegramExport, media, readTree } from '../helpers/backup-fixtures.js';

const quiet = { progress: { report() {} } };
/** Every way a rejection is worded: each names what is wrong in plain words. */
const CLEAR = /damaged|truncated|was modified|none of the keys given opens this backup|not an encrypted backup|unsupported format version|ASCII-armored/;

let dir: string;
let r: KeyPair;
let original: Buffer;
let headerLength: number;
let exportDir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-tamper-'));
  r = await generateKeyPair();
  exportDir = makeTelegramExport(path.join(dir, 'export'), [
    { id: 1, name: 'A', messages: [{ text: 'hello', photo: media('photos/p.jpg', 150_000) }, { text: 'world' }] },
  ]);
  const out = path.join(dir, 'small.msgbak');
  await runBackup({ paths: [exportDir], out, recipients: [{ recipient: r.recipient, role: 'recovery' }] }, quiet, new AbortController().signal);
  original = readFileSync(out);
  headerLength = locateHeader(original);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 'accepted' when the tampered file verified, else the message it was rejected with. */
async function verdict(bytes: Buffer, name = 'tampered.msgbak'): Promise<string> {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  try {
    const rep = await verifyBackup(file, { mode: 'full', identities: [r.identity] }, quiet, new AbortController().signal);
    return rep.ok ? 'accepted' : rep.problems[0]!;
  } catch (err) {
    return (err as Error).message;
  }
}

function payloadChunks(): { start: number; chunks: Buffer[] } {
  const start = headerLength + STREAM_NONCE_SIZE;
  const chunks: Buffer[] = [];
  for (let off = start; off < original.length; off += SEALED_CHUNK_SIZE) chunks.push(original.subarray(off, Math.min(original.length, off + SEALED_CHUNK_SIZE)));
  return { start, chunks };
}

describe('tampering', () => {
  it('the untouched backup verifies (the baseline)', async () => {
    expect(await verdict(original)).toBe('accepted');
    expect(payloadChunks().chunks.length).toBeGreaterThanOrEqual(3);
  });

  it('rejects 1000 random single-byte changes, each with a clear message', async () => {
    const messages = new Map<string, number>();
    // Always include bytes all over the header (stanzas, MAC), the nonce and the last tag.
    const positions = [headerLength, headerLength + STREAM_NONCE_SIZE - 1, original.length - 1];
    for (let p = 0; p < headerLength; p += 7) positions.push(p);
    positions.push(headerLength - 1);
    while (positions.length < 1000) positions.push(randomInt(original.length));
    for (const pos of positions) {
      const bytes = Buffer.from(original);
      bytes[pos]! ^= 1 + randomInt(255);
      const v = await verdict(bytes);
      expect(v, `byte ${pos} changed`).not.toBe('accepted');
      expect(v, `byte ${pos} changed`).toMatch(CLEAR);
      const kind = v.replace(/\d+/g, 'N');
      messages.set(kind, (messages.get(kind) ?? 0) + 1);
    }
    // Changes were caught at every layer: header, payload chunks, final chunk.
    expect([...messages.keys()].some((m) => /header \(its MAC does not match\)|header is damaged|keys given/.test(m))).toBe(true);
    expect([...messages.keys()].some((m) => /encrypted piece N of N does not authenticate|piece N does not authenticate/.test(m))).toBe(true);
    expect([...messages.keys()].some((m) => /last encrypted piece/.test(m))).toBe(true);
  }, 120_000);

  it('rejects every truncation: at chunk boundaries, after the header, and at random lengths', async () => {
    const { start, chunks } = payloadChunks();
    const lengths = [0, 1, headerLength - 1, headerLength, start, start + 15, start + 16];
    for (let i = 1; i < chunks.length; i++) lengths.push(start + i * SEALED_CHUNK_SIZE, start + i * SEALED_CHUNK_SIZE - 1);
    for (let i = 0; i < 100; i++) lengths.push(randomInt(original.length));
    for (const n of lengths) {
      const v = await verdict(original.subarray(0, n));
      expect(v, `cut to ${n} bytes`).not.toBe('accepted');
      expect(v, `cut to ${n} bytes`).toMatch(CLEAR);
    }
  });

  it('rejects swapped, dropped, duplicated and appended chunks', async () => {
    const { start, chunks } = payloadChunks();
    const head = original.subarray(0, start);
    const variants: [string, Buffer[]][] = [];
    for (let i = 0; i < chunks.length; i++) {
      for (let j = i + 1; j < chunks.length; j++) {
        // Swapping with the short last chunk changes lengths; full-size swaps keep the layout.
        const c = [...chunks];
        [c[i], c[j]] = [c[j]!, c[i]!];
        variants.push([`swap ${i}<->${j}`, c]);
      }
      variants.push([`drop ${i}`, chunks.filter((_, k) => k !== i)]);
      variants.push([`duplicate ${i}`, [...chunks.slice(0, i + 1), chunks[i]!, ...chunks.slice(i + 1)]]);
    }
    variants.push(['append garbage', [...chunks, randomBytes(100)]]);
    variants.push(['append a full chunk of garbage', [...chunks, randomBytes(SEALED_CHUNK_SIZE)]]);
    for (const [what, c] of variants) {
      const v = await verdict(Buffer.concat([head, ...c]));
      expect(v, what).not.toBe('accepted');
      expect(v, what).toMatch(CLEAR);
    }
  });

  it('restore refuses tampered files and writes only verified files', async () => {
    for (let i = 0; i < 30; i++) {
      const bytes = Buffer.from(original);
      const pos = headerLength + randomInt(original.length - headerLength);
      bytes[pos]! ^= 0x40;
      const file = path.join(dir, `restore-${i}.msgbak`);
      writeFileSync(file, bytes);
      const to = path.join(dir, `restored-${i}`);
      mkdirSync(to);
      await expect(runRestore({ file, to, select: { kind: 'all' }, identities: [r.identity] }, quiet, new AbortController().signal), `byte ${pos}`).rejects.toThrow(CLEAR);
      // whatever was written before the damage was reached is complete and correct
      const src = readTree(exportDir);
      for (const [rel, data] of readTree(to)) {
        expect(rel.endsWith('.partial')).toBe(false);
        const name = rel.replace(/^originals\/0-export\//, '');
        if (src.has(name)) expect(data.equals(src.get(name)!)).toBe(true);
      }
    }
    const to = path.join(dir, 'restored-clean');
    const ok = await runRestore({ file: path.join(dir, 'small.msgbak'), to, select: { kind: 'all' }, identities: [r.identity] }, quiet, new AbortController().signal);
    expect(ok.problems).toEqual([]);
    for (const [rel, data] of readTree(exportDir)) expect(readFileSync(path.join(to, 'originals/0-export', rel)).equals(data)).toBe(true);
  });
});
