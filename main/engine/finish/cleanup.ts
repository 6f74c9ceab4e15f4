/**
 * Safe clean-up of what the app left on disk while it worked, and a scan proving that no plaintext message
 * data remains outside the backup.
 *
 * Listed (nothing else is ever removed):
 *   clean-work      `<config>/clean/<workId>/`  the Clean step's private working folders (plaintext model)
 *   convert-temp    `<config>/clean/<id>/.convert-*` left by a killed run (when the folder itself stays)
 *   matrix-model    `<config>/matrix/work/<id>/` the model converted for an upload without Clean
 *   model-spill     `<config>/matrix/journals/<h>/work/` per-chat spill files of the uploader
 *   model-spill     `<config>/matrix/journals/<h>/pilot.json` (the first lines of the pilot room, as text)
 *   backup-staging  `<tmp>/pereezd-backup-<pid>-*` of backup runs whose process is gone
 *   partial-backup  `<backup>.partial` next to a backup or copy in the catalogue
 *   partial-file    `*.partial` files under the config folder (atomic writes cut by a crash)
 * Never removed: the backups, their copies and side files, the user's exports (the `protect` list and the
 * catalogue are checked for every entry), the audit journal, the catalogue, settings, keys, the identity map.
 * Links are removed as links, never followed.
 */
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CleanupEntry, CleanupRecord } from '../../../shared/model/index.js';
import { writeFileAtomic } from '../backup/age-file.js';
import { forEachJsonLine } from '../json-files.js';
import { createBackupCatalog } from '../services/backup-catalog.js';
import { auditSafe } from './hooks.js';

