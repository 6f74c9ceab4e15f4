/**
 * Identities from people already grouped (the final partition clean.ts computes), and the stored
 * accounts found again by their keys: keys another identity also has are never used, a name key
 * only finds entries stored by a name alone, different accounts for one person are a conflict.
 */
import { describe, expect, it } from 'vitest';
import type { IdentityMap } from '../../../shared/model/index.js';
import { cleanContactOf, createNormaliser, type Person } from './contacts-dedupe.js';
import { buildIdentities, resolveAccounts, senderAccounts, senderKeyOf, type IdentityComponent } from './identity.js';
import { nameSkeleton } from './names.js';
import type { ContactLine, ParticipantInfo } from './types.js';

/** The name key of a full name (the skeleton is names.ts's business, not this test's). */
const nameKey = (name: string) => `name:${nameSkeleton(name).skeleton}`;

const norm = createNormaliser({ region: 'RU' });
const contact = (id: string, name: string, phones: string[] = [], emails: string[] = [], extra: Partial<ContactLine> = {}): Person =>
  norm.contact(
    {
      id, name, given: null, family: null, org: null, note: null, source: { file: 'x', line: 1 },
      phones: phones.map((value) => ({ value, type: null })), emails: emails.map((value) => ({ value, type: null })), ...extra,
    },
    id,
  );
const participant = (key: string, name: string | null, senderId: string | null): Person => {
  const network = key.slice(0, key.indexOf(':'));
  const p: ParticipantInfo = { key, network, senderId, name, messages: 1, chats: 1 };
  return norm.participant(p);
};
/** Components as clean.ts makes them: each list of indices becomes one identity. */
const components = (people: Person[], parts: number[][]): IdentityComponent[] =>
  parts.map((indices) => ({ indices, contact: cleanContactOf(people[indices[0]!]!), line: { file: 'contacts', id: people[indices[0]!]!.key } }));

describe('senderKeyOf', () => {
  it('is the timeline’s participant key: messenger + id, or messenger + name:cleaned lower-case name', () => {
    expect(senderKeyOf('tg:1001', { name: 'Иван Петров', id: 'user1001' })).toBe('tg:user1001');
    expect(senderKeyOf('wa:0123abcd', { name: '  Иван   ПЕТРОВ ', id: null })).toBe('wa:name:иван петров');
    expect(senderKeyOf('slack:C01', { name: null, id: 'U09EXT' })).toBe('slack:U09EXT');
    expect(senderKeyOf('tg:1', { name: null, id: null })).toBeNull();
    expect(senderKeyOf('tg:1', null)).toBeNull();
  });
});

describe('buildIdentities', () => {
  const people = [
    contact('tg-contact:user1001', 'Иван Петров', ['+7 916 123 4567'], [], { sourceUserId: 'user1001' }),
    contact('vcard:c.vcf:0', 'Ivan Petrov', ['8 (916) 123-45-67'], ['Ivan.Petrov@Example.RU']),
    participant('tg:user1001', 'Иван Петров', 'user1001'),
    participant('wa:name:+7 916 123-45-67', '+7 916 123-45-67', null),
    // an office line shared by two different people
    contact('csv:g.csv:2', 'Сергей Кузнецов', ['+7 495 123-45-67']),
    contact('csv:g.csv:3', 'Анна Кузнецова', ['+7 495 123-45-67']),
    participant('wa:name:оля', 'Оля', null),
    contact('vcard:c.vcf:1', 'Пётр Сидоров', ['123-45-67']),
  ];
  const ids = buildIdentities(people, components(people, [[0, 1, 2, 3], [4], [5], [6], [7]]));

  it('gathers phones, e-mails, ids, names (no phone-number names) and the sender keys of one person', () => {
    expect(ids[0]).toMatchObject({
      name: 'Иван Петров', names: ['Иван Петров', 'Ivan Petrov'], phones: ['+79161234567'], emails: ['Ivan.Petrov@example.ru'],
      userIds: ['tg:user1001'], senders: ['tg:user1001', 'wa:name:+7 916 123-45-67'], contacts: ['tg-contact:user1001', 'vcard:c.vcf:0'],
      networks: ['tg', 'vcard', 'wa'], self: false, account: null, mapping: null,
    });
    expect(ids[0]!.keys).toEqual(['email:ivan.petrov@example.ru', nameKey('Иван Петров'), 'phone:+79161234567', 'sender:wa:name:+7 916 123-45-67', 'user:tg:user1001'].sort());
    expect(ids[0]!.mapKeys).toEqual(['email:ivan.petrov@example.ru', 'phone:+79161234567', 'sender:wa:name:+7 916 123-45-67', 'user:tg:user1001']);
    expect(ids[0]!.id).toMatch(/^i-[0-9a-f]{16}$/);
  });

  it('never stores a person under a key someone else has; falls back to a unique full name; a first name alone is not enough', () => {
    expect(ids[1]!.keys).toContain('phone:+74951234567');
    expect(ids[1]!.mapKeys).toEqual([nameKey('Сергей Кузнецов')]);
    expect(ids[2]!.mapKeys).toEqual([nameKey('Анна Кузнецова')]);
    expect(ids[3]!.mapKeys).toEqual(['sender:wa:name:оля']);
    expect(ids[4]!.keys).toEqual([nameKey('Пётр Сидоров')]); // a local number is no key
  });

  it('gives the same ids for the same input and different ids for different people', () => {
    const again = buildIdentities(people, components(people, [[0, 1, 2, 3], [4], [5], [6], [7]]));
    expect(again.map((i) => i.id)).toEqual(ids.map((i) => i.id));
    expect(new Set(ids.map((i) => i.id)).size).toBe(ids.length);
  });
});

