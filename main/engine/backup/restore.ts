/**
 * Restoring from a backup into a folder: everything (the original exports byte for byte, with
 * their modification times, and the normalised model), one chat (its messages and the files it
 * references), or the contacts only. Reading goes through the zip's central directory and
 * decrypts only the chunks the chosen entries occupy, so restoring one chat costs in proportion
 * to that chat, not to the backup.
 *
 * The backup is untrusted input: every path comes from it is checked before use (nothing is
 * written outside the target folder), existing files are never overwritten, every file is
 * written as `.partial` and renamed once its SHA-256 matched.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Identity } from 'age-encryption';
import type { JobProgress } from '../../../shared/model/index.js';
import { openZipSource, type ZipContainer } from '../archive/zip.js';
import type { IProgress } from '../progress.js';
import { safeJoin } from '../sources/container.js';
import { moveNoReplace, PARTIAL_SUFFIX } from './age-file.js';
import {
  type AttachmentRow,
  AttachmentRowSchema,
  blobIndex,
  INDEX,
  type ManifestChat,
  type ManifestEntry,
  MANIFEST_NAME,
  MODEL,
  OriginalRowSchema,
  README_NAME,
} from './manifest.js';
import { BACKUP_ZIP_LIMITS, BackupFormatError, openBackup, type OpenedBackup, payloadSource, readAllStream, storedEntrySource } from './reader.js';

export type RestoreSelection = { kind: 'all' } | { kind: 'chat'; id: string } | { kind: 'contacts' };

export interface RestoreInput {
  file: string;
  /** Target folder (created when missing; existing files in it are never replaced). */
  to: string;
  select: RestoreSelection;
  identities: readonly (string | Identity)[];
}

export interface RestoreResult {
  to: string;
  /** Files written, relative to `to`. */
  files: string[];
  bytes: number;
  /** Entries of the backup that could not be restored, and why. */
  problems: string[];
  /** Decrypted chunks / chunks in the backup. */
  chunks: { decrypted: number; total: number };
  chat?: ManifestChat;
}

export class RestoreError extends Error {
  constructor(
    message: string,
    readonly code: 'no-such-chat' | 'exists' | 'bad-target',
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}

/** A file or folder name from the backup, made safe as one path segment. */
export function safeSegment(name: string): string {
  const s = name.replace(/[^\p{L}\p{N}._ %@()+,=-]/gu, '_').slice(0, 120);
  return s === '' || s === '.' || s === '..' ? '_' : s;
}

class TargetWriter {
  readonly files: string[] = [];
  bytes = 0;
  constructor(
    private readonly root: string,
    private readonly signal: AbortSignal,
  ) {}

  /** Absolute path for a relative one, or null when it would leave the target folder. */
  resolve(rel: string): string | null {
    return safeJoin(this.root, rel);
  }

  async exists(rel: string): Promise<boolean> {
    const abs = this.resolve(rel);
    if (!abs) return false;
    return lstat(abs).then(
      () => true,
      () => false,
    );
  }

  /**
   * Writes `data` to `rel` as `.partial`, checks size and SHA-256 when given, then moves it into
   * place without replacing anything.
   */
  async write(rel: string, data: Readable | Buffer, expect?: { size: number; sha256: string }, mtime?: Date): Promise<void> {
    const abs = this.resolve(rel);
    if (!abs) throw new BackupFormatError(`refusing to write ${JSON.stringify(rel)}: it points outside the target folder`);
    await mkdir(path.dirname(abs), { recursive: true });
    const partial = abs + PARTIAL_SUFFIX;
    const fh = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(data) ? [data] : (data as AsyncIterable<Buffer>);
      for await (const c of chunks) {
        this.signal.throwIfAborted();
        hash.update(c);
        size += c.length;
        let off = 0;
        while (off < c.length) off += (await fh.write(c, off)).bytesWritten;
      }
      await fh.sync();
    } catch (err) {
      await fh.close();
      await rm(partial, { force: true });
      throw err;
    }
    await fh.close();
    const sha = hash.digest('hex');
    if (expect && (expect.size !== size || expect.sha256 !== sha)) {
      await rm(partial, { force: true });
      throw new BackupFormatError(`${rel}: the restored bytes do not match the backup's SHA-256`);
    }
    if (mtime && !Number.isNaN(mtime.getTime())) await utimes(partial, mtime, mtime).catch(() => undefined);
    try {
      await moveNoReplace(partial, abs);
    } catch (err) {
      await rm(partial, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new RestoreError(`${abs} already exists; restore into an empty folder`, 'exists');
      throw err;
    }
    this.files.push(rel);
    this.bytes += size;
  }
}

function jsonlRows<T>(text: string, parse: (v: unknown) => T, entry: string, problems: string[]): T[] {
  const out: T[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line) continue;
    try {
      out.push(parse(JSON.parse(line)));
    } catch {
      problems.push(`${entry} line ${i + 1} is not a valid row; skipped`);
    }
  }
  return out;
}

