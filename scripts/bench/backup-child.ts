// One contender of scripts/bench/backup.mjs, run in its own process so its peak RSS is its own.
//   backup <input> <out> <recipient> <verify:0|1>   runBackup (the real engine entry point)
//   verify <file> <identity-file>                   full verification (decrypt + every SHA-256)
// Prints one JSON line: { ms, maxRssMB, ... }.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { runBackup } from '../../main/engine/backup/backup.js';
import { parseIdentityFile } from '../../main/engine/backup/keys.js';
import { verifyBackup } from '../../main/engine/backup/verify.js';

const [mode, ...args] = process.argv.slice(2);
const quiet = { progress: { report() {} } };
const t0 = performance.now();
let extra: Record<string, unknown> = {};
if (mode === 'backup') {
  const [input, out, recipient, verify] = args as [string, string, string, string];
  // When each step started (ms since start): where the time goes.
  const steps: Record<string, number> = {};
  const progress = { report: (p: { step: string }) => void (steps[p.step] ??= Math.round(performance.now() - t0)) };
  const r = await runBackup({ paths: [input], out, recipients: [{ recipient, role: 'recovery' }], verify: verify === '1' }, { progress, stagingDir: os.tmpdir() }, new AbortController().signal);
  extra = { size: r.size, verified: r.verified?.ok ?? null, steps };
} else if (mode === 'verify') {
  const [file, idFile] = args as [string, string];
  const r = await verifyBackup(file, { mode: 'full', identities: parseIdentityFile(readFileSync(idFile, 'utf8')) }, quiet, new AbortController().signal);
  if (!r.ok) throw new Error(`verification failed: ${r.problems.join('; ')}`);
  extra = { entries: r.entries.checked };
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra }));
