import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchFile, truncatedCopy, writeZip, type ZipEntrySpec, type ZipWriteOptions } from '../../../tests/helpers/zip-writer.js';
import { crc32 } from './crc32.js';
import { openZipContainer, type ZipContainer, type ZipLimits } from './zip.js';

const MiB = 1024 * 1024;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function make(name: string, entries: ZipEntrySpec[], options?: ZipWriteOptions) {
  const file = path.join(dir, name);
  const written = await writeZip(file, entries, options);
  return { file, written };
}

async function withZip<T>(file: string, fn: (c: ZipContainer) => Promise<T>, limits?: Partial<ZipLimits>): Promise<T> {
  const c = await openZipContainer(file, limits);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Reads until the stream fails; returns what arrived and the error (null when it ended fine). */
async function readUntilError(stream: Readable): Promise<{ bytes: number; error: (Error & { code?: string }) | null }> {
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) bytes += chunk.length;
    return { bytes, error: null };
  } catch (error) {
    return { bytes, error: error as Error & { code?: string } };
  }
}

/** The CRC-32 zlib puts in a gzip trailer: an implementation independent from ours. */
function zlibCrc(bytes: Buffer): number {
  const gz = gzipSync(bytes, { level: 0 });
  return gz.readUInt32LE(gz.length - 8);
}

/** Deterministic text-like bytes (compress about 5:1, like chat logs). */
function textChunk(seed: number, size: number): Buffer {
  const words = ['hello ', 'мир ', 'chat ', 'photo ', '2024 ', 'lorem ', 'ipsum ', '\n'].map((w) => Buffer.from(w));
  const b = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let o = 0; o < size; ) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    o += words[x >>> 29]!.copy(b, o);
  }
  return b;
}

/** Positions in an archive written without a comment. */
async function layout(file: string) {
  const bytes = await readFile(file);
  const eocd = bytes.length - 22;
  expect(bytes.readUInt32LE(eocd)).toBe(0x06054b50);
  return { size: bytes.length, eocd, cdSize: bytes.readUInt32LE(eocd + 12), cdOffset: bytes.readUInt32LE(eocd + 16) };
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
}

const cp866Privet = Buffer.from([0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2, 0x2e, 0x74, 0x78, 0x74]); // "Привет.txt" in cp866

describe('crc32', () => {
  it('gives the published check value and agrees with zlib on any length and chunking', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
    const data = textChunk(7, 100_003);
    for (const len of [1, 7, 8, 9, 15, 16, 17, 1000, 100_003]) {
      expect(crc32(data.subarray(0, len))).toBe(zlibCrc(data.subarray(0, len)));
    }
    let running = 0;
    for (let i = 0; i < data.length; i += 4099) running = crc32(data.subarray(i, i + 4099), running);
    expect(running).toBe(zlibCrc(data));
  });
});

