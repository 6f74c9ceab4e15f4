/**
 * `runBackup`: exports in, one encrypted backup file out (backup.md §1, §5).
 *
 * 1. Preflight: every path exists, the output does not, the second-copy folder does.
 * 2. The normalised model of each source (pipeline/convert) into a private staging folder.
 * 3. Originals: every file of every source. Files whose SHA-256 the convert step already computed
 *    (the attachments, most of the bytes of an export) are not read here: they are read once,
 *    when written, and must hash to that value then. The others are pending.
 * 4. Messages are split per chat; every attachment a message references is located (its blob,
 *    or its entry inside an original zip, which is stored once as a blob itself).
 *    Hash pass (4b), only for pending files that another file to store has the size of (they may
 *    be duplicates): SHA-256 + CRC-32 first, stored once under their SHA-256. A pending file no
 *    other file has the size of cannot be a duplicate: it is read once, when written, under a
 *    number (`blobs/n/000001`, format 2), its SHA-256 taken on the way. The index files, written
 *    after the blobs, name each file's entry and hash.
 * 5. Free space is checked, then: sources → ZIP64 writer → age STREAM (sodium-native) →
 *    `<file>.partial`, fsync, rename, fsync of the folder. Memory stays bounded: one file read
 *    buffer, one chunk, the central directory (spilled to staging when large). SHA-256 runs on
 *    two worker threads (the plaintext read straight into one's ring, the ciphertext sealed
 *    straight into the other's), so on two cores hashing and encrypting overlap without copies.
 * 6. The file is read back from disk and fully verified with the file key still in memory (no
 *    keychain needed): every chunk authenticates, every entry matches the manifest's SHA-256.
 *    Only then the side file `<file>.json` (size + SHA-256 of the ciphertext) is written.
 * 7. Optional second copy: copied as `.partial`, fsync'ed, renamed, re-read and compared.
 *
 * Making a backup needs public keys only. The staging folder holds plaintext (like `convert`
 * output); it is mode 0700, removed at the end, and folders left by a killed run are removed at
 * the next start.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, type Stats } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as zlib from 'node:zlib';
import type { JobProgress, Problem, SourceOptions } from '../../../shared/model/index.js';
import { crc32 as crc32Js } from '../archive/crc32.js';
import { openZipContainer, type ZipContainer } from '../archive/zip.js';
import { runConvert } from '../pipeline/convert.js';
import { JsonlWriter } from '../pipeline/jsonl-writer.js';
import type { IProgress } from '../progress.js';
import { safeJoin, statMany } from '../sources/container.js';
import { VERSION } from '../version.js';
import { knownFileKey } from './age-header.js';
import { createAgeFile, fsyncDir, PARTIAL_SUFFIX, writeFileAtomic } from './age-file.js';
import { sealedSize } from './age-stream.js';
import { HashWorker, type Sha256Stream } from './hash-worker.js';
import {
  type AttachmentRow,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  blobName,
  chatEntryName,
  INDEX,
  type Manifest,
  type ManifestChat,
  type ManifestEntry,
  type ManifestSource,
  MANIFEST_NAME,
  MODEL,
  numberedBlobName,
  README_NAME,
  readmeText,
  recipientFingerprint,
  type SideFile,
} from './manifest.js';
import { verifyBackup, type VerifyReport } from './verify.js';
import { SourceChangedError, ZipWriter } from './zip-writer.js';

const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (d, v) => zlib.crc32(d, v) : (d, v) => crc32Js(d, v);

export type RecipientRole = 'keychain' | 'recovery' | 'extra';

export interface BackupInput {
  /** Exports: folders, .zip files or single files (each stored byte for byte). */
  paths: string[];
  /** The backup file to create (must not exist). */
  out: string;
  /** Public keys (age1…) that can open the backup, with what each is. At least one. */
  recipients: { recipient: string; role: RecipientRole }[];
  options?: SourceOptions;
  /** A folder on another drive for a second, verified copy. */
  copyTo?: string;
  /** Read back and fully verify after writing (default true). */
  verify?: boolean;
  asOf?: Date;
}

export type BackupStep = 'prepare' | 'read' | 'hash' | 'index' | 'write' | 'verify' | 'copy';

export interface BackupProgress extends JobProgress {
  step: BackupStep;
}

export interface BackupDeps {
  progress: IProgress<BackupProgress>;
  /** Parent folder of the private staging folder (default: the system temp folder). */
  stagingDir?: string;
  now?: () => Date;
}

export interface BackupResult {
  file: string;
  sideFile: string;
  size: number;
  sha256: string;
  /** Size of the zip inside. */
  plaintextSize: number;
  manifest: Pick<Manifest, 'counts' | 'sources' | 'created'>;
  entries: number;
  verified: VerifyReport | null;
  copy: { file: string; sideFile: string; sha256: string } | null;
  /** Why the second copy failed (the first one is complete and verified). */
  copyError: string | null;
  /** What the readers reported, and originals that were not stored (links). */
  problems: Problem[];
}

export type BackupErrorCode = 'not-found' | 'exists' | 'bad-input' | 'no-space' | 'verify-failed' | 'copy-failed' | 'source-changed';

export class BackupError extends Error {
  constructor(
    message: string,
    readonly code: BackupErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackupError';
  }
}

