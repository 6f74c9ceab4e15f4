// Linted as tests/e2e/__lint_probe__.spec.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: it drives the UI.

declare const page: { getByTestId(id: string): unknown };

export const status = () => page.getByTestId('job-status');
