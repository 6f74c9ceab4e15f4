// Linted as main/cli/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the CLI imports the desktop host.

import { isSafeExternalUrl } from '../electron/guards.js'; // @lint-expect

export const check = isSafeExternalUrl;
