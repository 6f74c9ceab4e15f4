// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the renderer imports its own module lazily.

export const lazy = () => import('./i18n/index.js');
