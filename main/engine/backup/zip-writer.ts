/**
 * A streaming ZIP64 writer (PKWARE APPNOTE.TXT 4.3–4.5) for the backup payload. It writes
 * forward only (the output is encrypted as it goes, nothing can be patched afterwards), so:
 * - entries whose size and CRC-32 are known beforehand (files hashed in a first pass) get them in
 *   the local header; the second read is checked against them and the entry fails if the file
 *   changed in between;
 * - other entries (compressed JSON Lines; files whose SHA-256 is known from elsewhere and that
 *   are read only once, here) set general purpose bit 3 and are followed by a data descriptor;
 *   ZIP64 sizes there when the entry may reach 4 GiB;
 * - the archive always ends with a ZIP64 end-of-central-directory record and locator (then the
 *   classic record), so every reader takes the ZIP64 path and there is no size at which the
 *   format changes.
 * Each entry's SHA-256 is computed on the way (the manifest's per-entry hashes). Names are UTF-8
 * (bit 11). Memory: one read buffer, the deflate window, and the central directory records
 * (spilled to a file in the staging folder once they exceed a few MiB).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { crc32 as crc32Js } from '../archive/crc32.js';
import type { Sha256Stream } from './hash-worker.js';

/** zlib's native CRC-32 (Node ≥ 20.15), else the table-driven one. */
const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (d, v) => zlib.crc32(d, v) : (d, v) => crc32Js(d, v);

const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
const MADE_BY_UNIX = (3 << 8) | VERSION_ZIP64;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/** Entries that may grow this big get ZIP64 sizes (deflate can expand incompressible data a little). */
const ZIP64_THRESHOLD = 0xffff0000;
const CD_SPILL_AT = 4 * 1024 * 1024;

export type ZipMethod = 'store' | 'deflate';

export interface ZipAddOptions {
  method: ZipMethod;
  mtime?: Date;
  /** Unix mode (default 0o100644). */
  mode?: number;
  /**
   * What the data must be (store only); the entry fails with SourceChangedError when it is not.
   * - size and CRC-32 measured before: written in the local header and checked. When the SHA-256
   *   measured then is given too, it is taken as the entry's hash instead of hashing again (this
   *   read is still checked by size and CRC-32; a read-back verification recomputes every SHA-256).
   * - size (and SHA-256) without CRC-32: a file read only once, here: a data descriptor carries
   *   the CRC-32; the size is checked, and the SHA-256 computed here must be the one given.
   */
  expect?: { size: number; crc32?: number; sha256?: string };
  /** Where the entry's SHA-256 is computed (e.g. the hash worker); default: in this thread. */
  hash?: Sha256Stream;
  /**
   * A hash the source itself already fed with every byte it yields (e.g. read straight into the
   * hash worker's ring): the writer only takes its digest. Instead of `hash`.
   */
  hashedBySource?: Sha256Stream;
  /** Upper bound of the uncompressed size when not known exactly (decides ZIP64 sizes). */
  sizeHint?: number;
  signal?: AbortSignal;
}

export interface ZipEntryWritten {
  name: string;
  method: ZipMethod;
  size: number;
  compressedSize: number;
  crc32: number;
  sha256: string;
  /** Offset of the local header in the archive. */
  offset: number;
}

/** The data read for an entry is not what the first pass measured: the source changed. */
export class SourceChangedError extends Error {
  constructor(readonly entry: string, detail: string) {
    super(`${entry}: the file changed while the backup was being made (${detail}); nothing was written — run the backup again`);
    this.name = 'SourceChangedError';
  }
}

function dosDateTime(d: Date): { date: number; time: number } {
  let year = d.getFullYear();
  if (year < 1980) return { date: (0 << 9) | (1 << 5) | 1, time: 0 };
  if (year > 2107) year = 2107;
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

function u64(buf: Buffer, value: number, offset: number): void {
  buf.writeBigUInt64LE(BigInt(value), offset);
}

/** Refuses names a zip must not carry (the writer only writes names it builds itself). */
function checkName(name: string): Buffer {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0') || name.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new Error(`zip writer: refusing entry name ${JSON.stringify(name)}`);
  }
  const raw = Buffer.from(name, 'utf8');
  if (raw.length > U16_MAX) throw new Error('zip writer: entry name too long');
  return raw;
}

export class ZipWriter {
  private offset = 0;
  private cd: Buffer[] = [];
  private cdMemory = 0;
  private cdSpilled = 0;
  private entries = 0;
  private finished = false;
  private readonly names = new Set<string>();

