// Linted as tests/e2e/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: a Playwright fixture that needs no other fixture still destructures its first parameter.

type Use<T> = (value: T) => Promise<void>;

export const fixtures = {
  blockedRequests: async ({}, use: Use<string[]>) => {
    await use([]);
  },
};
