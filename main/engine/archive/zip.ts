/**
 * A zip archive as a Container, read in place.
 *
 * Exports arrive as zips of several GB, and zips are untrusted input, so this reader:
 * - reads only the end-of-central-directory record (found in the last 64 KiB + 22 bytes), the
 *   ZIP64 locator/record when there is one, and the central directory (in bounded chunks); entry
 *   data is streamed on demand straight from the file, never loaded whole;
 * - verifies CRC-32 and size of everything it inflates, and counts output bytes so a lying header
 *   cannot make it expand beyond what was declared (zip bombs);
 * - never opens entries whose names escape the archive (`..`, absolute paths, drive letters, UNC
 *   names, NUL bytes) nor symbolic links: those are listed in `warnings` instead;
 * - refuses archives whose declared total size or entry count is beyond the limits, and archives
 *   whose entries overlap each other (the "overlapping files" zip bomb).
 *
 * Format reference: PKWARE APPNOTE.TXT (sections 4.3 "general format", 4.4 "field definitions",
 * 4.5 "extensible data fields", 4.6 "third party mappings" for 0x7075).
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import nodePath from 'node:path';
import { PassThrough, Transform, addAbortSignal, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type { Container, ContainerEntry } from '../sources/types.js';
import { crc32 } from './crc32.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface ZipLimits {
  /** Largest accepted uncompressed/compressed ratio of one entry (checked only above `ratioMinSize`). */
  maxRatio: number;
  /** Entries of at most this many uncompressed bytes are exempt from `maxRatio` (tiny files compress well). */
  ratioMinSize: number;
  /** Largest accepted sum of the declared uncompressed sizes of all entries. */
  maxTotalSize: number;
  /** Largest accepted number of central-directory records. */
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxRatio: 1000,
  ratioMinSize: 1024 * 1024,
  maxTotalSize: 64 * 1024 * 1024 * 1024,
  maxEntries: 1_000_000,
});

export interface ZipEntryInfo {
  /** Full name inside the archive as decoded (`\` turned into `/`), before root stripping. */
  path: string;
  /** Path relative to the container root (what `open`/`stat` accept), or null when unreachable (unsafe name, symlink, folder, outside the root). */
  rel: string | null;
  compressedSize: number;
  /** Declared uncompressed size. */
  size: number;
  /** Compression method (0 stored, 8 deflate; anything else cannot be opened). */
  method: number;
  crc32: number;
  isDirectory: boolean;
  isSymlink: boolean;
  /** General purpose flag bit 0 (traditional or AES encryption). */
  encrypted: boolean;
  /** A zip inside the zip (by name). It is an ordinary entry: never opened recursively. */
  nested: boolean;
  /** Offset of the entry's local header in the archive. */
  offset: number;
}

export type ZipWarningCode = 'unsafe-path' | 'symlink' | 'duplicate' | 'encrypted' | 'unsupported-method' | 'suspicious-ratio';

export interface ZipWarning {
  /** The entry's full name inside the archive. */
  entry: string;
  code: ZipWarningCode;
  message: string;
}

export type ZipErrorCode =
  | 'ZIP_DAMAGED'
  | 'ZIP_UNSUPPORTED'
  | 'ZIP_LIMIT'
  | 'ZIP_CRC'
  | 'ZIP_SIZE'
  | 'ZIP_BOMB'
  | 'ZIP_REFUSED'
  | 'ZIP_CLOSED'
  /** No such entry: the same code the file system uses, so callers treat both alike. */
  | 'ENOENT';

export class ZipError extends Error {
  readonly code: ZipErrorCode;
  constructor(message: string, code: ZipErrorCode) {
    super(message);
    this.name = 'ZipError';
    this.code = code;
  }
}

/**
 * Random access to the bytes of a zip archive: a file on disk, or anything else that can read at
 * an offset (the decrypted payload of an encrypted backup, a stored zip inside another zip).
 */
