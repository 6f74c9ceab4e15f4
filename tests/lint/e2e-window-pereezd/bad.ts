// Linted as tests/e2e/__lint_probe__.spec.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: an end-to-end test calls the api behind the UI's back (style.md §3: e2e drives the UI only).

declare const page: { evaluate<T>(fn: () => T): Promise<T> };

export const peek = () => page.evaluate(() => (window as unknown as { pereezd: unknown }).pereezd); // @lint-expect