describe('resolveAccounts', () => {
  const people = [
    contact('tg-contact:user1001', 'Иван Петров', ['+7 916 123 4567'], [], { sourceUserId: 'user1001' }),
    contact('csv:g.csv:2', 'Сергей Кузнецов', ['+7 495 123-45-67']),
    contact('csv:g.csv:3', 'Анна Кузнецова', ['+7 495 123-45-67']),
    participant('wa:name:оля', 'Оля', null),
    contact('vcard:c.vcf:5', 'Пётр Сидоров'),
  ];
  const at = '2025-06-01T12:00:00.000Z';
  const fresh = () => buildIdentities(people, components(people, [[0], [1], [2], [3], [4]]));

  it('finds a stored account by any key of the person’s own, and says which', () => {
    const ids = fresh();
    const map: IdentityMap = { version: 1, entries: [{ keys: ['phone:+79161234567', 'email:old@example.ru'], account: '@ivan:example.org', by: 'user', at }] };
    expect(resolveAccounts(ids, map)).toEqual({ mapped: 1, conflicts: 0, unused: 0 });
    expect(ids[0]).toMatchObject({ account: '@ivan:example.org', mapping: { account: '@ivan:example.org', by: 'user', at, matchedBy: ['phone:+79161234567'] } });
    expect(ids.slice(1).every((i) => i.account === null)).toBe(true);
  });

  it('does not use a key two people share (the office line), and keeps such entries as unused', () => {
    const ids = fresh();
    const map: IdentityMap = { version: 1, entries: [{ keys: ['phone:+74951234567'], account: '@office:example.org', by: 'import', at }] };
    expect(resolveAccounts(ids, map)).toEqual({ mapped: 0, conflicts: 0, unused: 1 });
  });

  it('different accounts for one person: a conflict, no account used', () => {
    const ids = fresh();
    const map: IdentityMap = {
      version: 1,
      entries: [
        { keys: ['phone:+79161234567'], account: '@ivan:example.org', by: 'user', at },
        { keys: ['user:tg:user1001'], account: '@i.petrov:example.org', by: 'import', at },
      ],
    };
    expect(resolveAccounts(ids, map)).toEqual({ mapped: 0, conflicts: 1, unused: 0 });
    expect(ids[0]).toMatchObject({ account: null, mapping: null, conflict: ['@i.petrov:example.org', '@ivan:example.org'] });
  });

  it('a name finds only an entry stored by that name alone, and only when the name is the person’s own', () => {
    const ids = fresh();
    const map: IdentityMap = {
      version: 1,
      entries: [
        { keys: [nameKey('Пётр Сидоров')], account: '@petr:example.org', by: 'user', at },
        // stored with a phone: the name in it does not find Sergey (who has another phone here)
        { keys: ['phone:+79990000000', nameKey('Сергей Кузнецов')], account: '@sergey:example.org', by: 'user', at },
        { keys: ['sender:wa:name:оля'], account: '@olga:example.org', by: 'user', at },
      ],
    };
    expect(resolveAccounts(ids, map)).toEqual({ mapped: 2, conflicts: 0, unused: 1 });
    expect(ids.map((i) => i.account)).toEqual([null, null, null, '@olga:example.org', '@petr:example.org']);
  });

  it('re-attaches the account when the person gained keys from sources added since (and the name key still finds a name-only entry)', () => {
    const more = [...people, contact('vcard:new.vcf:0', 'Пётр Сидоров', ['+7 903 000-00-07'], ['petr@example.org'])];
    const ids = buildIdentities(more, components(more, [[0], [1], [2], [3], [4, 5]]));
    const map: IdentityMap = { version: 1, entries: [{ keys: [nameKey('Пётр Сидоров')], account: '@petr:example.org', by: 'user', at }] };
    expect(resolveAccounts(ids, map)).toMatchObject({ mapped: 1 });
    expect(ids[4]).toMatchObject({ account: '@petr:example.org', phones: ['+79030000007'], mapping: { matchedBy: [nameKey('Пётр Сидоров')] } });
    expect(ids[4]!.mapKeys).toEqual(['email:petr@example.org', 'phone:+79030000007']);
  });

  it('senderAccounts gives the upload step sender key → account', () => {
    const ids = fresh();
    resolveAccounts(ids, { version: 1, entries: [{ keys: ['sender:wa:name:оля'], account: '@olga:example.org', by: 'user', at }] });
    expect(senderAccounts(ids)).toEqual({ 'wa:name:оля': '@olga:example.org' });
  });
});
