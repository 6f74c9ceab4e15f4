// Linted as main/web/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the web host imports the desktop host.

import { resolveAppAsset } from '../electron/guards.js'; // @lint-expect

export const lookup = resolveAppAsset;
