/**
 * Small pieces shared by the Slack, Skype, Discord and Messenger parsers: capped problem reporting,
 * byte progress over several files, media tallies that end as one aggregated problem per source,
 * time conversions and JSON value accessors.
 */
import type { Attachment, AttachmentKind, Problem } from '../../../../shared/model/index.js';
import { ProblemCap } from '../problem-cap.js';
import type { SourceSink } from '../types.js';

export type JsonObject = { [k: string]: unknown };
export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A non-empty string, or undefined. */
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** An id given as a string or a number (numbers keep their digits as JSON.parse gave them). */
export const idText = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

export { PROBLEMS_PER_CODE } from '../problem-cap.js';

/** Reports problems to the sink through the shared per-code cap; `finish` adds the summaries. */
export class ProblemLog {
  private readonly cap = new ProblemCap();
  constructor(private readonly sink: SourceSink) {}

  readonly report = (p: Problem): void => {
    if (this.cap.admit(p)) this.sink.problem(p);
  };

  /** How many problems of a code were reported (listed or not). */
  count(code: Problem['code']): number {
    return this.cap.count(code);
  }

  finish(): void {
    for (const summary of this.cap.summaries()) this.sink.problem(summary);
  }
}

/** Progress in bytes over several files: `file(n)` inside the current one, `next(size)` after it. */
export class ByteProgress {
  private before = 0;
  private last = 0;
  constructor(private readonly report: (bytesRead: number) => void) {}
  file(read: number): void {
    const total = this.before + read;
    if (total > this.last) {
      this.last = total;
      this.report(total);
    }
  }
  /** A file is done; `size` is what it counted for (its size, or the bytes read if more). */
  next(size: number, read = size): void {
    this.before += Math.max(size, read);
    this.file(0);
  }
}

/** Missing / not-included media, reported as one problem each per source at the end. */
export class MediaTally {
  private missing = 0;
  private firstMissing: { file: string; line?: number; path: string } | null = null;
  private notIncluded = 0;
  private firstNotIncluded: { file: string; line?: number } | null = null;

  /** Counts an attachment after its `missing`/`missingReason` are final. */
  add(att: Attachment, file: string, line?: number): void {
    if (!att.missing) return;
    if (att.missingReason === 'not-found') {
      if (this.missing++ === 0) this.firstMissing = { file, ...(line !== undefined ? { line } : {}), path: att.path ?? att.name };
    } else if (this.notIncluded++ === 0) this.firstNotIncluded = { file, ...(line !== undefined ? { line } : {}) };
  }

  finish(sink: SourceSink, notIncludedWhy: string): void {
    if (this.firstMissing) {
      const f = this.firstMissing;
      sink.problem({
        file: f.file,
        ...(f.line !== undefined ? { line: f.line } : {}),
        code: 'media-missing',
        severity: 'warning',
        message: `${f.file}: ${this.missing} media file(s) named in the export are not there (first: ${f.path}${f.line !== undefined ? `, line ${f.line}` : ''})`,
        params: { count: this.missing },
      });
    }
    if (this.firstNotIncluded) {
      const f = this.firstNotIncluded;
      sink.problem({
        file: f.file,
        ...(f.line !== undefined ? { line: f.line } : {}),
        code: 'media-not-included',
        severity: 'info',
        message: `${f.file}: ${this.notIncluded} attached file(s) are not in the export (${notIncludedWhy})`,
        params: { count: this.notIncluded },
      });
    }
  }
}

/** Milliseconds since the epoch → ISO 8601 UTC (`2024-01-02T03:04:05.678Z`), or null when out of range. */
export function isoFromMs(ms: number | undefined): string | null {
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms).toISOString();
}

/** An ISO-like date string with an offset or Z → the same instant as ISO 8601 UTC, or null. */
export function isoFromString(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null;
  // Only strings that say their offset: a bare wall-clock time would be read in the local zone.
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$/i.test(v.trim())) return null;
  const t = Date.parse(v.trim().replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** A date string without an offset read as UTC (exports that write UTC without saying so), or null. */
export function isoFromUtcWallClock(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(v.trim());
  if (!m) return isoFromString(v);
  const t = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Attachment kind from a MIME type. */
export function kindFromMime(mime: string | undefined): AttachmentKind {
  if (!mime) return 'file';
  if (mime.startsWith('image/gif')) return 'animation';
  if (mime.startsWith('image/')) return 'photo';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'file';
}

/** Attachment kind from a file name's extension. */
export function kindFromName(name: string): AttachmentKind {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (!ext) return 'file';
  if (['jpg', 'jpeg', 'png', 'webp', 'heic', 'bmp', 'tif', 'tiff'].includes(ext)) return 'photo';
  if (ext === 'gif') return 'animation';
  if (['mp4', 'mov', 'webm', 'mkv', 'avi', 'm4v'].includes(ext)) return 'video';
  if (['mp3', 'm4a', 'ogg', 'oga', 'opus', 'wav', 'aac', 'flac'].includes(ext)) return 'audio';
  return 'file';
}

/** The last segment of a path or URL (query and fragment removed, percent-escapes decoded when valid). */
export function lastSegment(p: string): string {
  let s = p.replace(/[?#].*$/, '');
  s = s.slice(s.replace(/[\\/]+$/, '').lastIndexOf('/') + 1).replace(/[\\/]+$/, '');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** Joins container-relative path parts with `/` (empty parts dropped). */
export const joinRel = (...parts: string[]): string => parts.filter((p) => p !== '').join('/');

/** The folder part of a container-relative path (`''` at the root). */
export const dirOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
