/**
 * Problems of one contacts file: every one carries the file and a line; after `perCode` of one
 * kind the rest are counted and summed up in one closing problem (a broken 50 000-row CSV must
 * not bury the user in 50 000 lines).
 */
import type { Problem, ProblemCode, ProblemSeverity } from '../../../../shared/model/index.js';
import { ProblemCap } from '../problem-cap.js';
import type { SourceSink } from '../types.js';

export interface ProblemInput {
  code: ProblemCode;
  severity: ProblemSeverity;
  line: number;
  message: string;
  params?: Record<string, string | number>;
}

export class ProblemLog {
  private readonly cap: ProblemCap;

  constructor(
    private readonly sink: SourceSink,
    readonly file: string,
    perCode = 50,
  ) {
    this.cap = new ProblemCap(perCode, 'same');
  }

  add(p: ProblemInput): void {
    const line = Math.max(1, Math.floor(p.line));
    const problem: Problem = { file: this.file, line, code: p.code, severity: p.severity, message: `${this.file}:${line}: ${p.message}` };
    if (p.params) problem.params = p.params;
    if (this.cap.admit(problem)) this.sink.problem(problem);
  }

  /** How many problems of `code` were reported (listed or summed up). */
  count(code: ProblemCode): number {
    return this.cap.count(code);
  }

  /** The closing summaries of what was not listed one by one. */
  finish(): void {
    for (const summary of this.cap.summaries()) this.sink.problem(summary);
  }
}
