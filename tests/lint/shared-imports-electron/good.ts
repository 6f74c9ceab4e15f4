// Linted as shared/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: shared/ imports shared/.

import type { PereezdApi } from './api.js';

export type Invoke = PereezdApi['invoke'];
