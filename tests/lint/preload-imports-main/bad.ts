// Linted as preload/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the preload imports the engine.

import { dispatch } from '../main/engine/dispatch.js'; // @lint-expect

export const run = dispatch;
