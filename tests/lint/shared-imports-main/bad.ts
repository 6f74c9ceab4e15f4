// Linted as shared/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: shared/ imports the engine.

import { dispatch } from '../main/engine/dispatch.js'; // @lint-expect

export const leak = dispatch;