describe('listing and reading', () => {
  it('lists top-level files, exposes every entry, and reads stored and deflated entries', async () => {
    const chat = '12/9/20, 23:55 - Bob: hello\n'.repeat(50);
    const { file, written } = await make('basic.zip', [
      { name: '_chat.txt', data: chat },
      { name: 'stored.bin', data: Buffer.from([1, 2, 3, 4, 5]), method: 0 },
      { name: 'media/' },
      { name: 'media/IMG-0001.jpg', data: Buffer.alloc(3000, 7) },
      { name: 'backup.ZIP', data: 'not opened', method: 0 },
      { name: 'empty.txt', data: '' },
    ]);
    await withZip(file, async (c) => {
      expect(c.kind).toBe('zip');
      expect(c.path).toBe(file);
      expect(c.root).toBe('');
      expect(await c.list()).toEqual([
        { path: '_chat.txt', size: chat.length },
        { path: 'stored.bin', size: 5 },
        { path: 'backup.ZIP', size: 10 },
        { path: 'empty.txt', size: 0 },
      ]);
      const entries = c.entries();
      expect(entries.map((e) => e.path)).toEqual(['_chat.txt', 'stored.bin', 'media/', 'media/IMG-0001.jpg', 'backup.ZIP', 'empty.txt']);
      expect(entries.map((e) => e.method)).toEqual([8, 0, 0, 8, 0, 8]);
      expect(entries.map((e) => e.isDirectory)).toEqual([false, false, true, false, false, false]);
      expect(entries.map((e) => e.nested)).toEqual([false, false, false, false, true, false]);
      expect(entries.every((e) => !e.isSymlink && !e.encrypted)).toBe(true);
      // Sizes and CRCs as the writer computed them (CRC from zlib's gzip trailer).
      entries.forEach((e, i) => {
        expect(e.crc32).toBe(written[i]!.crc32);
        expect(e.size).toBe(written[i]!.size);
        expect(e.compressedSize).toBe(written[i]!.compressedSize);
      });
      expect((await readAll(c.open('_chat.txt'))).toString()).toBe(chat);
      expect(await readAll(c.open('stored.bin'))).toEqual(Buffer.from([1, 2, 3, 4, 5]));
      expect(await readAll(c.open('media/IMG-0001.jpg'))).toEqual(Buffer.alloc(3000, 7));
      expect(await readAll(c.open('empty.txt'))).toEqual(Buffer.alloc(0));
      expect((await c.readHead('_chat.txt', 14)).toString()).toBe('12/9/20, 23:55');
      expect(await c.readHead('stored.bin', 100)).toEqual(Buffer.from([1, 2, 3, 4, 5]));
      expect(await c.stat('media/IMG-0001.jpg')).toEqual({ size: 3000 });
      expect(await c.stat('media\\IMG-0001.jpg')).toEqual({ size: 3000 });
      expect(await c.stat('media')).toBeNull();
      expect(await c.stat('missing.txt')).toBeNull();
      expect(c.display('media/IMG-0001.jpg')).toBe(`${file}!/media/IMG-0001.jpg`);
      await expect(c.readHead('missing.txt', 10)).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await readUntilError(c.open('missing.txt'))).error).toMatchObject({ code: 'ENOENT' });
      expect(c.warnings).toEqual([]);
    });
  });

  it('reads an empty archive, and finds the end record behind a comment that contains its signature', async () => {
    const { file: empty } = await make('empty.zip', []);
    expect((await stat(empty)).size).toBe(22);
    await withZip(empty, async (c) => {
      expect(await c.list()).toEqual([]);
      expect(c.entries()).toEqual([]);
    });
    const { file } = await make('comment.zip', [{ name: 'a.txt', data: 'A' }], { comment: 'exported PK\u0005\u0006 by a tool' });
    await withZip(file, async (c) => {
      expect(await c.list()).toEqual([{ path: 'a.txt', size: 1 }]);
      expect((await readAll(c.open('a.txt'))).toString()).toBe('A');
    });
  });

  it('finds the data through the local header even when its extra field differs from the central one', async () => {
    const localExtra = Buffer.from([0x55, 0x54, 0x05, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04]); // an "UT" timestamp, local only
    const { file } = await make('local-extra.zip', [
      { name: 'a.txt', data: 'first', localExtra },
      { name: 'b.txt', data: 'second', method: 0, localExtra },
    ]);
    await withZip(file, async (c) => {
      expect((await readAll(c.open('a.txt'))).toString()).toBe('first');
      expect((await readAll(c.open('b.txt'))).toString()).toBe('second');
    });
  });

  it('reads a central directory larger than one read chunk, and stat is a cheap lookup', async () => {
    const n = 25_000;
    const specs: ZipEntrySpec[] = [];
    for (let i = 0; i < n; i++) specs.push({ name: `media/photos/IMG-20240101-WA${String(i).padStart(5, '0')}.jpg`, data: '', method: 0 });
    specs.push({ name: 'result.json', data: '{}' });
    const { file } = await make('many.zip', specs);
    expect((await layout(file)).cdSize).toBeGreaterThan(1.5 * MiB); // the reader reads it 1 MiB at a time
    await withZip(file, async (c) => {
      expect(c.entries()).toHaveLength(n + 1);
      expect(await c.list()).toEqual([{ path: 'result.json', size: 2 }]);
      const started = Date.now();
      let found = 0;
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < n; i++) if (await c.stat(`media/photos/IMG-20240101-WA${String(i).padStart(5, '0')}.jpg`)) found++;
      }
      expect(found).toBe(8 * n);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await c.stat('media/photos/IMG-20240101-WA99999.jpg')).toBeNull();
    });
  });
});

