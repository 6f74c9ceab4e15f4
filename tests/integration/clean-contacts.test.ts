/**
 * `pereezd clean` end to end on tests/fixtures/clean/three-sources (the same people in a Telegram
 * export, a vCard file and a Google CSV; see its README for the table the expectations below were
 * written from): the groups, their reasons, the merge log, decisions (accept, reject, edit, undo),
 * re-runs, a group whose members changed, chat exclusion, and the vCard/CSV exports.
 *
 * Member ids are the parsers' own: `tg-contact:user<id>` (Telegram contact list),
 * `vcard:<file>:<card index from 0>`, `csv:<file>:<line>`, and `participant:tg:user<id>` for
 * people seen in chats.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

let cli: string;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const jsonl = <T = Record<string, unknown>,>(file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

beforeAll(async () => {
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
});

const set = path.join(repoRoot, 'tests/fixtures/clean/three-sources');
const SOURCES = [path.join(set, 'telegram'), path.join(set, 'contacts.vcf'), path.join(set, 'google.csv')];
const LATER = path.join(repoRoot, 'tests/fixtures/clean/three-sources-later/work-phone.vcf');

interface GroupLine {
  id: string;
  strength: 'strong' | 'weak';
  decision: string;
  status: string;
  reasons: { text: string; members: string[] }[];
  members: { key: string }[];
}
interface ContactOut {
  id: string;
  name: string;
  org: string | null;
  phones: { value: string; type: string | null; valid: boolean }[];
  emails: { value: string }[];
  members?: string[];
  aliases?: string[];
  edited?: string[];
  self?: boolean;
}

const IVAN1 = ['csv:google.csv:2', 'participant:tg:user1001', 'tg-contact:user1001', 'vcard:contacts.vcf:0'];
const OLGA = ['tg-contact:user1002', 'vcard:contacts.vcf:1'];
const TSVETKOV = ['participant:tg:user1006', 'vcard:contacts.vcf:2'];

const groupsOf = (out: string) => jsonl<GroupLine>(path.join(out, 'groups.jsonl'));
const groupWith = (out: string, members: string[]) => groupsOf(out).find((g) => JSON.stringify(g.members.map((m) => m.key)) === JSON.stringify(members))!;
const accounting = (out: string) => JSON.parse(readFileSync(path.join(out, 'accounting.json'), 'utf8')) as Record<string, Record<string, number>>;
const contacts = (out: string) => jsonl<ContactOut>(path.join(out, 'contacts.jsonl'));
const clean = (out: string, ...more: string[]) => run('clean', ...SOURCES, '--out', out, '--region', 'RU', ...more);

describe('pereezd clean: contacts from three sources', () => {
  it('finds exactly the hand-written groups, with their reasons, and accounts for every contact', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    const r = clean(out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'accounting.json', 'chats.jsonl', 'contacts.csv', 'contacts.jsonl', 'contacts.vcf', 'groups.jsonl', 'identities.jsonl', 'merges.jsonl', 'messages.jsonl',
      'participants.jsonl', 'plan.json', 'problems.jsonl', 'quarantine.jsonl',
    ]);
    const groups = groupsOf(out).map((g) => ({ members: g.members.map((m) => m.key), strength: g.strength, status: g.status, reasons: g.reasons.map((x) => x.text).sort() }));
    expect(groups).toHaveLength(7);
    expect(groups).toEqual(
      expect.arrayContaining([
        { members: IVAN1, strength: 'strong', status: 'auto', reasons: ['same Telegram user id user1001', 'same e-mail ivan.petrov@example.ru', 'same phone +79161234567'] },
        { members: OLGA, strength: 'strong', status: 'auto', reasons: ['same phone +79031112233'] },
        { members: ['csv:google.csv:3', 'tg-contact:user1004'], strength: 'strong', status: 'auto', reasons: ['same phone +79255551234'] },
        { members: ['csv:google.csv:4', 'tg-contact:user1005'], strength: 'strong', status: 'auto', reasons: ['same phone +79260001122'] },
        { members: ['participant:tg:user1003', 'tg-contact:user1003'], strength: 'strong', status: 'auto', reasons: ['same Telegram user id user1003'] },
        { members: ['participant:tg:user5000', 'tg-contact:user5000'], strength: 'strong', status: 'auto', reasons: ['same Telegram user id user5000'] },
        { members: TSVETKOV, strength: 'weak', status: 'pending', reasons: ['same name (transliterated); name only — weaker'] },
      ]),
    );
    const a = accounting(out);
    expect(a.contacts).toEqual({ in: 15, kept: 9, merged: 5, quarantined: 1, excluded: 0 });
    expect(a.participants).toEqual({ in: 4, kept: 1, merged: 3, quarantined: 0, excluded: 0 });
    expect(a.chats).toEqual({ in: 2, kept: 2, merged: 0, quarantined: 0, excluded: 0 });
    expect(a.messages).toMatchObject({ in: 7, kept: 7, merged: 0, quarantined: 0, excluded: 0 });
    // the files say the same as the accounting
    expect(contacts(out)).toHaveLength(9);
    expect(jsonl(path.join(out, 'quarantine.jsonl'))).toEqual([expect.objectContaining({ kind: 'contact', reason: 'empty', line: 29, restorable: true })]);
    expect(jsonl(path.join(out, 'participants.jsonl'))).toEqual([expect.objectContaining({ id: 'participant:tg:user1006', name: 'Алексей Цветков' })]);
    const ivan = contacts(out).find((c) => c.members?.includes('tg-contact:user1001'))!;
    expect(ivan).toMatchObject({ name: 'Иван Петров', org: 'ООО Ромашка', phones: [{ value: '+79161234567', type: 'cell', valid: true }], emails: [{ value: 'Ivan.Petrov@example.ru' }], aliases: ['tg:user1001'] });
    expect(r.stdout).toMatch(/contacts\s+15 in → 9 kept, 5 merged, 1 quarantined/);
    expect(r.stdout).toMatch(/1 waiting for a decision/);
  });

  it('exports the kept contacts (not the owner) as strict vCard 4.0 and as a Google CSV', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    expect(clean(out).code).toBe(0);
    const vcf = readFileSync(path.join(out, 'contacts.vcf'), 'utf8');
    expect(vcf.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(8); // 9 kept − the owner
    expect(vcf).not.toMatch(/[^\r]\n/); // CRLF only
    for (const line of vcf.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(vcf).not.toContain('Соколова');
    expect(vcf).toContain('\r\nTEL;VALUE=uri;TYPE=cell:tel:+79161234567\r\n');
    expect(vcf).toContain('\r\nTEL;VALUE=text;TYPE=home:123-45-67\r\n'); // Анна Кузнецова's local number, kept as written
    expect(vcf).toContain('\r\nNOTE:Бухгалтерия\\, 3 этаж\r\n');
    const csv = readFileSync(path.join(out, 'contacts.csv'), 'utf8');
    expect(csv.startsWith('\uFEFFFirst Name,Middle Name,Last Name,')).toBe(true);
    const rows = csv.slice(1).split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(9); // header + 8
    expect(rows).toContain('Иван,,Петров,,,,,,,,ООО Ромашка,,,,,,* myContacts,Work,Ivan.Petrov@example.ru,Mobile,+79161234567');
  });

  it('applies decisions (accept, reject, edit), keeps them in merges.jsonl, applies them again on a re-run, and undoes', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    expect(clean(out).code).toBe(0);
    const ivan = groupWith(out, IVAN1);
    const olga = groupWith(out, OLGA);
    const tsvetkov = groupWith(out, TSVETKOV);
    const decisions = path.join(out, '..', `${path.basename(out)}-decisions.jsonl`);
    writeFileSync(
      decisions,
      [
        `{"group":"${tsvetkov.id}","decision":"accept"}`,
        `{"group":"${olga.id}","decision":"reject"}`,
        `{"group":"${ivan.id}","decision":"edit","edited":{"name":"Иван Сергеевич Петров","org":"ООО «Ромашка»"}}`,
      ].join('\n'),
    );
    const r = clean(out, '--decisions', decisions);
    expect(r.code, r.stderr).toBe(0);
    const check = () => {
      const a = accounting(out);
      // Olga's two records stay apart (+1 kept, −1 merged); Tsvetkov's participant joins his vCard
      expect(a.contacts).toEqual({ in: 15, kept: 10, merged: 4, quarantined: 1, excluded: 0 });
      expect(a.participants).toEqual({ in: 4, kept: 0, merged: 4, quarantined: 0, excluded: 0 });
      const cs = contacts(out);
      expect(cs.find((c) => c.members?.includes('tg-contact:user1001'))).toMatchObject({ name: 'Иван Сергеевич Петров', org: 'ООО «Ромашка»', edited: ['name', 'org'] });
      expect(cs.filter((c) => /Ol[gь]|Ольга/.test(c.name)).map((c) => c.id).sort()).toEqual(['tg-contact:user1002', 'vcard:contacts.vcf:1']);
      expect(cs.find((c) => c.name === 'Aleksei Tsvetkov')).toMatchObject({ id: tsvetkov.id, aliases: ['tg:user1006'] });
      expect([groupWith(out, IVAN1).status, groupWith(out, OLGA).decision, groupWith(out, TSVETKOV).decision]).toEqual(['decided', 'reject', 'accept']);
    };
    check();
    const log = jsonl<{ group: string; decision: string; by: string; at?: string }>(path.join(out, 'merges.jsonl'));
    expect(log.filter((e) => e.by === 'user').map((e) => [e.group, e.decision])).toEqual([
      [tsvetkov.id, 'accept'],
      [olga.id, 'reject'],
      [ivan.id, 'edit'],
    ]);
    expect(log.filter((e) => e.by === 'user').every((e) => typeof e.at === 'string' && !Number.isNaN(Date.parse(e.at)))).toBe(true);

    // a plain re-run with the same --out applies merges.jsonl again
    expect(clean(out).code).toBe(0);
    check();

    // undo the reject: Olga's records are merged again (a strong group nobody objects to)
    writeFileSync(decisions, `{"group":"${olga.id}","decision":"proposed","undoes":"reject"}\n`);
    expect(clean(out, '--decisions', decisions).code).toBe(0);
    expect(accounting(out).contacts).toEqual({ in: 15, kept: 9, merged: 5, quarantined: 1, excluded: 0 });
    expect(groupWith(out, OLGA)).toMatchObject({ decision: 'accept', status: 'auto' });
  });

  it('proposes a group again, without applying the old decision, when a new source changes its members', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    expect(clean(out).code).toBe(0);
    const ivan = groupWith(out, IVAN1);
    const decisions = path.join(out, '..', `${path.basename(out)}-decisions.jsonl`);
    writeFileSync(decisions, `{"group":"${ivan.id}","decision":"reject"}\n`);
    expect(clean(out, '--decisions', decisions).code).toBe(0);
    // rejected: Ivan (1)'s three records stay apart (kept 9 + 2), his participant stays linked to nobody
    expect(accounting(out).contacts).toMatchObject({ kept: 11, merged: 3 });

    const r = clean(out, LATER);
    expect(r.code, r.stderr).toBe(0);
    const again = groupWith(out, [...IVAN1, 'vcard:work-phone.vcf:0'].sort());
    expect(again).toMatchObject({ decision: 'proposed', status: 're-proposed', strength: 'strong' });
    expect(again.reasons.find((x) => x.text === 'same phone +79161234567')!.members).toEqual(['csv:google.csv:2', 'tg-contact:user1001', 'vcard:contacts.vcf:0', 'vcard:work-phone.vcf:0']);
    // nothing merged for him until the user decides again: 4 contact records kept apart
    expect(accounting(out).contacts).toEqual({ in: 16, kept: 12, merged: 3, quarantined: 1, excluded: 0 });
    expect(jsonl(path.join(out, 'problems.jsonl')).some((p) => p.code === 'needs-answer' && String(p.message).includes(again.id))).toBe(true);
  });

  it('leaves unticked chats out and counts them as excluded', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    const r = clean(out, '--exclude-chat', 'tg:77001');
    expect(r.code, r.stderr).toBe(0);
    const a = accounting(out);
    expect(a.chats).toEqual({ in: 2, kept: 1, merged: 0, quarantined: 0, excluded: 1 });
    expect(a.messages).toMatchObject({ in: 7, kept: 3, merged: 0, quarantined: 0, excluded: 4 });
    // only the people of the personal chat are participants now: Иван (1) and the owner
    expect(a.participants).toEqual({ in: 2, kept: 0, merged: 2, quarantined: 0, excluded: 0 });
    expect(jsonl(path.join(out, 'chats.jsonl')).map((c) => c.id)).toEqual(['tg:1001']);
  });

  it('checks its options', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    expect(run('clean', ...SOURCES).code).toBe(2); // no --out
    const badRegion = clean(out, '--region', 'XX');
    expect([badRegion.code, badRegion.stderr]).toEqual([2, expect.stringMatching(/--region: unknown region XX/)]);
    const badRestore = clean(out, '--restore-quarantined', '42');
    expect([badRestore.code, badRestore.stderr]).toEqual([2, expect.stringMatching(/not a quarantine id/)]);
    const decisions = path.join(out, 'bad.jsonl');
    writeFileSync(decisions, '{"group":"g-0123456789abcdef","decision":"accept"}\n{"group":"g-1","decision":"maybe"}\n');
    const badDecisions = clean(out, '--decisions', decisions);
    expect([badDecisions.code, badDecisions.stderr]).toEqual([2, expect.stringContaining(`${decisions}:2:`)]);
    expect(readdirSync(out)).toEqual(['bad.jsonl']); // nothing was written for the usage errors
    const nothing = mkdtempSync(path.join(os.tmpdir(), 'pereezd-nothing-'));
    const unreadable = run('clean', nothing, '--out', path.join(out, 'clean-out'));
    expect(unreadable.code).toBe(1); // nothing could be read: said so, and the (empty) accounting still written
    expect(readdirSync(path.join(out, 'clean-out'))).toContain('accounting.json');
    const help = run('--help');
    expect(help.stdout).toContain('pereezd clean PATH... --out DIR');
  });
});
