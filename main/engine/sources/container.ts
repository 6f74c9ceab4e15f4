/** Containers for what a user can point at: a folder or a single file. (Zip: see archive/.) */
import { createReadStream, lstatSync, statSync, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Container, ContainerEntry } from './types.js';

export async function readHeadOf(file: string, max: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Normalises a relative path from an export and refuses anything that escapes the root. */
export function safeJoin(root: string, rel: string): string | null {
  if (rel.includes('\0')) return null;
  const norm = rel.replace(/\\/g, '/');
  if (norm.startsWith('/') || /^[a-zA-Z]:/.test(norm)) return null;
  const full = path.resolve(root, norm);
  const rootResolved = path.resolve(root);
  if (full !== rootResolved && !full.startsWith(rootResolved + path.sep)) return null;
  return full;
}

/**
 * stat (or lstat) of many files, null for those that cannot be read. Done in this thread in batches,
 * giving the event loop a turn between them: one `fs.promises.stat` per file is a trip through
 * libuv's thread pool (two thread switches), and with tens of thousands of files in an export
 * those switches took seconds where the system calls take milliseconds.
 */
export async function statMany(paths: readonly string[], opts: { lstat?: boolean } = {}): Promise<(Stats | null)[]> {
  const out: (Stats | null)[] = [];
  const one = opts.lstat ? lstatSync : statSync;
  for (let i = 0; i < paths.length; i++) {
    if (i > 0 && i % 512 === 0) await new Promise<void>((r) => setImmediate(r));
    out.push(one(paths[i]!, { throwIfNoEntry: false }) ?? null);
  }
  return out;
}

export class FolderContainer implements Container {
  readonly kind = 'folder' as const;
  /** Directory listings cached for media linking: one readdir per folder instead of one stat per file. */
  private readonly dirCache = new Map<string, Promise<Map<string, number | null> | null>>();
  constructor(readonly path: string) {}

  async list(): Promise<ContainerEntry[]> {
    const files = (await readdir(this.path, { withFileTypes: true })).filter((d) => d.isFile());
    const stats = await statMany(files.map((d) => path.join(this.path, d.name)));
    return files.map((d, i) => ({ path: d.name, size: stats[i]?.size ?? 0 }));
  }

  async listAll(limit = 1_000_000): Promise<ContainerEntry[]> {
    const out: ContainerEntry[] = [];
    const walk = async (rel: string): Promise<void> => {
      const dirents = (await readdir(path.join(this.path, rel), { withFileTypes: true }).catch(() => [])).sort((a, b) => (a.name < b.name ? -1 : 1));
      // The files of this folder in one batch of stats (the order of the listing is kept).
      const files = dirents.filter((d) => d.isFile()).slice(0, Math.max(0, limit - out.length));
      const stats = await statMany(files.map((d) => path.join(this.path, rel, d.name)));
      const size = new Map(files.map((d, i) => [d.name, stats[i]?.size ?? null]));
      for (const d of dirents) {
        if (out.length >= limit) return;
        const child = rel ? `${rel}/${d.name}` : d.name;
        // Symlinks are not followed: an export never needs them and they can point anywhere.
        if (d.isDirectory()) await walk(child);
        else if (d.isFile()) {
          const n = size.get(d.name);
          if (n !== null && n !== undefined) out.push({ path: child, size: n });
        }
      }
    };
    await walk('');
    return out;
  }

  async readHead(rel: string, max: number): Promise<Buffer> {
    const full = safeJoin(this.path, rel);
    if (!full) throw new Error(`unsafe path ${rel}`);
    return readHeadOf(full, max);
  }

  open(rel: string, signal?: AbortSignal): Readable {
    const full = safeJoin(this.path, rel);
    if (!full) throw new Error(`unsafe path ${rel}`);
    return createReadStream(full, { highWaterMark: 1 << 20, signal });
  }

  private listDir(dir: string): Promise<Map<string, number | null> | null> {
    let p = this.dirCache.get(dir);
    if (!p) {
      p = readdir(dir, { withFileTypes: true }).then(
        (ents) => new Map(ents.map((e) => [e.name, e.isFile() ? null : -1] as [string, number | null])),
        () => null,
      );
      this.dirCache.set(dir, p);
    }
    return p;
  }

  async stat(rel: string): Promise<{ size: number } | null> {
    const full = safeJoin(this.path, rel);
    if (!full) return null;
    const listing = await this.listDir(path.dirname(full));
    const base = path.basename(full);
    if (!listing || !listing.has(base)) return null;
    const cached = listing.get(base);
    if (cached === -1) return null; // a folder, not a file
    if (typeof cached === 'number') return { size: cached };
    const s = await stat(full).catch(() => null);
    if (!s || !s.isFile()) return null;
    listing.set(base, s.size);
    return { size: s.size };
  }

  display(rel: string): string {
    return path.join(this.path, rel);
  }

  async close(): Promise<void> {
    this.dirCache.clear();
  }
}

/** A single file: its folder is the root media paths are relative to (Telegram puts result.json beside photos/). */
export class FileContainer implements Container {
  readonly kind = 'file' as const;
  private readonly folder: FolderContainer;
  readonly name: string;
  constructor(readonly path: string, private readonly size: number) {
    this.folder = new FolderContainer(dirnameOf(path));
    this.name = basenameOf(path);
  }
  async list(): Promise<ContainerEntry[]> {
    return [{ path: this.name, size: this.size }];
  }
  async listAll(): Promise<ContainerEntry[]> {
    return this.list();
  }
  readHead(rel: string, max: number) {
    return this.folder.readHead(rel, max);
  }
  open(rel: string, signal?: AbortSignal) {
    return this.folder.open(rel, signal);
  }
  stat(rel: string) {
    return this.folder.stat(rel);
  }
  display(rel: string) {
    return this.folder.display(rel);
  }
  close() {
    return this.folder.close();
  }
}

function dirnameOf(p: string) {
  return path.dirname(p);
}
function basenameOf(p: string) {
  return path.basename(p);
}
