// Linted as main/engine/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the engine imports electron.

import { app } from 'electron'; // @lint-expect

export const where = () => app.getPath('userData');