export interface ZipSource {
  readonly size: number;
  /** Up to `length` bytes at `position` (fewer only at the end). */
  readAt(position: number, length: number): Promise<Buffer>;
  /** Bytes `start..end` (inclusive) as a stream. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

export interface ZipContainer extends Container {
  readonly kind: 'zip';
  /** Every record of the central directory, in archive order (do not mutate). */
  entries(): ZipEntryInfo[];
  /** Entries that are not reachable or look dangerous, and why. */
  readonly warnings: ZipWarning[];
  /** The folder inside the archive used as the container root (`''` or ending with `/`). */
  readonly root: string;
}

// ---------------------------------------------------------------------------------------------
// Format constants (APPNOTE 4.3)
// ---------------------------------------------------------------------------------------------

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const ZIP64_EOCD_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const EXTRA_ZIP64 = 0x0001;
const EXTRA_UNICODE_PATH = 0x7075;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
/** Central directory read size: bounds memory for archives with a million entries. */
const CD_CHUNK = 1024 * 1024;
const STREAM_CHUNK = 1024 * 1024;

const METHOD_NAMES: Record<number, string> = {
  1: 'Shrink',
  6: 'Implode',
  9: 'Deflate64',
  12: 'BZIP2',
  14: 'LZMA',
  19: 'IBM LZ77',
  93: 'Zstandard',
  95: 'XZ',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
  99: 'AES encryption',
};

// ---------------------------------------------------------------------------------------------
// Name decoding
// ---------------------------------------------------------------------------------------------

/** IBM code page 437, bytes 0x80..0xFF (the low half is ASCII for file names). */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅ' +
  'ÉæÆôöòûùÿÖÜ¢£¥₧ƒ' +
  'áíóúñÑªº¿⌐¬½¼¡«»' +
  '░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧' +
  '╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσ\u00b5τΦΘΩδ∞φε∩' +
  '≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

