// Linted as main/web/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the web host imports electron (electron/main counts too).

import { shell } from 'electron/main'; // @lint-expect

export const open = shell.openExternal;
