import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../shared/model/index.js';
import { ProblemCap } from './problem-cap.js';

const p = (line: number | undefined, severity: Problem['severity'] = 'error'): Problem => ({
  file: '/x/a.csv', code: 'bad-value', severity, message: 'bad', ...(line !== undefined ? { line } : {}),
});

describe('ProblemCap', () => {
  it('lists the first problems of a code, counts the rest and sums them up once, from the first unlisted line', () => {
    const cap = new ProblemCap(2);
    expect([p(1), p(2), p(3), p(4)].map((x) => cap.admit(x))).toEqual([true, true, false, false]);
    expect(cap.admit({ ...p(5), code: 'syntax' })).toBe(true); // codes are capped separately
    expect(cap.count('bad-value')).toBe(4);
    expect(cap.summaries()).toEqual([
      { file: '/x/a.csv', line: 3, code: 'bad-value', severity: 'warning', params: { count: 2 }, message: '/x/a.csv: 2 more problem(s) of this kind, from line 3 on, were not listed one by one' },
    ]);
    expect(cap.summaries()).toEqual([]);
  });

  it('uses the fallback line when the problem has none, and can keep the severity', () => {
    const cap = new ProblemCap(0, 'same');
    expect(cap.admit(p(undefined, 'info'), 77)).toBe(false);
    expect(cap.summaries()[0]).toMatchObject({ line: 77, severity: 'info' });
    const noLine = new ProblemCap(0);
    noLine.admit(p(undefined));
    expect(noLine.summaries()[0]!.message).toBe('/x/a.csv: 1 more problem(s) of this kind were not listed one by one');
  });
});
