/**
 * Finds the bytes of an attachment the model references. Attachment paths are relative to the export root;
 * the message's provenance names the export entry it was read from (`/x/export/result.json`, or
 * `/x/export.zip!/result.json` inside an archive). Extra roots (`mediaRoots`) are searched too, for models whose
 * export moved. When the model knows the file's SHA-256, the bytes found must match it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { safeJoin } from '../sources/container.js';
import { openSource } from '../sources/registry.js';
import type { Container } from '../sources/types.js';
import type { AttachmentLine, MessageLine } from '../clean/types.js';

export type MediaLookup =
  | { ok: true; data: Buffer; sha256: string; where: string }
  | { ok: false; reason: 'not-found' | 'checksum-mismatch' | 'unreadable'; message: string };

export class MediaResolver {
  private zips = new Map<string, Promise<Container | null>>();
  constructor(private readonly roots: string[] = []) {}

  async read(m: MessageLine, a: AttachmentLine, signal: AbortSignal): Promise<MediaLookup> {
    const rel = a.path;
    if (!rel) return { ok: false, reason: 'not-found', message: `${a.name}: the export gives no path for this attachment` };
    const tried: string[] = [];
    const check = (data: Buffer, where: string): MediaLookup => {
      const sha256 = createHash('sha256').update(data).digest('hex');
      if (a.sha256 && a.sha256 !== sha256) {
        return { ok: false, reason: 'checksum-mismatch', message: `${where}: the file differs from the one in the export (SHA-256 ${sha256.slice(0, 12)}…, expected ${a.sha256.slice(0, 12)}…)` };
      }
      return { ok: true, data, sha256, where };
    };
    const src = m.source?.file ?? '';
    const bang = src.indexOf('!/');
    if (bang > 0) {
      const zip = src.slice(0, bang);
      const inner = path.posix.dirname(src.slice(bang + 2));
      const c = await this.zip(zip);
      if (c) {
        for (const entry of [path.posix.join(inner, rel), rel]) {
          const norm = path.posix.normalize(entry);
          if (norm.startsWith('..')) continue;
          tried.push(`${zip}!/${norm}`);
          try {
            if (!(await c.stat(norm))) continue;
            const chunks: Buffer[] = [];
            for await (const chunk of c.open(norm, signal)) chunks.push(chunk as Buffer);
            return check(Buffer.concat(chunks), `${zip}!/${norm}`);
          } catch (err) {
            signal.throwIfAborted();
            return { ok: false, reason: 'unreadable', message: `${zip}!/${norm}: ${(err as Error).message}` };
          }
        }
      }
    }
    const dirs = [...(src && bang < 0 ? [path.dirname(src), src] : []), ...this.roots];
    for (const d of dirs) {
      const full = safeJoin(d, rel);
      if (!full) continue;
      tried.push(full);
      try {
        if (!existsSync(full) || !statSync(full).isFile()) continue;
        return check(readFileSync(full), full);
      } catch (err) {
        return { ok: false, reason: 'unreadable', message: `${full}: ${(err as Error).message}` };
      }
    }
    return { ok: false, reason: 'not-found', message: `${a.name}: not found (looked in ${tried.slice(0, 4).join(', ') || 'no folder'})` };
  }

  private zip(file: string): Promise<Container | null> {
    let p = this.zips.get(file);
    if (!p) {
      p = openSource(file).then((o) => o.container ?? null, () => null);
      this.zips.set(file, p);
    }
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.zips.values()) {
      const c = await p;
      await c?.close();
    }
    this.zips.clear();
  }
}
