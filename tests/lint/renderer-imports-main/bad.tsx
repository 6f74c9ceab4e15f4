// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the renderer imports the engine.

import { createService } from '../main/engine/service.js'; // @lint-expect

export function Probe() {
  return <pre>{typeof createService}</pre>;
}
