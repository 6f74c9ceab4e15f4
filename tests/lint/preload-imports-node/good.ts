// Linted as preload/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the preload imports electron and shared/.

import { contextBridge } from 'electron';
import { buildApi } from '../shared/api.js';

export const expose = contextBridge.exposeInMainWorld;
export const build = buildApi;