/** Where attachments' bytes are: their blob, or an entry of an original zip (opened once each). */
class AttachmentLocator {
  private index: Map<string, AttachmentRow> | null = null;
  private readonly archives = new Map<string, ZipContainer>();
  constructor(
    private readonly opened: OpenedBackup,
    /** Blob entries by the SHA-256 of their content. */
    private readonly blobs: Map<string, ManifestEntry>,
    private readonly problems: string[],
  ) {}

  async open(sha256: string): Promise<{ stream: Readable; size: number } | null> {
    const direct = this.blobs.get(sha256);
    if (direct) return { stream: this.opened.zip.open(direct.path), size: direct.size };
    if (!this.index) {
      this.index = new Map();
      const text = (await readAllStream(this.opened.zip.open(INDEX.attachments))).toString('utf8');
      for (const row of jsonlRows(text, (v) => AttachmentRowSchema.parse(v), INDEX.attachments, this.problems)) this.index.set(row.sha256, row);
    }
    const row = this.index.get(sha256);
    if (!row || row.at !== 'archive') return null;
    let inner = this.archives.get(row.archive);
    if (!inner) {
      const blob = this.blobs.get(row.archive);
      const info = blob && this.opened.zip.entries().find((e) => e.path === blob.path);
      if (!info) return null;
      inner = await openZipSource(`${this.opened.file}!/${info.path}`, await storedEntrySource(payloadSource(this.opened.age), info), BACKUP_ZIP_LIMITS);
      this.archives.set(row.archive, inner);
    }
    const st = await inner.stat(row.entry);
    return st ? { stream: inner.open(row.entry), size: st.size } : null;
  }

  async close(): Promise<void> {
    for (const z of this.archives.values()) await z.close();
  }
}