type SourceKind = ManifestSource['kind'];

interface OriginalFile {
  rel: string;
  abs: string;
  size: number;
  mtime: Date;
}

interface Blob {
  abs: string;
  size: number;
  /** Measured in the hash pass; null when the SHA-256 came from convert and is checked while writing. */
  crc32: number | null;
  mtime: Date;
}

const STAGING_PREFIX = 'pereezd-backup-';
const ZIP_MAGIC = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from([0x50, 0x4b, 0x05, 0x06])];
const READ_CHUNK = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function kindOf(p: string, s: Stats): Promise<SourceKind> {
  if (s.isDirectory()) return 'folder';
  const fh = await open(p, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && ZIP_MAGIC.some((m) => m.equals(head)) ? 'zip' : 'file';
  } finally {
    await fh.close();
  }
}

function sourceName(index: number, p: string): string {
  const base = path.basename(p).replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 100) || 'source';
  return `${index}-${base}`;
}

/** Every regular file below `root`, sorted; links and special files are reported, never followed. */
async function listFolder(root: string, signal: AbortSignal): Promise<{ files: OriginalFile[]; skipped: { rel: string; why: string }[] }> {
  const files: OriginalFile[] = [];
  const skipped: { rel: string; why: string }[] = [];
  const walk = async (rel: string): Promise<void> => {
    signal.throwIfAborted();
    const dirents = await readdir(rel ? path.join(root, rel) : root, { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const stats = new Map<string, Stats | null>();
    const plain = dirents.filter((d) => d.isFile());
    for (const [i, s] of (await statMany(plain.map((d) => path.join(root, rel, d.name)), { lstat: true })).entries()) stats.set(plain[i]!.name, s);
    for (const d of dirents) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(child);
      else if (d.isFile()) {
        const abs = path.join(root, child);
        const s = stats.get(d.name);
        if (!s) throw new BackupError(`${abs}: it disappeared while the backup was being made; run the backup again`, 'source-changed');
        files.push({ rel: child, abs, size: s.size, mtime: s.mtime });
      } else skipped.push({ rel: child, why: d.isSymbolicLink() ? 'a symbolic link (links are never followed)' : 'not a regular file' });
    }
  };
  await walk('');
  return { files, skipped };
}

/**
 * The two read buffers of one reader at a time. A backup reads its files one after the other, so
 * one pair serves all of them: a fresh 2 MiB per file, with tens of thousands of small files, keeps
 * the garbage collector busy with full collections most of the time.
 */
type ReadBuffers = [Buffer, Buffer];
const readBuffers = (): ReadBuffers => [Buffer.allocUnsafeSlow(READ_CHUNK), Buffer.allocUnsafeSlow(READ_CHUNK)];

/**
 * A file's bytes in order through two alternating buffers, the next read already in flight while
 * the caller handles the current one. A yielded buffer is reused once the caller asks for the
 * next: only for consumers that copy what they keep (hashing, encrypting), not for streams that
 * hold on to chunks (zlib). `bufs` must not be in use by another reader meanwhile.
 */
async function* readChunks(file: string, signal: AbortSignal, bufs: ReadBuffers = readBuffers(), sizeHint = Number.POSITIVE_INFINITY): AsyncGenerator<Buffer> {
  let pos = 0;
  if (sizeHint < READ_CHUNK) {
    // A small file is read in this thread: each open, read and close through libuv's thread pool
    // costs two thread switches, more than reading a few KiB from the page cache (with tens of
    // thousands of small files the switches were most of the time).
    const fd = openSync(file, 'r');
    try {
      for (let n; pos < READ_CHUNK && (n = readSync(fd, bufs[0], pos, READ_CHUNK - pos, pos)) > 0; ) pos += n;
    } finally {
      closeSync(fd);
    }
    signal.throwIfAborted();
    if (pos > 0) yield bufs[0].subarray(0, pos);
    if (pos < READ_CHUNK) return;
    // It grew beyond the buffer since it was listed: the rest as for a big file (its size is checked after).
  }
  const fh = await open(file, 'r');
  const size = READ_CHUNK;
  let which = 0;
  let pending: Promise<{ bytesRead: number }> | null = fh.read(bufs[0]!, 0, size, pos);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      pending = null;
      if (bytesRead === 0) return;
      const current = bufs[which]!.subarray(0, bytesRead);
      pos += bytesRead;
      which ^= 1;
      pending = fh.read(bufs[which]!, 0, size, pos);
      signal.throwIfAborted();
      yield current;
    }
  } finally {
    await pending?.catch(() => undefined);
    await fh.close();
  }
}

/**
 * A file's bytes in order, each block read straight into the hash worker's ring and handed to
 * `hash` there (no copy on this thread); the next block is read while the caller handles the
 * current one. A yielded block stays valid until the caller asks for the next one (the ring only
 * comes back to it several MiB later). Only one such reader may use a worker at a time, and the
 * caller must not write other records to that worker meanwhile (the reservation for the block
 * being read holds the ring). Without a ring (small files): read, then `hash.update`.
 */
