// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: the renderer imports electron, statically and dynamically.

import { ipcRenderer } from 'electron'; // @lint-expect

export const send = ipcRenderer.send;
export const lazy = () => import('electron/renderer'); // @lint-expect
