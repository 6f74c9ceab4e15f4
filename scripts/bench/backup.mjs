// `node scripts/bench/backup.mjs [--mib 1024] [--runs 2]`: the encrypted backup against the age CLI.
//
// Makes (once, cached under .bench/backup/) a file of N MiB of random bytes (media do not
// compress), then, in the same run and on the same disk:
//   (a) backup:  our runBackup of that file (hash pass, ZIP64, age STREAM via sodium-native,
//                SHA-256 of the file for the side file, fsync; no read-back) next to `age -e -r`
//                of the same file. age does not fsync; since a backup must (crash safety), the
//                goal is checked against `age -e` + fsync of its output, and the ratio to plain
//                `age -e` is printed too;
//   (b) verify:  our full verification (decrypt every chunk, SHA-256 of every entry) next to
//                `age -d` of the age file to /dev/null;
//   (c) for information: backup with its read-back verification, as the app and CLI run it;
//   (d) for information: a folder of many small files (--small-files N, default 20 000, 100 B–60 KB
//       each, random), next to `tar -c | age -e` of the same folder + fsync: the cost per file.
// `sync` runs before every timed step, so write-back of the previous step does not bleed into it.
// Each of ours runs in its own child process reporting process.resourceUsage().maxRSS. Prints
// throughput, the ratio ours/age (goal ≥ 0.7×) and peak RSS (goal ≤ 200 MB); exits 1 on a miss.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChild, option, runChild } from './common.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = path.join(root, '.bench', 'backup');
const GOAL_RATIO = 0.7;
const GOAL_RSS_MB = 200;

const mib = option('mib', 1024);
const runs = option('runs', 2);
const smallFiles = option('small-files', 20000);

if (spawnSync('age', ['--version']).status !== 0) {
  console.error('the age CLI is needed for the comparison (Debian package `age`)');
  process.exit(2);
}
mkdirSync(benchDir, { recursive: true });

// 1. Input: N MiB of random bytes, generated once.
const input = path.join(benchDir, `random-${mib}MiB.bin`);
if (!existsSync(input) || statSync(input).size !== mib * 1048576) {
  console.log(`generating ${mib} MiB of random data → ${path.relative(root, input)} …`);
  const fd = openSync(input, 'w');
  const block = Buffer.alloc(16 << 20);
  for (let left = mib * 1048576; left > 0; left -= block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(block.length, left));
  }
  closeSync(fd);
}

// 2. Keys (throwaway) and the child bundle.
const keyFile = path.join(benchDir, 'key.txt');
rmSync(keyFile, { force: true });
spawnSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
const recipient = spawnSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).stdout.trim();
if (!recipient.startsWith('age1')) {
  console.error('age-keygen did not produce a key');
  process.exit(2);
}
const child = await bundleChild(root, benchDir, 'backup-child');
const ours = (...args) => runChild(child, args);
const timed = (cmd, args) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(1);
  return performance.now() - t0;
};
const ourFile = path.join(benchDir, 'ours.msgbak');
const ageFile = path.join(benchDir, 'theirs.age');
const clean = () => {
  for (const f of [ourFile, `${ourFile}.json`, `${ourFile}.partial`, ageFile]) rmSync(f, { force: true });
};

const sync = () => spawnSync('sync');
const best = { backup: Infinity, ageE: Infinity, ageESync: Infinity, verify: Infinity, ageD: Infinity, backupVerified: Infinity };
const rss = { backup: 0, verify: 0, backupVerified: 0 };
for (let run = 0; run < runs; run++) {
  clean();
  sync();
  const b = ours('backup', input, ourFile, recipient, '0');
  best.backup = Math.min(best.backup, b.ms);
  rss.backup = Math.max(rss.backup, b.maxRssMB);
  sync();
  const e = timed('age', ['-e', '-r', recipient, '-o', ageFile, input]);
  const f = timed('sync', [ageFile]);
  best.ageE = Math.min(best.ageE, e);
  best.ageESync = Math.min(best.ageESync, e + f);
  sync();
  const v = ours('verify', ourFile, keyFile);
  best.verify = Math.min(best.verify, v.ms);
  rss.verify = Math.max(rss.verify, v.maxRssMB);
  best.ageD = Math.min(best.ageD, timed('age', ['-d', '-i', keyFile, '-o', '/dev/null', ageFile]));
  clean();
  sync();
  const bv = ours('backup', input, ourFile, recipient, '1');
  best.backupVerified = Math.min(best.backupVerified, bv.ms);
  rss.backupVerified = Math.max(rss.backupVerified, bv.maxRssMB);
}
clean();

const mibs = (ms) => mib / (ms / 1000);
const row = (name, ms, ref, mem) =>
  `${name.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s ${mibs(ms).toFixed(0).padStart(6)} MiB/s${ref ? `   ${(ref / ms).toFixed(2)}× age` : ''}${mem ? `   peak RSS ${mem.toFixed(0)} MB` : ''}`;