describe('entry names', () => {
  it('decodes UTF-8 (flag 11), CP437, cp866 through the Unicode Path field, and unflagged UTF-8', async () => {
    const { file } = await make('names.zip', [
      { name: 'Привет мир.txt', data: '1' }, // UTF-8 with bit 11 set
      { name: Buffer.from([0x80, 0x81, 0x82, 0x2e, 0x74, 0x78, 0x74]), data: '2' }, // CP437 "Çüé.txt"
      { name: cp866Privet, data: '3', unicodePath: 'Привет.txt' }, // old Russian zipper + Info-ZIP 0x7075
      { name: Buffer.concat([Buffer.from('old-'), cp866Privet]), data: '4' }, // cp866 without help: read as CP437
      { name: Buffer.concat([Buffer.from('stale-'), cp866Privet]), data: '5', unicodePath: { name: 'Wrong.txt', crc: 1234 } },
      { name: Buffer.from('Ünïcödé.txt', 'utf8'), data: '6', utf8: false }, // Info-ZIP zip 3.0 on Linux: UTF-8, bit 11 unset
    ]);
    await withZip(file, async (c) => {
      expect(c.entries().map((e) => e.path)).toEqual([
        'Привет мир.txt',
        'Çüé.txt',
        'Привет.txt',
        'old-Åα¿óÑΓ.txt',
        'stale-Åα¿óÑΓ.txt',
        'Ünïcödé.txt',
      ]);
      expect((await readAll(c.open('Привет.txt'))).toString()).toBe('3');
      expect((await readAll(c.open('old-Åα¿óÑΓ.txt'))).toString()).toBe('4');
    });
  });

  it('finds decomposed (macOS) names by their composed form and turns backslashes into folders', async () => {
    const { file } = await make('nfd.zip', [
      { name: 'Cafe\u0301.jpg', data: 'nfd' },
      { name: Buffer.from('photos\\IMG 1.jpg'), data: 'win' },
    ]);
    await withZip(file, async (c) => {
      expect(await c.stat('Caf\u00e9.jpg')).toEqual({ size: 3 });
      expect((await readAll(c.open('Caf\u00e9.jpg'))).toString()).toBe('nfd');
      expect(c.display('Caf\u00e9.jpg')).toBe(`${file}!/Cafe\u0301.jpg`);
      expect(c.entries()[1]!.path).toBe('photos/IMG 1.jpg');
      expect(await c.stat('photos/IMG 1.jpg')).toEqual({ size: 3 });
    });
  });
});

describe('root folder', () => {
  it('uses the single top-level folder as the root and ignores __MACOSX beside it', async () => {
    const { file } = await make('whatsapp.zip', [
      { name: 'WhatsApp Chat - Anna/' },
      { name: 'WhatsApp Chat - Anna/_chat.txt', data: 'chat' },
      { name: 'WhatsApp Chat - Anna/IMG-20240101-WA0001.jpg', data: 'jpeg' },
      { name: '__MACOSX/WhatsApp Chat - Anna/._chat.txt', data: 'resource fork' },
    ]);
    await withZip(file, async (c) => {
      expect(c.root).toBe('WhatsApp Chat - Anna/');
      expect(await c.list()).toEqual([
        { path: '_chat.txt', size: 4 },
        { path: 'IMG-20240101-WA0001.jpg', size: 4 },
      ]);
      expect((await readAll(c.open('_chat.txt'))).toString()).toBe('chat');
      expect(c.display('_chat.txt')).toBe(`${file}!/WhatsApp Chat - Anna/_chat.txt`);
      expect(await c.stat('__MACOSX/WhatsApp Chat - Anna/._chat.txt')).toBeNull();
      expect(c.entries().map((e) => e.rel)).toEqual([null, '_chat.txt', 'IMG-20240101-WA0001.jpg', null]);
    });
  });

  it('descends through nested single folders (Telegram Desktop/ChatExport_…/) even without folder entries', async () => {
    const { file } = await make('telegram.zip', [
      { name: 'Telegram Desktop/ChatExport_2024-01-01/result.json', data: '{"chats":[]}' },
      { name: 'Telegram Desktop/ChatExport_2024-01-01/photos/photo_1.jpg', data: 'jpeg' },
    ]);
    await withZip(file, async (c) => {
      expect(c.root).toBe('Telegram Desktop/ChatExport_2024-01-01/');
      expect(await c.list()).toEqual([{ path: 'result.json', size: 12 }]);
      expect(await c.stat('photos/photo_1.jpg')).toEqual({ size: 4 });
      expect(await c.stat('Telegram Desktop/ChatExport_2024-01-01/result.json')).toBeNull();
    });
  });

  it('keeps the archive root when there are several top-level folders or a top-level file', async () => {
    const { file: two } = await make('two-folders.zip', [
      { name: 'a/1.txt', data: '1' },
      { name: 'b/2.txt', data: '2' },
    ]);
    await withZip(two, async (c) => {
      expect(c.root).toBe('');
      expect(await c.list()).toEqual([]);
      expect(await c.stat('a/1.txt')).toEqual({ size: 1 });
    });
    const { file: mixed } = await make('file-and-folder.zip', [
      { name: 'result.json', data: '{}' },
      { name: 'photos/1.jpg', data: 'x' },
    ]);
    await withZip(mixed, async (c) => {
      expect(c.root).toBe('');
      expect(await c.list()).toEqual([{ path: 'result.json', size: 2 }]);
    });
  });
});

