/**
 * Problems of one contacts file: every one carries the file and a line; after `perCode` of one
 * kind the rest are counted and summed up in one closing problem (a broken 50 000-row CSV must
 * not bury the user in 50 000 lines).
 */
import type { Problem, ProblemCode, ProblemSeverity } from '../../../../shared/model/index.js';
import type { SourceSink } from '../types.js';

export interface ProblemInput {
  code: ProblemCode;
  severity: ProblemSeverity;
  line: number;
  message: string;
  params?: Record<string, string | number>;
}

export class ProblemLog {
  private readonly counts = new Map<ProblemCode, number>();
  private readonly suppressed = new Map<ProblemCode, { count: number; line: number; severity: ProblemSeverity }>();

  constructor(
    private readonly sink: SourceSink,
    readonly file: string,
    private readonly perCode = 50,
  ) {}

  add(p: ProblemInput): void {
    const n = (this.counts.get(p.code) ?? 0) + 1;
    this.counts.set(p.code, n);
    if (n > this.perCode) {
      const s = this.suppressed.get(p.code);
      if (s) s.count++;
      else this.suppressed.set(p.code, { count: 1, line: p.line, severity: p.severity });
      return;
    }
    const line = Math.max(1, Math.floor(p.line));
    const problem: Problem = { file: this.file, line, code: p.code, severity: p.severity, message: `${this.file}:${line}: ${p.message}` };
    if (p.params) problem.params = p.params;
    this.sink.problem(problem);
  }

  /** How many problems of `code` were reported (listed or summed up). */
  count(code: ProblemCode): number {
    return this.counts.get(code) ?? 0;
  }

  /** The closing summaries of what was not listed one by one. */
  finish(): void {
    for (const [code, { count, line, severity }] of this.suppressed) {
      this.sink.problem({
        file: this.file,
        line,
        code,
        severity,
        message: `${this.file}: ${count} more problem(s) of this kind, from line ${line} on, were not listed one by one`,
        params: { count },
      });
    }
    this.suppressed.clear();
  }
}
