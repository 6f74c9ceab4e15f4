/**
 * A tiny zip WRITER for tests: builds the archives the zip reader is tested against, including
 * broken and hostile ones (lying sizes and CRCs, unsafe names, symlinks, legacy code-page names).
 * Written from PKWARE's APPNOTE.TXT.
 *
 * The CRC-32 of each entry comes from zlib's gzip trailer, not from the reader's own CRC code, so
 * the reader's checksum is verified against an independent implementation.
 */
import { once } from 'node:events';
import { open, readFile, writeFile } from 'node:fs/promises';
import { createGzip, gzipSync } from 'node:zlib';

export interface ZipEntrySpec {
  /** A string is written as UTF-8 bytes; a Buffer is written as is (legacy code pages, NUL bytes). */
  name: string | Buffer;
  /** Entry content: bytes, text, or chunks produced lazily (for entries larger than memory should hold). */
  data?: Buffer | string | Iterable<Buffer> | AsyncIterable<Buffer>;
  /** 8 (deflate, default for files) or 0 (stored). Any other number: the data is written raw under that method id. */
  method?: number;
  /** Deflate level, 0..9 (default 6). */
  level?: number;
  /** General purpose flag bit 11 (UTF-8 names). Default: on when `name` is a non-ASCII string. */
  utf8?: boolean;
  /** More general purpose flags to set (bit 0: encrypted). */
  flags?: number;
  /** Adds an Info-ZIP Unicode Path extra field (0x7075); `crc` defaults to the CRC-32 of the raw name bytes. */
  unicodePath?: string | { name: string; crc: number };
  /** Unix mode (e.g. 0o100644, 0o120777 for a symlink) in the high half of the external attributes; "made by" becomes Unix. */
  unixMode?: number;
  /** Lies to write into the headers instead of the true values. */
  declaredSize?: number;
  declaredCompressedSize?: number;
  declaredCrc?: number;
  /** Local header offset to write into the central directory instead of the true one. */
  declaredOffset?: number;
  /** Extra field bytes written to the local header only (its extra then differs from the central one). */
  localExtra?: Buffer;
}

export interface ZipWriteOptions {
  /** Writes every size and offset through ZIP64 extra fields, plus the ZIP64 end records. */
  zip64?: boolean;
  comment?: string;
}

export interface WrittenEntry {
  name: Buffer;
  offset: number;
  /** True values (not the declared lies). */
  size: number;
  compressedSize: number;
  crc32: number;
}

const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = (12 << 11) | (30 << 5);

type Source = Buffer | string | Iterable<Buffer> | AsyncIterable<Buffer> | undefined;

/** Gzip's header is 10 bytes (no name, no extra) and its trailer is CRC-32 + size, 8 bytes. */
const GZIP_HEADER = 10;
const GZIP_TRAILER = 8;

async function writeEntryData(
  source: Source,
  deflate: boolean,
  level: number,
  write: (b: Buffer) => Promise<void>,
): Promise<{ size: number; compressedSize: number; crc32: number }> {
  if (source === undefined || typeof source === 'string' || Buffer.isBuffer(source)) {
    const bytes = source === undefined ? Buffer.alloc(0) : Buffer.isBuffer(source) ? source : Buffer.from(source, 'utf8');
    const gz = gzipSync(bytes, { level: deflate ? level : 0 });
    const body = gz.subarray(GZIP_HEADER, gz.length - GZIP_TRAILER);
    const trailer = gz.subarray(gz.length - GZIP_TRAILER);
    const out = deflate ? body : bytes;
    await write(out);
    return { size: bytes.length, compressedSize: out.length, crc32: trailer.readUInt32LE(0) };
  }
  const gz = createGzip({ level: deflate ? level : 0 });
  let size = 0;
  let compressedSize = 0;
  const feed = (async () => {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (!deflate) {
        await write(chunk);
        compressedSize += chunk.length;
      }
      if (!gz.write(chunk)) await once(gz, 'drain');
    }
    gz.end();
  })().catch((err: Error) => gz.destroy(err));
  let skip = GZIP_HEADER;
  let tail = Buffer.alloc(0);
  for await (const piece of gz as AsyncIterable<Buffer>) {
    let chunk = piece;
    if (skip > 0) {
      const n = Math.min(skip, chunk.length);
      chunk = chunk.subarray(n);
      skip -= n;
    }
    const joined = Buffer.concat([tail, chunk]);
    const keep = Math.max(0, joined.length - GZIP_TRAILER);
    if (deflate && keep > 0) {
      await write(Buffer.from(joined.subarray(0, keep)));
      compressedSize += keep;
    }
    tail = Buffer.from(joined.subarray(keep));
  }
  await feed;
  return { size, compressedSize, crc32: tail.readUInt32LE(0) };
}

function crcOf(bytes: Buffer): number {
  const gz = gzipSync(bytes, { level: 0 });
  return gz.readUInt32LE(gz.length - GZIP_TRAILER);
}

function extraField(id: number, data: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(data.length, 2);
  return Buffer.concat([h, data]);
}

function u64(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), i * 8));
  return b;
}