describe('unsafe entries', () => {
  it('never lists or opens names that escape the archive, and says why', async () => {
    const unsafe = [
      '../evil.txt',
      'a/../../evil.txt',
      'ok/../inside.txt',
      '/etc/passwd',
      'C:\\Windows\\evil.txt',
      'D:relative.txt',
      '\\\\server\\share\\evil.txt',
    ];
    const { file } = await make('unsafe.zip', [
      ...unsafe.map((name) => ({ name: Buffer.from(name), data: 'evil' })),
      { name: Buffer.from('nul\0byte.txt'), data: 'evil' },
      { name: 'ok.txt', data: 'ok' },
      { name: 'dir/a..b.txt', data: 'dots are fine' },
    ]);
    await withZip(file, async (c) => {
      expect(await c.list()).toEqual([{ path: 'ok.txt', size: 2 }]);
      expect(c.warnings.map((w) => w.code)).toEqual(Array(8).fill('unsafe-path'));
      expect(c.warnings.map((w) => w.entry)).toEqual([
        '../evil.txt',
        'a/../../evil.txt',
        'ok/../inside.txt',
        '/etc/passwd',
        'C:/Windows/evil.txt',
        'D:relative.txt',
        '//server/share/evil.txt',
        'nul\0byte.txt',
      ]);
      expect(c.warnings[3]!.message).toMatch(/absolute path/);
      expect(c.warnings[6]!.message).toMatch(/UNC/);
      expect(c.warnings[7]!.message).toMatch(/NUL/);
      for (const name of [...unsafe, 'evil.txt', 'inside.txt', 'etc/passwd', 'nul\0byte.txt']) {
        expect(await c.stat(name)).toBeNull();
        expect((await readUntilError(c.open(name))).error).toMatchObject({ code: 'ENOENT' });
      }
      expect(c.entries().filter((e) => e.rel !== null).map((e) => e.rel)).toEqual(['ok.txt', 'dir/a..b.txt']);
      expect((await readAll(c.open('dir/a..b.txt'))).toString()).toBe('dots are fine');
    });
  });

  it('never follows or opens symbolic links', async () => {
    const { file } = await make('symlink.zip', [
      { name: 'export/result.json', data: '{}', unixMode: 0o100644 },
      { name: 'export/passwd', data: '/etc/passwd', method: 0, unixMode: 0o120777 },
    ]);
    await withZip(file, async (c) => {
      expect(c.root).toBe('export/');
      expect(await c.list()).toEqual([{ path: 'result.json', size: 2 }]);
      expect(c.entries()[1]).toMatchObject({ path: 'export/passwd', isSymlink: true, rel: null });
      expect(c.warnings).toEqual([expect.objectContaining({ entry: 'export/passwd', code: 'symlink' })]);
      expect(await c.stat('passwd')).toBeNull();
      expect((await readUntilError(c.open('passwd'))).error).toMatchObject({ code: 'ENOENT' });
    });
  });
});

