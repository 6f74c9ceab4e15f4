// The dependency rules of style.md §3 are only as good as the lint config that enforces them: this
// lints each probe of tests/lint/zones.mjs as if it lived in its target folder and proves that every
// zone fires on the deliberately bad file, on every marked line, with a message naming the section,
// and stays quiet on the matching good file. scripts/lint-zones-check.mjs runs the same probes in
// `npm run lint`.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { badFile, createZoneChecker, goodFile, layoutProblems, probes, repoRoot, rows } from '../lint/zones.mjs';

let checker: Awaited<ReturnType<typeof createZoneChecker>>;
beforeAll(async () => {
  checker = await createZoneChecker();
});

describe('lint zones (style.md §3)', () => {
  it('has one probe folder per zone, and an import-zone probe for every row of the table', async () => {
    expect(await layoutProblems()).toEqual([]);
    expect(new Set(probes.map((p) => p.row))).toEqual(new Set([...rows, 'tests']));
  });

  it('the normal `eslint .` run skips the deliberately bad files, but not the probe list', async () => {
    for (const p of probes.filter((x) => x.rules.length > 0)) {
      expect(await checker.isIgnoredInPlace(badFile(p)), path.relative(repoRoot, badFile(p))).toBe(true);
      expect(await checker.isIgnoredInPlace(goodFile(p)), path.relative(repoRoot, goodFile(p))).toBe(true);
    }
    expect(await checker.isIgnoredInPlace(path.join(repoRoot, 'tests/lint/zones.mjs'))).toBe(false);
  });

  it.each(probes.map((p) => [p.zone, p] as const))('%s', async (_zone, probe) => {
    expect(await checker.check(probe)).toEqual([]);
  });
});
