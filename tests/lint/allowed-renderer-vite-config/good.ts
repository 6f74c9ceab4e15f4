// Linted as renderer/vite.config.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the renderer's Vite config is Node code, node:* allowed there.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
