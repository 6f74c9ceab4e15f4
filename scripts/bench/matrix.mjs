// `node scripts/bench/matrix.mjs [--messages 4000] [--default-messages 30] [--variant V --concurrency K]`
// (or `npm run bench -- --only matrix`): uploads to a real Synapse on 127.0.0.1 (installed by
// scripts/synapse/install.sh) and prints
//   (a) messages per second with relaxed rate limits (goal ≥ 200/s), each figure with the configuration that
//       produced it: by default twice in the same run, the test profile 'fast' one chat at a time, then the
//       bulk-import settings (synapse-variants.ts) with 4 chats at a time (upload.ts `concurrency`); with
//       --variant/--concurrency only that one. Every event is read back (provenance, count, order) first;
//   (b) with Synapse's default limits, as a non-admin user: the total time next to what rc_message allows
//       (0.2/s after a burst of 10) — goal: within 1.2×.
// Each section runs in its own child process with its own Synapse. Exits 1 when a goal is missed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChild, option, runChild, textOption } from './common.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = path.join(root, '.bench', 'matrix');
const GOAL_PER_SECOND = 200;
const GOAL_RATIO = 1.2;

const messages = option('messages', 4000);
const defaultMessages = option('default-messages', 30);
const variantArg = textOption('variant');
const concurrencyArg = process.argv.includes('--concurrency') ? option('concurrency', 1) : null;
const configs =
  variantArg || concurrencyArg
    ? [{ variant: variantArg ?? 'fast', concurrency: concurrencyArg ?? 1 }]
    : [
        { variant: 'fast', concurrency: 1 },
        { variant: 'bulk', concurrency: 4 },
      ];

const install = spawnSync('bash', [path.join(root, 'scripts/synapse/install.sh')], { stdio: 'inherit' });
if (install.status !== 0) process.exit(install.status ?? 1);

const child = await bundleChild(root, benchDir, 'matrix-child');
const run = (...args) => runChild(child, args);

const cores = (await import('node:os')).cpus().length;
console.log(`Matrix upload to a real Synapse (127.0.0.1), ${cores} cores`);
let best = 0;
for (const c of configs) {
  const fast = run('fast', String(messages), '--variant', c.variant, '--concurrency', String(c.concurrency));
  best = Math.max(best, fast.perSecond);
  console.log(
    `  relaxed limits [${fast.describe}; ${c.concurrency} chat${c.concurrency > 1 ? 's' : ''} at a time]:\n` +
      `    ${fast.sent} messages into ${fast.rooms} rooms in ${fast.seconds.toFixed(1)} s = ${fast.perSecond.toFixed(0)} messages/s ` +
      `(goal ≥ ${GOAL_PER_SECOND}/s) ${fast.perSecond >= GOAL_PER_SECOND ? 'ok' : 'MISSED'}; all ${fast.verified} read back in order`,
  );
  console.log(
    `    CPU per event: Synapse ${fast.synapseCpuMsPerEvent.toFixed(1)} ms (it used ${fast.synapseCpuShare.toFixed(2)} of a core; one full core allows ` +
      `≈${(1000 / fast.synapseCpuMsPerEvent).toFixed(0)}/s), uploader ${fast.uploaderCpuMsPerEvent.toFixed(2)} ms; load average ${fast.load.toFixed(1)}`,
  );
}
const okFast = best >= GOAL_PER_SECOND;
console.log(`  default limits: ${defaultMessages} messages as a non-admin user (rc_message 0.2/s, burst 10) …`);
const def = run('default', String(defaultMessages));
const okDef = def.ratio <= GOAL_RATIO;
console.log(
  `  default limits: ${def.sent} messages in ${def.seconds.toFixed(1)} s; the limits allow ${def.allowedSeconds.toFixed(1)} s → ${def.ratio.toFixed(2)}× ` +
    `(goal ≤ ${GOAL_RATIO}×; ${def.rateLimited} answers 429, ${(def.waitedMs / 1000).toFixed(1)} s waited) ${okDef ? 'ok' : 'MISSED'}`,
);
process.exit(okFast && okDef ? 0 : 1);
