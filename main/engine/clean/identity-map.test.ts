/**
 * The stored identity map: file mode and atomic writes, damaged files never overwritten, set and
 * clear by an identity's keys, serialised updates, and imports (CSV in the usual encodings and
 * delimiters, Russian headers, three JSON forms) with errors naming the line.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IdentityMap } from '../../../shared/model/index.js';
import {
  applyImport, clearIdentityAccount, clearMapping, IdentityMapError, importIdentityMapFile, parseIdentityMapImport, readIdentityMap, setIdentityAccount,
  setMapping, writeIdentityMap,
} from './identity-map.js';
import { nameSkeleton } from './names.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pereezd-idmap-'));
const at = '2025-06-01T12:00:00.000Z';
const ivan = { name: 'Иван Петров', mapKeys: ['phone:+79161234567', 'user:tg:user1001'], mapping: null };
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('the stored map', () => {
  it('a missing file is an empty map; writes are 0600 in a 0700 folder and read back the same', async () => {
    const dir = path.join(tmp(), 'config');
    const file = path.join(dir, 'identity-map.json');
    expect(await readIdentityMap(file)).toEqual({ version: 1, entries: [] });
    const map: IdentityMap = { version: 1, entries: [{ keys: ['phone:+79161234567'], account: '@ivan:example.org', by: 'user', at }] };
    await writeIdentityMap(file, map);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await readIdentityMap(file)).toEqual(map);
  });

  it('a damaged file is reported with its name and never overwritten', async () => {
    const file = path.join(tmp(), 'identity-map.json');
    writeFileSync(file, '{"version":1,"entries":[{"keys":["phone:+79161234567"],"account":"@ivan:example.org"');
    await expect(readIdentityMap(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    await expect(setIdentityAccount(file, ivan, '@ivan:example.org')).rejects.toBeInstanceOf(IdentityMapError);
    expect(readFileSync(file, 'utf8')).toContain('"account":"@ivan:example.org"'); // untouched
    writeFileSync(file, JSON.stringify({ version: 1, entries: [{ keys: ['phone:12'], account: '@ivan:example.org', by: 'user', at }] }));
    await expect(readIdentityMap(file)).rejects.toThrow(/not an identity map at entries\.0\.keys\.0/);
  });

  it('set, replace and clear one person; other people stay', async () => {
    const file = path.join(tmp(), 'identity-map.json');
    const olga = { name: 'Ольга', mapKeys: ['phone:+79031112233'], mapping: null };
    await setIdentityAccount(file, ivan, '@ivan:example.org', new Date(at));
    await setIdentityAccount(file, olga, 'olga@xmpp.example.org', new Date(at));
    await setIdentityAccount(file, ivan, ' @i.petrov:example.org ', new Date(at));
    expect((await readIdentityMap(file)).entries).toEqual([
      { keys: ['phone:+79031112233'], account: 'olga@xmpp.example.org', by: 'user', at },
      { keys: ['phone:+79161234567', 'user:tg:user1001'], account: '@i.petrov:example.org', by: 'user', at },
    ]);
    // an identity whose stored entry was found by an older key: clearing removes that entry too
    const later = { mapKeys: ['email:ivan@example.ru'], mapping: { account: '@i.petrov:example.org', by: 'user' as const, at, matchedBy: ['user:tg:user1001'] } };
    expect(await clearIdentityAccount(file, later)).toBe(1);
    expect((await readIdentityMap(file)).entries.map((e) => e.account)).toEqual(['olga@xmpp.example.org']);
  });

  it('refuses what is not an account, and a person with nothing of their own to be found by', () => {
    const empty: IdentityMap = { version: 1, entries: [] };
    expect(() => setMapping(empty, ivan, 'ivan', 'user', at)).toThrow(/not an account of the new service/);
    expect(() => setMapping(empty, ivan, '@ivan', 'user', at)).toThrow(/not an account/);
    expect(() => setMapping(empty, { name: 'Оля', mapKeys: [], mapping: null }, '@olga:example.org', 'user', at)).toThrow(/Оля: nothing of their own/);
    for (const ok of ['@ivan:example.org', '@ivan.petrov_1:matrix.example.org:8448', '@x:[::1]:8008', '@a:127.0.0.1', 'ivan@example.org']) {
      expect(setMapping(empty, ivan, ok, 'user', at).entries[0]!.account).toBe(ok);
    }
    expect(clearMapping(empty, ivan)).toEqual({ map: empty, removed: 0 });
  });

  it('updates one after another: none lost when many run at once', async () => {
    const file = path.join(tmp(), 'identity-map.json');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => setIdentityAccount(file, { name: `p${i}`, mapKeys: [`user:tg:user${i}`], mapping: null }, `@p${i}:example.org`)),
    );
    expect((await readIdentityMap(file)).entries.map((e) => e.account).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `@p${i}:example.org`).sort());
  });
});

describe('imports', () => {
  it('CSV with Russian headers, a semicolon delimiter, several values in a cell, 8/00/+7 phones and an empty account that clears', () => {
    const csv = [
      'ФИО;Телефон;Эл. почта;Аккаунт',
      'Иван Петров;8 (916) 123-45-67 | 00 7 916 7654321;Ivan.Petrov@Example.RU;@ivan:example.org',
      'Ольга Смирнова;+7 903 111-22-33;;',
      'Сергей Кузнецов;;;@sergey:example.org',
    ].join('\r\n');
    const r = parseIdentityMapImport(utf8(csv), 'RU');
    expect(r.errors).toEqual([]);
    expect(r.mappings).toEqual([
      {
        line: 2, account: '@ivan:example.org',
        keys: [`name:${nameSkeleton('Иван Петров').skeleton}`, 'phone:+79161234567', 'phone:+79167654321', 'email:ivan.petrov@example.ru'],
      },
      { line: 3, account: null, keys: [`name:${nameSkeleton('Ольга Смирнова').skeleton}`, 'phone:+79031112233'] },
      { line: 4, account: '@sergey:example.org', keys: [`name:${nameSkeleton('Сергей Кузнецов').skeleton}`] },
    ]);
    const stored: IdentityMap = { version: 1, entries: [{ keys: ['phone:+79031112233'], account: '@olga:example.org', by: 'user', at }] };
    const applied = applyImport(stored, r.mappings, at);
    expect(applied.result).toEqual({ set: 2, cleared: 1, replaced: 1 });
    // a name beside other keys is not stored (it would only ever be used alone); a name alone is
    expect(applied.map.entries).toEqual([
      { keys: ['phone:+79161234567', 'phone:+79167654321', 'email:ivan.petrov@example.ru'], account: '@ivan:example.org', by: 'import', at },
      { keys: [`name:${nameSkeleton('Сергей Кузнецов').skeleton}`], account: '@sergey:example.org', by: 'import', at },
    ]);
  });

  it('CSV in Windows-1251 and in UTF-16 with a BOM read the same as UTF-8', () => {
    const text = 'account,phone,user id\r\n@ivan:example.org,+7 916 123-45-67,tg:user1001\r\n';
    // "Имя" and "Иван Петров" in Windows-1251 bytes
    const win = Buffer.concat([
      Buffer.from([0xc8, 0xec, 0xff]), Buffer.from(',account\r\n'), Buffer.from([0xc8, 0xe2, 0xe0, 0xed, 0x20, 0xcf, 0xe5, 0xf2, 0xf0, 0xee, 0xe2]),
      Buffer.from(',@ivan:example.org\r\n'),
    ]);
    expect(parseIdentityMapImport(win, 'RU').mappings).toEqual([{ line: 2, account: '@ivan:example.org', keys: [`name:${nameSkeleton('Иван Петров').skeleton}`] }]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(parseIdentityMapImport(utf16, 'RU')).toEqual(parseIdentityMapImport(utf8(text), 'RU'));
    expect(parseIdentityMapImport(utf8(text), 'RU').mappings).toEqual([{ line: 2, account: '@ivan:example.org', keys: ['phone:+79161234567', 'user:tg:user1001'] }]);
  });

  it('JSON: a key → account object, an array of people, and a stored map', () => {
    const obj = parseIdentityMapImport(
      utf8(JSON.stringify({ '+7 916 123-45-67': '@ivan:example.org', 'olga@example.com': '@olga:example.org', 'tg:user1003': '@john:example.org', 'handle:telegram:msokolova': '@maria:example.org' })),
      'RU',
    );
    expect(obj).toEqual({
      errors: [],
      mappings: [
        { line: 1, account: '@ivan:example.org', keys: ['phone:+79161234567'] },
        { line: 2, account: '@olga:example.org', keys: ['email:olga@example.com'] },
        { line: 3, account: '@john:example.org', keys: ['user:tg:user1003'] },
        { line: 4, account: '@maria:example.org', keys: ['handle:telegram:msokolova'] },
      ],
    });
    const arr = parseIdentityMapImport(utf8(JSON.stringify([{ account: '@ivan:example.org', phones: ['8 916 123-45-67'], emails: 'ivan@example.ru', handle: 'telegram:@IvanP' }])), 'RU');
    expect(arr.mappings).toEqual([{ line: 1, account: '@ivan:example.org', keys: ['phone:+79161234567', 'email:ivan@example.ru', 'handle:telegram:ivanp'] }]);
    const stored: IdentityMap = { version: 1, entries: [{ keys: ['user:slack:U01IVAN'], account: '@ivan:example.org', by: 'user', at }] };
    expect(parseIdentityMapImport(utf8(JSON.stringify(stored)), 'RU').mappings).toEqual([{ line: 1, account: '@ivan:example.org', keys: ['user:slack:U01IVAN'] }]);
  });

  it('bad input: every problem named with its line; nothing imported', async () => {
    const csv = [
      'name,phone,account', 'Иван,12,@ivan:example.org', 'Ольга Смирнова,+7 903 111-22-33,olga', ',,@nobody:example.org', 'Пётр Сидоров,,@petr:example.org',
      'Оля,,@olga:example.org', 'Оля,+7 903 111-22-33,@olga:example.org',
    ].join('\n');
    const parsed = parseIdentityMapImport(utf8(csv), 'RU');
    expect(parsed.errors).toEqual([
      { line: 2, message: 'phone 12: not a number that can be written in international form' },
      { line: 3, message: expect.stringMatching(/^olga: not an account of the new service/) },
      { line: 4, message: 'no phone, e-mail, user id, username, name or key on this line' },
      { line: 6, message: 'name Оля: a full name (first and last) is needed to find a person by name' },
    ]);
    // a first name beside a phone is simply not used
    expect(parsed.mappings.at(-1)).toEqual({ line: 7, account: '@olga:example.org', keys: ['phone:+79031112233'] });
    expect(parseIdentityMapImport(utf8('phone,email\n+79161234567,a@b.ru\n'), 'RU').errors[0]!.message).toMatch(/^no account column in the header \(phone, email\)/);
    expect(parseIdentityMapImport(utf8('account\n@a:b.org\n'), 'RU').errors[0]!.message).toMatch(/^no column to find people by/);
    expect(parseIdentityMapImport(utf8('{"ivan": "@ivan:example.org"'), 'RU').errors[0]!.message).toMatch(/^not valid JSON/);
    expect(parseIdentityMapImport(utf8('{"ivan": "@ivan:example.org", "+79161234567": 5}'), 'RU').errors).toEqual([
      { line: 1, message: 'ivan: cannot tell what this is (a phone, an e-mail, a user id like tg:user1001, or a key like handle:telegram:ivan)' },
      { line: 2, message: '"+79161234567": the account must be text' },
    ]);
    const dir = tmp();
    const mapFile = path.join(dir, 'identity-map.json');
    await expect(importIdentityMapFile(mapFile, 'people.csv', utf8(csv), 'RU')).rejects.toThrow(/^people\.csv:2: phone 12: not a number/);
    expect(await readIdentityMap(mapFile)).toEqual({ version: 1, entries: [] });
    const ok = await importIdentityMapFile(mapFile, 'people.csv', utf8('phone,account\n+79161234567,@ivan:example.org\n'), 'RU', new Date(at));
    expect(ok).toEqual({ set: 1, cleared: 0, replaced: 0 });
    expect(await readIdentityMap(mapFile)).toEqual({ version: 1, entries: [{ keys: ['phone:+79161234567'], account: '@ivan:example.org', by: 'import', at }] });
  });
});
