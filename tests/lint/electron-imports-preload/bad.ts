// Linted as main/electron/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the desktop host imports the preload (it is loaded by path, as dist/preload/index.cjs).

import { exposed } from '../../preload/index.js'; // @lint-expect

export const api = exposed;
