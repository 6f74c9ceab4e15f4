// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the renderer imports Node built-ins, statically and dynamically.

import { readFileSync } from 'node:fs'; // @lint-expect
import os from 'os'; // @lint-expect

export const read = readFileSync;
export const home = os.homedir;
export const lazy = () => import('node:path'); // @lint-expect
