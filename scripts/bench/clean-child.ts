// Bench child for scripts/bench/clean.mjs (bundled by it into .bench/clean-child.mjs).
//   contacts N        write N synthetic contacts as convert's contacts.jsonl (not timed), then time
//                     the whole contact step as runClean runs it: read + normalise (E.164, e-mails,
//                     names) → groups (blocking + union-find) → default decisions → final partition
//                     → field-by-field merge of every group.
//   timeline FILE [MiB]  time the timeline dedupe of a convert-shaped messages.jsonl (external sort + merge).
// Prints one JSON line; peak RSS from process.resourceUsage().maxRSS.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNormaliser, findGroups, mergePeople, readPeople, type Person } from '../../main/engine/clean/contacts-dedupe.js';
import { finalPartition, resolveDecisions } from '../../main/engine/clean/merge-log.js';
import { buildTimeline } from '../../main/engine/clean/timeline.js';
import type { ContactLine } from '../../main/engine/clean/types.js';
import { JsonlWriter } from '../../main/engine/pipeline/jsonl-writer.js';

const GIVEN: [string, string][] = [
  ['Иван', 'Ivan'], ['Сергей', 'Sergey'], ['Алексей', 'Alexey'], ['Юлия', 'Yulia'], ['Ольга', 'Olga'], ['Дмитрий', 'Dmitry'],
  ['Наталья', 'Natalya'], ['Евгений', 'Yevgeny'], ['Пётр', 'Pyotr'], ['Ксения', 'Xenia'], ['Фёдор', 'Fyodor'], ['Мария', 'Maria'],
  ['Андрей', 'Andrey'], ['Татьяна', 'Tatyana'], ['Михаил', 'Mikhail'], ['Анна', 'Anna'], ['Николай', 'Nikolay'], ['Елена', 'Yelena'],
  ['Григорий', 'Grigory'], ['Людмила', 'Lyudmila'],
];
const SYL: [string, string][] = [
  ['ка', 'ka'], ['ро', 'ro'], ['ми', 'mi'], ['ле', 'le'], ['ну', 'nu'], ['ша', 'sha'], ['цо', 'tso'], ['ю', 'yu'], ['зе', 'ze'], ['хо', 'kho'],
  ['бо', 'bo'], ['ва', 'va'], ['ти', 'ti'], ['ди', 'di'], ['го', 'go'], ['жа', 'zha'], ['ща', 'shcha'], ['ры', 'ry'], ['пе', 'pe'], ['фи', 'fi'],
];
const SUFFIX: [string, string][] = [['ов', 'ov'], ['ев', 'ev'], ['ин', 'in'], ['ский', 'sky'], ['енко', 'enko']];

function family(k: number): [string, string] {
  let cy = '';
  let la = '';
  for (let i = 0; i < 4; i++) {
    const [c, l] = SYL[k % SYL.length]!;
    cy += c;
    la += l;
    k = Math.floor(k / SYL.length);
  }
  const [sc, sl] = SUFFIX[k % SUFFIX.length]!;
  return [cy[0]!.toUpperCase() + cy.slice(1) + sc, la[0]!.toUpperCase() + la.slice(1) + sl];
}

const FORMATS = [
  (d: string) => `+7 ${d.slice(0, 3)} ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`,
  (d: string) => `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`,
  (d: string) => `8${d}`,
  (d: string) => `00 7 ${d}`,
  (d: string) => `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`,
];

/**
 * N contact records of about N/1.4 people: 70 % in one source, 20 % in two, 10 % in three, written
 * differently in each (Cyrillic or Latin name, +7 / 8 / 00 / national phone formats, e-mail case);
 * every tenth second copy has a name only (a name-only match); every fourth person has a work
 * number; two people in fifty share a home landline (a shared key, not an identity).
 */