export function decodeCp437(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  return s;
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

/**
 * APPNOTE 4.4.4 bit 11: names are UTF-8 when set, otherwise the "IBM PC" code page (CP437).
 * Real archives bend this: old Russian Windows zippers store cp866 and some add an Info-ZIP Unicode
 * Path field (0x7075) holding the UTF-8 name, valid while its CRC matches the stored bytes; and
 * Info-ZIP `zip` 3.0 on Linux or macOS Archive Utility write UTF-8 without setting bit 11. So for a
 * name without bit 11 that is not plain ASCII: the 0x7075 name if its CRC matches, else the bytes
 * as UTF-8 when they are well-formed UTF-8 (legacy code-page names practically never are: cp866 and
 * CP437 letters are mostly lone continuation bytes), else CP437.
 */
function decodeName(raw: Buffer, flags: number, unicodePath: { crc: number; name: string } | null): string {
  if (flags & FLAG_UTF8) return raw.toString('utf8');
  if (isAscii(raw)) return raw.toString('latin1');
  if (unicodePath && unicodePath.crc === crc32(raw)) return unicodePath.name;
  if (isUtf8(raw)) return raw.toString('utf8');
  return decodeCp437(raw);
}

/** Why a (decoded, `/`-separated) name must never be opened, or null when it is safe. */
function unsafeReason(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.startsWith('/')) return name.startsWith('//') ? 'is a network (UNC) path' : 'is an absolute path';
  if (/^[a-zA-Z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').includes('..')) return "contains '..' and points outside the archive";
  return null;
}

/** `a//b/./c/` → `a/b/c` (only called on safe names). */
function cleanPath(name: string): string {
  return name
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/**
 * The Map key for a path a caller gives: same separators and Unicode normalisation as the index
 * (macOS writes names decomposed, messages refer to them composed). Null for unsafe paths, which
 * never name anything, as with `safeJoin` for folders.
 */
function lookupKey(rel: string): string | null {
  let r = rel;
  if (r.includes('\\')) r = r.replace(/\\/g, '/');
  if (unsafeReason(r)) return null;
  if (r.includes('//') || r.endsWith('/') || r.startsWith('./') || r.includes('/./')) r = cleanPath(r);
  return isAsciiString(r) ? r : r.normalize('NFC');
}

function isAsciiString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Low-level reading
// ---------------------------------------------------------------------------------------------

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** A zip file on disk as a ZipSource. */
function fileSource(file: string, fh: FileHandle, size: number): ZipSource {
  return {
    size,
    readAt: (position, length) => readAt(fh, position, length),
    stream: (start, end) => createReadStream(file, { start, end, highWaterMark: STREAM_CHUNK }),
    close: () => fh.close(),
  };
}

function u64(buf: Buffer, offset: number, what: string): number {
  const v = buf.readBigUInt64LE(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw damaged(`${what} is impossibly large (${v})`);
  return Number(v);
}

function damaged(message: string): ZipError {
  return new ZipError(message, 'ZIP_DAMAGED');
}

// ---------------------------------------------------------------------------------------------
// End of central directory
// ---------------------------------------------------------------------------------------------

interface DirectoryLocation {
  entries: number;
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end at the latest (start of the ZIP64 record or of the EOCD). */
  cdLimit: number;
  zip64: boolean;
}

async function locateCentralDirectory(src: ZipSource, fileSize: number): Promise<DirectoryLocation> {
  const noEocd = () => damaged('no end-of-central-directory record: the archive is truncated or not a zip');
  if (fileSize < EOCD_SIZE) throw noEocd();
  const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
  const tailStart = fileSize - tailLength;
  const tail = await src.readAt(tailStart, tailLength);
  if (tail.length < tailLength) throw noEocd();

  // Search backwards; prefer a record whose comment ends exactly at the end of the file (a
  // signature inside the comment would not), else accept one followed by some trailing bytes.
  let exact = -1;
  let loose = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail[i] !== 0x50 || tail.readUInt32LE(i) !== SIG_EOCD) continue;
    const end = i + EOCD_SIZE + tail.readUInt16LE(i + 20);
    if (end === tail.length) {
      exact = i;
      break;
    }
    if (loose < 0 && end < tail.length) loose = i;
  }
  const at = exact >= 0 ? exact : loose;
  if (at < 0) throw noEocd();
  const eocdPos = tailStart + at;

  let disk = tail.readUInt16LE(at + 4);
  let cdDisk = tail.readUInt16LE(at + 6);
  let entriesHere = tail.readUInt16LE(at + 8);
  let entries = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  let cdLimit = eocdPos;
  let zip64 = false;

  // ZIP64 end of central directory locator, immediately before the EOCD (APPNOTE 4.3.15).
  if (eocdPos >= ZIP64_LOCATOR_SIZE) {
    const loc = await src.readAt(eocdPos - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
    if (loc.length === ZIP64_LOCATOR_SIZE && loc.readUInt32LE(0) === SIG_ZIP64_LOCATOR) {
      const recordPos = u64(loc, 8, 'the ZIP64 end-of-central-directory offset');
      if (loc.readUInt32LE(16) > 1 || loc.readUInt32LE(4) !== 0) throw new ZipError('split (multi-part) zip archives are not supported', 'ZIP_UNSUPPORTED');
      if (recordPos + ZIP64_EOCD_SIZE > eocdPos - ZIP64_LOCATOR_SIZE) {
        throw damaged(`the ZIP64 end-of-central-directory record offset (${recordPos}) lies past its locator: the archive is truncated or damaged`);
      }
      const rec = await src.readAt(recordPos, ZIP64_EOCD_SIZE);
      if (rec.length < ZIP64_EOCD_SIZE || rec.readUInt32LE(0) !== SIG_ZIP64_EOCD) {
        throw damaged(`no ZIP64 end-of-central-directory record at offset ${recordPos}: the archive is damaged`);
      }
      disk = rec.readUInt32LE(16);
      cdDisk = rec.readUInt32LE(20);
      entriesHere = u64(rec, 24, 'the number of entries');
      entries = u64(rec, 32, 'the number of entries');
      cdSize = u64(rec, 40, 'the central directory size');
      cdOffset = u64(rec, 48, 'the central directory offset');
      cdLimit = recordPos;
      zip64 = true;
    }
  }

  if (disk !== 0 || cdDisk !== 0 || entriesHere !== entries) {
    throw new ZipError('split (multi-part) zip archives are not supported', 'ZIP_UNSUPPORTED');
  }
  if (cdOffset > fileSize) {
    throw damaged(`the central directory offset (${cdOffset}) lies past the end of the file (${fileSize} bytes): the archive is truncated or damaged`);
  }
  if (cdOffset + cdSize > cdLimit) {
    throw damaged(
      `the central directory (offset ${cdOffset}, ${cdSize} bytes) runs past the end-of-central-directory record at ${cdLimit}: the archive is truncated or damaged`,
    );
  }
  return { entries, cdOffset, cdSize, cdLimit, zip64 };
}

// ---------------------------------------------------------------------------------------------
// Central directory
// ---------------------------------------------------------------------------------------------

interface RawEntry {
  info: ZipEntryInfo;
  /** Lowest possible end of the entry's data (local header with an empty extra field + data). */
  minEnd: number;
}

async function readCentralDirectory(src: ZipSource, loc: DirectoryLocation, limits: ZipLimits): Promise<RawEntry[]> {
  if (loc.entries > limits.maxEntries) {
    throw new ZipError(`the archive has ${loc.entries} entries, more than the limit of ${limits.maxEntries}`, 'ZIP_LIMIT');
  }
  if (loc.entries * CENTRAL_SIZE > loc.cdSize) {
    throw damaged(`the central directory (${loc.cdSize} bytes) is too short for ${loc.entries} entries: the archive is damaged`);
  }
  const cdEnd = loc.cdOffset + loc.cdSize;
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = loc.cdOffset;
  /** Makes `buf` cover [pos, pos + length) or throws when the directory is shorter. */
  const ensure = async (pos: number, length: number) => {
    if (pos + length > cdEnd) throw damaged(`the central directory is truncated at offset ${pos}: the archive is damaged`);
    if (pos >= bufStart && pos + length <= bufStart + buf.length) return;
    const want = Math.min(Math.max(length, CD_CHUNK), cdEnd - pos);
    buf = await src.readAt(pos, want);
    bufStart = pos;
    if (buf.length < length) throw damaged(`the central directory is truncated at offset ${pos}: the archive is truncated`);
  };

  const out: RawEntry[] = [];
  let pos = loc.cdOffset;
  while (pos < cdEnd) {
    if (out.length >= limits.maxEntries) {
      throw new ZipError(`the archive has more than ${limits.maxEntries} entries, the limit`, 'ZIP_LIMIT');
    }
    await ensure(pos, CENTRAL_SIZE);
    let o = pos - bufStart;
    if (buf.readUInt32LE(o) !== SIG_CENTRAL) throw damaged(`the central directory is damaged at offset ${pos} (bad record signature)`);
    const madeBy = buf.readUInt16LE(o + 4);
    const flags = buf.readUInt16LE(o + 8);
    const method = buf.readUInt16LE(o + 10);
    const crc = buf.readUInt32LE(o + 16);
    let compressedSize = buf.readUInt32LE(o + 20);
    let size = buf.readUInt32LE(o + 24);
    const nameLength = buf.readUInt16LE(o + 28);
    const extraLength = buf.readUInt16LE(o + 30);
    const commentLength = buf.readUInt16LE(o + 32);
    const diskStart = buf.readUInt16LE(o + 34);
    const externalAttr = buf.readUInt32LE(o + 38);
    let offset = buf.readUInt32LE(o + 42);
    const recordLength = CENTRAL_SIZE + nameLength + extraLength + commentLength;
    await ensure(pos, recordLength);
    o = pos - bufStart;
    const rawName = buf.subarray(o + CENTRAL_SIZE, o + CENTRAL_SIZE + nameLength);
    const extra = buf.subarray(o + CENTRAL_SIZE + nameLength, o + CENTRAL_SIZE + nameLength + extraLength);

    // Extensible data fields (APPNOTE 4.5): ZIP64 sizes/offset and the Unicode Path.
    let unicodePath: { crc: number; name: string } | null = null;
    for (let e = 0; e + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      const data = extra.subarray(e + 4, e + 4 + len);
      if (data.length < len) break; // malformed trailing field: ignore the rest
      if (id === EXTRA_ZIP64) {
        // Only the fields whose header value is saturated are present, in this order (4.5.3).
        let z = 0;
        const take = (what: string) => {
          if (z + 8 > data.length) throw damaged(`entry ${decodeCp437(rawName)}: the ZIP64 extra field has no ${what}`);
          const v = u64(data, z, `the ${what} of an entry`);
          z += 8;
          return v;
        };
        if (size === U32_MAX) size = take('uncompressed size');
        if (compressedSize === U32_MAX) compressedSize = take('compressed size');
        if (offset === U32_MAX) offset = take('local header offset');
      } else if (id === EXTRA_UNICODE_PATH && len >= 5 && data[0] === 1) {
        unicodePath = { crc: data.readUInt32LE(1), name: data.subarray(5).toString('utf8') };
      }
      e += 4 + len;
    }
    if (diskStart !== 0 && diskStart !== U16_MAX) throw new ZipError('split (multi-part) zip archives are not supported', 'ZIP_UNSUPPORTED');

    const path = decodeName(rawName, flags, unicodePath).replace(/\\/g, '/');
    const unixType = (externalAttr >>> 16) & S_IFMT;
    const isDirectory = path.endsWith('/') || unixType === S_IFDIR || (madeBy >> 8 === 0 && (externalAttr & 0x10) !== 0);
    const minEnd = offset + LOCAL_SIZE + nameLength + compressedSize;
    if (minEnd > loc.cdOffset) {
      throw damaged(`entry ${path}: its data (offset ${offset}, ${compressedSize} bytes) runs past the start of the central directory: the archive is truncated or damaged`);
    }
    out.push({
      info: {
        path,
        rel: null,
        compressedSize,
        size,
        method,
        crc32: crc,
        isDirectory,
        isSymlink: unixType === S_IFLNK,
        encrypted: (flags & FLAG_ENCRYPTED) !== 0,
        nested: /\.zip$/i.test(path),
        offset,
      },
      minEnd,
    });
    pos += recordLength;
  }
  // Some writers store the entry count modulo 65536 when they should have written ZIP64.
  if (out.length !== loc.entries && (loc.zip64 || out.length % 0x10000 !== loc.entries)) {
    throw damaged(`the central directory holds ${out.length} entries but the end record declares ${loc.entries}: the archive is damaged`);
  }
  return out;
}

/** Refuses archives where two entries share bytes (a well-formed zip never does; zip bombs do). */
function checkOverlaps(raw: RawEntry[]): void {
  const sorted = raw.slice().sort((a, b) => a.info.offset - b.info.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.info.offset < prev.minEnd) {
      throw damaged(`entries ${prev.info.path} and ${cur.info.path} overlap in the archive (possible zip bomb)`);
    }
  }
}

/**
 * Root stripping. Zips of an export usually hold one folder (`WhatsApp Chat - X/_chat.txt`,
 * `Telegram Desktop/ChatExport_2024-01-01/result.json`): a folder the user would have handed us
 * after unpacking. While every reachable entry lies inside one and the same top-level folder, that
 * folder becomes the container root, repeatedly, so `list()` shows the export's own files and
 * parsers find `result.json`/`_chat.txt` at the root, exactly as with the unpacked folder. macOS
 * resource-fork copies under `__MACOSX/` are ignored for this decision (Finder adds them beside the
 * real folder); they are then outside the root and unreachable, which is what we want.
 */
function findRoot(paths: { clean: string; isDirectory: boolean }[]): string {
  let prefix = '';
  for (;;) {
    let top: string | null = null;
    let descend = true;
    for (const p of paths) {
      if (p.isDirectory && prefix.startsWith(p.clean + '/')) continue; // an ancestor folder of the root
      const rest = p.clean.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0 && !p.isDirectory) {
        descend = false; // a file at this level: this is the root
        break;
      }
      const seg = slash < 0 ? rest : rest.slice(0, slash);
      if (top === null) top = seg;
      else if (top !== seg) {
        descend = false;
        break;
      }
    }
    if (!descend || top === null) return prefix;
    prefix += top + '/';
  }
}

// ---------------------------------------------------------------------------------------------
// Entry streams
// ---------------------------------------------------------------------------------------------

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Counts, limits and checksums the bytes of one entry on their way to the reader. */
class EntryStream extends Transform {
  private produced = 0;
  private crc = 0;
  constructor(
    private readonly info: ZipEntryInfo,
    private readonly limits: ZipLimits,
  ) {
    super({ highWaterMark: STREAM_CHUNK });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.produced += chunk.length;
    const { size, compressedSize } = this.info;
    const ratioExceeded =
      this.produced > this.limits.ratioMinSize && (compressedSize === 0 || this.produced / compressedSize > this.limits.maxRatio);
    // With the open-time refusal the ratio can only be exceeded after the size was; checked anyway so
    // the bomb guard does not depend on the declared values being vetted elsewhere.
    if (this.produced > size || ratioExceeded) {
      callback(new ZipError(`entry ${this.info.path} expands beyond its declared size (possible zip bomb)`, 'ZIP_BOMB'));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.produced !== this.info.size) {
      callback(new ZipError(`entry ${this.info.path} is damaged (size mismatch: ${this.produced} bytes instead of ${this.info.size})`, 'ZIP_SIZE'));
    } else if (this.crc !== this.info.crc32) {
      callback(new ZipError(`entry ${this.info.path} is damaged (CRC mismatch)`, 'ZIP_CRC'));
    } else {
      callback();
    }
  }

  /** Errors from the file or from zlib get the entry's name; ours and aborts pass unchanged. */
  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (err && !(err instanceof ZipError) && !isAbortError(err)) {
      // System errors (EIO, EACCES...) are the disk's fault; zlib's (Z_DATA_ERROR...) the archive's.
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const systemError = /^E[A-Z]+$/.test(code);
      const what = systemError ? 'cannot be read' : 'is damaged';
      callback(Object.assign(new ZipError(`entry ${this.info.path} ${what} (${err.message})`, 'ZIP_DAMAGED'), { cause: err }));
      return;
    }
    callback(err);
  }
}

