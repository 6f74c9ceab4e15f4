/**
 * Verifying a backup (backup.md §6).
 * - quick: no key. Size and SHA-256 of the file against its side file `<file>.json`: catches bit
 *   rot and truncation of the copy, says nothing about who made it.
 * - full: with a key. One sequential pass over the file: every encrypted chunk authenticates (so
 *   nothing was changed, reordered, cut or appended), every zip entry is inflated and its size,
 *   CRC-32 and SHA-256 match the central directory and the manifest; then the indexes are checked
 *   (every attachment and every original resolves to stored bytes).
 * - sample N: N random entries read through random access, plus the first and last chunks.
 * Damage is reported (ok = false, problems in plain words); a missing key or file throws.
 */
import { createHash, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { Identity } from 'age-encryption';
import type { JobProgress } from '../../../shared/model/index.js';
import { crc32 as crc32Js } from '../archive/crc32.js';
import { openZipSource, type ZipEntryInfo } from '../archive/zip.js';
import type { IProgress } from '../progress.js';
import { AgeHeaderError } from './age-header.js';
import { AgePayloadError, CHUNK_SIZE } from './age-stream.js';
import {
  AttachmentRowSchema,
  blobIndex,
  blobNameHash,
  INDEX,
  type Manifest,
  type ManifestEntry,
  MANIFEST_NAME,
  OriginalRowSchema,
  type SideFile,
  SideFileSchema,
} from './manifest.js';
import { HashWorker, localSha256, type Reservation, type Sha256Stream } from './hash-worker.js';
import { BACKUP_ZIP_LIMITS, BackupFormatError, openBackup, type OpenedBackup, payloadSource, readAllStream, storedEntrySource } from './reader.js';

const crc32: (data: Uint8Array, value?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (d, v) => zlib.crc32(d, v) : (d, v) => crc32Js(d, v);

export type VerifyMode = 'quick' | 'full' | 'sample';

export interface VerifyOptions {
  mode: VerifyMode;
  /** sample: how many entries. */
  sample?: number;
  /** full, sample: who opens the backup (AGE-SECRET-KEY-1… or typage identities). */
  identities?: readonly (string | Identity)[];
  /** full: also compute the SHA-256 of the file (for the side file) in the same pass. */
  hashCiphertext?: boolean;
}

export interface VerifyReport {
  mode: VerifyMode;
  ok: boolean;
  file: string;
  size: number;
  ciphertextSha256: string | null;
  sideFile: 'match' | 'mismatch' | 'missing' | 'invalid' | 'not-checked';
  entries: { checked: number; total: number };
  chunks: { checked: number; total: number };
  /** Plain-language findings; empty when ok. */
  problems: string[];
  manifest: { created: string; counts: Manifest['counts'] } | null;
}

export async function readSideFile(file: string): Promise<{ side: SideFile | null; state: 'ok' | 'missing' | 'invalid' }> {
  let text: string;
  try {
    text = await readFile(`${file}.json`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { side: null, state: 'missing' };
    throw err;
  }
  try {
    const parsed = SideFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? { side: parsed.data, state: 'ok' } : { side: null, state: 'invalid' };
  } catch {
    return { side: null, state: 'invalid' };
  }
}

async function sha256File(file: string, signal: AbortSignal, onBytes: (n: number) => void): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const c of createReadStream(file, { highWaterMark: 4 << 20, signal })) {
    hash.update(c as Buffer);
    size += (c as Buffer).length;
    onBytes(size);
  }
  return { sha256: hash.digest('hex'), size };
}

export async function verifyBackup(
  file: string,
  options: VerifyOptions,
  deps: { progress: IProgress<JobProgress> },
  signal: AbortSignal,
): Promise<VerifyReport> {
  const fh = await open(file, 'r');
  const size = (await fh.stat()).size;
  await fh.close();
  const report: VerifyReport = {
    mode: options.mode,
    ok: false,
    file,
    size,
    ciphertextSha256: null,
    sideFile: 'not-checked',
    entries: { checked: 0, total: 0 },
    chunks: { checked: 0, total: 0 },
    problems: [],
    manifest: null,
  };

  if (options.mode === 'quick') {
    const { side, state } = await readSideFile(file);
    if (!side) {
      report.sideFile = state === 'missing' ? 'missing' : 'invalid';
      report.problems.push(
        state === 'missing'
          ? `there is no side file (${file}.json) to compare with; a quick check needs it — run a full verification instead`
          : `the side file ${file}.json is damaged; run a full verification instead`,
      );
      return report;
    }
    const { sha256 } = await sha256File(file, signal, (n) => deps.progress.report({ done: n, total: size, unit: 'bytes', current: file }));
    report.ciphertextSha256 = sha256;
    if (side.size !== size) report.problems.push(`the file is ${size} bytes, the side file says ${side.size}: it was truncated or changed`);
    if (side.sha256 !== sha256) report.problems.push('the SHA-256 of the file does not match its side file: the file was damaged or changed');
    report.sideFile = report.problems.length === 0 ? 'match' : 'mismatch';
    report.ok = report.problems.length === 0;
    return report;
  }

  if (!options.identities || options.identities.length === 0) throw new Error('a full or sample verification needs a key');
  let opened: OpenedBackup;
  try {
    opened = await openBackup(file, options.identities);
  } catch (err) {
    if (err instanceof AgeHeaderError && err.code === 'no-match') throw err;
    if (err instanceof AgeHeaderError || err instanceof AgePayloadError || err instanceof BackupFormatError || (err as { name?: string }).name === 'ZipError') {
      report.problems.push((err as Error).message);
      return report;
    }
    throw err;
  }
  try {
    report.manifest = { created: opened.manifest.created, counts: opened.manifest.counts };
    report.entries.total = opened.manifest.entries.length + 1; // and the manifest itself
    report.chunks.total = opened.age.payload.chunks;
    if (options.mode === 'full') await fullPass(opened, options, report, deps, signal);
    else await samplePass(opened, options.sample ?? 10, report, signal);
    report.chunks.checked = opened.age.payload.chunks - opened.age.payload.unseenChunks();
  } catch (err) {
    signal.throwIfAborted();
    if (err instanceof AgePayloadError || err instanceof BackupFormatError || (err as { name?: string }).name === 'ZipError') report.problems.push((err as Error).message);
    else throw err;
  } finally {
    await opened.close();
  }
  if (options.hashCiphertext && report.ciphertextSha256) {
    const { side, state } = await readSideFile(file);
    if (side) {
      report.sideFile = side.sha256 === report.ciphertextSha256 && side.size === size ? 'match' : 'mismatch';
      if (report.sideFile === 'mismatch') report.problems.push('the side file does not describe this file (size or SHA-256 differ)');
    } else report.sideFile = state === 'missing' ? 'missing' : 'invalid';
  }
  report.ok = report.problems.length === 0;
  return report;
}

/** Cross-checks between the central directory and the manifest; returns expected entries by path. */
function checkDirectory(opened: OpenedBackup, report: VerifyReport): Map<string, ManifestEntry> {
  const expected = new Map<string, ManifestEntry>();
  for (const e of opened.manifest.entries) {
    if (expected.has(e.path)) report.problems.push(`the manifest lists ${e.path} twice`);
    expected.set(e.path, e);
  }
  const seen = new Set<string>();
  const all = opened.zip.entries();
  for (const info of all) {
    if (seen.has(info.path)) report.problems.push(`the archive holds ${info.path} twice`);
    seen.add(info.path);
    if (info.path === MANIFEST_NAME) continue;
    const e = expected.get(info.path);
    if (!e) report.problems.push(`the archive holds ${info.path}, which the manifest does not list`);
    else if (e.size !== info.size) report.problems.push(`${info.path}: the archive says ${info.size} bytes, the manifest ${e.size}`);
  }
  for (const e of opened.manifest.entries) if (!seen.has(e.path)) report.problems.push(`${e.path} is listed in the manifest but missing from the archive`);
  const last = [...all].sort((a, b) => a.offset - b.offset).at(-1);
  if (last && last.path !== MANIFEST_NAME) report.problems.push('manifest.json is not the last entry: the archive was rearranged');
  return expected;
}

/**
 * Checks one entry's bytes as they stream by. Stored entries are hashed on the hash worker (the
 * caller's thread is busy decrypting); CRC-32 is checked only for entries the manifest does not
 * cover (the manifest itself): for the others SHA-256 is the stronger check of the same bytes.
 */
class EntryCheck {
  private readonly hash: Sha256Stream;
  private crc = 0;
  private produced = 0;
  private readonly inflater: zlib.InflateRaw | null;
  private error: Error | null = null;
  private readonly checkCrc: boolean;

  constructor(
    readonly info: ZipEntryInfo,
    private readonly expected: ManifestEntry | undefined,
    hashes: HashWorker,
  ) {
    this.checkCrc = !expected;
    this.inflater = info.method === 8 ? zlib.createInflateRaw() : null;
    // Inflated bytes arrive in synchronous events: those are hashed in this thread.
    this.hash = this.inflater ? localSha256() : hashes.sha256(info.size);
    if (this.inflater) {
      const local = this.hash;
      this.inflater.on('data', (d: Buffer) => {
        if (this.count(d)) void local.update(d);
      });
      this.inflater.on('error', (e) => {
        this.error ??= e;
      });
    } else if (info.method !== 0) {
      this.error = new Error(`compression method ${info.method} is not one a backup uses`);
    }
  }

  /** Counts bytes out; false (and an error) once they exceed the declared size. */
  private count(d: Buffer): boolean {
    this.produced += d.length;
    if (this.produced > this.info.size) {
      this.error ??= new Error(`it expands beyond its declared ${this.info.size} bytes`);
      this.inflater?.destroy();
      return false;
    }
    if (this.checkCrc) this.crc = crc32(d, this.crc);
    return true;
  }

  /**
   * Room to decrypt the next `len` bytes of this entry straight into the hash worker's ring
   * (stored entries only), or null.
   */
  async target(len: number): Promise<Reservation | null> {
    if (this.inflater || this.error || !this.hash.reserve || this.produced + len > this.info.size) return null;
    return this.hash.reserve(len);
  }

  /** Bytes that went to the hash worker through `target`. */
  took(len: number): void {
    this.produced += len;
  }

  async feed(data: Buffer): Promise<void> {
    if (this.error) return;
    if (!this.inflater) {
      if (this.count(data)) await this.hash.update(data);
      return;
    }
    if (!this.inflater.write(data)) {
      // Whichever comes first; the other wait is withdrawn (left waiting, each backpressure added two listeners for good).
      const stop = new AbortController();
      const waits = [once(this.inflater, 'drain', { signal: stop.signal }), once(this.inflater, 'close', { signal: stop.signal })];
      for (const w of waits) w.catch(() => undefined);
      try {
        await Promise.race(waits);
      } finally {
        stop.abort();
      }
    }
  }

  /** Problems with this entry (empty when it is intact). */
  async end(): Promise<string[]> {
    if (this.inflater && !this.inflater.destroyed) {
      this.inflater.end();
      await finished(this.inflater).catch((e: Error) => {
        this.error ??= e;
      });
    }
    const name = this.info.path;
    const sha = await this.hash.digest();
    if (this.error) return [`${name} is damaged (${this.error.message})`];
    const out: string[] = [];
    if (this.produced !== this.info.size) out.push(`${name} is damaged (${this.produced} bytes instead of ${this.info.size})`);
    else if (this.checkCrc && this.crc >>> 0 !== this.info.crc32) out.push(`${name} is damaged (CRC-32 mismatch)`);
    if (this.expected && this.expected.sha256 !== sha) out.push(`${name} does not match the SHA-256 in the manifest`);
    const claimed = blobNameHash(name);
    if (claimed && claimed !== sha) out.push(`${name} does not hold the content its name says`);
    return out;
  }
}

/** Feeds the plaintext, in order, to the entry it belongs to (local headers are parsed on the way). */
class SequentialEntries {
  private i = 0;
  private state: 'seek' | 'header' | 'data' = 'seek';
  private header = Buffer.alloc(0);
  private remaining = 0;
  private current: EntryCheck | null = null;
  /** Entry results still being computed (digests come back from the hash worker). */
  private pending: Promise<void>[] = [];
  checked = 0;

  constructor(
    private readonly entries: ZipEntryInfo[],
    private readonly expected: Map<string, ManifestEntry>,
    private readonly problems: string[],
    private readonly hashes: HashWorker,
  ) {}

  /** Where the next pushed byte is expected. */
  private at = 0;

  /** A ring reservation for the chunk at `pos` when it lies wholly inside a stored entry's data. */
  async target(pos: number, length: number): Promise<Reservation | null> {
    if (this.state !== 'data' || this.at !== pos || this.remaining < length || !this.current) return null;
    return this.current.target(length);
  }

  /** A chunk decrypted into the reservation `target` gave. */
  async pushDirect(length: number): Promise<void> {
    this.current!.took(length);
    this.remaining -= length;
    this.at += length;
    if (this.remaining === 0) await this.finishEntry();
  }

  async push(buf: Buffer, pos: number): Promise<void> {
    this.at = pos + buf.length;
    while (buf.length > 0) {
      const cur = this.entries[this.i];
      if (!cur) return;
      if (this.state === 'seek') {
        if (cur.offset < pos) {
          this.problems.push(`${cur.path} overlaps the entry before it`);
          this.i++;
          continue;
        }
        if (pos + buf.length <= cur.offset) return;
        buf = buf.subarray(cur.offset - pos);
        pos = cur.offset;
        this.state = 'header';
        this.header = Buffer.alloc(0);
      }
      if (this.state === 'header') {
        const need = this.header.length < 30 ? 30 : 30 + this.header.readUInt16LE(26) + this.header.readUInt16LE(28);
        const take = Math.min(need - this.header.length, buf.length);
        this.header = Buffer.concat([this.header, buf.subarray(0, take)]);
        buf = buf.subarray(take);
        pos += take;
        if (this.header.length < need) continue;
        if (this.header.readUInt32LE(0) !== 0x04034b50) {
          this.problems.push(`${cur.path} is damaged (no local header where the directory says)`);
          this.i++;
          this.state = 'seek';
          continue;
        }
        if (need === 30) continue; // now the name and extra lengths are known
        const nameLength = this.header.readUInt16LE(26);
        if (this.header.subarray(30, 30 + nameLength).toString('utf8') !== cur.path) {
          this.problems.push(`${cur.path}: the local header names a different file`);
        }
        this.current = new EntryCheck(cur, this.expected.get(cur.path), this.hashes);
        this.remaining = cur.compressedSize;
        this.state = 'data';
        if (this.remaining === 0) await this.finishEntry();
        continue;
      }
      // data
      const take = Math.min(this.remaining, buf.length);
      await this.current!.feed(buf.subarray(0, take));
      buf = buf.subarray(take);
      pos += take;
      this.remaining -= take;
      if (this.remaining === 0) await this.finishEntry();
    }
  }

  private async finishEntry(): Promise<void> {
    const entry = this.current!;
    this.pending.push(entry.end().then((p) => void this.problems.push(...p)));
    if (this.pending.length >= 256) await this.settle();
    this.checked++;
    this.current = null;
    this.i++;
    this.state = 'seek';
  }

  /** Waits for every entry result still outstanding. */
  async settle(): Promise<void> {
    const p = this.pending;
    this.pending = [];
    await Promise.all(p);
  }

  /** Entries the plaintext ended before. */
  unfinished(): string[] {
    return this.entries.slice(this.i).map((e) => e.path);
  }
}

async function fullPass(
  opened: OpenedBackup,
  options: VerifyOptions,
  report: VerifyReport,
  deps: { progress: IProgress<JobProgress> },
  signal: AbortSignal,
): Promise<void> {
  const expected = checkDirectory(opened, report);
  const entries = opened.zip
    .entries()
    .filter((e) => !e.isDirectory)
    .sort((a, b) => a.offset - b.offset);
  const hashes = new HashWorker();
  try {
    const walker = new SequentialEntries(entries, expected, report.problems, hashes);
    const { payload } = opened.age;
    const cipher = options.hashCiphertext ? hashes.stream() : null;
    if (cipher) {
      const fh = await open(opened.file, 'r');
      try {
        const head = Buffer.alloc(opened.age.payloadStart);
        await fh.read(head, 0, head.length, 0);
        await cipher.update(head);
      } finally {
        await fh.close();
      }
    }
    const total = opened.age.size;
    let done = opened.age.payloadStart;
    let sealedBatch: Buffer | null = null;
    const chunks = payload.chunksInOrder(
      0,
      payload.chunks - 1,
      (sealed) => {
        sealedBatch = sealed;
        done += sealed.length;
      },
      (index, length) => walker.target(index * CHUNK_SIZE, length),
    );
    for await (const c of chunks) {
      if (sealedBatch && cipher) {
        const b: Buffer = sealedBatch;
        sealedBatch = null;
        await cipher.update(b);
      }
      if (c.index % 64 === 0) {
        signal.throwIfAborted();
        deps.progress.report({ done, total, unit: 'bytes', current: opened.file });
      }
      if (c.direct) await walker.pushDirect(c.plain.length);
      else await walker.push(c.plain, c.index * CHUNK_SIZE);
    }
    await walker.settle();
    deps.progress.report({ done: total, total, unit: 'bytes', current: opened.file });
    for (const name of walker.unfinished()) report.problems.push(`${name} is cut off: the archive ends before it`);
    report.entries.checked = walker.checked;
    if (cipher) report.ciphertextSha256 = await cipher.digest();
  } finally {
    await hashes.close();
  }
  await checkIndexes(opened, expected, report, signal);
}

async function readJsonl<T>(opened: OpenedBackup, entry: string, parse: (v: unknown) => T, report: VerifyReport): Promise<T[]> {
  if (!(await opened.zip.stat(entry))) {
    report.problems.push(`${entry} is missing`);
    return [];
  }
  const text = (await readAllStream(opened.zip.open(entry))).toString('utf8');
  const rows: T[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line) continue;
    try {
      rows.push(parse(JSON.parse(line)));
    } catch {
      report.problems.push(`${entry} line ${i + 1} is not a valid row`);
    }
  }
  return rows;
}