console.log(`\n${mib} MiB of random data, best of ${runs} runs (${process.platform}, ${path.relative(root, benchDir)})`);
console.log(row('age -e -r (Go, reference)', best.ageE));
console.log(row('age -e -r + fsync', best.ageESync));
console.log(row('pereezd backup, no read-back (fsync)', best.backup, best.ageESync, rss.backup) + `   (${(best.ageE / best.backup).toFixed(2)}× age -e without fsync)`);
console.log(row('age -d (Go, reference)', best.ageD));
console.log(row('pereezd verify --full', best.verify, best.ageD, rss.verify));
console.log(row('pereezd backup + read-back verify', best.backupVerified, best.ageESync, rss.backupVerified));
// (d) Many small files.
const smallDir = path.join(benchDir, `small-${smallFiles}`);
if (!existsSync(path.join(smallDir, '.complete'))) {
  console.log(`generating ${smallFiles} small files → ${path.relative(root, smallDir)} …`);
  rmSync(smallDir, { recursive: true, force: true });
  mkdirSync(smallDir, { recursive: true });
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 59_901) + 100;
  for (let i = 0; i < smallFiles; i++) {
    const b = Buffer.allocUnsafe(next());
    randomFillSync(b);
    writeFileSync(path.join(smallDir, `f${String(i).padStart(6, '0')}.bin`), b);
  }
  writeFileSync(path.join(smallDir, '.complete'), '');
}
let smallBytes = 0;
for (const f of readdirSync(smallDir)) smallBytes += statSync(path.join(smallDir, f)).size;
const tarAge = path.join(benchDir, 'small.tar.age');
const smallOut = path.join(benchDir, 'small.msgbak');
const small = { ours: Infinity, tarAge: Infinity, rss: 0 };
for (let run = 0; run < runs; run++) {
  for (const f of [smallOut, `${smallOut}.json`, tarAge]) rmSync(f, { force: true });
  sync();
  const b = ours('backup', smallDir, smallOut, recipient, '0');
  small.ours = Math.min(small.ours, b.ms);
  small.rss = Math.max(small.rss, b.maxRssMB);
  sync();
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', `tar -cf - -C "${smallDir}" . | age -e -r ${recipient} -o "${tarAge}" && sync "${tarAge}"`], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(1);
  small.tarAge = Math.min(small.tarAge, performance.now() - t0);
}
for (const f of [smallOut, `${smallOut}.json`, tarAge]) rmSync(f, { force: true });
const smallMiB = smallBytes / 1048576;
console.log(`\n${smallFiles} small files (${smallMiB.toFixed(0)} MiB), best of ${runs} runs`);
console.log(`${'tar -c | age -e + fsync'.padEnd(34)} ${(small.tarAge / 1000).toFixed(2).padStart(7)} s ${(smallMiB / (small.tarAge / 1000)).toFixed(0).padStart(6)} MiB/s`);
console.log(
  `${'pereezd backup, no read-back'.padEnd(34)} ${(small.ours / 1000).toFixed(2).padStart(7)} s ${(smallMiB / (small.ours / 1000)).toFixed(0).padStart(6)} MiB/s   ${(small.tarAge / small.ours).toFixed(2)}× tar|age   peak RSS ${small.rss.toFixed(0)} MB (for information)`,
);

const results = {
  mib,
  runs,
  smallFiles: { files: smallFiles, bytes: smallBytes, seconds: +(small.ours / 1000).toFixed(3), tarAgeSeconds: +(small.tarAge / 1000).toFixed(3), ratio: +(small.tarAge / small.ours).toFixed(3), peakRssMB: Math.round(small.rss) },
  seconds: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, +(v / 1000).toFixed(3)])),
  ratio: {
    backup: +(best.ageESync / best.backup).toFixed(3),
    backupVsAgeWithoutFsync: +(best.ageE / best.backup).toFixed(3),
    verify: +(best.ageD / best.verify).toFixed(3),
  },
  peakRssMB: Object.fromEntries(Object.entries(rss).map(([k, v]) => [k, Math.round(v)])),
};
writeFileSync(path.join(benchDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
const misses = [];
if (results.ratio.backup < GOAL_RATIO) misses.push(`backup is ${results.ratio.backup}× age -e + fsync (goal ≥ ${GOAL_RATIO}×)`);
if (results.ratio.verify < GOAL_RATIO) misses.push(`verify is ${results.ratio.verify}× age -d (goal ≥ ${GOAL_RATIO}×)`);
for (const [k, v] of Object.entries(rss)) if (v > GOAL_RSS_MB) misses.push(`${k} peaked at ${Math.round(v)} MB RSS (goal ≤ ${GOAL_RSS_MB} MB)`);
console.log(misses.length ? `\nMISSED: ${misses.join('; ')}` : `\nall goals met (≥ ${GOAL_RATIO}× age, ≤ ${GOAL_RSS_MB} MB RSS)`);
// Like the other sections: a missed goal is printed; --strict makes it the exit code.
process.exit(misses.length && process.argv.includes('--strict') ? 1 : 0);
