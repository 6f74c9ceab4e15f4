// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the renderer imports the preload.

import { exposed } from '../preload/index.js'; // @lint-expect

export function Probe() {
  return <pre>{Object.keys(exposed).length}</pre>;
}
