// Linted as renderer/api-client.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the same access from renderer/api-client.ts, the one allowed place.

export function exposed(): unknown {
  return (window as unknown as { pereezd?: unknown }).pereezd;
}
