// Linted as shared/__lint_probe__.ts by tests/lint/zones.mjs (never compiled, never linted in place).
// BAD: shared/ imports electron (even a type: shared must compile for the browser and the CLI).

import type { IpcMainInvokeEvent } from 'electron'; // @lint-expect

export type Sender = IpcMainInvokeEvent['senderFrame'];
