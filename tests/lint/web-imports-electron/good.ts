// Linted as main/web/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the web host imports node:*.

import http from 'node:http';

export const create = http.createServer;