describe('damaged archives', () => {
  it('throws a clear error for a truncated download, an empty file and a non-zip', async () => {
    const { file } = await make('whole.zip', [{ name: 'a.txt', data: textChunk(1, 200_000) }]);
    const cut = path.join(dir, 'cut.zip');
    await truncatedCopy(file, cut, Math.floor((await stat(file)).size * 0.6));
    await expect(openZipContainer(cut)).rejects.toThrow('no end-of-central-directory record: the archive is truncated or not a zip');
    const zero = path.join(dir, 'zero.zip');
    await writeFile(zero, '');
    await expect(openZipContainer(zero)).rejects.toThrow(/no end-of-central-directory record/);
    const fake = path.join(dir, 'fake.zip');
    await writeFile(fake, Buffer.concat([Buffer.from('PK\x03\x04'), textChunk(2, 5000)]));
    await expect(openZipContainer(fake)).rejects.toThrow(/no end-of-central-directory record/);
  });

  it('throws when the central directory lies past the end or is cut short', async () => {
    const specs = [
      { name: 'a.txt', data: 'aaaa' },
      { name: 'b.txt', data: 'bbbb' },
    ];
    const { file } = await make('cd.zip', specs);
    const { size, eocd, cdSize } = await layout(file);

    const past = path.join(dir, 'cd-past.zip');
    await writeZip(past, specs);
    await patchFile(past, eocd + 16, u32(size + 1000));
    await expect(openZipContainer(past)).rejects.toThrow(/central directory offset \(\d+\) lies past the end of the file/);

    const long = path.join(dir, 'cd-long.zip');
    await writeZip(long, specs);
    await patchFile(long, eocd + 12, u32(cdSize + 40));
    await expect(openZipContainer(long)).rejects.toThrow(/runs past the end-of-central-directory record/);

    const short = path.join(dir, 'cd-short.zip');
    await writeZip(short, specs);
    await patchFile(short, eocd + 12, u32(cdSize - 10));
    await expect(openZipContainer(short)).rejects.toThrow(/the central directory is truncated/);

    const count = path.join(dir, 'cd-count.zip');
    await writeZip(count, specs);
    await patchFile(count, eocd + 8, Buffer.from([1, 0, 1, 0]));
    await expect(openZipContainer(count)).rejects.toThrow(/holds 2 entries but the end record declares 1/);
  });

  it('throws when an entry points past its data area, and fails the stream when its local header is gone', async () => {
    const specs = [
      { name: 'a.txt', data: 'aaaa' },
      { name: 'b.txt', data: 'bbbb' },
    ];
    const { file } = await make('lho.zip', specs);
    const { cdOffset } = await layout(file);
    await patchFile(file, cdOffset + 42, u32(cdOffset + 10));
    await expect(openZipContainer(file)).rejects.toThrow(/entry a\.txt: its data .* runs past the start of the central directory/);

    const { file: noLocal } = await make('no-local.zip', specs);
    await patchFile(noLocal, 0, Buffer.from('XXXX'));
    await withZip(noLocal, async (c) => {
      const { error } = await readUntilError(c.open('a.txt'));
      expect(error?.message).toBe('entry a.txt is damaged (no local header at offset 0)');
      expect((await readAll(c.open('b.txt'))).toString()).toBe('bbbb');
    });
  });

  it('throws when the ZIP64 locator points nowhere', async () => {
    const { file } = await make('z64-bad.zip', [{ name: 'a.txt', data: 'a' }], { zip64: true });
    const size = (await stat(file)).size;
    await patchFile(file, size - 22 - 20 + 8, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]));
    await expect(openZipContainer(file)).rejects.toThrow(/no ZIP64 end-of-central-directory record at offset 0/);
  });
});

