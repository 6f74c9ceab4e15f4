// Linted as shared/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: shared/ imports a type from shared/.

import type { JobState } from './model/index.js';

export const phaseOf = (s: JobState) => s.phase;
