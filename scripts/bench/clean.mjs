// `node scripts/bench/clean.mjs [--contacts N] [--messages N] [--strict]`: the clean step at scale.
//
// 1. Contact dedupe of 100 k synthetic contacts, then of 10× as many (1 M): normalise → group →
//    merge, timed in a child process each (generation not timed), best of 3 and of 2 runs.
//    Goal: 100 k ≤ 1 s and 1 M ≤ 12× the 100 k time (near-linear: blocking keys + union-find,
//    never all pairs).
// 2. Timeline dedupe of 1 M message lines (two overlapping exports of 100 chats, generated once and
//    cached under .bench/), in a child process reporting its peak RSS (process.resourceUsage().maxRSS):
//    memory must stay bounded (external sort), not grow with the number of messages.
// Prints the figures and whether the goals are met; --strict exits 1 when they are not.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleChild, option, runChild } from './common.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = path.join(root, '.bench');
const GOAL_100K_MS = 1000;
const GOAL_RATIO = 12;

const small = option('contacts', 100_000);
const messages = option('messages', 1_000_000);
const strict = process.argv.includes('--strict');

mkdirSync(benchDir, { recursive: true });
const child = await bundleChild(root, benchDir, 'clean-child');
const runClean = (...args) => runChild(child, args, { cwd: root });

const fmt = (n) => Math.round(n).toLocaleString('en-US');

// ---- 1. contacts ---------------------------------------------------------------------------------
const best = (n, runs) => {
  let b = null;
  for (let i = 0; i < runs; i++) {
    const r = runClean('contacts', String(n));
    if (!b || r.ms < b.ms) b = r;
  }
  return b;
};
// Best of several runs on both sides of the ratio: a single 1 M run against the best of three
// 100 k runs would count the machine's noise as poor scaling.
const a = best(small, 3);
const b = best(small * 10, 2);
const ratio = b.ms / a.ms;
const contactsOk = a.ms <= GOAL_100K_MS && ratio <= GOAL_RATIO;
console.log('contact dedupe (normalise → group → merge):');
for (const r of [a, b]) {
  console.log(
    `  ${fmt(r.contacts).padStart(9)} contacts  ${fmt(r.ms).padStart(6)} ms  (normalise ${fmt(r.normaliseMs)} ms, group+merge ${fmt(r.groupMs)} ms)  ` +
      `${fmt(r.groups)} groups (${fmt(r.strong)} strong, ${fmt(r.weak)} by name)  peak RSS ${fmt(r.maxRssMb)} MB`,
  );
}
console.log(
  `  ratio ${fmt(small * 10)}/${fmt(small)}: ${ratio.toFixed(2)}×  — goal: ${fmt(small)} ≤ ${fmt(GOAL_100K_MS)} ms (${a.ms <= GOAL_100K_MS ? 'met' : 'NOT met'}: ${fmt(a.ms)} ms) ` +
    `and ${fmt(small * 10)} ≤ ${GOAL_RATIO}× that (${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}: ${ratio.toFixed(2)}×)`,
);

// ---- 2. timeline ---------------------------------------------------------------------------------
/**
 * `messages` lines as convert writes them: a history of 0.8 × messages entries over 100 chats
 * (80 Telegram-like: numeric ids, exact times; 20 WhatsApp-like: wall-clock minutes), exported
 * twice — the first 5/8 of each chat's history, and the last 5/8 — so 1/4 of the lines are copies.
 */
async function generateMessages(file, total) {
  const history = Math.round(total * 0.8);
  const chats = 100;
  const perChat = Math.floor(history / chats);
  const first = Math.round(perChat * 5 / 8);
  const from = perChat - first;
  const words = ['Привет', 'как дела', 'ok', 'созвонимся', 'завтра в 11', 'отправил файл', 'спасибо!', 'переезд', 'в новый мессенджер', 'посмотри', 'документы', '👍'];
  const tmp = `${file}.partial`;
  const out = createWriteStream(tmp);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  const start = Date.UTC(2020, 0, 1);
  const line = (exportName, c, i) => {
    const wa = c >= 80;
    const chat = wa ? `wa:${String(c).padStart(16, '0')}` : `tg:${1000 + c}`;
    const t = start + i * 47_000 + c * 13_000;
    const sentAt = new Date(wa ? t - (t % 60_000) : t).toISOString();
    const who = (i * 7 + c) % 5;
    let text = '';
    for (let k = 0; k < 3 + ((i + c) % 9); k++) text += `${words[(i * 31 + k * 17 + c) % words.length]} `;
    return `${JSON.stringify({
      chat, id: wa ? `${chat}:${exportName}:${i}` : String(i + 1), kind: 'message', sentAt,
      sender: { name: `Участник ${who}`, id: wa ? null : `user${c * 10 + who}` }, text: text.trim(), replyTo: null, forwardedFrom: null, editedAt: null,
      attachments: [], source: { file: `/exports/${exportName}/result.json`, line: i + 2 },
    })}\n`;
  };
  let n = 0;
  for (const [name, lo, hi] of [['early', 0, first], ['late', from, perChat]]) {
    for (let c = 0; c < chats; c++) {
      for (let i = lo; i < hi && n < total; i++, n++) await write(line(name, c, i));
    }
  }
  await new Promise((r) => out.end(r));
  renameSync(tmp, file);
  return n;
}

const msgFile = path.join(benchDir, `clean-messages-${messages}.jsonl`);
if (!existsSync(msgFile)) {
  console.log(`generating ${fmt(messages)} message lines → ${path.relative(root, msgFile)} …`);
  await generateMessages(msgFile, messages);
}
const t = runClean('timeline', msgFile);
console.log('timeline dedupe (external sort by chat and time, then one time bucket at a time):');
console.log(
  `  ${fmt(t.in)} lines (${fmt(statSync(msgFile).size / 1048576)} MB) in ${fmt(t.chats)} chats → ${fmt(t.kept)} kept, ${fmt(t.merged)} copies merged  ` +
    `${(t.ms / 1000).toFixed(1)} s  peak RSS ${fmt(t.maxRssMb)} MB  (${t.chunks} sorted chunks)`,
);
const timelineOk = t.in === t.kept + t.merged + t.quarantined + t.excluded;
console.log(`  accounting: in = kept + merged + quarantined + excluded: ${timelineOk ? 'holds' : 'DOES NOT HOLD'}`);
if (strict && !(contactsOk && timelineOk)) process.exit(1);