function failedStream(err: Error): Readable {
  const s = new PassThrough();
  process.nextTick(() => s.destroy(err));
  return s;
}

// ---------------------------------------------------------------------------------------------
// The container
// ---------------------------------------------------------------------------------------------

class ZipArchive implements ZipContainer {
  readonly kind = 'zip' as const;
  readonly warnings: ZipWarning[] = [];
  readonly root: string;
  private readonly all: ZipEntryInfo[];
  /** Reachable files by lookup key (NFC, `/`-separated, relative to the root). */
  private readonly files = new Map<string, ZipEntryInfo>();
  private readonly active = new Set<Readable>();
  private topLevel: ContainerEntry[] | null = null;
  private src: ZipSource | null;

  constructor(
    readonly path: string,
    src: ZipSource,
    private readonly fileSize: number,
    raw: RawEntry[],
    private readonly limits: ZipLimits,
  ) {
    this.src = src;
    this.all = raw.map((r) => r.info);
    const warn = (info: ZipEntryInfo, code: ZipWarningCode, message: string) => this.warnings.push({ entry: info.path, code, message });

    const candidates: { info: ZipEntryInfo; clean: string; isDirectory: boolean }[] = [];
    for (const info of this.all) {
      const reason = unsafeReason(info.path);
      if (reason) {
        warn(info, 'unsafe-path', `entry ${JSON.stringify(info.path)} ${reason}; it is ignored`);
        continue;
      }
      if (info.isSymlink) {
        warn(info, 'symlink', `entry ${info.path} is a symbolic link; it is ignored`);
        continue;
      }
      const clean = cleanPath(info.path);
      if (clean === '') continue;
      candidates.push({ info, clean, isDirectory: info.isDirectory });
    }
    this.root = findRoot(candidates.filter((c) => c.clean !== '__MACOSX' && !c.clean.startsWith('__MACOSX/')));

    for (const { info, clean, isDirectory } of candidates) {
      if (isDirectory || !clean.startsWith(this.root)) continue;
      const rel = clean.slice(this.root.length);
      const key = isAsciiString(rel) ? rel : rel.normalize('NFC');
      info.rel = key;
      const previous = this.files.get(key);
      if (previous) {
        previous.rel = null;
        warn(info, 'duplicate', `entry ${info.path} appears more than once; the last copy is used`);
      }
      this.files.set(key, info);
      if (info.encrypted) warn(info, 'encrypted', `entry ${info.path} is encrypted; password-protected archives are not supported`);
      else if (info.method !== 0 && info.method !== 8) warn(info, 'unsupported-method', unsupportedMessage(info));
      else if (this.ratioExceeded(info)) warn(info, 'suspicious-ratio', ratioMessage(info, limits));
    }
  }

