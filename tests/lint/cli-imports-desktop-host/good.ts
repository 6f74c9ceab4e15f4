// Linted as main/cli/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the CLI imports the engine.

import { CONTENT_SECURITY_POLICY } from '../engine/security/csp.js';

export const csp = CONTENT_SECURITY_POLICY;
