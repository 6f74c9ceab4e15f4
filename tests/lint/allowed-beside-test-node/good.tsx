// Linted as renderer/__lint_probe__.test.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: a unit test beside renderer code runs in Node (vitest) and may read fixtures with node:*.

import { readFileSync } from 'node:fs';
import { invoke } from '../shared/ipc-contract.js';

export const fixture = () => [readFileSync, invoke];