async function* readIntoHash(file: string, hash: Sha256Stream, signal: AbortSignal, bufs: ReadBuffers, sizeHint: number): AsyncGenerator<Buffer> {
  if (!hash.reserve) {
    for await (const b of readChunks(file, signal, bufs, sizeHint)) {
      await hash.update(b);
      yield b;
    }
    return;
  }
  const reserve = hash.reserve;
  const fh = await open(file, 'r');
  let pos = 0;
  const start = async () => {
    const r = await reserve(READ_CHUNK);
    const read = fh.read(r.view, 0, READ_CHUNK, pos).then(
      ({ bytesRead }) => bytesRead,
      (err: unknown) => {
        r.abort();
        throw err;
      },
    );
    return { r, read };
  };
  let next: Awaited<ReturnType<typeof start>> | null = await start();
  try {
    for (;;) {
      const { r, read } = next!;
      next = null;
      const n = await read;
      if (n === 0) {
        r.abort();
        return;
      }
      r.commit(n);
      pos += n;
      next = await start();
      signal.throwIfAborted();
      yield Buffer.from(r.view.buffer, r.view.byteOffset, n);
    }
  } finally {
    if (next) {
      await next.read.catch(() => undefined);
      next.r.abort();
    }
    await fh.close();
  }
}

/** SHA-256 (on the hash worker for big files), CRC-32 and size of a file, streamed. */
async function measure(
  abs: string,
  hashes: HashWorker,
  sizeHint: number,
  signal: AbortSignal,
  bufs: ReadBuffers,
  onBytes: (n: number) => void,
): Promise<{ sha256: string; crc32: number; size: number }> {
  const hash = hashes.sha256(sizeHint);
  let crc = 0;
  let size = 0;
  for await (const b of readIntoHash(abs, hash, signal, bufs, sizeHint)) {
    crc = crc32(b, crc);
    size += b.length;
    onBytes(b.length);
  }
  return { sha256: await hash.digest(), crc32: crc >>> 0, size };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The SHA-256 convert computed for the attachments of one source, by `/`-separated path relative
 * to the source's folder. Only lines that carry a hash are parsed.
 */
async function convertedHashes(messagesFile: string, signal: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!(await exists(messagesFile))) return out;
  let n = 0;
  for await (const line of lines(messagesFile)) {
    if (++n % 4096 === 0) signal.throwIfAborted();
    if (!line.includes('"sha256":"')) continue;
    let m: MessageLine;
    try {
      m = JSON.parse(line) as MessageLine;
    } catch {
      continue; // reported by the index step
    }
    for (const a of m.attachments ?? []) {
      if (a.missing || typeof a.sha256 !== 'string' || !HEX64.test(a.sha256) || typeof a.path !== 'string') continue;
      const rel = path.posix.normalize(a.path.replace(/\\/g, '/'));
      if (rel === '.' || rel.startsWith('/') || rel === '..' || rel.startsWith('../')) continue;
      out.set(rel, a.sha256);
    }
  }
  return out;
}

async function* lines(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) if (line) yield line;
}

async function sizeOf(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}

/** Removes staging folders left behind by runs that were killed (their process is gone). */
async function removeStaleStaging(parent: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^pereezd-backup-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // still running
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Per-chat message files in the staging folder, appended through bounded buffers (there can be
 * thousands of chats: one open file each is not an option).
 */
class ChatSplitter {
  private readonly buffers = new Map<string, string[]>();
  private readonly sizes = new Map<string, number>();
  private total = 0;
  constructor(
    private readonly dir: string,
    private readonly limit = 16 << 20,
  ) {}

  async add(entry: string, line: string): Promise<void> {
    let b = this.buffers.get(entry);
    if (!b) {
      b = [];
      this.buffers.set(entry, b);
      this.sizes.set(entry, 0);
    }
    b.push(line, '\n');
    const n = line.length + 1;
    this.sizes.set(entry, this.sizes.get(entry)! + n);
    this.total += n;
    if (this.total > this.limit) await this.flushLargest();
  }

  private async flushOne(entry: string): Promise<void> {
    const b = this.buffers.get(entry);
    if (!b || b.length === 0) return;
    const file = path.join(this.dir, entry);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, b.join(''), { flag: 'a', mode: 0o600 });
    this.total -= this.sizes.get(entry)!;
    this.buffers.set(entry, []);
    this.sizes.set(entry, 0);
  }

  private async flushLargest(): Promise<void> {
    const order = [...this.sizes.entries()].sort((a, b) => b[1] - a[1]);
    for (const [entry] of order) {
      if (this.total <= this.limit / 2) break;
      await this.flushOne(entry);
    }
  }

  async flushAll(): Promise<void> {
    for (const entry of this.buffers.keys()) await this.flushOne(entry);
  }

  path(entry: string): string {
    return path.join(this.dir, entry);
  }
}

/** An original whose content is not known before the write (see step 4b). */
interface Pending {
  abs: string;
  size: number;
  mtime: Date;
  /** Known after the hash pass, or after it was written. */
  sha256: string | null;
  /** Its blob entry: by SHA-256 when hashed first, else numbered. */
  entry: string | null;
}

interface MessageLine {
  chat: string;
  kind?: string;
  attachments?: { sha256?: string | null; missing?: boolean; path?: string; size?: number | null }[];
}

// ---------------------------------------------------------------------------------------------
// The backup
// ---------------------------------------------------------------------------------------------