export async function runRestore(input: RestoreInput, deps: { progress: IProgress<JobProgress> }, signal: AbortSignal): Promise<RestoreResult> {
  const to = path.resolve(input.to);
  const st = await lstat(to).catch(() => null);
  if (st && !st.isDirectory()) throw new RestoreError(`${to} exists and is not a folder`, 'bad-target');
  const opened = await openBackup(path.resolve(input.file), input.identities);
  const problems: string[] = [];
  const out = new TargetWriter(to, signal);
  const expected = new Map(opened.manifest.entries.map((e) => [e.path, e]));
  const blobs = blobIndex(opened.manifest.entries);
  const locator = new AttachmentLocator(opened, blobs, problems);
  let chat: ManifestChat | undefined;
  try {
    await mkdir(to, { recursive: true });
    const copyEntry = async (entry: string, rel: string) => {
      const e = expected.get(entry);
      if (!e || !(await opened.zip.stat(entry))) {
        problems.push(`${entry} is missing from the backup`);
        return;
      }
      await out.write(rel, opened.zip.open(entry, signal), e);
    };

    if (input.select.kind === 'contacts') {
      await copyEntry(MODEL.contacts, 'contacts.jsonl');
    } else if (input.select.kind === 'chat') {
      const id = input.select.id;
      chat = opened.manifest.chats.find((c) => c.id === id);
      if (!chat) {
        const near = opened.manifest.chats.filter((c) => c.id.toLowerCase().includes(id.toLowerCase()) || (c.title ?? '').toLowerCase().includes(id.toLowerCase()));
        throw new RestoreError(
          `this backup has no chat with id ${id}${near.length ? `; did you mean ${near.slice(0, 3).map((c) => `${c.id} (${c.title ?? 'untitled'})`).join(', ')}?` : ''} — \`pereezd list\` shows the chats`,
          'no-such-chat',
        );
      }
      const dir = safeSegment(path.posix.basename(chat.entry, '.jsonl'));
      const e = expected.get(chat.entry);
      if (!e) throw new BackupFormatError(`the messages of chat ${id} (${chat.entry}) are missing from the backup`);
      const raw = await readAllStream(opened.zip.open(chat.entry, signal));
      if (createHash('sha256').update(raw).digest('hex') !== e.sha256) throw new BackupFormatError(`${chat.entry} does not match the manifest`);
      await out.write(`${dir}/messages.jsonl`, raw, e);
      await out.write(`${dir}/chat.json`, Buffer.from(JSON.stringify(chat, null, 2) + '\n'));
      const done = new Map<string, string>();
      let n = 0;
      for (const line of raw.toString('utf8').split('\n')) {
        if (!line) continue;
        let m: { attachments?: { sha256?: unknown; path?: unknown; name?: unknown; missing?: unknown }[] };
        try {
          m = JSON.parse(line);
        } catch {
          problems.push(`${chat.entry}: a line is not JSON; skipped`);
          continue;
        }
        for (const a of m.attachments ?? []) {
          if (a.missing === true || typeof a.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(a.sha256) || done.has(a.sha256)) continue;
          signal.throwIfAborted();
          const wanted = typeof a.path === 'string' && a.path ? a.path : typeof a.name === 'string' && a.name ? a.name : a.sha256;
          let rel = `${dir}/media/${wanted.replace(/\\/g, '/')}`;
          if (!out.resolve(rel) || !(out.resolve(rel)!.startsWith(path.join(to, dir, 'media') + path.sep))) rel = `${dir}/media/${a.sha256}`;
          if (await out.exists(rel)) rel = `${dir}/media/${a.sha256.slice(0, 12)}-${safeSegment(path.posix.basename(wanted))}`;
          const found = await locator.open(a.sha256);
          if (!found) {
            problems.push(`an attachment of chat ${id} (${wanted}) is not in the backup`);
            continue;
          }
          await out.write(rel, found.stream, { size: found.size, sha256: a.sha256 });
          done.set(a.sha256, rel);
          deps.progress.report({ done: ++n, total: chat.attachments, unit: 'items', current: rel });
        }
      }
    } else {
      // Everything: the originals rebuilt byte for byte, the model, the manifest and the README.
      const text = (await readAllStream(opened.zip.open(INDEX.originals, signal))).toString('utf8');
      const rows = jsonlRows(text, (v) => OriginalRowSchema.parse(v), INDEX.originals, problems);
      const names = new Map(opened.manifest.sources.map((s) => [s.index, safeSegment(s.name)]));
      const total = rows.reduce((n, r) => n + r.size, 0);
      for (const row of rows) {
        signal.throwIfAborted();
        const base = names.get(row.source) ?? safeSegment(`${row.source}-source`);
        const rel = `originals/${base}/${row.path}`;
        if (!out.resolve(rel) || !out.resolve(rel)!.startsWith(path.join(to, 'originals', base) + path.sep)) {
          problems.push(`${row.path}: refused, it would be written outside its folder`);
          continue;
        }
        const blob = blobs.get(row.sha256);
        if (!blob) {
          problems.push(`${row.path}: its content is missing from the backup`);
          continue;
        }
        await out.write(rel, opened.zip.open(blob.path, signal), { size: row.size, sha256: row.sha256 }, row.mtime ? new Date(row.mtime) : undefined);
        deps.progress.report({ done: out.bytes, total, unit: 'bytes', current: rel });
      }
      for (const e of opened.manifest.entries) {
        if (e.path.startsWith('model/') || e.path.startsWith('index/') || e.path === README_NAME) await copyEntry(e.path, e.path);
      }
      await out.write(MANIFEST_NAME, Buffer.from(JSON.stringify(opened.manifest, null, 1) + '\n'));
    }
    return {
      to,
      files: out.files,
      bytes: out.bytes,
      problems,
      chunks: { decrypted: opened.age.payload.stats.decrypted, total: opened.age.payload.chunks },
      ...(chat ? { chat } : {}),
    };
  } finally {
    await locator.close();
    await opened.close();
  }
}
