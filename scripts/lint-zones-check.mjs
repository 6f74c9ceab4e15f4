// Proves every dependency zone of style.md §3 still fires (and stays quiet on correct code): lints
// each probe of tests/lint/zones.mjs as if it lived in its target folder. Part of `npm run lint`.
import path from 'node:path';
import { badFile, createZoneChecker, layoutProblems, probes, repoRoot } from '../tests/lint/zones.mjs';

const checker = await createZoneChecker();
let failed = 0;

for (const problem of await layoutProblems()) {
  failed++;
  console.error(`✗ layout: ${problem}`);
}
for (const probe of probes) {
  if (probe.rules.length > 0 && !(await checker.isIgnoredInPlace(badFile(probe)))) {
    failed++;
    console.error(`✗ ${probe.zone}: ${path.relative(repoRoot, badFile(probe))} is not ignored by eslint.config.mjs`);
  }
  const problems = await checker.check(probe);
  if (problems.length === 0) {
    console.log(`✓ ${probe.zone} (${probe.rules.length ? probe.rules.join(' + ') : 'stays clean'})`);
  } else {
    failed++;
    console.error(`✗ ${probe.zone}\n  ${problems.join('\n  ')}`);
  }
}

if (failed > 0) {
  console.error(`\nlint zones: ${failed} problem(s); see style.md §3 and tests/lint/zones.mjs`);
  process.exit(1);
}
console.log(`\nlint zones: all ${probes.length} probes behave`);