  entries(): ZipEntryInfo[] {
    return this.all;
  }

  async list(): Promise<ContainerEntry[]> {
    if (!this.topLevel) {
      this.topLevel = [];
      for (const [rel, info] of this.files) if (!rel.includes('/')) this.topLevel.push({ path: rel, size: info.size });
    }
    return this.topLevel.map((e) => ({ ...e }));
  }

  async listAll(limit = 1_000_000): Promise<ContainerEntry[]> {
    const out: ContainerEntry[] = [];
    for (const [rel, info] of this.files) {
      if (out.length >= limit) break;
      out.push({ path: rel, size: info.size });
    }
    return out;
  }

  async stat(rel: string): Promise<{ size: number } | null> {
    const info = this.find(rel);
    return info ? { size: info.size } : null;
  }

  display(rel: string): string {
    const info = this.find(rel);
    return `${this.path}!/${info ? info.path : this.root + rel.replace(/\\/g, '/')}`;
  }

  open(rel: string, signal?: AbortSignal): Readable {
    const checked = this.check(rel);
    if (checked instanceof Error) return failedStream(checked);
    const info = checked;
    const stream = new EntryStream(info, this.limits);
    this.active.add(stream);
    stream.once('close', () => this.active.delete(stream));
    if (signal) addAbortSignal(signal, stream);
    void this.start(info, stream);
    return stream;
  }