export interface CleanupOptions {
  configDir: string;
  /** The system temp folder (default os.tmpdir()). */
  tmpDir?: string;
  /** Paths that must survive whatever is listed (the user's exports; backups are added from the catalogue). */
  protect?: string[];
  /** Is this process id alive (default: process.kill(pid, 0)). */
  alive?: (pid: number) => boolean;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function sizeOf(p: string): Promise<{ bytes: number; files: number }> {
  const st = await lstat(p).catch(() => null);
  if (!st) return { bytes: 0, files: 0 };
  if (!st.isDirectory()) return { bytes: st.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const d of await readdir(p, { withFileTypes: true }).catch(() => [])) {
    const s = await sizeOf(path.join(p, d.name));
    bytes += s.bytes;
    files += s.files;
  }
  return { bytes, files };
}

const dirs = async (p: string) => (await readdir(p, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && !d.isSymbolicLink()).map((d) => d.name);

/** True when `inner` is `outer` or below it. */
export const within = (outer: string, inner: string) => {
  const r = path.relative(path.resolve(outer), path.resolve(inner));
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

async function protectedPaths(opts: CleanupOptions): Promise<string[]> {
  const cat = await createBackupCatalog(opts.configDir).read();
  const out = [...(opts.protect ?? [])];
  for (const b of cat.backups) {
    out.push(b.file, b.sideFile);
    for (const c of b.copies) out.push(c.file, c.sideFile);
  }
  return out.map((p) => path.resolve(p));
}

async function walkPartials(dir: string, skip: string[], out: string[]): Promise<void> {
  for (const d of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, d.name);
    if (skip.some((s) => within(s, p))) continue;
    if (d.isDirectory() && !d.isSymbolicLink()) await walkPartials(p, skip, out);
    else if (d.name.endsWith('.partial')) out.push(p);
  }
}

/** What can be removed now, with sizes. */
export async function listCleanup(opts: CleanupOptions): Promise<CleanupEntry[]> {
  const cfg = path.resolve(opts.configDir);
  const tmp = path.resolve(opts.tmpDir ?? os.tmpdir());
  const alive = opts.alive ?? isAlive;
  const found: { path: string; kind: CleanupEntry['kind'] }[] = [];
  for (const id of await dirs(path.join(cfg, 'clean'))) if (/^[0-9a-f]{16}$/.test(id)) found.push({ path: path.join(cfg, 'clean', id), kind: 'clean-work' });
  for (const id of await dirs(path.join(cfg, 'matrix', 'work'))) found.push({ path: path.join(cfg, 'matrix', 'work', id), kind: 'matrix-model' });
  for (const h of await dirs(path.join(cfg, 'matrix', 'journals'))) {
    const j = path.join(cfg, 'matrix', 'journals', h);
    if (existsSync(path.join(j, 'work'))) found.push({ path: path.join(j, 'work'), kind: 'model-spill' });
    if (existsSync(path.join(j, 'pilot.json'))) found.push({ path: path.join(j, 'pilot.json'), kind: 'model-spill' });
  }
  for (const name of await dirs(tmp)) {
    const m = /^pereezd-backup-(\d+)-/.exec(name);
    if (m && !alive(Number(m[1]))) found.push({ path: path.join(tmp, name), kind: 'backup-staging' });
  }
  const cat = await createBackupCatalog(cfg).read();
  for (const b of cat.backups) {
    for (const f of [b.file, ...b.copies.map((c) => c.file)]) if (existsSync(`${f}.partial`)) found.push({ path: `${f}.partial`, kind: 'partial-backup' });
  }
  const partials: string[] = [];
  await walkPartials(cfg, found.map((f) => f.path), partials);
  for (const p of partials) found.push({ path: p, kind: 'partial-file' });

  const keep = await protectedPaths(opts);
  const out: CleanupEntry[] = [];
  for (const f of found) {
    if (keep.some((k) => within(f.path, k) || within(k, f.path))) continue;
    out.push({ ...f, ...(await sizeOf(f.path)) });
  }
  return out;
}

// ---- plaintext scan ----------------------------------------------------------------------------

/** Structural markers of message data: the normalised model, a Telegram export, Matrix event content. */
const STRUCTURAL: { name: string; all: string[] }[] = [
  { name: 'model-message', all: ['"sentAt":', '"text":'] },
  { name: 'telegram-export', all: ['"text_entities"'] },
  { name: 'matrix-event', all: ['"body":', '"msgtype":'] },
];

export interface ScanResult {
  filesScanned: number;
  hits: { path: string; marker: string }[];
}

/**
 * Scans every file below `roots` (links not followed; `skip` paths left out) for message data: the
 * structural markers, and any of the `samples` (message texts taken from the model before it was removed).
 * Hits name the file and the kind of marker, never the text found.
 */
export async function scanForPlaintext(roots: string[], opts: { samples?: string[]; skip?: string[] } = {}): Promise<ScanResult> {
  const samples = [...new Set((opts.samples ?? []).filter((s) => s.length >= 8))].map((s) => Buffer.from(s, 'utf8'));
  const structural = STRUCTURAL.map((m) => ({ name: m.name, all: m.all.map((x) => Buffer.from(x)) }));
  const overlap = Math.max(64, ...samples.map((b) => b.length));
  const skip = (opts.skip ?? []).map((s) => path.resolve(s));
  const result: ScanResult = { filesScanned: 0, hits: [] };
  const scanFile = async (file: string) => {
    result.filesScanned++;
    const seen = structural.map((m) => m.all.map(() => false));
    let sampleHit = false;
    let tail = Buffer.alloc(0);
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const buf = Buffer.concat([tail, chunk as Buffer]);
      structural.forEach((m, i) => m.all.forEach((needle, j) => {
        if (!seen[i]![j] && buf.includes(needle)) seen[i]![j] = true;
      }));
      if (!sampleHit && samples.some((s) => buf.includes(s))) sampleHit = true;
      tail = buf.subarray(Math.max(0, buf.length - overlap));
    }
    structural.forEach((m, i) => {
      if (seen[i]!.every(Boolean)) result.hits.push({ path: file, marker: m.name });
    });
    if (sampleHit) result.hits.push({ path: file, marker: 'message-text' });
  };
  const walk = async (p: string) => {
    if (skip.some((s) => within(s, p))) return;
    const st = await lstat(p).catch(() => null);
    if (!st || st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const name of await readdir(p).catch(() => [] as string[])) await walk(path.join(p, name));
    } else if (st.isFile()) await scanFile(p);
  };
  for (const r of roots) await walk(path.resolve(r));
  return result;
}