function generate(n: number): ContactLine[] {
  const out: ContactLine[] = [];
  for (let p = 0; out.length < n; p++) {
    const copies = p % 10 < 7 ? 1 : p % 10 < 9 ? 2 : 3;
    const [gc, gl] = GIVEN[p % GIVEN.length]!;
    const [fc, fl] = family(Math.floor(p / 3));
    const digits = `9${String(100_000_000 + ((p * 7_919) % 900_000_000)).padStart(9, '0')}`;
    for (let c = 0; c < copies && out.length < n; c++) {
      const latin = c % 2 === 1;
      const nameOnly = c === 1 && p % 10 === 7;
      const phones = nameOnly ? [] : [{ value: FORMATS[(p + c) % FORMATS.length]!(digits), type: 'mobile' }];
      // every fourth person has a work number; every fiftieth shares a family landline with the person before
      if (!nameOnly && p % 4 === 0) phones.push({ value: `+7 495 ${String(p % 10_000_000).padStart(7, '0')}`, type: 'work' });
      if (!nameOnly && p % 50 < 2) phones.push({ value: `+7 812 ${String(Math.floor(p / 50) % 10_000_000).padStart(7, '0')}`, type: 'home' });
      const email = `${gl}.${fl}${p}@example.ru`;
      const emails = nameOnly || p % 2 === 1 ? [] : [{ value: c === 0 ? email : email.toUpperCase(), type: null }];
      out.push({
        id: `bench:${out.length}`, name: latin ? `${gl} ${fl}` : `${gc} ${fc}`, given: latin ? gl : gc, family: latin ? fl : fc,
        phones, emails, org: p % 5 === 0 ? 'ООО Ромашка' : null, note: null, source: { file: `source-${c}`, line: out.length + 1 },
      });
    }
  }
  return out;
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'contacts') {
  const n = Number(arg);
  // convert's contacts.jsonl for these contacts, written first (not timed): the step reads it as runClean does
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-bench-contacts-'));
  const file = path.join(dir, 'contacts.jsonl');
  const w = new JsonlWriter(file);
  for (const c of generate(n)) w.write(c);
  w.close();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const people: Person[] = readPeople(file, createNormaliser({ region: 'RU' }));
  const t1 = performance.now();
  rmSync(dir, { recursive: true, force: true });
  const { groups, commonNames, sharedKeys } = findGroups(people);
  const states = resolveDecisions(groups, []).states;
  const { uf } = finalPartition(people.length, states);
  const comps = new Map<number, number[]>();
  for (let i = 0; i < people.length; i++) {
    const r = uf.find(i);
    const l = comps.get(r);
    if (l) l.push(i);
    else comps.set(r, [i]);
  }
  let merged = 0;
  for (const [root, idx] of comps) {
    if (idx.length < 2) continue;
    mergePeople(people, idx, `g-${root}`);
    merged++;
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  process.stdout.write(
    `${JSON.stringify({
      contacts: n, ms: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000, normaliseMs: t1 - t0, groupMs: t2 - t1, groups: groups.length,
      strong: groups.filter((g) => g.strength === 'strong').length, weak: groups.filter((g) => g.strength === 'weak').length,
      mergedContacts: merged, commonNames, sharedKeys, maxRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
} else if (mode === 'timeline') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-bench-timeline-'));
  try {
    const quarantine = new JsonlWriter(path.join(dir, 'quarantine.jsonl'));
    const t0 = performance.now();
    const chunkMb = Number(process.argv[4] ?? 0);
    const r = await buildTimeline({
      input: arg!, output: path.join(dir, 'messages.jsonl'), quarantine, tmpDir: path.join(dir, 'sort'), signal: new AbortController().signal,
      ...(chunkMb > 0 ? { chunkBytes: chunkMb << 20 } : {}),
    });
    quarantine.close();
    const ms = performance.now() - t0;
    process.stdout.write(`${JSON.stringify({ ms, ...r.tally, chunks: r.chunks, chats: r.byChat.size, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  process.stderr.write('usage: clean-child contacts N | timeline FILE\n');
  process.exit(2);
}
