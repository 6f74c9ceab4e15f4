// Linted as main/engine/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the engine imports a host (main/electron).

import { isAppUrl } from '../electron/guards.js'; // @lint-expect

export const check = isAppUrl;
