import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, createNormaliser, findGroups, groupId, mergePeople, readPeople, StringIds, type Person } from './contacts-dedupe.js';
import type { ContactLine, ParticipantInfo } from './types.js';

const norm = createNormaliser({ region: 'RU' });

function contact(id: string, name: string, phones: string[] = [], emails: string[] = [], extra: Partial<ContactLine> = {}): ContactLine {
  // given/family as vCard N or CSV columns would give them: only for plain two-word names
  const [given, family] = /^\p{L}+ \p{L}+$/u.test(name) ? name.split(' ') : [null, null];
  return {
    id, name, given: given ?? null, family: family ?? null, org: null, note: null,
    phones: phones.map((value) => ({ value, type: null })), emails: emails.map((value) => ({ value, type: null })),
    source: { file: `/in/${id.split(':')[0]}`, line: 1 }, ...extra,
  };
}
const participant = (network: string, senderId: string | null, name: string): ParticipantInfo => ({
  key: senderId ? `${network}:${senderId}` : `${network}:name:${name.toLowerCase()}`, network, senderId, name, messages: 1, chats: 1,
});

/** The people of tests/fixtures/clean/three-sources, as the three parsers and the timeline give them. */
function threeSources(): Person[] {
  const c = [
    contact('tg-contact:user5000', 'Мария Соколова', ['+7 999 000 0001'], [], { self: true }),
    contact('tg-contact:user1001', 'Иван Петров', ['+7 916 123 4567']),
    contact('tg-contact:user1002', 'Ольга Смирнова', ['89031112233']),
    contact('tg-contact:user1003', 'John Smith', ['+44 20 7946 0958']),
    contact('tg-contact:user1004', 'Юлия Щукина', ['+7 925 555 1234']),
    contact('tg-contact:user1005', 'Иван Петров', ['+7 926 000 1122']),
    contact('vcard:contacts.vcf:0', 'Ivan Petrov', ['8 (916) 123-45-67'], ['Ivan.Petrov@Example.RU']),
    contact('vcard:contacts.vcf:1', 'Olga Smirnova', ['+7 903 111-22-33'], ['olga@example.com']),
    contact('vcard:contacts.vcf:2', 'Aleksei Tsvetkov', [], ['a.tsvetkov@example.org'], { org: 'Example Org' }),
    contact('vcard:contacts.vcf:3', 'Sergey Kuznetsov', ['+7 495 123-45-67']),
    contact('csv:google.csv:2', 'Иван Петров', ['00 7 916 1234567'], ['ivan.petrov@example.ru'], { org: 'ООО Ромашка' }),
    contact('csv:google.csv:3', 'Юлия Щукина', ['8-925-555-12-34']),
    contact('csv:google.csv:4', 'Ivan Petrov', ['+7 (926) 000-11-22']),
    contact('csv:google.csv:5', 'Анна Кузнецова', ['123-45-67']),
  ].map((x) => norm.contact(x, x.id));
  const p = [
    participant('tg', 'user1001', 'Иван Петров'),
    participant('tg', 'user5000', 'Мария Соколова'),
    participant('tg', 'user1003', 'John Smith'),
    participant('tg', 'user1006', 'Алексей Цветков'),
  ].map((x) => norm.participant(x));
  return [...c, ...p];
}

const summary = (people: Person[]) =>
  findGroups(people).groups.map((g) => ({ members: g.members, strength: g.strength, reasons: g.reasons.map((r) => r.text).sort() }));