describe('integrity', () => {
  it('fails the stream on a CRC mismatch at the end, for stored and deflated entries', async () => {
    const data = textChunk(3, 300_000);
    const { file } = await make('crc.zip', [
      { name: 'deflated.txt', data, declaredCrc: 0x12345678 },
      { name: 'stored.txt', data, method: 0, declaredCrc: 0x12345678 },
    ]);
    await withZip(file, async (c) => {
      for (const name of ['deflated.txt', 'stored.txt']) {
        const { bytes, error } = await readUntilError(c.open(name));
        expect(bytes).toBeLessThanOrEqual(data.length); // what was still buffered is dropped with the error
        expect(error?.message).toBe(`entry ${name} is damaged (CRC mismatch)`);
        expect(error?.code).toBe('ZIP_CRC');
      }
    });
  });

  it('detects a flipped byte in stored data and garbage in deflated data', async () => {
    const data = textChunk(4, 50_000);
    const { file, written } = await make('flip.zip', [
      { name: 'stored.txt', data, method: 0 },
      { name: 'deflated.txt', data },
    ]);
    await patchFile(file, written[0]!.offset + 30 + 'stored.txt'.length + 1000, Buffer.from([0xff ^ data[1000]!]));
    const deflatedStart = written[1]!.offset + 30 + 'deflated.txt'.length;
    await patchFile(file, deflatedStart + 100, Buffer.alloc(64, 0xff));
    await withZip(file, async (c) => {
      expect((await readUntilError(c.open('stored.txt'))).error?.message).toBe('entry stored.txt is damaged (CRC mismatch)');
      const { error } = await readUntilError(c.open('deflated.txt'));
      expect(error?.message).toMatch(/^entry deflated\.txt is damaged \(/);
    });
  });

  it('fails the stream when the data is shorter than declared', async () => {
    const { file } = await make('short.zip', [{ name: 'a.txt', data: 'abc', declaredSize: 10 }]);
    await withZip(file, async (c) => {
      const { error } = await readUntilError(c.open('a.txt'));
      expect(error?.message).toBe('entry a.txt is damaged (size mismatch: 3 bytes instead of 10)');
    });
  });

  it('lists entries it cannot decompress and fails their streams naming entry and method', async () => {
    const { file } = await make('methods.zip', [
      { name: 'deflate64.bin', data: 'xx', method: 9 },
      { name: 'bzip2.bin', data: 'xx', method: 12 },
      { name: 'aes.bin', data: 'xx', method: 99, flags: 1 },
      { name: 'zipcrypto.bin', data: 'xx', method: 8, flags: 1 },
    ]);
    await withZip(file, async (c) => {
      expect((await c.list()).map((e) => e.path)).toEqual(['deflate64.bin', 'bzip2.bin', 'aes.bin', 'zipcrypto.bin']);
      expect(c.warnings.map((w) => w.code)).toEqual(['unsupported-method', 'unsupported-method', 'encrypted', 'encrypted']);
      expect((await readUntilError(c.open('deflate64.bin'))).error?.message).toBe(
        'entry deflate64.bin uses compression method 9 (Deflate64), which is not supported (only stored and deflate are)',
      );
      expect((await readUntilError(c.open('bzip2.bin'))).error?.message).toMatch(/^entry bzip2\.bin uses compression method 12 \(BZIP2\)/);
      expect((await readUntilError(c.open('aes.bin'))).error?.message).toMatch(/^entry aes\.bin is encrypted/);
      await expect(c.readHead('zipcrypto.bin', 4)).rejects.toThrow(/^entry zipcrypto\.bin is encrypted/);
    });
  });
});

describe('zip bombs', () => {
  const zeros = Buffer.alloc(10 * MiB);

  it('stops an entry that inflates beyond its declared size', async () => {
    const { file } = await make('liar.zip', [
      { name: 'small.txt', data: zeros, level: 9, declaredSize: 1000 },
      { name: 'medium.txt', data: zeros, level: 9, declaredSize: 2 * MiB },
    ]);
    await withZip(file, async (c) => {
      expect(await c.stat('medium.txt')).toEqual({ size: 2 * MiB });
      const small = await readUntilError(c.open('small.txt'));
      expect(small.error?.message).toBe('entry small.txt expands beyond its declared size (possible zip bomb)');
      expect(small.bytes).toBeLessThanOrEqual(1000);
      const medium = await readUntilError(c.open('medium.txt'));
      expect(medium.error).toMatchObject({ code: 'ZIP_BOMB', message: 'entry medium.txt expands beyond its declared size (possible zip bomb)' });
      expect(medium.bytes).toBeLessThanOrEqual(2 * MiB);
    });
  });

  it('refuses an entry whose declared ratio is beyond the limit, unless the limit is raised', async () => {
    const { file, written } = await make('ratio.zip', [
      { name: 'zeros.bin', data: zeros, level: 9 },
      { name: 'tiny.txt', data: Buffer.alloc(MiB), level: 9 }, // very compressible but not above 1 MiB: allowed
    ]);
    expect(zeros.length / written[0]!.compressedSize).toBeGreaterThan(1000);
    await withZip(file, async (c) => {
      expect(c.warnings).toEqual([expect.objectContaining({ entry: 'zeros.bin', code: 'suspicious-ratio' })]);
      const { bytes, error } = await readUntilError(c.open('zeros.bin'));
      expect(bytes).toBe(0);
      expect(error).toMatchObject({ code: 'ZIP_REFUSED' });
      expect(error?.message).toMatch(/^entry zeros\.bin would expand \d+ times .* more than the limit of 1000 \(possible zip bomb\)/);
      expect((await readAll(c.open('tiny.txt'))).length).toBe(MiB);
    });
    await withZip(
      file,
      async (c) => {
        expect(c.warnings).toEqual([]);
        expect((await readAll(c.open('zeros.bin'))).equals(zeros)).toBe(true);
      },
      { maxRatio: 5000 },
    );
  });

  it('refuses archives whose declared total size or entry count is beyond the limits', async () => {
    const { file } = await make('total.zip', [
      { name: 'a.txt', data: textChunk(5, 3_000_000) },
      { name: 'b.txt', data: textChunk(6, 3_000_000) },
      { name: 'c.txt', data: 'c' },
    ]);
    await expect(openZipContainer(file, { maxTotalSize: 5_000_000 })).rejects.toThrow(
      'the archive would expand to 6000001 bytes, more than the limit of 5000000 (possible zip bomb)',
    );
    await expect(openZipContainer(file, { maxEntries: 2 })).rejects.toThrow('the archive has 3 entries, more than the limit of 2');
    await withZip(file, async (c) => expect(c.entries()).toHaveLength(3), { maxEntries: 3, maxTotalSize: 6_000_001 });

    // The default 64 GiB limit, against a header that claims 70 GiB (ZIP64 sizes).
    const { file: huge } = await make('huge.zip', [{ name: 'huge.bin', data: 'x', method: 0, declaredSize: 70 * 1024 * MiB }], { zip64: true });
    await expect(openZipContainer(huge)).rejects.toThrow(/^the archive would expand to 75161927680 bytes, more than the limit of 68719476736/);
  });

  it('refuses archives whose entries overlap (the non-recursive zip bomb)', async () => {
    const { file } = await make('overlap.zip', [
      { name: 'a.bin', data: zeros },
      { name: 'b.bin', data: 'b', declaredOffset: 0 },
    ]);
    await expect(openZipContainer(file)).rejects.toThrow(/^entries (a|b)\.bin and (a|b)\.bin overlap in the archive \(possible zip bomb\)$/);
  });
});

describe('streaming', () => {
  const size = 50 * MiB;
  let big: string;
  let bigSha: string;

  beforeAll(async () => {
    const hash = createHash('sha256');
    function* chunks() {
      for (let i = 0; i < size / MiB; i++) {
        const b = textChunk(i + 1, MiB);
        hash.update(b);
        yield b;
      }
    }
    ({ file: big } = await make('big.zip', [{ name: 'chat/_chat.txt', data: chunks(), level: 1 }, { name: 'chat/other.txt', data: 'x' }]));
    bigSha = hash.digest('hex');
  });

  it('streams a 50 MB entry with bounded memory and verifies it', async () => {
    await withZip(big, async (c) => {
      expect(await c.stat('_chat.txt')).toEqual({ size });
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      let bytes = 0;
      const hash = createHash('sha256');
      for await (const chunk of c.open('_chat.txt') as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect(bytes).toBe(size);
      expect(hash.digest('hex')).toBe(bigSha);
      expect(peak - baseline).toBeLessThan(size / 3);
    });
  });

  it('reads only the head it needs', async () => {
    await withZip(big, async (c) => {
      const head = await c.readHead('_chat.txt', 64 * 1024);
      expect(head.equals(textChunk(1, MiB).subarray(0, 64 * 1024))).toBe(true);
    });
  });

  it('stops reading when the signal aborts mid-stream', async () => {
    await withZip(big, async (c) => {
      const controller = new AbortController();
      // One signal serves many opens (media linking): finished streams must not leave listeners on it.
      for (let i = 0; i < 20; i++) expect((await readAll(c.open('other.txt', controller.signal))).toString()).toBe('x');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      const stream = c.open('_chat.txt', controller.signal);
      let bytes = 0;
      let chunksAfterAbort = 0;
      const reading = (async () => {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          if (controller.signal.aborted) chunksAfterAbort++;
          bytes += chunk.length;
          if (bytes >= 2 * MiB && !controller.signal.aborted) controller.abort();
        }
      })();
      await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
      expect(chunksAfterAbort).toBe(0);
      expect(bytes).toBeLessThan(size);
      expect(stream.destroyed).toBe(true);
      // The container is still usable afterwards.
      expect((await readAll(c.open('other.txt'))).toString()).toBe('x');
    });
  });

  it('fails at once with an already aborted signal, and close() ends streams in progress', async () => {
    const c = await openZipContainer(big);
    const aborted = await readUntilError(c.open('_chat.txt', AbortSignal.abort()));
    expect(aborted).toMatchObject({ bytes: 0, error: { name: 'AbortError' } });
    const stream = c.open('_chat.txt');
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(first.length).toBeGreaterThan(0);
    stream.pause();
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    await c.close();
    expect(await failed).toMatchObject({ code: 'ZIP_CLOSED' });
    expect((await readUntilError(c.open('other.txt'))).error).toMatchObject({ code: 'ZIP_CLOSED' });
  });
});

describe('ZIP64', () => {
  it('reads sizes and offsets from ZIP64 extra fields and the ZIP64 end records', async () => {
    const data = textChunk(9, 2 * MiB);
    const { file, written } = await make(
      'zip64.zip',
      [
        { name: 'export/result.json', data: '{"name":"x"}' },
        { name: 'export/photos/1.jpg', data, method: 0 },
        { name: 'export/photos/2.txt', data },
      ],
      { zip64: true },
    );
    const bytes = await readFile(file);
    const eocd = bytes.length - 22;
    expect(bytes.readUInt16LE(eocd + 10)).toBe(0xffff); // the classic record only points to the ZIP64 one
    expect(bytes.readUInt32LE(eocd + 16)).toBe(0xffffffff);
    expect(bytes.readUInt32LE(eocd - 20)).toBe(0x07064b50);
    await withZip(file, async (c) => {
      expect(c.root).toBe('export/');
      expect(c.entries().map((e) => [e.size, e.compressedSize, e.offset])).toEqual(written.map((w) => [w.size, w.compressedSize, w.offset]));
      expect(await c.list()).toEqual([{ path: 'result.json', size: 12 }]);
      expect((await readAll(c.open('result.json'))).toString()).toBe('{"name":"x"}');
      expect((await readAll(c.open('photos/1.jpg'))).equals(data)).toBe(true);
      expect((await readAll(c.open('photos/2.txt'))).equals(data)).toBe(true);
    });
  });
});

describe('interoperability', () => {
  it('reads an archive made by Info-ZIP zip (or, when it is not installed, an equivalent one from the test writer)', async () => {
    const tree = path.join(dir, 'tree');
    const root = path.join(tree, 'WhatsApp Chat - Борис');
    await mkdir(path.join(root, 'media'), { recursive: true });
    const chat = '01.02.2024, 10:00 - Борис: привет\n'.repeat(2000);
    const photo = textChunk(11, 300_000);
    await writeFile(path.join(root, '_chat.txt'), chat);
    await writeFile(path.join(root, 'media', 'фото 1.jpg'), photo);
    await writeFile(path.join(root, 'empty.txt'), '');
    await symlink('_chat.txt', path.join(root, 'link.txt'));
    const file = path.join(dir, 'infozip.zip');
    let hasZip = true;
    try {
      execFileSync('sh', ['-c', 'command -v zip'], { stdio: 'ignore' });
    } catch {
      hasZip = false;
    }
    if (hasZip) {
      // -y stores the symlink as a link; Info-ZIP adds local-only extra fields and writes UTF-8 names without bit 11.
      execFileSync('zip', ['-r', '-y', '-q', file, 'WhatsApp Chat - Борис'], { cwd: tree, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    } else {
      // `zip` is not installed here: the writer produces the same layout (folder entries, Unix modes, a link).
      await writeZip(file, [
        { name: 'WhatsApp Chat - Борис/', unixMode: 0o040755 },
        { name: 'WhatsApp Chat - Борис/_chat.txt', data: chat, unixMode: 0o100644, utf8: false },
        { name: 'WhatsApp Chat - Борис/media/', unixMode: 0o040755 },
        { name: 'WhatsApp Chat - Борис/media/фото 1.jpg', data: photo, unixMode: 0o100644, utf8: false },
        { name: 'WhatsApp Chat - Борис/empty.txt', data: '', method: 0, unixMode: 0o100644 },
        { name: 'WhatsApp Chat - Борис/link.txt', data: '_chat.txt', method: 0, unixMode: 0o120777 },
      ]);
    }
    await withZip(file, async (c) => {
      expect(c.root).toBe('WhatsApp Chat - Борис/');
      expect(new Set(c.entries().map((e) => e.path))).toEqual(
        new Set([
          'WhatsApp Chat - Борис/',
          'WhatsApp Chat - Борис/_chat.txt',
          'WhatsApp Chat - Борис/media/',
          'WhatsApp Chat - Борис/media/фото 1.jpg',
          'WhatsApp Chat - Борис/empty.txt',
          'WhatsApp Chat - Борис/link.txt',
        ]),
      );
      expect((await c.list()).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { path: '_chat.txt', size: Buffer.byteLength(chat) },
        { path: 'empty.txt', size: 0 },
      ]);
      expect(c.warnings).toEqual([expect.objectContaining({ entry: 'WhatsApp Chat - Борис/link.txt', code: 'symlink' })]);
      expect((await readAll(c.open('_chat.txt'))).toString()).toBe(chat);
      expect((await readAll(c.open('media/фото 1.jpg'))).equals(photo)).toBe(true);
      expect(await readAll(c.open('empty.txt'))).toEqual(Buffer.alloc(0));
    });
  });
});

describe('a real WhatsApp export', () => {
  // Expected values from `unzip -v` and `unzip -p … | sha256sum`, not from this reader.
  const fixture = fileURLToPath(new URL('../../../../shared/fixtures/real/whatsapp/chat-analytics__4A_11M.zip', import.meta.url));

  it('lists _chat.txt and decompresses it with a correct CRC', async () => {
    await withZip(fixture, async (c) => {
      expect(c.entries().map((e) => ({ path: e.path, size: e.size, compressedSize: e.compressedSize, method: e.method, crc32: e.crc32 }))).toEqual([
        { path: '_chat.txt', size: 627, compressedSize: 299, method: 8, crc32: 0xcb39936f },
      ]);
      expect(await c.list()).toEqual([{ path: '_chat.txt', size: 627 }]);
      const text = await readAll(c.open('_chat.txt'));
      expect(text.length).toBe(627);
      expect(zlibCrc(text)).toBe(0xcb39936f);
      expect(createHash('sha256').update(text).digest('hex')).toBe('ff398be03890ceaebd4de096f2426e04c38be9e1dfede161af74e22ef580b540');
      expect(text.toString('utf8').startsWith('12/9/20, 23:55 - Messages and calls are end-to-end encrypted.')).toBe(true);
      expect(c.display('_chat.txt')).toBe(`${fixture}!/_chat.txt`);
    });
  });
});