/** Up to `max` message texts (first 64 characters of texts ≥ 16 long) from the model files in `dirs`. */
export function sampleMessageTexts(dirs: string[], max = 200): string[] {
  const out = new Set<string>();
  for (const d of dirs) {
    if (out.size >= max) break;
    forEachJsonLine<{ text?: unknown }>(path.join(d, 'messages.jsonl'), (m) => {
      const t = m.text;
      if (typeof t === 'string' && t.trim().length >= 16) out.add(t.trim().slice(0, 64));
      return out.size < max;
    });
  }
  return [...out];
}

/** Roots the scan covers: the config folder and the app's own entries in the temp folder. */
export async function appFolders(opts: CleanupOptions): Promise<string[]> {
  const tmp = path.resolve(opts.tmpDir ?? os.tmpdir());
  return [path.resolve(opts.configDir), ...(await dirs(tmp)).filter((n) => n.startsWith('pereezd-backup-')).map((n) => path.join(tmp, n))];
}

export interface RunCleanupOptions extends CleanupOptions {
  /** Remove only these entries (paths as listed); default: everything listed. */
  only?: string[];
  dryRun?: boolean;
  /** Extra texts to look for after removal (tests plant them). */
  samples?: string[];
  now?: () => Date;
}

export class CleanupNotListedError extends Error {
  constructor(readonly path: string) {
    super(`${path} is not among the app's temporary folders (list them again)`);
  }
}

/**
 * Removes what is listed (or the chosen part of it), then scans the app folders for plaintext. Records the
 * result in `<config>/finish/cleanup.json` and the audit journal (one `delete` record). A dry run removes
 * nothing and scans nothing; it returns what would go.
 */
export async function runCleanup(opts: RunCleanupOptions): Promise<CleanupRecord> {
  const now = opts.now ?? (() => new Date());
  const listed = await listCleanup(opts);
  let chosen = listed;
  if (opts.only) {
    const by = new Map(listed.map((e) => [path.resolve(e.path), e]));
    chosen = opts.only.map((p) => {
      const e = by.get(path.resolve(p));
      if (!e) throw new CleanupNotListedError(p);
      return e;
    });
  }
  if (opts.dryRun) return { at: now().toISOString(), removed: chosen, bytes: chosen.reduce((n, e) => n + e.bytes, 0), failed: [], scan: null };
  const modelDirs = chosen.filter((e) => e.kind === 'clean-work' || e.kind === 'matrix-model').map((e) => e.path);
  const samples = [...sampleMessageTexts(modelDirs), ...(opts.samples ?? [])];
  const removed: CleanupEntry[] = [];
  const failed: { path: string; message: string }[] = [];
  // The report still needs the counts: keep the Clean run's accounting and run record (counts, ids, paths; no text).
  for (const e of chosen.filter((x) => x.kind === 'clean-work')) {
    const keepDir = path.join(opts.configDir, 'finish', path.basename(e.path));
    await mkdir(keepDir, { recursive: true, mode: 0o700 });
    for (const name of ['accounting.json', 'run.json']) {
      if (existsSync(path.join(e.path, name))) await copyFile(path.join(e.path, name), path.join(keepDir, `clean-${name}`));
    }
  }
  for (const e of chosen) {
    try {
      await rm(e.path, { recursive: true, force: true });
      removed.push(e);
    } catch (err) {
      failed.push({ path: e.path, message: (err as Error).message });
    }
  }
  const keep = await protectedPaths(opts);
  const scan = await scanForPlaintext(await appFolders(opts), { samples, skip: keep });
  const record: CleanupRecord = { at: now().toISOString(), removed, bytes: removed.reduce((n, e) => n + e.bytes, 0), failed, scan };
  await mkdir(path.join(opts.configDir, 'finish'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path.join(opts.configDir, 'finish', 'cleanup.json'), `${JSON.stringify(record)}\n`, 0o600);
  await auditSafe(opts.configDir, {
    op: 'delete', outcome: failed.length ? 'partial' : 'ok',
    counts: { removed: removed.length, bytes: record.bytes, failed: failed.length, filesScanned: scan.filesScanned, plaintextHits: scan.hits.length },
    refs: { removed: removed.map((e) => e.path).slice(0, 64) },
  });
  return record;
}
