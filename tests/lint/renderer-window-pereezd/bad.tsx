// Linted as renderer/components/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: a component reaches window.pereezd itself (direct, through a cast, computed, destructured).

declare global {
  interface Window {
    pereezd: { invoke: Record<string, () => Promise<unknown>> };
  }
}

export const direct = () => window.pereezd.invoke; // @lint-expect
export const cast = () => (window as unknown as { pereezd: unknown }).pereezd; // @lint-expect
export const computed = () => (globalThis as Record<string, unknown>)['pereezd']; // @lint-expect
export function destructured() {
  const { pereezd } = window; // @lint-expect
  return pereezd;
}
