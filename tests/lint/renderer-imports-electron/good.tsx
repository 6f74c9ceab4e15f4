// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the renderer imports react.

import { createContext } from 'react';

export const Ctx = createContext(0);