export async function runBackup(input: BackupInput, deps: BackupDeps, signal: AbortSignal): Promise<BackupResult> {
  const now = deps.now ?? (() => new Date());
  const report = (step: BackupStep, done: number, total: number | null, current?: string, counters?: Record<string, number>) =>
    deps.progress.report({ step, done, total, unit: 'bytes', ...(current ? { current } : {}), ...(counters ? { counters } : {}) });

  // ---- 1. preflight ---------------------------------------------------------------------------
  report('prepare', 0, null);
  if (input.paths.length === 0) throw new BackupError('give at least one export to back up', 'bad-input');
  if (input.recipients.length === 0) throw new BackupError('a backup needs at least one key to encrypt to', 'bad-input');
  const out = path.resolve(input.out);
  const outDir = path.dirname(out);
  const outDirStat = await stat(outDir).catch(() => null);
  if (!outDirStat?.isDirectory()) throw new BackupError(`${outDir}: no such folder for the backup`, 'not-found');
  for (const p of [out, out + PARTIAL_SUFFIX, `${out}.json`]) {
    if (await exists(p)) {
      throw new BackupError(
        p.endsWith(PARTIAL_SUFFIX)
          ? `${p} exists: an earlier backup to this name did not finish (or is running); delete it and try again`
          : `${p} already exists; choose another name`,
        'exists',
      );
    }
  }
  let copyTo: string | null = null;
  if (input.copyTo) {
    copyTo = path.resolve(input.copyTo);
    const s = await stat(copyTo).catch(() => null);
    if (!s?.isDirectory()) throw new BackupError(`${copyTo}: no such folder for the second copy`, 'not-found');
    if (copyTo === outDir) throw new BackupError('the second copy must go to another folder (ideally another drive)', 'bad-input');
    if (await exists(path.join(copyTo, path.basename(out)))) throw new BackupError(`${path.join(copyTo, path.basename(out))} already exists`, 'exists');
  }
  const sources: { index: number; path: string; kind: SourceKind; stat: Stats }[] = [];
  for (const [index, raw] of input.paths.entries()) {
    const p = path.resolve(raw);
    const s = await stat(p).catch(() => null);
    if (!s) throw new BackupError(`${p}: no such file or folder`, 'not-found');
    if (!s.isDirectory() && !s.isFile()) throw new BackupError(`${p}: not a file or folder`, 'bad-input');
    if (p === out || (s.isDirectory() && (out + path.sep).startsWith(p + path.sep))) {
      throw new BackupError(`${p}: the backup cannot be written inside what it backs up`, 'bad-input');
    }
    sources.push({ index, path: p, kind: await kindOf(p, s), stat: s });
  }

  const stagingParent = path.resolve(deps.stagingDir ?? os.tmpdir());
  await removeStaleStaging(stagingParent);
  const staging = await mkdtemp(path.join(stagingParent, `${STAGING_PREFIX}${process.pid}-`));
  const hashes = new HashWorker();
  const cipherHashes = new HashWorker();
  /** Read buffers for the files, read one after the other. */
  const pool = readBuffers();
  // Staging JSON Lines writers still open (closed without publishing if the backup fails).
  const openWriters = new Set<JsonlWriter>();
  /** Original zips opened to locate attachments inside them. */
  const zips = new Map<number, ZipContainer>();
  const writer = (file: string) => {
    const w = new JsonlWriter(file);
    openWriters.add(w);
    return w;
  };
  const done = (w: JsonlWriter) => {
    openWriters.delete(w);
    w.close();
  };
  /** The file is under its final name… */
  let written = false;
  /** …and its side file is written: from here on nothing removes it (a failed copy included). */
  let complete = false;
  try {
    const created = now();
    const asOf = input.asOf ?? created;
    const problems: Problem[] = [];

    // ---- 2. the model, per source ---------------------------------------------------------------
    const converted = [];
    for (const s of sources) {
      signal.throwIfAborted();
      const dir = path.join(staging, `src-${s.index}`);
      const r = await runConvert(
        { paths: [s.path], outDir: dir, asOf, ...(input.options ? { options: input.options } : {}) },
        { progress: { report: (p) => report('read', p.done, p.total, p.current, p.counters) } },
        signal,
      );
      converted.push({ source: s, dir, result: r });
      for (const src of r.sources) problems.push(...src.problems);
    }

    // ---- 3. originals and the hash pass ---------------------------------------------------------
    const originals: { source: number; files: OriginalFile[] }[] = [];
    for (const s of sources) {
      if (s.kind === 'folder') {
        const { files, skipped } = await listFolder(s.path, signal);
        for (const k of skipped) {
          problems.push({
            file: path.join(s.path, k.rel),
            code: 'unsafe-entry',
            severity: 'warning',
            message: `${path.join(s.path, k.rel)}: not backed up, it is ${k.why}`,
            params: { reason: 'link' },
          });
        }
        originals.push({ source: s.index, files });
      } else {
        originals.push({ source: s.index, files: [{ rel: path.basename(s.path), abs: s.path, size: s.stat.size, mtime: s.stat.mtime }] });
      }
    }
    const blobs = new Map<string, Blob>();
    /**
     * Files whose content is not known yet: each is hashed first when another file to store has
     * its size (it may be a duplicate), else read only once, when written under a number.
     */
    const pending: Pending[] = [];
    /** The pending file of each zip source (attachments inside it refer to it). */
    const zipPending = new Map<number, number>();
    // Rows of files still pending name them by `pending`; the index is completed after writing.
    const originalsIndex = writer(path.join(staging, 'originals.jsonl'));
    let hashTotal = originals.reduce((n, o) => n + o.files.reduce((m, f) => m + f.size, 0), 0);
    // Files of a folder export that convert hashed (its attachments): read once, when written.
    const claims = new Map<number, Map<string, string>>();
    for (const { source: s, dir, result } of converted) {
      const inv = result.sources[0];
      if (s.kind === 'folder' && inv && inv.attachments > inv.attachmentsMissing) claims.set(s.index, await convertedHashes(path.join(dir, 'messages.jsonl'), signal));
    }
    let originalFiles = 0;
    for (const o of originals) {
      for (const f of o.files) {
        signal.throwIfAborted();
        originalFiles++;
        const claim = claims.get(o.source)?.get(f.rel);
        // A second file claiming a hash already taken is read like the others (and must match).
        if (claim !== undefined && !blobs.has(claim)) {
          blobs.set(claim, { abs: f.abs, size: f.size, crc32: null, mtime: f.mtime });
          originalsIndex.write({ source: o.source, path: f.rel, size: f.size, sha256: claim, mtime: f.mtime.toISOString(), blob: blobName(claim) });
          continue;
        }
        const k = pending.push({ abs: f.abs, size: f.size, mtime: f.mtime, sha256: null, entry: null }) - 1;
        originalsIndex.write({ source: o.source, path: f.rel, mtime: f.mtime.toISOString(), pending: k });
        if (sources[o.source]!.kind === 'zip') zipPending.set(o.source, k);
      }
    }

    // ---- 4. chats, attachments ----------------------------------------------------------------
    report('index', 0, null);
    const splitter = new ChatSplitter(staging);
    const attachments = new Map<string, AttachmentRow>();
    /** Attachments inside an original zip → that zip's pending file. */
    const inZip = new Map<string, number>();
    const chatStats = new Map<string, { messages: number; events: number; attachments: number }>();
    let referenced = 0;
    let missing = 0;
    let messages = 0;
    let events = 0;
    for (const { source: s, dir } of converted) {
      const file = path.join(dir, 'messages.jsonl');
      if (!(await exists(file))) continue;
      let n = 0;
      for await (const line of lines(file)) {
        if (++n % 1000 === 0) {
          signal.throwIfAborted();
          report('index', n, null, file);
        }
        const m = JSON.parse(line) as MessageLine;
        const entry = chatEntryName(m.chat);
        await splitter.add(entry, line);
        if (m.kind === 'event') events++;
        else messages++;
        let st = chatStats.get(m.chat);
        if (!st) chatStats.set(m.chat, (st = { messages: 0, events: 0, attachments: 0 }));
        if (m.kind === 'event') st.events++;
        else st.messages++;
        for (const a of m.attachments ?? []) {
          if (a.missing || typeof a.sha256 !== 'string') {
            missing++;
            continue;
          }
          referenced++;
          st.attachments++;
          const known = attachments.get(a.sha256);
          if (known) {
            known.refs++;
            continue;
          }
          const blob = blobs.get(a.sha256);
          if (blob) {
            attachments.set(a.sha256, { sha256: a.sha256, size: blob.size, refs: 1, at: 'blob' });
          } else if (s.kind === 'zip' && zipPending.has(s.index) && a.path) {
            // Inside an original zip (stored once, as that zip): found again there on restore.
            let zip = zips.get(s.index);
            if (!zip) zips.set(s.index, (zip = await openZipContainer(s.path)));
            const st2 = await zip.stat(a.path);
            if (!st2) throw new BackupError(`${s.path}: an attachment (${a.path}) is no longer in the archive; run the backup again`, 'source-changed');
            // The zip's SHA-256 and entry are filled in once it is written.
            attachments.set(a.sha256, { sha256: a.sha256, size: st2.size, refs: 1, at: 'archive', archive: '', entry: a.path });
            inZip.set(a.sha256, zipPending.get(s.index)!);
          } else if (s.kind === 'file' && a.path) {
            // An export given as its main file: the media beside it are stored as blobs too, read
            // once, when written (they must still have the SHA-256 convert computed).
            const abs = safeJoin(path.dirname(s.path), a.path);
            if (!abs) continue;
            const st2 = await stat(abs).catch(() => null);
            if (!st2?.isFile()) throw new BackupError(`${abs}: the file changed while the backup was being made; run the backup again`, 'source-changed');
            blobs.set(a.sha256, { abs, size: st2.size, crc32: null, mtime: st2.mtime });
            attachments.set(a.sha256, { sha256: a.sha256, size: st2.size, refs: 1, at: 'blob' });
            // Part of the export as the user has it: restored beside the main file.
            originalsIndex.write({ source: s.index, path: a.path.replace(/\\/g, '/'), size: st2.size, sha256: a.sha256, mtime: st2.mtime.toISOString(), blob: blobName(a.sha256) });
            originalFiles++;
            hashTotal += st2.size;
          } else {
            throw new BackupError(`${s.path}: an attachment (${a.path ?? a.sha256}) changed while the backup was being made; run the backup again`, 'source-changed');
          }
        }
      }
    }
    for (const z of zips.values()) await z.close();
    zips.clear();
    await splitter.flushAll();
    done(originalsIndex);

    // ---- 4b. the hash pass: only files another file to store has the size of ---------------------
    // A file no other file has the size of cannot be a duplicate: it is read once, when written
    // (hashed then, on the hash worker), and stored under a number. The others are hashed first,
    // so duplicates are stored once (backup.md §5: reading twice is cheaper than undoing a
    // duplicate in a stream).
    const sameSize = new Map<number, number>();
    for (const b of blobs.values()) sameSize.set(b.size, (sameSize.get(b.size) ?? 0) + 1);
    for (const p of pending) sameSize.set(p.size, (sameSize.get(p.size) ?? 0) + 1);
    const toHash = pending.filter((p) => sameSize.get(p.size)! > 1);
    const measureTotal = toHash.reduce((n, p) => n + p.size, 0);
    report('hash', 0, measureTotal);
    let hashed = 0;
    for (const p of toHash) {
      signal.throwIfAborted();
      const m = await measure(p.abs, hashes, p.size, signal, pool, (n) => {
        hashed += n;
        report('hash', hashed, Math.max(hashed, measureTotal), p.abs);
      });
      p.sha256 = m.sha256;
      p.size = m.size;
      p.entry = blobName(m.sha256);
      if (!blobs.has(m.sha256)) blobs.set(m.sha256, { abs: p.abs, size: m.size, crc32: m.crc32, mtime: p.mtime });
    }
    const once = pending.filter((p) => p.entry === null);
    for (const [i, p] of once.entries()) p.entry = numberedBlobName(i + 1);

    // Model files merged across sources.
    const merged = { contacts: writer(path.join(staging, 'contacts.jsonl')), chats: writer(path.join(staging, 'chats.jsonl')), problems: writer(path.join(staging, 'problems.jsonl')) };
    const chats = new Map<string, ManifestChat>();
    let contacts = 0;
    let problemLines = 0;
    const manifestSources: ManifestSource[] = [];
    for (const { source: s, dir, result } of converted) {
      for await (const line of lines(path.join(dir, 'contacts.jsonl'))) {
        merged.contacts.write(JSON.parse(line));
        contacts++;
      }
      let sourceChats = 0;
      for await (const line of lines(path.join(dir, 'chats.jsonl'))) {
        const c = JSON.parse(line) as { id: string; title?: string | null; type?: string; messages?: number; events?: number };
        const entry = chatEntryName(c.id);
        merged.chats.write({ ...c, entry, sourceIndex: s.index });
        sourceChats++;
        const st = chatStats.get(c.id) ?? { messages: 0, events: 0, attachments: 0 };
        if (!chats.has(c.id)) chats.set(c.id, { id: c.id, title: c.title ?? null, type: c.type ?? 'unknown', entry, messages: st.messages, events: st.events, attachments: st.attachments });
      }
      for await (const line of lines(path.join(dir, 'problems.jsonl'))) {
        merged.problems.write(JSON.parse(line));
        problemLines++;
      }
      const inv = result.sources[0];
      const files = originals.find((o) => o.source === s.index)!.files;
      manifestSources.push({
        index: s.index,
        path: s.path,
        name: sourceName(s.index, s.path),
        kind: s.kind,
        format: inv?.format ?? null,
        ...(inv?.variant ? { variant: inv.variant } : {}),
        files: files.length,
        bytes: files.reduce((n, f) => n + f.size, 0),
        contacts: inv?.contacts ?? 0,
        chats: sourceChats,
        messages: (inv?.messages ?? 0) + (inv?.events ?? 0),
        problems: inv?.problems.length ?? 0,
      });
    }
    // Messages of chats the readers never declared still need a line (and a manifest row).
    for (const [id, st] of chatStats) {
      if (chats.has(id)) continue;
      const entry = chatEntryName(id);
      merged.chats.write({ id, title: null, type: 'unknown', entry, messages: st.messages, events: st.events });
      chats.set(id, { id, title: null, type: 'unknown', entry, messages: st.messages, events: st.events, attachments: st.attachments });
    }
    for (const p of problems.filter((x) => x.code === 'unsafe-entry' && x.params?.reason === 'link')) {
      merged.problems.write({ file: p.file, line: null, offset: null, code: p.code, severity: p.severity, message: p.message });
      problemLines++;
    }
    done(merged.contacts);
    done(merged.chats);
    done(merged.problems);

    // ---- 5. write --------------------------------------------------------------------------------
    const modelFiles: [string, string][] = [
      [MODEL.contacts, path.join(staging, 'contacts.jsonl')],
      [MODEL.chats, path.join(staging, 'chats.jsonl')],
      [MODEL.problems, path.join(staging, 'problems.jsonl')],
      ...[...new Set([...chats.values()].map((c) => c.entry))].sort().map((e) => [e, splitter.path(e)] as [string, string]),
    ];
    // The two index files are written after the blobs (they name what only the write learns);
    // sized here from the staged rows, with room for the hashes and entry names still to come.
    let modelBytes = Math.ceil((await sizeOf(path.join(staging, 'originals.jsonl'))) * 1.2) + pending.length * 100 + attachments.size * 400;
    for (const [, f] of modelFiles) modelBytes += await sizeOf(f);
    const blobBytes = [...blobs.values()].reduce((n, b) => n + b.size, 0) + once.reduce((n, p) => n + p.size, 0);
    const blobCount = blobs.size + once.length;
    const zipEstimate = modelBytes + blobBytes + (modelFiles.length + blobCount + 4) * 300 + 64 * 1024;
    const needed = sealedSize(zipEstimate) + 4096;
    const free = await statfs(outDir).then((f) => f.bavail * f.bsize).catch(() => Number.POSITIVE_INFINITY);
    if (free < needed) {
      throw new BackupError(`not enough free space in ${outDir}: the backup needs up to ${needed} bytes, ${free} are free`, 'no-space');
    }

    const verify = input.verify !== false;
    // The side file's SHA-256 is taken from the bytes as they are written (on the hash worker);
    // the read-back verification then proves the file on disk is exactly those bytes (every
    // chunk and the header MAC authenticate).
    // On a thread of its own: the plaintext of a blob is read straight into the other worker's
    // ring while this one hashes the ciphertext (two streams in one ring would wait on each other).
    const w = await createAgeFile(out, input.recipients.map((r) => r.recipient), { ciphertextHash: cipherHashes.stream() });
    const entries: ManifestEntry[] = [];
    const zip = new ZipWriter((b) => w.write(b), path.join(staging, 'central-directory.bin'));
    const writeTotal = zipEstimate;
    const add = async (name: string, source: Uint8Array | AsyncIterable<Uint8Array>, opts: Parameters<ZipWriter['add']>[2]) => {
      const r = await zip.add(name, source, { ...opts, signal });
      entries.push({ path: name, size: r.size, sha256: r.sha256 });
      report('write', zip.size, writeTotal, name);
      return r;
    };
    const changed = (abs: string, err: unknown) =>
      err instanceof SourceChangedError ? new BackupError(`${abs}: the file changed while the backup was being made; run the backup again`, 'source-changed', { cause: err }) : err;
    let plaintextSize = 0;
    let fileSize = 0;
    let cipherSha: string | null = null;
    try {
      await add(README_NAME, Buffer.from(readmeText(VERSION, created.toISOString())), { method: 'deflate', mtime: created });
      for (const [name, file] of modelFiles) {
        // A chat the export declares without messages has no staging file: an empty entry.
        const data = (await exists(file)) ? createReadStream(file, { highWaterMark: READ_CHUNK }) : Buffer.alloc(0);
        await add(name, data, { method: 'deflate', mtime: created, sizeHint: await sizeOf(file) });
      }
      for (const [sha, b] of blobs) {
        signal.throwIfAborted();
        try {
          if (b.crc32 !== null) {
            // Hashed before: checked by size and CRC-32.
            await add(blobName(sha), readChunks(b.abs, signal, pool, b.size), { method: 'store', mtime: b.mtime, expect: { size: b.size, crc32: b.crc32, sha256: sha } });
          } else {
            // Not read before: hashed now (read straight into the hash worker's ring) and checked.
            const h = hashes.sha256(b.size);
            await add(blobName(sha), readIntoHash(b.abs, h, signal, pool, b.size), { method: 'store', mtime: b.mtime, expect: { size: b.size, sha256: sha }, hashedBySource: h });
          }
        } catch (err) {
          throw changed(b.abs, err);
        }
      }
      for (const p of once) {
        signal.throwIfAborted();
        try {
          // Read only now: its size is checked, its SHA-256 (on the hash worker) recorded.
          const h = hashes.sha256(p.size);
          p.sha256 = (await add(p.entry!, readIntoHash(p.abs, h, signal, pool, p.size), { method: 'store', mtime: p.mtime, expect: { size: p.size }, hashedBySource: h })).sha256;
        } catch (err) {
          throw changed(p.abs, err);
        }
      }
      // The indexes, now that every content has its hash and entry.
      const finalOriginals = writer(path.join(staging, 'originals.final.jsonl'));
      for await (const line of lines(path.join(staging, 'originals.jsonl'))) {
        const row = JSON.parse(line) as { source: number; path: string; size?: number; sha256?: string; mtime: string | null; blob?: string; pending?: number };
        if (row.pending === undefined) finalOriginals.write(row);
        else {
          const p = pending[row.pending]!;
          finalOriginals.write({ source: row.source, path: row.path, size: p.size, sha256: p.sha256, mtime: row.mtime, blob: p.entry });
        }
      }
      done(finalOriginals);
      await add(INDEX.originals, createReadStream(path.join(staging, 'originals.final.jsonl'), { highWaterMark: READ_CHUNK }), { method: 'deflate', mtime: created });
      const attachmentsIndex = writer(path.join(staging, 'attachments.jsonl'));
      for (const row of attachments.values()) {
        const k = inZip.get(row.sha256);
        attachmentsIndex.write(
          row.at === 'archive' && k !== undefined ? { ...row, archive: pending[k]!.sha256!, archiveBlob: pending[k]!.entry! } : row.at === 'blob' ? { ...row, blob: blobName(row.sha256) } : row,
        );
      }
      done(attachmentsIndex);
      await add(INDEX.attachments, createReadStream(path.join(staging, 'attachments.jsonl'), { highWaterMark: READ_CHUNK }), { method: 'deflate', mtime: created });
      const manifest: Manifest = {
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        app: { name: 'Pereezd', version: VERSION },
        created: created.toISOString(),
        sources: manifestSources,
        counts: {
          sources: sources.length,
          originalFiles,
          originalBytes: hashTotal,
          blobs: blobCount,
          blobBytes,
          contacts,
          chats: chats.size,
          messages,
          events,
          problems: problemLines,
          attachments: {
            referenced,
            distinct: attachments.size,
            asBlobs: [...attachments.values()].filter((a) => a.at === 'blob').length,
            inArchives: [...attachments.values()].filter((a) => a.at === 'archive').length,
            missing,
          },
        },
        chats: [...chats.values()],
        entries: [...entries],
      };
      await add(MANIFEST_NAME, Buffer.from(JSON.stringify(manifest, null, 1) + '\n'), { method: 'deflate', mtime: created });
      const end = await zip.finish();
      plaintextSize = end.size;
      const sealed = await w.finish();
      fileSize = sealed.size;
      cipherSha = sealed.sha256;
      // Its work is done: the read-back verification below brings its own thread.
      await hashes.close();
      await cipherHashes.close();

      // ---- 6. verify what is on disk, still under its .partial name --------------------------
      let verified: VerifyReport | null = null;
      if (verify) {
        verified = await verifyBackup(w.partialPath, { mode: 'full', identities: [knownFileKey(w.fileKey)] }, {
          progress: { report: (p) => report('verify', p.done, p.total, p.current) },
        }, signal);
        if (!verified.ok) throw new BackupError(`the backup did not verify after writing and was removed: ${verified.problems.slice(0, 3).join('; ')}`, 'verify-failed');
        verified.file = out;
        verified.ciphertextSha256 = cipherSha;
      }
      await w.publish();
      written = true;

      const side: SideFile = {
        format: `${BACKUP_FORMAT}-side`,
        formatVersion: BACKUP_FORMAT_VERSION,
        file: path.basename(out),
        size: fileSize,
        sha256: cipherSha!,
        created: created.toISOString(),
        app: { name: 'Pereezd', version: VERSION },
        recipients: input.recipients.map((r) => ({ role: r.role, fingerprint: recipientFingerprint(r.recipient) })),
      };
      const sideFile = `${out}.json`;
      await writeFileAtomic(sideFile, JSON.stringify(side, null, 2) + '\n', 0o644);
      complete = true;

      // ---- 7. second copy -------------------------------------------------------------------------
      let copy: BackupResult['copy'] = null;
      let copyError: string | null = null;
      if (copyTo) {
        try {
          copy = await copyBackup(out, side, copyTo, (done, total) => report('copy', done, total, out), signal);
        } catch (err) {
          signal.throwIfAborted();
          // The first copy is complete and verified: a failed second copy is reported, not fatal.
          copyError = (err as Error).message;
        }
      }

      return {
        file: out,
        sideFile,
        size: fileSize,
        sha256: cipherSha!,
        plaintextSize,
        manifest: { counts: manifest.counts, sources: manifest.sources, created: manifest.created },
        entries: entries.length,
        verified,
        copy,
        copyError,
        problems,
      };
    } catch (err) {
      if (!written) await w.abort();
      throw err;
    }
  } catch (err) {
    if (written && !complete) {
      // Published but the side file failed: never leave it looking complete.
      await rm(out, { force: true }).catch(() => undefined);
      await rm(`${out}.json`, { force: true }).catch(() => undefined);
    }
    throw err;
  } finally {
    for (const z of zips.values()) await z.close().catch(() => undefined);
    for (const w of openWriters) {
      try {
        w.abandon();
      } catch {
        // already failing; the staging folder goes anyway
      }
    }
    await hashes.close();
    await cipherHashes.close();
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Copies a finished backup into `dir` (crash-safe: `.partial`, fsync, rename, fsync of the
 * folder), re-reads the copy and compares its SHA-256 with the side file, then writes the side
 * file next to it.
 */
export async function copyBackup(
  file: string,
  side: SideFile,
  dir: string,
  onBytes: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<{ file: string; sideFile: string; sha256: string }> {
  const dest = path.join(dir, path.basename(file));
  if (await exists(dest)) throw new BackupError(`${dest} already exists`, 'exists');
  const partial = dest + PARTIAL_SUFFIX;
  const fh = await open(partial, 'wx', 0o600);
  let done = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 4 * READ_CHUNK, signal })) {
      const b = chunk as Buffer;
      let off = 0;
      while (off < b.length) off += (await fh.write(b, off)).bytesWritten;
      done += b.length;
      onBytes(done, side.size * 2);
    }
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(partial, { force: true });
    throw err;
  }
  await fh.close();
  await rename(partial, dest);
  await fsyncDir(dir);
  // Quick verify of the copy: size and SHA-256 of what is now on the other drive.
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(dest, { highWaterMark: 4 * READ_CHUNK, signal })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
    onBytes(side.size + size, side.size * 2);
  }
  const sha256 = hash.digest('hex');
  if (size !== side.size || sha256 !== side.sha256) {
    await rm(dest, { force: true });
    throw new BackupError(`the copy in ${dir} does not match the backup (size or SHA-256 differ) and was removed; the first copy is fine`, 'copy-failed');
  }
  const sideFile = `${dest}.json`;
  await writeFileAtomic(sideFile, JSON.stringify(side, null, 2) + '\n', 0o644);
  return { file: dest, sideFile, sha256 };
}