  /**
   * @param sink receives the archive bytes in order; resolves when they are taken (backpressure).
   * @param spillFile where central directory records go once they exceed a few MiB (optional).
   * @param startOffset where the archive starts in the output (bytes before belong to something
   *   else, as in a self-extracting file); offsets in the archive count from the output's start.
   */
  constructor(
    private readonly sink: (data: Buffer) => Promise<void>,
    private readonly spillFile?: string,
    startOffset = 0,
  ) {
    this.offset = startOffset;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  get count(): number {
    return this.entries;
  }

  private async emit(data: Buffer): Promise<void> {
    if (data.length === 0) return;
    this.offset += data.length;
    await this.sink(data);
  }

  /** Adds one entry whose data comes from `source` (bytes, or chunks read lazily). */
  async add(name: string, source: Uint8Array | AsyncIterable<Uint8Array>, options: ZipAddOptions): Promise<ZipEntryWritten> {
    if (this.finished) throw new Error('zip writer: add after finish');
    if (this.names.has(name)) throw new Error(`zip writer: duplicate entry ${name}`);
    const rawName = checkName(name);
    this.names.add(name);
    const { method, signal } = options;
    const expect = method === 'store' ? options.expect : undefined;
    /** Size and CRC-32 known: they go in the local header. */
    const known = expect?.crc32 !== undefined ? (expect as { size: number; crc32: number; sha256?: string }) : undefined;
    const hint = expect?.size ?? options.sizeHint ?? (source instanceof Uint8Array ? source.length : Number.POSITIVE_INFINITY);
    const zip64 = hint >= ZIP64_THRESHOLD;
    const { date, time } = dosDateTime(options.mtime ?? new Date());
    const flags = FLAG_UTF8 | (known ? 0 : FLAG_DESCRIPTOR);
    const methodId = method === 'deflate' ? 8 : 0;
    const offset = this.offset;

    // Local file header (APPNOTE 4.3.7) + ZIP64 extra (4.5.3) when sizes may not fit 32 bits.
    const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      u64(extra, known?.size ?? 0, 4);
      u64(extra, known?.size ?? 0, 12);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(methodId, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(known ? known.crc32 >>> 0 : 0, 14);
    local.writeUInt32LE(known ? (zip64 ? U32_MAX : known.size) : zip64 ? U32_MAX : 0, 18);
    local.writeUInt32LE(known ? (zip64 ? U32_MAX : known.size) : zip64 ? U32_MAX : 0, 22);
    local.writeUInt16LE(rawName.length, 26);
    local.writeUInt16LE(extra.length, 28);
    await this.emit(Buffer.concat([local, rawName, extra]));

    // The SHA-256 measured with the CRC-32 is reused; otherwise it is computed on the way.
    const reused = known?.sha256;
    const bySource = reused ? undefined : options.hashedBySource;
    const offThread = reused || bySource ? undefined : options.hash;
    const hash = reused || bySource || offThread ? null : createHash('sha256');
    let crc = 0;
    let size = 0;
    let compressed = 0;
    async function* tapped(): AsyncGenerator<Buffer> {
      const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = source instanceof Uint8Array ? [source] : source;
      for await (const c of chunks) {
        signal?.throwIfAborted();
        const b = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
        if (offThread) await offThread.update(b);
        else hash?.update(b);
        crc = crc32(b, crc);
        size += b.length;
        yield b;
      }
    }
    const out = async (b: Buffer) => {
      compressed += b.length;
      await this.emit(b);
    };
    if (method === 'deflate') {
      await pipeline(tapped, zlib.createDeflateRaw({ level: 6 }), async (deflated: AsyncIterable<Buffer>) => {
        for await (const b of deflated) await out(b);
      });
    } else {
      for await (const b of tapped()) await out(b);
    }
    const sha256 = reused ?? (bySource ? await bySource.digest() : offThread ? await offThread.digest() : hash!.digest('hex'));
    crc >>>= 0;
    if (expect && size !== expect.size) throw new SourceChangedError(name, `${size} bytes instead of ${expect.size}`);
    if (known) {
      if (crc !== known.crc32 >>> 0) throw new SourceChangedError(name, 'its content differs');
    } else {
      if (expect?.sha256 && sha256 !== expect.sha256) throw new SourceChangedError(name, 'its content differs from what was read before');
      if (!zip64 && (size > U32_MAX - 1 || compressed > U32_MAX - 1)) {
        throw new SourceChangedError(name, `it grew to ${size} bytes, beyond what was measured`);
      }
      const dd = Buffer.alloc(zip64 ? 24 : 16);
      dd.writeUInt32LE(SIG_DESCRIPTOR, 0);
      dd.writeUInt32LE(crc, 4);
      if (zip64) {
        u64(dd, compressed, 8);
        u64(dd, size, 16);
      } else {
        dd.writeUInt32LE(compressed, 8);
        dd.writeUInt32LE(size, 12);
      }
      await this.emit(dd);
    }

    // Central directory record (4.3.12), ZIP64 extra with the saturated fields only, in order.
    const big = [size >= U32_MAX, compressed >= U32_MAX, offset >= U32_MAX];
    const cdExtraLen = big.filter(Boolean).length * 8;
    const cdExtra = Buffer.alloc(cdExtraLen ? cdExtraLen + 4 : 0);
    if (cdExtraLen) {
      cdExtra.writeUInt16LE(0x0001, 0);
      cdExtra.writeUInt16LE(cdExtraLen, 2);
      let o = 4;
      for (const [i, v] of [size, compressed, offset].entries()) {
        if (big[i]) {
          u64(cdExtra, v, o);
          o += 8;
        }
      }
    }
    const rec = Buffer.alloc(46);
    rec.writeUInt32LE(SIG_CENTRAL, 0);
    rec.writeUInt16LE(MADE_BY_UNIX, 4);
    rec.writeUInt16LE(zip64 || cdExtraLen ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
    rec.writeUInt16LE(flags, 8);
    rec.writeUInt16LE(methodId, 10);
    rec.writeUInt16LE(time, 12);
    rec.writeUInt16LE(date, 14);
    rec.writeUInt32LE(crc, 16);
    rec.writeUInt32LE(big[1] ? U32_MAX : compressed, 20);
    rec.writeUInt32LE(big[0] ? U32_MAX : size, 24);
    rec.writeUInt16LE(rawName.length, 28);
    rec.writeUInt16LE(cdExtra.length, 30);
    rec.writeUInt16LE(0, 32); // comment
    rec.writeUInt16LE(0, 34); // disk
    rec.writeUInt16LE(0, 36); // internal attributes
    rec.writeUInt32LE((((options.mode ?? 0o100644) & 0xffff) << 16) >>> 0, 38);
    rec.writeUInt32LE(big[2] ? U32_MAX : offset, 42);
    await this.addCentral(Buffer.concat([rec, rawName, cdExtra]));
    this.entries++;
    return { name, method, size, compressedSize: compressed, crc32: crc, sha256, offset };
  }

  private async addCentral(record: Buffer): Promise<void> {
    this.cd.push(record);
    this.cdMemory += record.length;
    if (this.spillFile && this.cdMemory >= CD_SPILL_AT) {
      await appendFile(this.spillFile, Buffer.concat(this.cd), { mode: 0o600 });
      this.cdSpilled += this.cdMemory;
      this.cd = [];
      this.cdMemory = 0;
    }
  }

  /** Writes the central directory and the end records. */
  async finish(): Promise<{ entries: number; size: number }> {
    if (this.finished) throw new Error('zip writer: finished twice');
    this.finished = true;
    const cdOffset = this.offset;
    if (this.cdSpilled > 0 && this.spillFile) {
      for await (const b of createReadStream(this.spillFile, { highWaterMark: 1 << 20 })) await this.emit(b as Buffer);
      await rm(this.spillFile, { force: true });
    }
    await this.emit(Buffer.concat(this.cd));
    this.cd = [];
    const cdSize = this.cdSpilled + this.cdMemory;
    const zip64EocdOffset = this.offset;

    const z = Buffer.alloc(56 + 20 + 22);
    // ZIP64 end of central directory record (4.3.14)
    z.writeUInt32LE(SIG_ZIP64_EOCD, 0);
    u64(z, 56 - 12, 4);
    z.writeUInt16LE(MADE_BY_UNIX, 12);
    z.writeUInt16LE(VERSION_ZIP64, 14);
    z.writeUInt32LE(0, 16);
    z.writeUInt32LE(0, 20);
    u64(z, this.entries, 24);
    u64(z, this.entries, 32);
    u64(z, cdSize, 40);
    u64(z, cdOffset, 48);
    // ZIP64 end of central directory locator (4.3.15)
    z.writeUInt32LE(SIG_ZIP64_LOCATOR, 56);
    z.writeUInt32LE(0, 60);
    u64(z, zip64EocdOffset, 64);
    z.writeUInt32LE(1, 72);
    // End of central directory record (4.3.16), saturated where ZIP64 holds the value
    z.writeUInt32LE(SIG_EOCD, 76);
    z.writeUInt16LE(0, 80);
    z.writeUInt16LE(0, 82);
    z.writeUInt16LE(Math.min(this.entries, U16_MAX), 84);
    z.writeUInt16LE(Math.min(this.entries, U16_MAX), 86);
    z.writeUInt32LE(Math.min(cdSize, U32_MAX), 88);
    z.writeUInt32LE(Math.min(cdOffset, U32_MAX), 92);
    z.writeUInt16LE(0, 96);
    await this.emit(z);
    return { entries: this.entries, size: this.offset };
  }
}
