// Linted as shared/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: shared/ imports shared/ and zod.

import { invoke } from './ipc-contract.js';
import { z } from 'zod';

export const channels = Object.keys(invoke);
export const Name = z.string();
