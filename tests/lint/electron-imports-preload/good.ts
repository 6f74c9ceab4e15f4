// Linted as main/electron/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the desktop host imports electron, node:*, the engine and shared/.

import path from 'node:path';
import { app } from 'electron';
import { dispatch } from '../engine/dispatch.js';
import { invokeChannels } from '../../shared/ipc-contract.js';

export const preload = () => path.join(app.getAppPath(), 'dist', 'preload', 'index.cjs');
export const run = dispatch;
export const channels = invokeChannels;
