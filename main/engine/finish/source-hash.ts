/**
 * SHA-256 of every file of a source (a folder walked without following links, a .zip or a single file),
 * streamed (64 KiB reads, bounded memory whatever the size), plus one digest over the sorted
 * `<sha256>  <path>` lines so a whole export is named by one value. Unreadable files are listed with
 * their error, never skipped silently.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ReportSource } from '../../../shared/model/index.js';

/** Files listed one by one in the report; the digest covers every file. */
export const MAX_LISTED_FILES = 2000;

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  const s = createReadStream(file, { highWaterMark: 64 * 1024, ...(signal ? { signal } : {}) });
  for await (const chunk of s) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function walk(root: string, rel: string, out: { rel: string; abs: string; size: number }[], signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const d of entries) {
    const child = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) await walk(root, child, out, signal);
    else if (d.isFile()) out.push({ rel: child, abs: path.join(root, child), size: (await lstat(path.join(root, child))).size });
  }
}

export type SourceHashes = Pick<ReportSource, 'path' | 'kind' | 'files' | 'filesOmitted' | 'bytes' | 'digest'>;

export async function hashSource(p: string, signal?: AbortSignal, onFile?: (done: number, total: number) => void): Promise<SourceHashes> {
  let st;
  try {
    st = await lstat(p);
  } catch (err) {
    return { path: p, kind: 'missing', files: [{ path: path.basename(p), size: 0, sha256: null, error: (err as Error).message }], filesOmitted: 0, bytes: 0, digest: null };
  }
  const list: { rel: string; abs: string; size: number }[] = [];
  let kind: ReportSource['kind'];
  if (st.isDirectory()) {
    kind = 'folder';
    await walk(p, '', list, signal);
  } else {
    kind = /\.zip$/i.test(p) ? 'zip' : 'file';
    list.push({ rel: path.basename(p), abs: p, size: st.size });
  }
  const files: ReportSource['files'] = [];
  const lines: string[] = [];
  let bytes = 0;
  let i = 0;
  for (const f of list) {
    signal?.throwIfAborted();
    let sha: string | null = null;
    let error: string | undefined;
    try {
      sha = await sha256File(f.abs, signal);
    } catch (err) {
      signal?.throwIfAborted();
      error = (err as Error).message;
    }
    bytes += f.size;
    lines.push(`${sha ?? 'unreadable'}  ${f.rel}`);
    if (files.length < MAX_LISTED_FILES) files.push({ path: f.rel, size: f.size, sha256: sha, ...(error ? { error } : {}) });
    onFile?.(++i, list.length);
  }
  const digest = createHash('sha256').update(lines.sort().join('\n')).digest('hex');
  return { path: p, kind, files, filesOmitted: list.length - files.length, bytes, digest };
}
