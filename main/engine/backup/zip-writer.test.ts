import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openZipContainer } from '../archive/zip.js';
import { HashWorker } from './hash-worker.js';
import { SourceChangedError, ZipWriter } from './zip-writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-zipw-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function* chunks(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** A sink writing at the writer's offsets into a (possibly sparse) file. */
async function fileSink(file: string, start = 0) {
  const fh = await open(file, 'w');
  let pos = start;
  return {
    sink: async (b: Buffer) => {
      await fh.write(b, 0, b.length, pos);
      pos += b.length;
    },
    close: () => fh.close(),
  };
}

describe('ZipWriter', () => {
  it('writes stored and deflated entries, known and streamed, that our reader and unzip read back with matching hashes', async () => {
    const file = path.join(dir, 'a.zip');
    const out = await fileSink(file);
    const w = new ZipWriter(out.sink, path.join(dir, 'a.cd'));
    const text = Buffer.from('{"a":1}\n'.repeat(5000) + 'Привет, мир 👋\n');
    const media = randomBytes(300_000);
    const written = [
      await w.add('README.txt', Buffer.from('hello\n'), { method: 'deflate', mtime: new Date(2024, 0, 2, 3, 4, 6) }),
      await w.add('model/chats/tg%3A42-abcd.jsonl', chunks(text, 7000), { method: 'deflate', sizeHint: text.length }),
      await w.add('blobs/sha256/ab/' + sha(media), chunks(media, 65536), { method: 'store', expect: { size: media.length, crc32: crc32(media) } }),
      await w.add('empty.bin', Buffer.alloc(0), { method: 'store', expect: { size: 0, crc32: 0 } }),
      await w.add('empty.jsonl', chunks(Buffer.alloc(0), 1), { method: 'deflate' }),
      await w.add('Фото/имя файла.jpg', chunks(media.subarray(0, 1000), 100), { method: 'store' }),
    ];
    const end = await w.finish();
    await out.close();
    expect(end.entries).toBe(6);
    expect((await stat(file)).size).toBe(end.size);
    expect(written[1]!.sha256).toBe(sha(text));
    expect(written[1]!.compressedSize).toBeLessThan(text.length / 10);
    expect(written[2]).toMatchObject({ size: media.length, compressedSize: media.length, sha256: sha(media), method: 'store' });

    const zip = await openZipContainer(file);
    try {
      expect(zip.warnings).toEqual([]);
      const expected: Record<string, Buffer> = {
        'README.txt': Buffer.from('hello\n'),
        'model/chats/tg%3A42-abcd.jsonl': text,
        [`blobs/sha256/ab/${sha(media)}`]: media,
        'empty.bin': Buffer.alloc(0),
        'empty.jsonl': Buffer.alloc(0),
        'Фото/имя файла.jpg': media.subarray(0, 1000),
      };
      expect(zip.entries().map((e) => e.path)).toEqual(Object.keys(expected));
      for (const [name, data] of Object.entries(expected)) expect((await readAll(zip.open(name))).equals(data)).toBe(true);
      const readme = zip.entries()[0]!;
      expect(readme.method).toBe(8);
      expect(written.map((x) => x.offset)).toEqual(zip.entries().map((e) => e.offset));
    } finally {
      await zip.close();
    }
    const test = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
    expect(test).toMatch(/No errors detected/);
    expect(execFileSync('unzip', ['-p', file, 'model/chats/tg%3A42-abcd.jsonl']).equals(text)).toBe(true);
    expect(execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' })).toContain('Фото/имя файла.jpg');
  });

  it('uses ZIP64 fields for entries and offsets beyond 4 GiB (archive placed after a sparse 5 GiB gap)', async () => {
    const file = path.join(dir, 'big.zip');
    const start = 5 * 1024 ** 3;
    const out = await fileSink(file, start);
    const w = new ZipWriter(out.sink, undefined, start);
    const data = randomBytes(1000);
    await w.add('a.bin', data, { method: 'store', expect: { size: 1000, crc32: crc32(data) } });
    await w.add('b.jsonl', chunks(Buffer.from('x\n'.repeat(100)), 10), { method: 'deflate', sizeHint: 0xffff_ffff_ff }); // forces ZIP64 descriptor
    await w.finish();
    await out.close();
    const zip = await openZipContainer(file);
    try {
      expect(zip.entries().map((e) => [e.path, e.offset])).toEqual([
        ['a.bin', start],
        ['b.jsonl', expect.any(Number)],
      ]);
      expect(zip.entries()[1]!.offset).toBeGreaterThan(start);
      expect((await readAll(zip.open('a.bin'))).equals(data)).toBe(true);
      expect((await readAll(zip.open('b.jsonl'))).toString()).toBe('x\n'.repeat(100));
    } finally {
      await zip.close();
    }
    const listing = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
    expect(listing).toMatch(/No errors detected/);
  });

  it('spills a large central directory to the staging file and still writes a readable archive', async () => {
    const file = path.join(dir, 'many.zip');
    const spill = path.join(dir, 'many.cd');
    const out = await fileSink(file);
    const w = new ZipWriter(out.sink, spill);
    const n = 70_000; // more than 65535: the classic record saturates, ZIP64 holds the count
    for (let i = 0; i < n; i++) await w.add(`e/${'x'.repeat(20)}${i}`, Buffer.from(String(i)), { method: 'store', expect: { size: String(i).length, crc32: crc32(Buffer.from(String(i))) } });
    await w.finish();
    await out.close();
    await expect(stat(spill)).rejects.toMatchObject({ code: 'ENOENT' });
    const zip = await openZipContainer(file);
    try {
      expect(zip.entries()).toHaveLength(n);
      expect(zip.root).toBe('e/'); // one top-level folder: the reader's root stripping applies
      expect((await readAll(zip.open('xxxxxxxxxxxxxxxxxxxx69999'))).toString()).toBe('69999');
    } finally {
      await zip.close();
    }
  });

  it('fails an entry whose size or CRC-32 differ from what the first pass measured', async () => {
    const w = new ZipWriter(async () => undefined);
    const data = randomBytes(100);
    await expect(w.add('a', data, { method: 'store', expect: { size: 101, crc32: crc32(data) } })).rejects.toBeInstanceOf(SourceChangedError);
    await expect(w.add('b', data, { method: 'store', expect: { size: 100, crc32: crc32(data) ^ 1 } })).rejects.toThrow(/changed while the backup was being made/);
    // With the first pass's SHA-256 given, this read is checked by size and CRC-32 only (the
    // read-back verification recomputes SHA-256): the given hash is what the entry reports.
    const given = await w.add('c', data, { method: 'store', expect: { size: 100, crc32: crc32(data), sha256: sha(data) } });
    expect(given.sha256).toBe(sha(data));
  });

  it('stores a file read only once (size and SHA-256 known, CRC-32 not) with a data descriptor, hashed on the hash worker', async () => {
    const file = path.join(dir, 'once.zip');
    const out = await fileSink(file);
    const w = new ZipWriter(out.sink);
    const media = randomBytes(700_000);
    const hashes = new HashWorker();
    try {
      const r = await w.add('media.bin', chunks(media, 65536), {
        method: 'store',
        expect: { size: media.length, sha256: sha(media) },
        hash: hashes.stream(),
      });
      expect(r).toMatchObject({ size: media.length, compressedSize: media.length, sha256: sha(media), crc32: crc32(media) >>> 0 });
      // the same content again, but the SHA-256 given is not its own: the file changed since it was hashed
      await expect(
        w.add('changed', chunks(media, 65536), { method: 'store', expect: { size: media.length, sha256: '0'.repeat(64) }, hash: hashes.stream() }),
      ).rejects.toThrow(/changed while the backup was being made \(its content differs from what was read before\)/);
      await expect(w.add('shorter', chunks(media.subarray(1), 65536), { method: 'store', expect: { size: media.length, sha256: sha(media) } })).rejects.toBeInstanceOf(SourceChangedError);
    } finally {
      await hashes.close();
    }
    await w.finish();
    await out.close();
    const bytes = await readFile(file);
    expect(bytes.readUInt16LE(6) & 0x0008).toBe(0x0008); // general purpose bit 3: sizes and CRC-32 follow the data
    const zip = await openZipContainer(file);
    try {
      expect(zip.entries().map((e) => e.path)).toEqual(['media.bin']);
      expect(zip.entries()[0]).toMatchObject({ method: 0, size: media.length, crc32: crc32(media) >>> 0 });
      expect((await readAll(zip.open('media.bin'))).equals(media)).toBe(true);
    } finally {
      await zip.close();
    }
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toMatch(/No errors detected/);
  });

  it('refuses unsafe or duplicate names', async () => {
    const w = new ZipWriter(async () => undefined);
    for (const bad of ['', '/abs', 'a/../b', 'a\\b', 'a//b', './a', 'nul\0']) {
      await expect(w.add(bad, Buffer.alloc(0), { method: 'store' })).rejects.toThrow(/refusing entry name/);
    }
    await w.add('x', Buffer.alloc(0), { method: 'store' });
    await expect(w.add('x', Buffer.alloc(0), { method: 'store' })).rejects.toThrow(/duplicate/);
  });

  it('is byte-for-byte what a reader expects for an empty archive', async () => {
    const file = path.join(dir, 'empty.zip');
    const out = await fileSink(file);
    const w = new ZipWriter(out.sink);
    await w.finish();
    await out.close();
    const bytes = await readFile(file);
    expect(bytes.length).toBe(56 + 20 + 22);
    const zip = await openZipContainer(file);
    expect(zip.entries()).toEqual([]);
    await zip.close();
    await writeFile(path.join(dir, 'unused'), '');
  });
});
