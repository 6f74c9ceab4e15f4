/**
 * Media files a chat names, looked up in the container in batches: a found file gets its size, a missing one
 * is marked `missing` ('not-found'), and the count with the first missing path and line becomes one
 * `media-missing` problem at the end. Shared by the readers whose exports reference media by path.
 */
import type { Attachment, Problem } from '../../../shared/model/index.js';
import type { Container } from './types.js';

interface Pending {
  att: Attachment;
  path: string;
  line: number;
}

export class MediaLookup {
  private pending: Pending[] = [];
  private missing = 0;
  private firstMissing: { line: number; path: string } | null = null;

  constructor(private readonly container: Container) {}

  /** Queues the lookup of `path` for `att` (named on `line` of the file). */
  queue(att: Attachment, path: string, line: number): void {
    this.pending.push({ att, path, line });
  }

  /** True when queued lookups wait for `resolve()`. */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  /** Looks up everything queued so far (in parallel) and fills in the attachments. */
  async resolve(): Promise<void> {
    if (this.pending.length === 0) return;
    const jobs = this.pending;
    this.pending = [];
    const found = await Promise.all(jobs.map((j) => this.container.stat(j.path).catch(() => null)));
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      const st = found[i];
      if (st) job.att.size = st.size;
      else {
        job.att.missing = true;
        job.att.missingReason = 'not-found';
        this.missing++;
        if (!this.firstMissing) this.firstMissing = { line: job.line, path: job.path };
      }
    }
  }

  /** The closing `media-missing` problem, or null when every file was found; `where` ends the message's subject. */
  problem(file: string, where: string): Problem | null {
    if (this.missing === 0) return null;
    const first = this.firstMissing!;
    return {
      file,
      line: first.line,
      code: 'media-missing',
      severity: 'warning',
      message: `${file}: ${this.missing} media file(s) named in ${where} (first: ${first.path}, line ${first.line})`,
      params: { count: this.missing },
    };
  }
}
