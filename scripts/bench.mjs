// `npm run bench [-- --messages N] [-- --runs R]`: the Telegram parser against JSON.parse.
//
// Generates (once, cached under .bench/) a full-account export with ../shared/tools/gen-telegram.mjs,
// bundles the parser's bench entry with esbuild, then runs each contender in its own child process
// (so peak RSS is per contender) R times and prints the best time and the highest RSS of each:
//   (a) JSON.parse: fs.readFileSync(file, 'utf8') + JSON.parse + counting messages;
//   (b) ours: registry detection + the streaming parser (the real entry point), counting messages.
// Exits non-zero if the two disagree on the number of messages.
//
// Then the WhatsApp section (see whatsappSection below): our whatsapp-txt parser against
// whatsapp-chat-parser 4.0.2. `--only telegram` / `--only whatsapp` runs one section.
// Then the big export (bigSection), contact/timeline dedupe (scripts/bench/clean.mjs) and the
// encrypted backup against the age CLI (scripts/bench/backup.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { option, textOption } from './bench/common.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, '.bench');
const oursEntry = path.join(benchDir, 'ours-child.mjs');
const generator = path.resolve(root, '../shared/tools/gen-telegram.mjs');
const GOAL_RATIO = 1.0;
const GOAL_RSS_MB = 200;

const messages = option('messages', 1_000_000);
const runs = option('runs', 2);
const only = textOption('only');
if (only !== null && only !== 'telegram' && only !== 'whatsapp' && only !== 'big' && only !== 'matrix') {
  console.error('--only takes telegram, whatsapp, big or matrix');
  process.exit(2);
}
if (only === 'matrix') {
  const i = process.argv.indexOf('--only');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/bench/matrix.mjs'), ...process.argv.slice(2).filter((_, k) => k !== i - 2 && k !== i - 1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (only === 'whatsapp') {
  mkdirSync(benchDir, { recursive: true });
  process.exit((await whatsappSection()) ? 0 : 1);
}

mkdirSync(benchDir, { recursive: true });
if (only === 'big') {
  await bundleOurs();
  process.exit((await bigSection()) ? 0 : 1);
}

// 1. The export, generated once per size.
const exportDir = path.join(benchDir, `tg-${messages}`);
const file = path.join(exportDir, 'result.json');
if (!existsSync(file) || statSync(file).size === 0) {
  if (!existsSync(generator)) {
    console.error(`generator not found: ${generator}`);
    process.exit(2);
  }
  console.log(`generating ${messages.toLocaleString('en')} messages → ${path.relative(root, file)} …`);
  const gen = spawnSync(process.execPath, [generator, exportDir, String(messages)], { stdio: 'inherit' });
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}
const size = statSync(file).size;