  async readHead(rel: string, max: number): Promise<Buffer> {
    if (max <= 0) {
      const checked = this.check(rel);
      if (checked instanceof Error) throw checked;
      return Buffer.alloc(0);
    }
    const stream = this.open(rel);
    const chunks: Buffer[] = [];
    let have = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        have += chunk.length;
        if (have >= max) break;
      }
    } finally {
      stream.destroy();
    }
    return Buffer.concat(chunks, have).subarray(0, max);
  }

  async close(): Promise<void> {
    for (const s of this.active) s.destroy(new ZipError(`${this.path}: the archive was closed while an entry was being read`, 'ZIP_CLOSED'));
    this.active.clear();
    const src = this.src;
    this.src = null;
    await src?.close();
  }

  private find(rel: string): ZipEntryInfo | undefined {
    const key = lookupKey(rel);
    return key === null ? undefined : this.files.get(key);
  }

  /** The entry `rel` names, or why it cannot be opened. */
  private check(rel: string): ZipEntryInfo | ZipError {
    const info = this.find(rel);
    if (!info) return new ZipError(`${this.display(rel)}: no such file in the archive`, 'ENOENT');
    return this.refusal(info) ?? info;
  }

  private ratioExceeded(info: ZipEntryInfo): boolean {
    const { size, compressedSize } = info;
    return size > this.limits.ratioMinSize && (compressedSize === 0 || size / compressedSize > this.limits.maxRatio);
  }

  private refusal(info: ZipEntryInfo): ZipError | null {
    if (!this.src) return new ZipError(`${this.path}: the archive is closed`, 'ZIP_CLOSED');
    if (info.encrypted) return new ZipError(`entry ${info.path} is encrypted; password-protected archives are not supported`, 'ZIP_UNSUPPORTED');
    if (info.method !== 0 && info.method !== 8) return new ZipError(unsupportedMessage(info), 'ZIP_UNSUPPORTED');
    if (this.ratioExceeded(info)) return new ZipError(ratioMessage(info, this.limits), 'ZIP_REFUSED');
    return null;
  }

  /** Finds the data through the local header, then streams exactly the compressed range. */
  private async start(info: ZipEntryInfo, stream: EntryStream): Promise<void> {
    try {
      const src = this.src;
      if (!src) throw new ZipError(`${this.path}: the archive is closed`, 'ZIP_CLOSED');
      const header = await src.readAt(info.offset, LOCAL_SIZE);
      if (header.length < LOCAL_SIZE || header.readUInt32LE(0) !== SIG_LOCAL) {
        throw damaged(`entry ${info.path} is damaged (no local header at offset ${info.offset})`);
      }
      // The local extra field may differ from the central one (Info-ZIP adds more timestamps there).
      const dataStart = info.offset + LOCAL_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (dataStart + info.compressedSize > this.fileSize) {
        throw damaged(`entry ${info.path} is damaged (its data runs past the end of the file)`);
      }
      if (stream.destroyed) return;
      if (info.compressedSize === 0) {
        // Nothing to read; the size/CRC check in flush still applies.
        stream.end();
        return;
      }
      const source = src.stream(dataStart, dataStart + info.compressedSize - 1);
      const done = (err: Error | null) => {
        if (err && !stream.destroyed) stream.destroy(err);
      };
      if (info.method === 8) pipeline(source, createInflateRaw(), stream, done);
      else pipeline(source, stream, done);
    } catch (err) {
      stream.destroy(err as Error);
    }
  }
}

