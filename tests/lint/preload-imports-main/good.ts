// Linted as preload/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the preload imports shared/.

import { isInvokeChannel } from '../shared/ipc-contract.js';

export const check = isInvokeChannel;
