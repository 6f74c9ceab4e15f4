// Linted as renderer/__lint_probe__.tsx by tests/lint/zones.mjs (never compiled, never linted in place).
// GOOD: the renderer imports react and shared/.

import { useState } from 'react';
import { eventChannels } from '../shared/ipc-contract.js';

export function Probe() {
  const [n] = useState(eventChannels.length);
  return <pre>{n}</pre>;
}