describe('findGroups', () => {
  it('finds the hand-written groups of the three-sources fixture', () => {
    const groups = summary(threeSources());
    expect(groups).toHaveLength(7);
    expect(groups).toEqual(
      expect.arrayContaining([
        {
          members: ['csv:google.csv:2', 'participant:tg:user1001', 'tg-contact:user1001', 'vcard:contacts.vcf:0'],
          strength: 'strong',
          reasons: ['same Telegram user id user1001', 'same e-mail ivan.petrov@example.ru', 'same phone +79161234567'],
        },
        { members: ['tg-contact:user1002', 'vcard:contacts.vcf:1'], strength: 'strong', reasons: ['same phone +79031112233'] },
        { members: ['csv:google.csv:3', 'tg-contact:user1004'], strength: 'strong', reasons: ['same phone +79255551234'] },
        { members: ['csv:google.csv:4', 'tg-contact:user1005'], strength: 'strong', reasons: ['same phone +79260001122'] },
        { members: ['participant:tg:user1003', 'tg-contact:user1003'], strength: 'strong', reasons: ['same Telegram user id user1003'] },
        { members: ['participant:tg:user5000', 'tg-contact:user5000'], strength: 'strong', reasons: ['same Telegram user id user5000'] },
        { members: ['participant:tg:user1006', 'vcard:contacts.vcf:2'], strength: 'weak', reasons: ['same name (transliterated); name only — weaker'] },
      ]),
    );
  });

  it('never joins two people with the same name but different phones', () => {
    const people = [
      contact('a', 'Иван Петров', ['+7 916 123 4567']),
      contact('b', 'Ivan Petrov', ['+7 926 000 1122']),
      contact('c', 'Иван Петров', [], ['ivan@example.ru']),
    ].map((x) => norm.contact(x, x.id));
    const { groups } = findGroups(people);
    // c has no phone, so it does not conflict with a; b conflicts with a (and with a+c)
    expect(groups.map((g) => [g.members, g.strength])).toEqual([[['a', 'c'], 'weak']]);
  });

  it('needs two words for a name match, and skips names shared by too many people', () => {
    const single = ['Иван', 'Ivan'].map((n, i) => norm.contact(contact(`s${i}`, n), `s${i}`));
    expect(findGroups(single).groups).toEqual([]);
    const many = Array.from({ length: 4 }, (_, i) => norm.contact(contact(`m${i}`, 'Иван Иванов'), `m${i}`));
    expect(findGroups(many, { nameBlockLimit: 3 })).toEqual({ groups: [], commonNames: 1, sharedKeys: 0 });
    expect(findGroups(many, { nameBlockLimit: 4 }).groups).toHaveLength(1);
  });

  it('makes a weak group of whole strong groups, keeping the strong group on its own', () => {
    const people = [
      contact('a', 'Юлия Щукина', ['+7 925 555 1234']),
      contact('b', 'Yulia Shchukina', ['8 925 555 12 34']),
      contact('c', 'Iuliia Schukina', [], ['yulia@example.ru']),
    ].map((x) => norm.contact(x, x.id));
    const { groups } = findGroups(people);
    const strong = groups.find((g) => g.strength === 'strong')!;
    const weak = groups.find((g) => g.strength === 'weak')!;
    expect(strong.members).toEqual(['a', 'b']);
    expect(weak.members).toEqual(['a', 'b', 'c']);
    expect(weak.contains).toEqual([strong.id]);
    expect(weak.reasons[0]).toMatchObject({ kind: 'name', weak: true, transliterated: true });
    expect(weak.reasons.map((r) => r.text)).toContain('same phone +79255551234');
  });

  it('does not join people with unrelated names on a shared landline or family address, but does on a shared account id', () => {
    const people = [
      contact('husband', 'Иван Петров', ['+7 495 123 45 67'], ['petrovy@example.ru']),
      contact('wife', 'Мария Петрова', ['8 495 123-45-67'], ['petrovy@example.ru']),
      contact('card', 'Ivan Petrov', ['+7 495 123 45 67']), // the husband's name: joined on the landline
      contact('nick', 'Ваня', ['+7 495 123 45 67']), // no full name: the shared line does not say whose
      contact('tg-contact:user7', 'Маша', [], [], { handles: [{ value: 'masha', type: 'telegram' }] }),
      contact('tg-contact:user8', 'Мария Петрова', [], [], { handles: [{ value: 'masha', type: 'telegram' }] }),
    ].map((x) => norm.contact(x, x.id));
    const r = findGroups(people);
    expect(r.sharedKeys).toBe(2); // the landline and the family address
    expect(r.groups.map((g) => [g.members, g.strength])).toEqual(
      expect.arrayContaining([
        [['card', 'husband'], 'strong'],
        [['tg-contact:user7', 'tg-contact:user8'], 'strong'],
      ]),
    );
    expect(r.groups.some((g) => g.members.includes('wife') && g.members.some((m) => ['husband', 'card', 'nick'].includes(m)))).toBe(false);
    expect(r.groups.some((g) => g.members.includes('nick'))).toBe(false);
  });

  it('links people seen in chats by their number when their name is a number', () => {
    const people = [norm.contact(contact('v', 'Пётр Иванов', ['8 916 123-45-67']), 'v'), norm.participant(participant('wa', null, '~\u202F+7 916 123-45-67'))];
    expect(summary(people)).toEqual([{ members: ['participant:wa:name:~\u202f+7 916 123-45-67', 'v'], strength: 'strong', reasons: ['same phone +79161234567'] }]);
  });

  it('matches e-mails ignoring case and usernames ignoring @ and case', () => {
    const people = [
      contact('a', 'A', [], ['Ivan.Petrov@Example.RU'], { handles: [{ value: '@IvanP', type: 'telegram' }] }),
      contact('b', 'B', [], ['ivan.petrov@example.ru']),
      contact('c', 'C', [], [], { handles: [{ value: 'ivanp', type: 'Telegram' }] }),
    ].map((x) => norm.contact(x, x.id));
    expect(summary(people)).toEqual([
      { members: ['a', 'b', 'c'], strength: 'strong', reasons: ['same Telegram username @ivanp', 'same e-mail ivan.petrov@example.ru'] },
    ]);
  });

  it('does not match on names that are really an organisation, an e-mail or a number', () => {
    const people = [
      contact('a', 'ООО Ромашка', [], [], { org: 'ООО Ромашка' }),
      contact('b', 'ООО Ромашка', [], [], { org: 'ООО Ромашка' }),
      contact('c', 'ivan@example.ru', ['+7 916 000 0000']),
      contact('d', 'ivan@example.ru', ['+7 926 000 0000']),
      contact('e', '(no name)'),
      contact('f', '(no name)'),
    ].map((x) => norm.contact(x, x.id));
    expect(findGroups(people).groups).toEqual([]);
  });

  it('gives the same groups whatever the input order (strong keys), equal to a naive all-pairs reference', () => {
    const phone = fc.constantFrom('+7 916 000 0001', '8 916 000 0001', '+7 916 000 0002', '+44 20 7946 0958', '123-45-67');
    const email = fc.constantFrom('a@example.ru', 'A@Example.RU', 'b@example.ru');
    const rec = fc.record({ phones: fc.array(phone, { maxLength: 2 }), emails: fc.array(email, { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(rec, { minLength: 1, maxLength: 12 }), fc.context(), (recs, ctx) => {
        const people = recs.map((r, i) => norm.contact(contact(`p${i}`, `x${i}`, r.phones, r.emails), `p${i}`));
        // reference: all pairs sharing a normalised phone or a lower-cased address, then connected components
        const adj = people.map((a) =>
          people.map((b) => a.phones.some((x) => x.e164 && b.phones.some((y) => y.e164 === x.e164)) || a.emails.some((x) => x.key && b.emails.some((y) => y.key === x.key))),
        );
        const seen = new Set<number>();
        const expected: string[][] = [];
        for (let i = 0; i < people.length; i++) {
          if (seen.has(i)) continue;
          const comp: number[] = [];
          const stack = [i];
          seen.add(i);
          while (stack.length) {
            const k = stack.pop()!;
            comp.push(k);
            for (let j = 0; j < people.length; j++) {
              if (!adj[k]![j] || seen.has(j)) continue;
              seen.add(j);
              stack.push(j);
            }
          }
          if (comp.length > 1) expected.push(comp.map((k) => people[k]!.key).sort());
        }
        const got = findGroups(people).groups.map((g) => g.members);
        const shuffled = findGroups([...people].reverse()).groups.map((g) => g.members);
        ctx.log(JSON.stringify({ expected, got }));
        const sort = (x: string[][]) => x.map((m) => m.join(',')).sort();
        return JSON.stringify(sort(got)) === JSON.stringify(sort(expected)) && JSON.stringify(sort(shuffled)) === JSON.stringify(sort(expected));
      }),
    );
  });

  it('names a group by its members, whatever their order', () => {
    expect(groupId(['b', 'a'])).toBe(groupId(['a', 'b']));
    expect(groupId(['a', 'b'])).toMatch(/^g-[0-9a-f]{16}$/);
    expect(groupId(['a', 'b'])).not.toBe(groupId(['a', 'b', 'c']));
  });
});

describe('mergePeople', () => {
  it('merges field by field: all phones and e-mails, one name with the others as alternatives', () => {
    const people = threeSources();
    const g = findGroups(people).groups.find((x) => x.members.includes('tg-contact:user1001'))!;
    const merged = mergePeople(people, g.indices, g.id);
    expect(merged).toMatchObject({
      id: g.id,
      name: 'Иван Петров', // 2 of 3 contacts write it in Cyrillic
      given: 'Иван',
      family: 'Петров',
      org: 'ООО Ромашка',
      phones: [{ value: '+79161234567', valid: true }],
      emails: [{ value: 'Ivan.Petrov@example.ru' }], // the domain lower-cased, the local part as written
      members: ['tg-contact:user1001', 'vcard:contacts.vcf:0', 'csv:google.csv:2'], // in the order the sources were given
      aliases: ['tg:user1001'],
    });
    expect(merged.conflicts).toEqual(
      expect.arrayContaining([{ field: 'name', chosen: 'Иван Петров', alternatives: ['Ivan Petrov'], resolution: 'chosen' }]),
    );
    expect(merged.sources).toHaveLength(4);
  });

  it('keeps every phone and e-mail when members disagree, and lists the conflict', () => {
    const people = [
      contact('a', 'Анна Кузнецова', ['+7 916 111 2233'], ['anna@example.ru'], { org: 'Ромашка', note: 'бухгалтер' }),
      contact('b', 'Анна Кузнецова', ['+7 916 111 2233', '+7 495 000 0000'], ['anna@work.example'], { org: 'Лютик' }),
    ].map((x) => norm.contact(x, x.id));
    const m = mergePeople(people, [0, 1], 'g-x');
    expect(m.phones.map((p) => p.value)).toEqual(['+79161112233', '+74950000000']);
    expect(m.emails.map((e) => e.value)).toEqual(['anna@example.ru', 'anna@work.example']);
    expect(m.note).toBe('бухгалтер');
    expect(m.conflicts).toEqual([
      { field: 'org', chosen: 'Ромашка', alternatives: ['Лютик'], resolution: 'chosen' },
      { field: 'phones', values: ['+79161112233', '+74950000000'], resolution: 'kept-all' },
      { field: 'emails', values: ['anna@example.ru', 'anna@work.example'], resolution: 'kept-all' },
    ]);
  });

  it('applies the user’s edits, re-normalising phones', () => {
    const people = [contact('a', 'Анна', ['+7 916 111 2233']), contact('b', 'Анна К.', ['8 916 111 22 33'])].map((x) => norm.contact(x, x.id));
    const m = applyEdits(mergePeople(people, [0, 1], 'g-x'), { name: 'анна кузнецова', phones: ['8 (916) 111-22-33', '8 495 000 00 00'], org: null }, norm);
    expect(m.name).toBe('Анна Кузнецова');
    expect(m.phones.map((p) => p.value)).toEqual(['+79161112233', '+74950000000']);
    expect(m.org).toBeNull();
    expect(m.edited).toEqual(['name', 'org', 'phones']);
  });
});

describe('readPeople', () => {
  it('reads every line: CRLF, blank and bad lines, a line longer than a read block, characters cut by a block end, no last line break', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-read-people-'));
    try {
      const line = (id: string, name: string, note: string | null = null) => JSON.stringify({ ...contact(id, name, ['+7 916 000 00 01']), note });
      // Cyrillic notes of odd lengths push two-byte characters across the 1 MiB block boundaries.
      const filler = Array.from({ length: 3000 }, (_, i) => line(`f:${i}`, 'Юлия Щукина', 'ж'.repeat(300 + (i % 7))));
      const long = line('long', 'Иван Петров', 'я'.repeat(1_500_000)); // 3 MB of UTF-8 on one line
      const text = ['', line('a', 'Анна Кузнецова') + '\r', '{not json', ...filler, long, 'x'.repeat(10), line('dup', 'Ivan Petrov'), line('dup', 'Иван Петров')].join('\n');
      const file = path.join(dir, 'contacts.jsonl');
      writeFileSync(file, text); // no line break after the last line
      const bad: number[] = [];
      const people = readPeople(file, norm, { onBadLine: (n) => bad.push(n) });
      expect(bad).toEqual([3, 3 + filler.length + 2]);
      expect(people.map((p) => p.key).slice(0, 2)).toEqual(['a', 'f:0']);
      expect(people.map((p) => p.key).slice(-3)).toEqual(['long', 'dup', 'dup~2']);
      expect(people).toHaveLength(1 + filler.length + 3);
      expect(people.find((p) => p.key === 'long')!.note).toBe('я'.repeat(1_500_000));
      for (const [i, p] of people.slice(1, -3).entries()) expect(p.note, p.key).toBe('ж'.repeat(300 + (i % 7)));
      expect(readPeople(path.join(dir, 'missing.jsonl'), norm)).toEqual([]);
      writeFileSync(path.join(dir, 'empty.jsonl'), '');
      expect(readPeople(path.join(dir, 'empty.jsonl'), norm)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('StringIds', () => {
  it('gives every distinct string one dense id in first-seen order, through growth, like a Map', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { maxLength: 3000 }), (strings) => {
        const ids = new StringIds(4); // starts small: grows many times
        const ref = new Map<string, number>();
        for (const s of strings) {
          const fresh = !ref.has(s);
          if (fresh) ref.set(s, ref.size);
          // a copy of the string, not the same object
          expect(ids.id(JSON.parse(JSON.stringify(s)) as string)).toBe(ref.get(s));
          expect(ids.added).toBe(fresh);
        }
        expect(ids.keys).toEqual([...ref.keys()]);
        expect(ids.size).toBe(ref.size);
      }),
      { numRuns: 200 },
    );
  });
});