function methodName(method: number): string {
  const name = METHOD_NAMES[method];
  return name ? `${method} (${name})` : String(method);
}

function unsupportedMessage(info: ZipEntryInfo): string {
  return `entry ${info.path} uses compression method ${methodName(info.method)}, which is not supported (only stored and deflate are)`;
}

function ratioMessage(info: ZipEntryInfo, limits: ZipLimits): string {
  const ratio = info.compressedSize === 0 ? 'infinitely' : `${Math.round(info.size / info.compressedSize)} times`;
  return `entry ${info.path} would expand ${ratio} (${info.compressedSize} → ${info.size} bytes), more than the limit of ${limits.maxRatio} (possible zip bomb); it is refused`;
}

/**
 * Opens a zip archive in place. Throws a ZipError saying what is wrong when the archive is damaged
 * (no end record, truncated or inconsistent central directory), uses unsupported features (split
 * archives) or is beyond the limits (entry count, total declared size, overlapping entries).
 */
export async function openZipContainer(file: string, limits?: Partial<ZipLimits>): Promise<ZipContainer> {
  const abs = nodePath.resolve(file);
  const fh = await openFile(abs, 'r');
  let size: number;
  try {
    ({ size } = await fh.stat());
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
  return openZipSource(abs, fileSource(abs, fh, size), limits);
}

/**
 * Opens a zip archive read through `source` (closed with the container, or here on failure).
 * `displayPath` names the archive in messages and in `display()`. Same checks and errors as
 * `openZipContainer`.
 */
export async function openZipSource(displayPath: string, source: ZipSource, limits?: Partial<ZipLimits>): Promise<ZipContainer> {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  try {
    const fileSize = source.size;
    const loc = await locateCentralDirectory(source, fileSize);
    const raw = await readCentralDirectory(source, loc, lim);
    let total = 0;
    for (const r of raw) if (!r.info.isDirectory) total += r.info.size;
    if (total > lim.maxTotalSize) {
      throw new ZipError(`the archive would expand to ${total} bytes, more than the limit of ${lim.maxTotalSize} (possible zip bomb)`, 'ZIP_LIMIT');
    }
    checkOverlaps(raw);
    return new ZipArchive(displayPath, source, fileSize, raw, lim);
  } catch (err) {
    await source.close().catch(() => undefined);
    throw err;
  }
}
