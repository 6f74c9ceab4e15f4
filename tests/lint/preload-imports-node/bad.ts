// Linted as preload/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the sandboxed preload imports node:* (it can only require electron).

import { readFileSync } from 'node:fs'; // @lint-expect

export const read = readFileSync;
