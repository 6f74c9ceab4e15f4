// Linted as main/cli/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the CLI imports electron.

import { dialog } from 'electron'; // @lint-expect

export const ask = dialog.showOpenDialog;