// 2. The parser's entry, bundled (the child imports main/engine code through the registry).
async function bundleOurs() {
  await build({
    entryPoints: [path.join(root, 'scripts/bench/ours-child.ts')],
    outfile: oursEntry,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
}
await bundleOurs();

const contenders = [
  { name: 'JSON.parse', script: path.join(root, 'scripts/bench/baseline-child.mjs') },
  { name: 'ours (streaming)', script: oursEntry },
];

function runChild(script) {
  const r = spawnSync(process.execPath, [script, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    console.error(`${path.basename(script)} failed (exit ${r.status}):\n${r.stderr}`);
    process.exit(1);
  }
  const line = r.stdout.trim().split('\n').at(-1);
  return JSON.parse(line);
}

// 3. Alternate the contenders so both see the same machine conditions.
const results = contenders.map(() => []);
console.log(`${path.relative(root, file)}: ${(size / 1e6).toFixed(1)} MB, ${runs} run(s) each`);
for (let i = 0; i < runs; i++) {
  contenders.forEach((c, k) => {
    results[k].push(runChild(c.script));
  });
}

const summary = contenders.map((c, k) => {
  const rs = results[k];
  const best = rs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return {
    name: c.name,
    ms: best.ms,
    mbps: size / 1e6 / (best.ms / 1000),
    rss: Math.max(...rs.map((r) => r.maxRssMb)),
    messages: best.messages,
    counts: rs.map((r) => r.messages),
  };
});

const pad = (s, n) => String(s).padEnd(n);
const padl = (s, n) => String(s).padStart(n);
console.log('');
console.log(`${pad('contender', 20)}${padl('time s', 9)}${padl('MB/s', 9)}${padl('peak RSS MB', 13)}${padl('messages', 12)}`);
for (const s of summary) {
  console.log(`${pad(s.name, 20)}${padl((s.ms / 1000).toFixed(2), 9)}${padl(s.mbps.toFixed(1), 9)}${padl(s.rss.toFixed(0), 13)}${padl(s.messages.toLocaleString('en'), 12)}`);
}
const [base, ours] = summary;
const ratio = ours.mbps / base.mbps;
const met = ratio >= GOAL_RATIO && ours.rss <= GOAL_RSS_MB;
console.log('');
console.log(`ratio ours/JSON.parse: ${ratio.toFixed(2)}×   goal: ≥${GOAL_RATIO.toFixed(1)}× JSON.parse at ≤${GOAL_RSS_MB} MB RSS → ${met ? 'met' : 'NOT met'}`);

const allCounts = summary.flatMap((s) => s.counts);
if (allCounts.some((n) => n !== allCounts[0])) {
  console.error(`\nFAIL: message counts differ: ${summary.map((s) => `${s.name}=${s.counts.join('/')}`).join(', ')}`);
  process.exit(1);
}

if (only === null) {
  console.log('');
  if (!(await whatsappSection())) process.exit(1);
  if (!process.argv.includes('--no-big')) {
    console.log('');
    if (!(await bigSection())) process.exit(1);
  }
  for (const other of ['clean.mjs', 'backup.mjs', 'matrix.mjs']) {
    console.log('');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/bench', other)], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Big: a Telegram export larger than any string V8 can hold (≈2.6 GB, 7 M messages), so JSON.parse
// cannot even be attempted on it; ours must read it completely (every message, every byte) with
// the same bounded memory. `--no-big` skips it (the file takes ~1 min to generate the first time).
// ---------------------------------------------------------------------------------------------
async function bigSection() {
  const BIG_MESSAGES = 9_000_000;
  const bigDir = path.join(benchDir, `tg-${BIG_MESSAGES}`);
  const bigFile = path.join(bigDir, 'result.json');
  if (!existsSync(bigFile) || statSync(bigFile).size === 0) {
    console.log(`generating ${BIG_MESSAGES.toLocaleString('en')} messages → ${path.relative(root, bigFile)} (≈2.6 GB, once) …`);
    const gen = spawnSync(process.execPath, [path.join(root, 'scripts/bench/gen-big-telegram.mjs'), bigDir, String(BIG_MESSAGES), '200'], { stdio: 'inherit' });
    if (gen.status !== 0) return false;
  }
  const bigSize = statSync(bigFile).size;
  const base = spawnSync(process.execPath, [path.join(root, 'scripts/bench/baseline-child.mjs'), bigFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const baseWhy = base.status === 0 ? 'it did not fail?!' : (base.stderr.match(/(ERR_STRING_TOO_LONG|Cannot create a string longer than[^\n]*|RangeError[^\n]*)/)?.[1] ?? `exit ${base.status}`);
  const r = spawnSync(process.execPath, [path.join(benchDir, 'ours-child.mjs'), bigFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    console.error(`ours failed on the big export (exit ${r.status}):\n${r.stderr}`);
    return false;
  }
  const ours = JSON.parse(r.stdout.trim().split('\n').at(-1));
  const complete = ours.messages === BIG_MESSAGES && ours.bytes === bigSize;
  console.log(`${path.relative(root, bigFile)}: ${(bigSize / 1e9).toFixed(2)} GB`);
  console.log(`JSON.parse: cannot read it (${baseWhy})`);
  console.log(
    `ours (streaming): ${(ours.ms / 1000).toFixed(1)} s, ${(bigSize / 1e6 / (ours.ms / 1000)).toFixed(1)} MB/s, peak RSS ${ours.maxRssMb.toFixed(0)} MB, ` +
      `${ours.messages.toLocaleString('en')} of ${BIG_MESSAGES.toLocaleString('en')} messages, ${ours.bytes === bigSize ? 'every byte' : `${ours.bytes} of ${bigSize} bytes`} read → ${complete ? 'read completely' : 'NOT complete'}`,
  );
  return complete;
}

// ---------------------------------------------------------------------------------------------
// WhatsApp: whatsapp-txt against whatsapp-chat-parser 4.0.2 (a devDependency used only here).
//
// Generates (once, cached under .bench/wa-N/) a Russian-locale Android export with
// ../shared/tools/gen-whatsapp.mjs, then runs each contender R times in its own child process:
//   (a) whatsapp-chat-parser: readFileSync(file, 'utf8') + parseString (scripts/bench/wa-baseline-child.mjs);
//   (b) ours: registry detection — which reads the whole file once for the date order — then the
//       streaming parser, counting messages and events (scripts/bench/wa-ours-child.ts, bundled).
// whatsapp-chat-parser returns system lines as messages (author null), so its count is compared
// with our messages + events. Goal: at least 2× its throughput at no more than 150 MB peak RSS.
// Returns false when the counts differ (the caller exits non-zero).
// ---------------------------------------------------------------------------------------------
async function whatsappSection() {
  const WA_GOAL_RATIO = 2.0;
  const WA_GOAL_RSS_MB = 150;
  const waGenerator = path.resolve(root, '../shared/tools/gen-whatsapp.mjs');
  const waFile = path.join(benchDir, `wa-${messages}`, 'chat.txt');
  if (!existsSync(waFile) || statSync(waFile).size === 0) {
    if (!existsSync(waGenerator)) {
      console.error(`generator not found: ${waGenerator}`);
      process.exit(2);
    }
    mkdirSync(path.dirname(waFile), { recursive: true });
    console.log(`generating ${messages.toLocaleString('en')} WhatsApp messages → ${path.relative(root, waFile)} …`);
    const gen = spawnSync(process.execPath, [waGenerator, waFile, String(messages)], { stdio: 'inherit' });
    if (gen.status !== 0) process.exit(gen.status ?? 1);
  }
  const waSize = statSync(waFile).size;

  const waOurs = path.join(benchDir, 'wa-ours-child.mjs');
  await build({
    entryPoints: [path.join(root, 'scripts/bench/wa-ours-child.ts')],
    outfile: waOurs,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  });
  const waContenders = [
    { name: 'whatsapp-chat-parser', script: path.join(root, 'scripts/bench/wa-baseline-child.mjs') },
    { name: 'ours (whatsapp-txt)', script: waOurs },
  ];
  const runWa = (script) => {
    const r = spawnSync(process.execPath, [script, waFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) {
      console.error(`${path.basename(script)} failed (exit ${r.status}):\n${r.stderr}`);
      process.exit(1);
    }
    return JSON.parse(r.stdout.trim().split('\n').at(-1));
  };

  const waResults = waContenders.map(() => []);
  console.log(`${path.relative(root, waFile)}: ${(waSize / 1e6).toFixed(1)} MB, ${runs} run(s) each`);
  for (let i = 0; i < runs; i++) waContenders.forEach((c, k) => waResults[k].push(runWa(c.script)));

  const waSummary = waContenders.map((c, k) => {
    const rs = waResults[k];
    const best = rs.reduce((a, b) => (b.ms < a.ms ? b : a));
    return {
      name: c.name,
      ms: best.ms,
      mbps: waSize / 1e6 / (best.ms / 1000),
      rss: Math.max(...rs.map((r) => r.maxRssMb)),
      messages: best.messages,
      detail: best.authored !== undefined ? `${best.authored.toLocaleString('en')} + ${best.events.toLocaleString('en')} events` : '',
      counts: rs.map((r) => r.messages),
    };
  });
  const padR = (v, n) => String(v).padEnd(n);
  const padL = (v, n) => String(v).padStart(n);
  console.log('');
  console.log(`${padR('contender', 24)}${padL('time s', 9)}${padL('MB/s', 9)}${padL('peak RSS MB', 13)}${padL('messages', 12)}`);
  for (const s of waSummary) {
    console.log(`${padR(s.name, 24)}${padL((s.ms / 1000).toFixed(2), 9)}${padL(s.mbps.toFixed(1), 9)}${padL(s.rss.toFixed(0), 13)}${padL(s.messages.toLocaleString('en'), 12)}  ${s.detail}`);
  }
  const [waBase, waOursSummary] = waSummary;
  const waRatio = waOursSummary.mbps / waBase.mbps;
  const waMet = waRatio >= WA_GOAL_RATIO && waOursSummary.rss <= WA_GOAL_RSS_MB;
  console.log('');
  console.log(
    `ratio ours/whatsapp-chat-parser: ${waRatio.toFixed(2)}×   goal: ≥${WA_GOAL_RATIO.toFixed(1)}× at ≤${WA_GOAL_RSS_MB} MB RSS → ${waMet ? 'met' : 'NOT met'}`,
  );
  const all = waSummary.flatMap((s) => s.counts);
  if (all.some((n) => n !== all[0])) {
    console.error(`\nFAIL: message counts differ: ${waSummary.map((s) => `${s.name}=${s.counts.join('/')}`).join(', ')}`);
    return false;
  }
  return true;
}