/** Every original and every attachment resolves to stored bytes; every chat's file exists. */
async function checkIndexes(opened: OpenedBackup, expected: Map<string, ManifestEntry>, report: VerifyReport, signal: AbortSignal): Promise<void> {
  for (const c of opened.manifest.chats) if (!expected.has(c.entry)) report.problems.push(`the messages of chat ${c.id} (${c.entry}) are missing`);
  const blobs = blobIndex(opened.manifest.entries);
  const originals = await readJsonl(opened, INDEX.originals, (v) => OriginalRowSchema.parse(v), report);
  let missingOriginals = 0;
  let misnamed = 0;
  for (const o of originals) {
    const blob = blobs.get(o.sha256);
    if (!blob) missingOriginals++;
    // The entry a row names for manual recovery (format 2) must hold that content.
    else if (o.blob !== undefined && expected.get(o.blob)?.sha256 !== o.sha256) misnamed++;
  }
  if (missingOriginals) report.problems.push(`${missingOriginals} original files have no stored content`);
  if (misnamed) report.problems.push(`${misnamed} rows of ${INDEX.originals} name an entry that does not hold their content`);
  if (originals.length !== opened.manifest.counts.originalFiles) report.problems.push(`the manifest counts ${opened.manifest.counts.originalFiles} original files, the index lists ${originals.length}`);
  const attachments = await readJsonl(opened, INDEX.attachments, (v) => AttachmentRowSchema.parse(v), report);
  const nested = new Map<string, { entry: string; size: number }[]>();
  let missingAttachments = 0;
  for (const a of attachments) {
    if (a.at === 'blob') {
      if (!blobs.has(a.sha256)) missingAttachments++;
    } else if (!blobs.has(a.archive)) missingAttachments++;
    else {
      let list = nested.get(a.archive);
      if (!list) nested.set(a.archive, (list = []));
      list.push({ entry: a.entry, size: a.size });
    }
  }
  // Attachments inside original zips: the zip's own directory must list them with that size.
  for (const [archive, list] of nested) {
    signal.throwIfAborted();
    const blob = blobs.get(archive);
    const info = blob && opened.zip.entries().find((e) => e.path === blob.path);
    if (!info) continue;
    try {
      const inner = await openZipSource(`${opened.file}!/${info.path}`, await storedEntrySource(payloadSource(opened.age), info), BACKUP_ZIP_LIMITS);
      try {
        for (const a of list) {
          const st = await inner.stat(a.entry);
          if (!st || st.size !== a.size) missingAttachments++;
        }
      } finally {
        await inner.close();
      }
    } catch (err) {
      report.problems.push(`the original archive ${info.path} cannot be read (${(err as Error).message})`);
    }
  }
  if (missingAttachments) report.problems.push(`${missingAttachments} attachments have no stored content`);
  if (attachments.length !== opened.manifest.counts.attachments.distinct) {
    report.problems.push(`the manifest counts ${opened.manifest.counts.attachments.distinct} distinct attachments, the index lists ${attachments.length}`);
  }
}

async function samplePass(opened: OpenedBackup, n: number, report: VerifyReport, signal: AbortSignal): Promise<void> {
  checkDirectory(opened, report);
  await opened.age.payload.chunk(0);
  const all = opened.manifest.entries;
  const picked = new Set<number>();
  const want = Math.min(Math.max(0, Math.floor(n)), all.length);
  while (picked.size < want) picked.add(randomInt(all.length));
  for (const i of [...picked].sort((a, b) => a - b)) {
    signal.throwIfAborted();
    const e = all[i]!;
    if (!(await opened.zip.stat(e.path))) continue; // reported by checkDirectory
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const c of opened.zip.open(e.path, signal)) {
        hash.update(c as Buffer);
        size += (c as Buffer).length;
      }
      const sha = hash.digest('hex');
      if (size !== e.size || sha !== e.sha256) report.problems.push(`${e.path} does not match the manifest`);
      else if (blobNameHash(e.path) && blobNameHash(e.path) !== sha) report.problems.push(`${e.path} does not hold the content its name says`);
    } catch (err) {
      if (err instanceof AgePayloadError) throw err;
      report.problems.push(`${e.path} is damaged (${(err as Error).message})`);
    }
    report.entries.checked++;
  }
}
