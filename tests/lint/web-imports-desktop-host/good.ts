// Linted as main/web/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the web host imports the engine and shared/.

import { CONTENT_SECURITY_POLICY } from '../engine/security/csp.js';
import { isEventChannel } from '../../shared/ipc-contract.js';

export const csp = CONTENT_SECURITY_POLICY;
export const isEvent = isEventChannel;
