// Linted as tests/integration/__lint_probe__.test.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: tests/** may import anything.

import { readFileSync } from 'node:fs';
import type { BrowserWindow } from 'electron';
import { isAppUrl } from '../../main/electron/guards.js';
import { dispatch } from '../../main/engine/dispatch.js';

export type Win = BrowserWindow;
export const all = [readFileSync, isAppUrl, dispatch];
