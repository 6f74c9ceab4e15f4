/**
 * One cap on listed problems for every parser: after `perCode` problems of one code the rest are
 * only counted, and one closing problem per code sums them up — a broken 50 000-row file must not
 * bury the user (or the report) in 50 000 lines, and nothing is dropped without a trace.
 */
import type { Problem, ProblemCode, ProblemSeverity } from '../../../shared/model/index.js';

export const PROBLEMS_PER_CODE = 50;

interface Suppressed {
  count: number;
  file: string;
  line?: number;
  severity: ProblemSeverity;
}

export class ProblemCap {
  private readonly counts = new Map<ProblemCode, number>();
  private readonly suppressed = new Map<ProblemCode, Suppressed>();

  constructor(
    private readonly perCode = PROBLEMS_PER_CODE,
    /** Severity of the closing summaries: always a warning, or that of the first problem summed up. */
    private readonly summarySeverity: 'warning' | 'same' = 'warning',
  ) {}

  /**
   * Counts `p`. True: list it now. False: it is only summed up at the end (`fallbackLine` is where
   * the summary says the unlisted ones start, when `p` has no line of its own).
   */
  admit(p: Problem, fallbackLine?: number): boolean {
    const n = (this.counts.get(p.code) ?? 0) + 1;
    this.counts.set(p.code, n);
    if (n <= this.perCode) return true;
    const s = this.suppressed.get(p.code);
    if (s) s.count++;
    else {
      const line = p.line ?? fallbackLine;
      this.suppressed.set(p.code, { count: 1, file: p.file, severity: p.severity, ...(line !== undefined ? { line } : {}) });
    }
    return false;
  }

  /** How many problems of `code` were reported (listed or summed up). */
  count(code: ProblemCode): number {
    return this.counts.get(code) ?? 0;
  }

  /** The closing summaries of what was not listed one by one (each returned once). */
  summaries(): Problem[] {
    const out: Problem[] = [];
    for (const [code, s] of this.suppressed) {
      out.push({
        file: s.file,
        ...(s.line !== undefined ? { line: s.line } : {}),
        code,
        severity: this.summarySeverity === 'same' ? s.severity : 'warning',
        message: `${s.file}: ${s.count} more problem(s) of this kind${s.line !== undefined ? `, from line ${s.line} on,` : ''} were not listed one by one`,
        params: { count: s.count },
      });
    }
    this.suppressed.clear();
    return out;
  }
}