/** Writes `entries` to `file` as a zip archive; returns where and what was written. */
export async function writeZip(file: string, entries: ZipEntrySpec[], options: ZipWriteOptions = {}): Promise<WrittenEntry[]> {
  const zip64 = options.zip64 ?? false;
  const fh = await open(file, 'w');
  let pos = 0;
  const write = async (b: Buffer) => {
    let done = 0;
    while (done < b.length) {
      const { bytesWritten } = await fh.write(b, done, b.length - done, pos + done);
      done += bytesWritten;
    }
    pos += b.length;
  };
  const central: Buffer[] = [];
  const written: WrittenEntry[] = [];
  try {
    for (const spec of entries) {
      const name = typeof spec.name === 'string' ? Buffer.from(spec.name, 'utf8') : spec.name;
      const isDir = name.length > 0 && name[name.length - 1] === 0x2f;
      const method = spec.method ?? (isDir ? 0 : 8);
      const utf8 = spec.utf8 ?? (typeof spec.name === 'string' && Buffer.byteLength(spec.name) !== spec.name.length);
      const flags = (utf8 ? 0x0800 : 0) | (spec.flags ?? 0);
      const localExtra = Buffer.concat([zip64 ? Buffer.alloc(20) : Buffer.alloc(0), spec.localExtra ?? Buffer.alloc(0)]);
      const offset = pos;
      pos += 30 + name.length + localExtra.length; // the local header is written once the sizes are known

      const actual = await writeEntryData(spec.data, method === 8, spec.level ?? 6, write);
      const size = spec.declaredSize ?? actual.size;
      const compressedSize = spec.declaredCompressedSize ?? actual.compressedSize;
      const crc = spec.declaredCrc ?? actual.crc32;
      const declaredOffset = spec.declaredOffset ?? offset;
      const version = zip64 ? 45 : 20;

      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(version, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(DOS_TIME, 10);
      local.writeUInt16LE(DOS_DATE, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(zip64 ? 0xffffffff : compressedSize, 18);
      local.writeUInt32LE(zip64 ? 0xffffffff : size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(localExtra.length, 28);
      if (zip64) {
        extraField(0x0001, u64([size, compressedSize])).copy(localExtra, 0);
      }
      const header = Buffer.concat([local, name, localExtra]);
      await fh.write(header, 0, header.length, offset);

      const extras: Buffer[] = [];
      if (zip64) extras.push(extraField(0x0001, u64([size, compressedSize, declaredOffset])));
      if (spec.unicodePath !== undefined) {
        const up = typeof spec.unicodePath === 'string' ? { name: spec.unicodePath, crc: crcOf(name) } : spec.unicodePath;
        const data = Buffer.alloc(5);
        data.writeUInt8(1, 0);
        data.writeUInt32LE(up.crc, 1);
        extras.push(extraField(0x7075, Buffer.concat([data, Buffer.from(up.name, 'utf8')])));
      }
      const extra = Buffer.concat(extras);
      const unix = spec.unixMode !== undefined;
      const rec = Buffer.alloc(46);
      rec.writeUInt32LE(0x02014b50, 0);
      rec.writeUInt16LE(unix ? (3 << 8) | version : version, 4);
      rec.writeUInt16LE(version, 6);
      rec.writeUInt16LE(flags, 8);
      rec.writeUInt16LE(method, 10);
      rec.writeUInt16LE(DOS_TIME, 12);
      rec.writeUInt16LE(DOS_DATE, 14);
      rec.writeUInt32LE(crc, 16);
      rec.writeUInt32LE(zip64 ? 0xffffffff : compressedSize, 20);
      rec.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
      rec.writeUInt16LE(name.length, 28);
      rec.writeUInt16LE(extra.length, 30);
      rec.writeUInt16LE(0, 32);
      rec.writeUInt16LE(0, 34);
      rec.writeUInt16LE(0, 36);
      rec.writeUInt32LE((((spec.unixMode ?? 0) << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
      rec.writeUInt32LE(zip64 ? 0xffffffff : declaredOffset, 42);
      central.push(Buffer.concat([rec, name, extra]));
      written.push({ name, offset, ...actual });
    }

    const cd = Buffer.concat(central);
    const cdOffset = pos;
    await write(cd);
    const comment = Buffer.from(options.comment ?? '', 'utf8');
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    if (zip64) {
      const recordOffset = pos;
      const rec = Buffer.alloc(56);
      rec.writeUInt32LE(0x06064b50, 0);
      rec.writeBigUInt64LE(44n, 4);
      rec.writeUInt16LE(45, 12);
      rec.writeUInt16LE(45, 14);
      rec.writeUInt32LE(0, 16);
      rec.writeUInt32LE(0, 20);
      rec.writeBigUInt64LE(BigInt(entries.length), 24);
      rec.writeBigUInt64LE(BigInt(entries.length), 32);
      rec.writeBigUInt64LE(BigInt(cd.length), 40);
      rec.writeBigUInt64LE(BigInt(cdOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(recordOffset), 8);
      locator.writeUInt32LE(1, 16);
      await write(Buffer.concat([rec, locator]));
      eocd.writeUInt16LE(0xffff, 8);
      eocd.writeUInt16LE(0xffff, 10);
      eocd.writeUInt32LE(0xffffffff, 12);
      eocd.writeUInt32LE(0xffffffff, 16);
    } else {
      eocd.writeUInt16LE(entries.length & 0xffff, 8);
      eocd.writeUInt16LE(entries.length & 0xffff, 10);
      eocd.writeUInt32LE(cd.length, 12);
      eocd.writeUInt32LE(cdOffset, 16);
    }
    eocd.writeUInt16LE(comment.length, 20);
    await write(Buffer.concat([eocd, comment]));
  } finally {
    await fh.close();
  }
  return written;
}

/** Copies the first `keep` bytes of `src` to `dest` (a download that stopped half-way). */
export async function truncatedCopy(src: string, dest: string, keep: number): Promise<void> {
  const bytes = await readFile(src);
  await writeFile(dest, bytes.subarray(0, keep));
}

/** Overwrites bytes of a file in place (to damage an archive in a precise spot). */
export async function patchFile(file: string, position: number, bytes: Buffer): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.write(bytes, 0, bytes.length, position);
  } finally {
    await fh.close();
  }
}
