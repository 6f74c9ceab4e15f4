// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the renderer takes the exposed type from shared/.

import type { ExposedApi } from '../shared/exposed-api.js';

export type Api = ExposedApi<File>;
