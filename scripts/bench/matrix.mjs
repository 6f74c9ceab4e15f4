// `node scripts/bench/matrix.mjs [--messages 4000] [--default-messages 30]` (or `npm run bench -- --only matrix`):
// uploads to a real Synapse on 127.0.0.1 (installed by scripts/synapse/install.sh) and prints
//   (a) messages per second with relaxed rate limits (goal ≥ 200/s), and
//   (b) with Synapse's default limits, as a non-admin user: the total time next to what rc_message allows
//       (0.2/s after a burst of 10) — goal: within 1.2×.
// Each section runs in its own child process with its own Synapse. Exits 1 when a goal is missed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = path.join(root, '.bench', 'matrix');
const GOAL_PER_SECOND = 200;
const GOAL_RATIO = 1.2;

function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`--${name} needs a positive whole number`);
    process.exit(2);
  }
  return v;
}
const messages = option('messages', 4000);
const defaultMessages = option('default-messages', 30);

const install = spawnSync('bash', [path.join(root, 'scripts/synapse/install.sh')], { stdio: 'inherit' });
if (install.status !== 0) process.exit(install.status ?? 1);

mkdirSync(benchDir, { recursive: true });
const child = path.join(benchDir, 'matrix-child.mjs');
await build({
  entryPoints: [path.join(root, 'scripts/bench/matrix-child.ts')],
  outfile: child,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'error',
});
if (!existsSync(path.join(benchDir, 'node_modules'))) symlinkSync(path.join(root, 'node_modules'), path.join(benchDir, 'node_modules'));

const run = (...args) => {
  const r = spawnSync(process.execPath, [child, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
};

console.log('Matrix upload to a real Synapse (127.0.0.1)');
const fast = run('fast', String(messages));
const okFast = fast.perSecond >= GOAL_PER_SECOND;
console.log(
  `  relaxed limits: ${fast.sent} messages into ${fast.rooms} rooms in ${fast.seconds.toFixed(1)} s = ${fast.perSecond.toFixed(0)} messages/s ` +
    `(goal ≥ ${GOAL_PER_SECOND}/s) ${okFast ? 'ok' : 'MISSED'}`,
);
console.log(
  `    CPU per event: Synapse ${fast.synapseCpuMsPerEvent.toFixed(1)} ms (so at most ≈${(1000 / fast.synapseCpuMsPerEvent).toFixed(0)}/s with one full core), ` +
    `uploader ${fast.uploaderCpuMsPerEvent.toFixed(2)} ms; load average ${fast.load.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`,
);
console.log(`  default limits: ${defaultMessages} messages as a non-admin user (rc_message 0.2/s, burst 10) …`);
const def = run('default', String(defaultMessages));
const okDef = def.ratio <= GOAL_RATIO;
console.log(
  `  default limits: ${def.sent} messages in ${def.seconds.toFixed(1)} s; the limits allow ${def.allowedSeconds.toFixed(1)} s → ${def.ratio.toFixed(2)}× ` +
    `(goal ≤ ${GOAL_RATIO}×; ${def.rateLimited} answers 429, ${(def.waitedMs / 1000).toFixed(1)} s waited) ${okDef ? 'ok' : 'MISSED'}`,
);
process.exit(okFast && okDef ? 0 : 1);
