// Linted as main/engine/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the engine imports the engine.

import { dispatch } from './dispatch.js';

export const run = dispatch;
