// Linted as shared/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: shared/ imports Node built-ins (node:crypto, and path without the prefix).

import { randomUUID } from 'node:crypto'; // @lint-expect
import path from 'path'; // @lint-expect

export const id = randomUUID();
export const join = path.join;
