// Linted as main/cli/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the CLI imports the engine and node:*.

import path from 'node:path';
import { dispatch } from '../engine/dispatch.js';

export const run = dispatch;
export const join = path.join;
