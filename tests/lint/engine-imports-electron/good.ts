// Linted as main/engine/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the engine imports node:* and shared/.

import { readFile } from 'node:fs/promises';
import { invoke } from '../../shared/ipc-contract.js';

export const read = readFile;
export const channels = Object.keys(invoke);
